"""The command line: clean (with a bad-input batch), explain, regress."""

import gzip
import json
import shutil

from click.testing import CliRunner

from cleaner.cli import main

GOOD = (
    "Feuerwehr rettet Katze aus Baum\n\n"
    "Die Feuerwehr Bochum hat am Sonntag eine Katze aus einer Baumkrone an der Castroper Straße gerettet. "
    "Das Tier hatte sich nach Angaben der Einsatzkräfte offenbar vor einem Hund in den Baum geflüchtet.\n\n"
    "Mit einer Drehleiter holten die Feuerwehrleute die Katze nach rund einer Stunde unverletzt herunter. "
    "Die Besitzerin bedankte sich anschließend bei der Mannschaft der Wache.\n\n"
    "Meistgelesen\n\nStau auf der A43 nach Unfall\n"
)


def make_batch(tmp_path):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (d / "sub" / "b_good.txt.gz").write_bytes(gzip.compress(GOOD.replace("Bochum", "Herne").encode("utf-8")))
    (d / "c_latin1.txt").write_bytes(GOOD.replace("Bochum", "Hagen").encode("cp1252"))
    (d / "d_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (d / "e_empty.txt").write_bytes(b"  \n\n")
    (d / "f_broken.html.gz").write_bytes(b"\x1f\x8b\x08\x00garbage-not-gzip")
    (d / "ignored.pdf").write_bytes(b"%PDF-1.4")
    return d


def test_clean_batch_reports_bad_documents_and_writes_the_good(tmp_path):
    d = make_batch(tmp_path)
    out = tmp_path / "out" / "corpus.jsonl"
    result = CliRunner().invoke(
        main, ["clean", str(d), "-o", str(out), "--txt-dir", str(tmp_path / "txt"), "--no-dedup"]
    )
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("cleaner: error:")]
    assert len(errors) == 3
    assert any("d_binary.txt: binary content" in e for e in errors)
    assert any("e_empty.txt: empty document" in e for e in errors)
    assert any("f_broken.html.gz: broken gzip data" in e for e in errors)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["source"].rsplit("/", 1)[-1] for r in records] == ["a_good.txt", "c_latin1.txt", "b_good.txt.gz"]
    assert "Hagen" in records[1]["text"] and "Stau" not in records[1]["text"]
    assert "documents in: 6, out: 3, failed: 3" in result.stderr
    errors_file = [json.loads(line) for line in (out.parent / "corpus.work" / "errors.jsonl").read_text().splitlines()]
    assert sorted(e["source"].rsplit("/", 1)[-1] for e in errors_file) == [
        "d_binary.txt",
        "e_empty.txt",
        "f_broken.html.gz",
    ]
    assert "most_read" in result.stderr
    assert (tmp_path / "txt" / "a_good.txt").read_text(encoding="utf-8") == records[0]["text"] + "\n"


def test_clean_single_file_and_format_option(tmp_path):
    f = tmp_path / "page.dat"
    f.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = CliRunner().invoke(main, ["clean", str(f), "-o", str(out), "--format", "text", "--no-removed"])
    assert result.exit_code == 0, result.output
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert rec["format"] == "text" and "removed_blocks" not in rec and rec["removed"]["most_read"] == 2


def test_missing_input_is_an_error_line(tmp_path):
    result = CliRunner().invoke(main, ["clean", str(tmp_path / "nope.txt"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1
    assert "nope.txt: no such file" in result.stderr


def test_explain_shows_decisions_and_rules(in_root):
    result = CliRunner().invoke(main, ["explain", "raw/002_0c62d25b1c6aaf51.txt"])
    assert result.exit_code == 0, result.output
    assert "KEEP" in result.output and "DROP" in result.output and "TITLE" in result.output
    assert "section.related (section header)" in result.output
    assert "share.widget_words" in result.output
    assert "date:     2018-09-24" in result.output


def test_regress_passes_on_golden_and_fails_on_change(in_root, tmp_path):
    runner = CliRunner()
    ok = runner.invoke(main, ["regress", "raw", "clean"])
    assert ok.exit_code == 0, ok.output
    assert "golden outputs match" in ok.output
    golden = tmp_path / "clean"
    shutil.copytree("clean", golden)
    lines = (golden / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    rec = json.loads(lines[0])
    rec["text"] = rec["text"].replace("Wien", "Graz", 1)
    rec["date"] = "1999-01-01"
    lines[0] = json.dumps(rec, ensure_ascii=False)
    (golden / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    bad = runner.invoke(main, ["regress", "raw", str(golden)])
    assert bad.exit_code == 1
    assert "DIFF raw/000_a03daa696e6074ab.txt" in bad.output
    assert 'date: "1999-01-01" -> null' in bad.output
    assert "+In Sachen Digitalisierung ist Dortmund auf einem guten Weg - und auf Augenhöhe mit Wien." in bad.output
    upd = runner.invoke(main, ["regress", "raw", str(golden), "--update"])
    assert upd.exit_code == 0
    assert runner.invoke(main, ["regress", "raw", str(golden)]).exit_code == 0


def test_html_extraction_option_reaches_the_extractor(in_root, tmp_path, monkeypatch):
    import cleaner.extract as extract

    seen = []
    real = extract._bare_extraction()  # (trafilatura's bare_extraction without its copy of the tree)

    def spy(*args, **kwargs):
        seen.append(kwargs.get("fast"))
        return real(*args, **kwargs)

    monkeypatch.setattr(extract, "_BARE_EXTRACTION", spy)
    page = next(p for p in sorted((in_root / "raw").iterdir()) if p.name.endswith(".html.gz"))
    for mode in ("fast", "balanced"):
        out = tmp_path / f"{mode}.jsonl"
        result = CliRunner().invoke(
            main, ["clean", str(page), "-o", str(out), "--html-extraction", mode, "--workers", "1"]
        )
        assert result.exit_code == 0, result.output
        assert json.loads(out.read_text(encoding="utf-8"))["text"]
    assert seen == [True, False]
    bad = CliRunner().invoke(main, ["clean", str(page), "-o", str(tmp_path / "x.jsonl"), "--html-extraction", "turbo"])
    assert bad.exit_code == 2 and "turbo" in bad.output


def test_regress_matches_documents_however_raw_is_written_and_takes_a_model(in_root, tmp_path):
    runner = CliRunner()
    for raw in (str(in_root / "raw"), "./raw/"):
        result = runner.invoke(main, ["regress", raw, "clean"])
        assert result.exit_code == 0 and "golden outputs match" in result.output, (raw, result.output)
    # a golden text changed is still found under an absolute RAW
    golden = tmp_path / "clean"
    shutil.copytree("clean", golden)
    lines = (golden / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    rec = json.loads(lines[0])
    rec["text"] = rec["text"].replace("Wien", "Graz", 1)
    lines[0] = json.dumps(rec, ensure_ascii=False)
    (golden / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    bad = runner.invoke(main, ["regress", str(in_root / "raw"), str(golden)])
    assert bad.exit_code == 1 and "1 document(s) differ" in bad.output, bad.output
    assert "DIFF raw/000_a03daa696e6074ab.txt" in bad.output  # (named as the golden names it)
    # --model none: the rules alone give other outputs than the shipped model's golden ones
    other = runner.invoke(main, ["regress", "raw", "clean", "--model", "none"])
    assert other.exit_code == 1 and "document(s) differ" in other.output
