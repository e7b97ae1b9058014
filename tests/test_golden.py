"""Golden regression: raw/ re-cleaned must equal clean/ byte for byte (what `cleaner regress` checks)."""

from cleaner import Cleaner
from cleaner import regress


def test_golden_corpus_is_reproduced(in_root):
    diffs, errors = regress.run("raw", "clean", Cleaner())
    assert not errors
    report = "\n".join(f"{d.source}\n" + "\n".join(d.lines) for d in diffs)
    assert not diffs, "golden outputs differ (run `cleaner regress` to see, `--update` after review):\n" + report


def test_seed_pages_metadata(in_root):
    """What the seed pages state: dates where given, null where not; language de; outlet where identified."""
    import json

    recs = {json.loads(line)["source"]: json.loads(line) for line in open("clean/corpus.jsonl", encoding="utf-8")}
    expected = {
        "raw/000_a03daa696e6074ab.txt": (None, None),
        "raw/001_73b569e18014b80d.txt": ("2018-09-20", None),
        "raw/002_0c62d25b1c6aaf51.txt": ("2018-09-24", "Kommune21"),
        "raw/003_c3f870c1c9d8390f.txt": (None, "Regionalverband Ruhr (idr)"),
        "raw/004_37613f804649ce51.txt": ("2019-01-16", "Stadt Dortmund"),
    }
    for src, (date, outlet) in expected.items():
        assert recs[src]["date"] == date, src
        assert recs[src]["outlet"] == outlet, src
        assert recs[src]["language"] == "de", src
