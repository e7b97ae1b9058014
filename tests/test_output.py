"""The JSONL output: schema, datasets compatibility, determinism, decoding."""

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from cleaner import Cleaner
from cleaner.cli import main

SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "cleaner" / "schema" / "record.schema.json").read_text(encoding="utf-8")
)


def test_golden_records_follow_the_schema(in_root):
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for line in open("clean/corpus.jsonl", encoding="utf-8"):
        validator.validate(json.loads(line))
    no_removed = Cleaner().clean_file("raw/000_a03daa696e6074ab.txt").to_record(keep_removed=False)
    validator.validate(no_removed)


def test_same_input_same_bytes(in_root, tmp_path):
    runner = CliRunner()
    for name in ("a.jsonl", "b.jsonl"):
        assert runner.invoke(main, ["clean", "raw", "-o", str(tmp_path / name)]).exit_code == 0
    a, b = (tmp_path / "a.jsonl").read_bytes(), (tmp_path / "b.jsonl").read_bytes()
    assert a == b
    assert a == Path("clean/corpus.jsonl").read_bytes()


def test_loads_with_datasets(in_root, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    import datasets

    ds = datasets.load_dataset(
        "json", data_files="clean/corpus.jsonl", split="train", cache_dir=str(tmp_path / "cache")
    )
    assert ds.num_rows == sum(1 for _ in open("clean/corpus.jsonl", encoding="utf-8"))
    assert set(ds.column_names) >= {"id", "text", "date", "outlet", "language", "removed"}


def test_encodings_are_decoded(tmp_path):
    text = (
        "Müllabfuhr ändert Termine\n\nWegen der Feiertage verschiebt sich die Müllabfuhr in Gelsenkirchen "
        "um einen Tag. Die gelben Säcke werden in allen Stadtteilen erst am Samstag abgeholt, teilte Gelsendienste mit.\n"
    )
    cleaner = Cleaner()
    for enc in ("utf-8", "utf-8-sig", "cp1252", "utf-16"):
        doc = cleaner.clean_bytes(text.encode(enc), source=f"x-{enc}.txt")
        assert "Müllabfuhr in Gelsenkirchen" in doc.text, enc
