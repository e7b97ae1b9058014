"""The compiled per-block counts, topic words and duplicate keys (cleaner/_blockstats.c via
blockstats.py) equal the pure-Python reference for every code point, on adversarial strings and on the raw/ pages' feature matrices;
block_features and _own use them; the package falls back to the reference when the extension is
missing, stale or disabled with CLEANER_NO_EXT=1.

The C source is compiled here into a temporary folder (with setup.py's warning flags), so the
tests check the source in the checkout whether or not the installed build is current."""

from __future__ import annotations

import importlib.util
import os
import random
import shutil
import subprocess
import sys
import sysconfig
import tracemalloc
import unicodedata

import numpy as np
import pytest

from cleaner import Cleaner, blockstats
from cleaner.classify import annotate, block_features, norm_key, segment_text
from cleaner.document import Block
from cleaner.model import features
from cleaner.model.features import page_features
from conftest import ROOT

SOURCE = ROOT / "cleaner" / "_blockstats.c"
#: the warning flags the build must pass (setup.py's GCC_FLAGS)
FLAGS = ["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off"]
#: code points per string when every code point is checked (small: a sum of flags over a chunk
#: can only hide errors that cancel inside it, and the chunkings below differ)
CHUNK = 61
#: characters with a part in one of the patterns, and some that are easy to get wrong
TRICKY = (
    list(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2028\u2029\u202f\u3000\u200b\ufeff")
    + list(".!?…:;\"“”»«'’),|›•·/>„_-@")
    + [
        "http://",
        "https://",
        "HTTPS://",
        "httpſ://",
        "www.",
        "WwW.",
        "ſ",
        "K",
        "İ",
        "ß",
        "ǅ",
        "Σ",
        "ς",
        "ﬁ",
        "²",
        "½",
        "٣",
        "Ⅻ",
        "\u0301",
        "e\u0301",
        "\ud800",
        "\udfff",
        "\U0001d400",
        "\U0001f600",
        "日",
        "本",
        "カ",
        "ｶ",
        "한",
        "ー",
        "\u3040",
        "\u30ff",
        "\u4dbf",
        "\ufaff",
        "a",
        "B",
        "7",
        "x",
        "Der",
        "die",
        "und",
        "THE",
        "\x00",
    ]
)
STOPWORDS = frozenset({"der", "die", "und", "the", "a", "日", "本", "i̇", "ß", "x", "ſ"})
#: a stopword index (word -> languages) as ruleset.Rules.stop_index holds one
INDEX = {w: ("de", "en") if k % 2 else ("de",) for k, w in enumerate(sorted(STOPWORDS))}


@pytest.fixture(scope="module")
def ext(tmp_path_factory):
    """The extension compiled from the source in the checkout (warnings fail the build)."""
    if shutil.which("gcc") is None:
        pytest.skip("no gcc")
    out = tmp_path_factory.mktemp("ext") / ("_blockstats" + sysconfig.get_config_var("EXT_SUFFIX"))
    result = subprocess.run(
        ["gcc", *FLAGS, "-fPIC", "-shared", f"-I{sysconfig.get_paths()['include']}", str(SOURCE), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    spec = importlib.util.spec_from_file_location("_blockstats", out)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.ABI_VERSION == blockstats.ABI_VERSION
    return module


def _typed(measured: list[tuple[dict, tuple, str, tuple]]) -> list:
    """line_pass' results with every value's type beside it (True == 1 and 0 == 0.0 in Python),
    the model's numbers by repr (exact bits, -0.0 apart from 0.0)."""
    return [
        (
            [(k, type(v), v) for k, v in features.items()],
            [(type(c), c) for c in counts],
            type(key),
            key,
            [(type(x), repr(x)) for x in numbers],
        )
        for features, counts, key, numbers in measured
    ]


def _same(ext, text: str, stopwords=STOPWORDS) -> None:
    assert ext.block_counts(text, stopwords) == blockstats.block_counts_py(text, stopwords), repr(text[:200])
    assert ext.own_counts(text) == blockstats.own_counts_py(text), repr(text[:200])
    for min_chars in (1, 4):
        words = ext.content_words(text, stopwords, min_chars)
        assert words == blockstats.content_words_py(text, stopwords, min_chars), repr(text[:200])
    assert ext.stopword_votes(text, INDEX) == blockstats.stopword_votes_py(text, INDEX), repr(text[:200])
    assert _typed(ext.line_pass([text], stopwords)) == _typed(blockstats.line_pass_py([text], stopwords)), repr(
        text[:200]
    )
    # the same through WordTables (looked up by code points, no substring made)
    table, index = ext.WordTable(dict.fromkeys(stopwords, True)), ext.WordTable(INDEX)
    assert ext.block_counts(text, table) == blockstats.block_counts_py(text, stopwords), repr(text[:200])
    assert ext.content_words(text, table, 1) == blockstats.content_words_py(text, stopwords, 1), repr(text[:200])
    assert ext.stopword_votes(text, index) == blockstats.stopword_votes_py(text, INDEX), repr(text[:200])
    assert _typed(ext.line_pass([text], table)) == _typed(blockstats.line_pass_py([text], stopwords)), repr(text[:200])
    assert ext.needs_scrub(text) is blockstats.needs_scrub_py(text), repr(text[:200])
    for ch in (text[:1], text[-1:], text[len(text) // 2 : len(text) // 2 + 1]):  # one character alone, of each width
        assert ext.needs_scrub(ch) is blockstats.needs_scrub_py(ch), repr(ch)
    key, reference = ext.norm_key(text), blockstats.norm_key_py(text)
    # equal, and in the same (canonical, narrowest) storage: sizes differ between the kinds
    assert key == reference and sys.getsizeof(key) == sys.getsizeof(reference), repr(text[:200])


def test_every_code_point_counts_as_the_reference(ext):
    """Every assigned code point of 0..0x10FFFF and the surrogates, and every 61st unassigned or
    private-use one (those share all their properties), in chunks: as a run, each one between
    spaces, and each after a separator, a sentence mark and a URL prefix."""
    points = [c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) not in ("Cn", "Co") or c % 61 == 0]
    assert len(points) > 160_000
    for start in range(0, len(points), CHUNK):
        chars = [chr(c) for c in points[start : start + CHUNK]]
        _same(ext, "".join(chars))
        _same(ext, " ".join(chars))
        _same(ext, "".join(f"x.{c}| {c}www.{c}" for c in chars))
        stop = frozenset(c.lower() for c in chars[::3])
        assert ext.block_counts(" ".join(chars), stop) == blockstats.block_counts_py(" ".join(chars), stop)
        assert ext.content_words(" ".join(chars), stop, 1) == blockstats.content_words_py(" ".join(chars), stop, 1)
        table = ext.WordTable(dict.fromkeys(stop, True))
        assert ext.block_counts(" ".join(chars), table) == blockstats.block_counts_py(" ".join(chars), stop)
        assert ext.content_words(" ".join(chars), table, 1) == blockstats.content_words_py(" ".join(chars), stop, 1)
        index = {w: ("x",) for w in stop}
        assert ext.stopword_votes(" ".join(chars), index) == blockstats.stopword_votes_py(" ".join(chars), index)


def test_each_code_point_alone_needs_scrubbing_as_the_pattern_says(ext):
    import trafilatura.utils

    theirs = trafilatura.utils.INVALID_XML_CHARS  # what xml_invalid stands for
    assert (blockstats.XML_INVALID.pattern, blockstats.XML_INVALID.flags) == (theirs.pattern, theirs.flags)
    for c in range(sys.maxunicode + 1):
        ch = chr(c)
        assert ext.xml_invalid(ch) is blockstats.xml_invalid_py(ch), hex(c)
        assert ext.xml_invalid("ab" + ch + "cd") is blockstats.xml_invalid_py(ch), hex(c)
        assert ext.needs_scrub(ch) is blockstats.needs_scrub_py(ch), hex(c)
        assert ext.needs_scrub("ab" + ch + "cd") is blockstats.needs_scrub_py(ch), hex(c)  # (in the storage of ch)


def test_adversarial_strings_count_as_the_reference(ext):
    rng = random.Random(29)
    fixed = [
        "",
        " ",
        "\n",
        ".",
        ".\n",
        "a.\n",
        "a.\n\n",
        "a\n.",
        "…",
        ". .",
        "a | | b",
        " | | | ",
        " |  | ",
        "x /\t> y",
        "https://",
        "https://a",
        "http://",
        "http:// x",
        "httpſ://a",
        "xwww.a",
        "www.www.x",
        "www.",
        "www. x",
        "ahttps://x www.y.de\u3000z http://a\x85b",
        "WWW.A.DE",
        "İstanbul İİ",
        "straße STRASSE",
        "日本語のテキスト",
        "ｶﾀｶﾅ half",
        "한국어 문장",
        "abc日def本",
        "e\u0301\u0301 a\u0300",
        "\ud800\udc00 \udfff\ud800",
        "² ½ ٣ Ⅻ",
        '„Zitat“ «x» »y« "z"',
        "a,b,,c",
        "_ __ a_b",
        "Ⅻ. Ⅷ! ⅱ?",
        "1,5 Mio. € (2024).",
    ]
    for text in fixed:
        _same(ext, text)
        _same(ext, text * 3)
    for _ in range(4000):
        text = "".join(rng.choice(TRICKY) for _ in range(rng.randint(1, 40)))
        _same(ext, text)


def test_parts_in_finds_what_the_reference_finds(ext):
    """The merged-copy search: shorter parts inside a key, on random strings of the tricky
    characters (every storage width, empty parts, parts as long as the key) and its errors."""
    rng = random.Random(401)
    for _ in range(3000):
        key = "".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 30)))
        parts = [key[a:b] for a, b in sorted((rng.randint(0, len(key)), rng.randint(0, len(key))) for _ in range(4))]
        parts += ["".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 3))) for _ in range(4)] + [key, key + "x"]
        assert ext.parts_in(key, parts) == blockstats.parts_in_py(key, parts), (key, parts)
    assert ext.parts_in("der hund", ("der", "hund", "der hund", "katze")) == [0, 1]
    with pytest.raises(TypeError):
        ext.parts_in("abc", ["a", 3])
    with pytest.raises(TypeError):
        ext.parts_in(b"abc", ["a"])
    with pytest.raises(TypeError):
        ext.needs_scrub(b"\x00")
    with pytest.raises(TypeError):
        ext.xml_invalid(None)


