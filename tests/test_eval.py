"""`cleaner eval` and the scoring functions, on both gold formats."""
import json

from click.testing import CliRunner

from cleaner.cli import main
from cleaner.evaluate import shingle_counts, shingle_score, snippet_score

BODY = "The council approved the new budget on Tuesday after a long debate about schools and roads."


def test_shingle_scoring_follows_the_published_method():
    assert shingle_counts(BODY, BODY) == (1.0, 0.0, 0.0)
    tp, fp, fn = shingle_counts(BODY, BODY + " Subscribe to our newsletter today for more news")
    assert round(tp + fp + fn, 9) == 1.0 and fp > 0 and fn == 0
    # empty output: no precision for that document, recall 0; averages over documents (macro)
    s = shingle_score([(BODY, BODY), (BODY, "")])
    assert s.precision == 1.0 and s.recall == 0.5 and round(s.f1, 4) == 0.6667


def test_snippet_scoring_is_micro_averaged_and_whitespace_normalised():
    s = snippet_score([("The council  approved\nthe budget", ["council approved the budget"], ["Subscribe"]),
                       ("Subscribe now", ["Missing sentence"], ["Subscribe"])])
    assert (s.precision, s.recall) == (0.5, 0.5)


def test_cleaner_eval_on_both_gold_formats(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("\n".join(json.dumps(r) for r in [
        {"source": "pages/abc.html.gz", "url": None, "text": BODY},
        {"source": "pages/x1.html", "url": "https://example.org/b", "text": "Half of it: the council approved"},
    ]) + "\n")
    sh = tmp_path / "ground-truth.json"
    sh.write_text(json.dumps({"abc": {"articleBody": BODY, "url": "https://example.org/a"},
                              "zzz": {"articleBody": "other", "url": "https://example.org/b"}}))
    r = CliRunner().invoke(main, ["eval", str(out), "--gold", str(sh)])
    assert r.exit_code == 0, r.output
    assert "2 documents scored (word 4-gram shingles" in r.output
    td = tmp_path / "evaldata.json"
    td.write_text(json.dumps({"https://example.org/a": {"file": "abc.html.gz", "with": ["new budget on Tuesday"],
                                                        "without": ["newsletter"]}}))
    r = CliRunner().invoke(main, ["eval", str(out), "--gold", str(td)])
    assert r.exit_code == 0, r.output
    assert "1 documents scored (snippets" in r.output and "F1 1.0000" in r.output
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert CliRunner().invoke(main, ["eval", str(out), "--gold", str(bad)]).exit_code != 0
