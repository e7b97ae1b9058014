"""`cleaner eval` and the scoring functions, on every gold format."""

import json

from click.testing import CliRunner

from cleaner.cli import main
from cleaner.evaluate import shingle_counts, shingle_score, snippet_score, word_counts, word_score

BODY = "The council approved the new budget on Tuesday after a long debate about schools and roads."


def test_shingle_scoring_follows_the_published_method():
    assert shingle_counts(BODY, BODY) == (1.0, 0.0, 0.0)
    tp, fp, fn = shingle_counts(BODY, BODY + " Subscribe to our newsletter today for more news")
    assert round(tp + fp + fn, 9) == 1.0 and fp > 0 and fn == 0
    # empty output: no precision for that document, recall 0; averages over documents (macro)
    s = shingle_score([(BODY, BODY), (BODY, "")])
    assert s.precision == 1.0 and s.recall == 0.5 and round(s.f1, 4) == 0.6667


def test_snippet_scoring_is_micro_averaged_and_whitespace_normalised():
    s = snippet_score(
        [
            ("The council  approved\nthe budget", ["council approved the budget"], ["Subscribe"]),
            ("Subscribe now", ["Missing sentence"], ["Subscribe"]),
        ]
    )
    assert (s.precision, s.recall) == (0.5, 0.5)


def test_word_scoring_follows_wcxb():
    # a bag of lower-cased words: order does not matter, repeats count, case does not
    assert word_counts("the cat sat", "Sat the CAT") == (1.0, 1.0, 1.0)
    p, r, f = word_counts("the cat sat on the mat", "the the the cat")
    assert (p, r) == (3 / 4, 3 / 6) and round(f, 4) == 0.6
    # an empty gold (a single-page app): right only when the output is empty too
    assert word_counts("", "") == (1.0, 1.0, 1.0) and word_counts("", "menu") == (0.0, 0.0, 0.0)
    assert word_counts("text", "") == (0.0, 0.0, 0.0)
    # each document's F1, averaged (not the F1 of averaged precision and recall)
    s = word_score([("a b", "a b"), ("a b", "a")])
    assert s.docs == 2 and s.precision == 1.0 and s.recall == 0.75 and round(s.f1, 4) == round((1 + 2 / 3) / 2, 4)


def test_cleaner_eval_scores_wcxb_gold_by_words_or_snippets(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text(json.dumps({"source": "wcxb/0007.html.gz", "text": BODY + " Subscribe"}) + "\n")
    gold = tmp_path / "ground-truth.json"
    entry = {"articleBody": BODY, "page_type": "article", "with": ["new budget on Tuesday"], "without": ["Subscribe"]}
    gold.write_text(json.dumps({"0007": entry}))
    r = CliRunner().invoke(main, ["eval", str(out), "--gold", str(gold)])
    assert r.exit_code == 0, r.output
    assert "(bag of words per document, averaged (WCXB))" in r.output and "recall 1.0000" in r.output
    assert "precision 0.9412" in r.output  # 16 of 17 words
    r = CliRunner().invoke(main, ["eval", str(out), "--gold", str(gold), "--metric", "snippets"])
    assert r.exit_code == 0 and "precision 0.5000" in r.output, r.output
    del entry["page_type"]
    gold.write_text(json.dumps({"0007": {k: v for k, v in entry.items() if k not in ("with", "without")}}))
    r = CliRunner().invoke(main, ["eval", str(out), "--gold", str(gold), "--metric", "snippets"])
    assert r.exit_code != 0 and "no with/without snippets" in r.output


def test_cleaner_eval_on_both_gold_formats(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {"source": "pages/abc.html.gz", "url": None, "text": BODY},
                {"source": "pages/x1.html", "url": "https://example.org/b", "text": "Half of it: the council approved"},
            ]
        )
        + "\n"
    )
    sh = tmp_path / "ground-truth.json"
    sh.write_text(
        json.dumps(
            {
                "abc": {"articleBody": BODY, "url": "https://example.org/a"},
                "zzz": {"articleBody": "other", "url": "https://example.org/b"},
            }
        )
    )
    r = CliRunner().invoke(main, ["eval", str(out), "--gold", str(sh)])
    assert r.exit_code == 0, r.output
    assert "2 documents scored (word 4-gram shingles" in r.output
    td = tmp_path / "evaldata.json"
    td.write_text(
        json.dumps(
            {
                "https://example.org/a": {
                    "file": "abc.html.gz",
                    "with": ["new budget on Tuesday"],
                    "without": ["newsletter"],
                }
            }
        )
    )
    r = CliRunner().invoke(main, ["eval", str(out), "--gold", str(td)])
    assert r.exit_code == 0, r.output
    assert "1 documents scored (snippets" in r.output and "F1 1.0000" in r.output
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert CliRunner().invoke(main, ["eval", str(out), "--gold", str(bad)]).exit_code != 0


def test_cleaner_eval_reads_compressed_shards_and_fails_in_one_line(tmp_path):
    import gzip

    records = [
        {"source": "pages/abc.html.gz", "url": None, "text": BODY},
        {"source": "pages/x1.html", "url": "https://example.org/b", "text": "Half of it: the council approved"},
    ]
    sh = tmp_path / "ground-truth.json"
    sh.write_text(json.dumps({"abc": {"articleBody": BODY}, "x1": {"articleBody": "other text entirely here"}}))
    plain = tmp_path / "all.jsonl"
    plain.write_text("".join(json.dumps(r) + "\n" for r in records))
    (tmp_path / "out-00000.jsonl.gz").write_bytes(gzip.compress((json.dumps(records[0]) + "\n").encode()))
    (tmp_path / "out-00001.jsonl").write_text(json.dumps(records[1]) + "\n")
    one = CliRunner().invoke(main, ["eval", str(plain), "--gold", str(sh)])
    shards = CliRunner().invoke(
        main, ["eval", str(tmp_path / "out-00000.jsonl.gz"), str(tmp_path / "out-00001.jsonl"), "--gold", str(sh)]
    )
    assert one.exit_code == shards.exit_code == 0, shards.output
    assert one.output == shards.output and "2 documents scored" in one.output
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps(records[0]) + "\n{not json\n")
    for args, where in (
        ([str(broken), "--gold", str(sh)], "broken.jsonl:2: not a JSON record"),
        ([str(plain), "--gold", str(broken)], "broken.jsonl: not a gold file"),
    ):
        r = CliRunner().invoke(main, ["eval", *args])
        assert r.exit_code == 1 and where in r.output and len(r.output.strip().splitlines()) == 1, r.output