def test_huge_strings_count_as_the_reference(ext):
    """Long runs of each storage width (1, 2, 4 bytes per character), one token of most of a
    megabyte (each far past any 16-bit count)."""
    for text in (
        "a" * 750_000,
        "日" * 500_000,
        "\U0001d400" * 250_000,
        ("Der Text. " * 75_000) + "ſ",
        "https://" + "x" * 500_000,
        " " * 500_000,
    ):
        _same(ext, text)


def test_stopword_containers_and_errors_behave_as_in_python(ext):
    text = "Die Katze und der Hund"
    for stop in (set(STOPWORDS), dict.fromkeys(STOPWORDS), sorted(STOPWORDS), frozenset()):
        assert ext.block_counts(text, stop) == blockstats.block_counts_py(text, stop)

    class Broken:
        def __contains__(self, word):
            raise RuntimeError("broken stoplist")

    with pytest.raises(RuntimeError, match="broken stoplist"):
        ext.block_counts(text, Broken())
    with pytest.raises(TypeError):
        ext.block_counts(b"bytes", STOPWORDS)
    with pytest.raises(TypeError):
        ext.own_counts(None)
    with pytest.raises(TypeError):
        ext.block_counts(text)
    with pytest.raises(TypeError):
        ext.content_words(text, STOPWORDS)
    with pytest.raises(TypeError):
        ext.content_words(text, STOPWORDS, "4")
    with pytest.raises(TypeError):
        ext.norm_key(3)
    with pytest.raises(TypeError):
        ext.stopword_votes(text, list(INDEX))  # the index is a dict
    with pytest.raises(TypeError):
        ext.stopword_votes(text, {"katze": ["de"]})  # of tuples
    with pytest.raises(RuntimeError, match="broken stoplist"):
        ext.content_words(text, Broken(), 1)
    with pytest.raises(RuntimeError, match="broken stoplist"):
        ext.line_pass(["a", text], Broken())
    with pytest.raises(TypeError):
        ext.line_pass(["a", b"bytes"], STOPWORDS)
    with pytest.raises(TypeError):
        ext.line_pass(3, STOPWORDS)
    with pytest.raises(TypeError):
        ext.line_pass(["a"])
    assert ext.line_pass([], STOPWORDS) == []
    assert ext.line_pass(("Der Hund", "x"), STOPWORDS) == blockstats.line_pass_py(("Der Hund", "x"), STOPWORDS)

    class Shouting(str):
        def lower(self):
            return "die und"

    assert ext.block_counts(Shouting("ABC"), STOPWORDS) == blockstats.block_counts_py(Shouting("ABC"), STOPWORDS)
    assert ext.norm_key(Shouting("ABC")) == blockstats.norm_key_py(Shouting("ABC")) == "die und"


def test_the_counts_leak_no_memory(ext):
    """Word strings made for the stopword lookups, lower-cased copies and result tuples are freed."""
    text = "Die Katze und der Hund, https://x.de ſ İ 日本 " * 20
    for _ in range(200):
        (
            ext.block_counts(text, STOPWORDS),
            ext.own_counts(text),
            ext.content_words(text, STOPWORDS, 2),
            ext.norm_key(text),
        )
        ext.stopword_votes(text, INDEX), ext.line_pass([text, "x"], STOPWORDS)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(4_000):  # a leak of 16 bytes a round would pass the bound
            (
                ext.block_counts(text, STOPWORDS),
                ext.own_counts(text),
                ext.content_words(text, STOPWORDS, 2),
                ext.norm_key(text),
            )
            ext.stopword_votes(text, INDEX), ext.line_pass([text, "x"], STOPWORDS)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 64_000, grown


def _raw_pages() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((ROOT / "raw").glob("*.txt"))]


def _matrices(cleaner: Cleaner, pages: list[str]) -> list[tuple[list[dict], np.ndarray]]:
    out = []
    for text in pages:
        rules = cleaner.rules_for(text)
        blocks = segment_text(text)
        annotate(blocks, rules)  # (no memory of verdicts: they would carry the other path's features)
        out.append(([b.features for b in blocks], page_features(blocks, rules, "text")))
    return out


def test_feature_matrices_of_the_raw_pages_are_identical(ext, monkeypatch):
    """block_features and page_features with the compiled counts and with the reference: the same
    values, bit for bit, on every raw/ page."""
    cleaner, pages = Cleaner(), _raw_pages()
    assert pages
    monkeypatch.setattr(blockstats, "block_counts", blockstats.block_counts_py)
    monkeypatch.setattr(blockstats, "own_counts", blockstats.own_counts_py)
    monkeypatch.setattr(blockstats, "content_words", blockstats.content_words_py)
    monkeypatch.setattr(blockstats, "norm_key", blockstats.norm_key_py)
    monkeypatch.setattr(blockstats, "line_pass", blockstats.line_pass_py)
    reference = _matrices(cleaner, pages)
    for name in ("block_counts", "own_counts", "content_words", "norm_key", "line_pass"):
        monkeypatch.setattr(blockstats, name, getattr(ext, name))
    compiled = _matrices(cleaner, pages)
    for (f_ref, a_ref), (f_c, a_c) in zip(reference, compiled):
        assert f_ref == f_c and [list(map(type, f.values())) for f in f_ref] == [
            list(map(type, f.values())) for f in f_c
        ]
        assert a_ref.shape == a_c.shape and a_ref.tobytes() == a_c.tobytes()


def test_block_features_and_own_take_their_counts_from_blockstats(monkeypatch):
    """The feature code calls the switchable counts (so the compiled pass is what runs)."""
    calls = []
    monkeypatch.setattr(
        blockstats, "block_counts", lambda t, s: calls.append("block") or blockstats.block_counts_py(t, s)
    )
    monkeypatch.setattr(blockstats, "own_counts", lambda t: calls.append("own") or blockstats.own_counts_py(t))
    rules = Cleaner().rules_for("Der Hund und die Katze.")
    b = Block(0, "Der Hund und die Katze sind 2024 in https://x.de zu sehen.", 1)
    b.features = block_features(b, rules)
    words = "der hund und die katze sind 2024 in https x de zu sehen".split()  # counted by hand
    hits = sum(w in rules.stopwords for w in words)
    assert b.features == {
        "chars": 58,
        "words": 13,
        "stopword_density": round(hits / 13, 4),
        "link_density": round(12 / 58, 4),
        "ends_sentence": True,
        "digit_ratio": round(4 / 58, 4),
    }
    b.cf_class = "short"
    row = features._own(b, rules, 0, 1, 0, 58, 0, False)
    assert calls == ["block", "own"]
    monkeypatch.setattr(blockstats, "norm_key", lambda t: calls.append("key") or blockstats.norm_key_py(t))
    monkeypatch.setattr(
        blockstats, "content_words", lambda t, s, m: calls.append("topic") or blockstats.content_words_py(t, s, m)
    )
    assert norm_key("  Der_Hund, DIE Katze! ") == "der hund die katze" and calls[-1] == "key"
    assert features.topic_overlap([b] * 6, [True] * 6, rules.stopwords).tolist() == [1.0] * 6 and calls[-1] == "topic"
    assert (row["sentences"], row["mean_word_len"], row["upper_ratio"], row["punct_ratio"]) == (
        1,
        48 / 11,
        3 / 39,
        5 / 58,
    )


def test_the_rules_stage_measures_new_lines_in_one_call_and_the_model_reads_them(monkeypatch):
    """annotate measures a page's new lines with one blockstats.line_pass call; the blocks carry its
    own counts and keys, and page_features and the duplicate stage use them instead of counting again."""
    calls = []
    monkeypatch.setattr(blockstats, "line_pass", lambda ts, s: calls.append(list(ts)) or blockstats.line_pass_py(ts, s))
    text = "Der Hund und die Katze sind im Garten und spielen dort den ganzen Tag.\n\nImpressum\n\nDer Hund und die Katze sind im Garten und spielen dort den ganzen Tag."
    rules = Cleaner().rules_for(text)
    memory: dict = {}
    blocks = segment_text(text)
    annotate(blocks, rules, verdicts=memory)
    assert calls == [[blocks[0].text, blocks[1].text]]  # the repeated line once
    assert all(b.counts == blockstats.own_counts_py(b.text) and b.key == blockstats.norm_key_py(b.text) for b in blocks)
    assert blocks[2].category == "duplicate"
    monkeypatch.setattr(blockstats, "own_counts", lambda t: pytest.fail("counted again"))
    monkeypatch.setattr(blockstats, "norm_key", lambda t: pytest.fail("keyed again"))
    assert page_features(blocks, rules, "text").shape[0] == 3
    annotate(segment_text(text), rules, verdicts=memory)  # remembered verdicts: no new line, no call
    assert len(calls) == 1


@pytest.mark.skipif(shutil.which("gcc") is None, reason="no gcc")
def test_the_checkout_uses_the_compiled_counts():
    """With a compiler present the extension was built from this source and is in use (unless
    CLEANER_NO_EXT is set)."""
    if os.environ.get(blockstats.NO_EXT_ENV, "") not in ("", "0"):
        pytest.skip("CLEANER_NO_EXT is set")
    assert blockstats._blockstats is not None, "run: pip install -e . (the extension is built at install)"
    assert blockstats.compiled_available(), "the extension is stale: run pip install -e . again"
    assert blockstats.COMPILED and blockstats.own_counts is blockstats._blockstats.own_counts


def test_a_stale_or_missing_extension_is_not_used(monkeypatch):
    if blockstats._blockstats is not None:
        monkeypatch.setattr(blockstats._blockstats, "SOURCE_SHA256", "0" * 64)
        assert not blockstats.compiled_available()
    monkeypatch.setattr(blockstats, "_blockstats", None)
    try:
        assert not blockstats.use_compiled(True)
        assert blockstats.block_counts is blockstats.block_counts_py
        assert blockstats.own_counts is blockstats.own_counts_py
        assert blockstats.content_words is blockstats.content_words_py and blockstats.norm_key is blockstats.norm_key_py
        assert (
            blockstats.stopword_votes is blockstats.stopword_votes_py
            and blockstats.line_pass is blockstats.line_pass_py
        )
        assert blockstats.parts_in is blockstats.parts_in_py and blockstats.needs_scrub is blockstats.needs_scrub_py
        assert blockstats.xml_invalid is blockstats.xml_invalid_py
    finally:
        monkeypatch.undo()
        blockstats.use_compiled(True)


def test_cleaner_no_ext_disables_the_extension_and_cleans_the_same(tmp_path):
    """CLEANER_NO_EXT=1: the reference counts are used, and the records are the same bytes."""
    script = (
        "import sys\n"
        "from cleaner import blockstats\n"
        "print(blockstats.COMPILED)\n"
        "from cleaner.cli import main\n"
        "sys.argv = ['cleaner', 'clean', 'raw/', '-o', sys.argv[1], '--workers', '1', '--no-progress']\n"
        "main()\n"
    )
    outputs = {}
    for flag in ("1", "0"):
        env = {**os.environ, "PYTHONPATH": str(ROOT), blockstats.NO_EXT_ENV: flag}
        out = tmp_path / f"no-ext-{flag}.jsonl"
        result = subprocess.run(
            [sys.executable, "-c", script, str(out)], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        outputs[flag] = (result.stdout.split()[0], out.read_bytes())
    assert outputs["1"][0] == "False"
    assert outputs["0"][0] == str(blockstats.compiled_available())
    assert outputs["1"][1] == outputs["0"][1]


def test_the_rule_language_votes_of_the_raw_pages_are_the_reference(ext):
    """The stopword vote with the packaged index (26 languages, shared words) on every raw/ page."""
    rules = Cleaner().rules
    index = {}  # the packaged index as a dict (rules.stop_index is the installed extension's WordTable)
    for lang in sorted(rules.languages):
        for w in rules.languages[lang].stopwords:
            index.setdefault(w, []).append(lang)
    index = {w: tuple(v) for w, v in index.items()}
    assert all(rules.stop_index.get(w) == langs for w, langs in index.items())
    table = ext.WordTable(index)
    for text in _raw_pages():
        votes = ext.stopword_votes(text, index)
        assert votes == blockstats.stopword_votes_py(text, index) and sum(votes.values()) > 50
        assert list(ext.stopword_votes(text, table).items()) == list(votes.items())


def test_the_vote_tallies_languages_as_the_reference_dict_does(ext):
    """Votes in the order languages first got one (items compared, not only the dict), with
    languages that are equal but not the same object, and with more languages than the compiled
    tally holds (the rest go through a dict)."""
    words = [f"w{k}" for k in range(150)]
    many = {w: (f"l{k}", f"l{k // 2}", "de") for k, w in enumerate(words)}
    equal = {"der": ("de",), "die": ("".join(["d", "e"]),), "the": ("en", "d" + "e")}
    for index in (many, equal, INDEX):
        for text in (
            " ".join(words),
            " ".join(reversed(words)) + " w3 w3",
            "der die the die",
            "Der Hund und die Katze ſ",
        ):
            got, want = ext.stopword_votes(text, index), blockstats.stopword_votes_py(text, index)
            assert list(got.items()) == list(want.items()), text[:40]
    assert len(ext.stopword_votes(" ".join(words), many)) == 151

    class Odd(str):
        def __eq__(self, other):
            many.clear()  # changes the index while the vote runs: no crash, Python's answer
            return str.__eq__(self, other)

        __hash__ = str.__hash__

    index = {"a1": (Odd("x"),), "b1": ("x",), "c1": ("y",)}
    assert ext.stopword_votes("a1 b1 c1 b1", index) == blockstats.stopword_votes_py("a1 b1 c1 b1", index)


def test_remembered_ratios_are_the_rounded_ratios_of_their_own_counts(ext):
    """The compiled pass remembers rounded ratios by (numerator, denominator) in a direct-mapped
    table: every pair of counts up to 80 words (many share a slot), in two orders, gives Python's
    round(num / den, 4) with the right type, the first time and again."""
    texts = [
        " ".join(["der"] * hits + ["Hund"] * (words - hits)) + " 7" * digits
        for words in range(1, 81)
        for hits in range(0, words + 1, 3)
        for digits in (0, 1, 5)
    ]
    want = _typed(blockstats.line_pass_py(texts, STOPWORDS))
    for order in (texts, texts[::-1], texts):
        got = _typed(ext.line_pass(order, STOPWORDS))
        assert got == (want if order is texts else want[::-1])


def test_word_table_answers_as_its_dict(ext):
    """A WordTable finds exactly its dict's keys (every storage width, the empty word, words that
    share hash slots) and gives their values; the reference functions read it as the dict."""
    words = {
        w: (i,)
        for i, w in enumerate(
            ["der", "die", "dér", "日本", "\U0001f600x", "", "ß", "ss", "i̇"] + [f"w{k}" for k in range(500)]
        )
    }
    table = ext.WordTable(words)
    assert len(table) == len(words)
    probes = list(words) + ["de", "derr", "DER", "日", "\U0001f600", "w500", "x", "s", "i"]
    for w in probes:
        assert (w in table) is (w in words), w
        assert table.get(w) == words.get(w) and table.get(w, "no") == words.get(w, "no"), w
    assert 3 not in table and table.get(b"der") is None
    with pytest.raises(TypeError):
        ext.WordTable({b"der": 1})
    with pytest.raises(TypeError):
        ext.WordTable(["der"])
    with pytest.raises(TypeError):
        ext.stopword_votes("der", ["der"])
    text = "Der Hund und die Katze, dér 日本 ß"
    stop = frozenset(words)
    assert blockstats.block_counts_py(text, table) == blockstats.block_counts_py(text, stop)
    assert blockstats.stopword_votes_py(text, table) == blockstats.stopword_votes_py(text, words)
    assert ext.WordTable({}).get("x") is None and "x" not in ext.WordTable({})
