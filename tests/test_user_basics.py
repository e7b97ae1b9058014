"""What a trafilatura or datatrove user reaches for (issue 31): one review file per document, ids
that are unique and valid under the record schema, corpora that load with `datasets` as one file or
as shards, options checked before any work, every file of a folder taken (or counted as skipped),
and the packaging a plain ``pip install`` needs. Every input is a small file the test writes."""

import io
import gzip
import json
import math
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from cleaner import Cleaner, Settings
from cleaner.cli import main
from cleaner.pipeline import content_id
from corpus_gen import page
from conftest import ROOT

SCHEMA = json.loads((ROOT / "cleaner" / "schema" / "record.schema.json").read_text(encoding="utf-8"))


def clean(*args, ok=(0,)):
    result = CliRunner().invoke(main, ["clean", "--workers", "1", "--no-progress", *map(str, args)])
    assert result.exit_code in ok, result.output + repr(result.exception)
    return result


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def work_file(out: Path, name: str) -> Path:
    return out.parent / (out.name.split(".")[0] + ".work") / name


def valid(recs: list[dict]) -> list[dict]:
    """Every record against cleaner/schema/record.schema.json; the records, for chaining."""
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for rec in recs:
        validator.validate(rec)
    return recs


def html(i: int, body_only: bool = False) -> str:
    paras = page(i).split("\n\n")
    body = f"<h1>{paras[1]}</h1>" + "".join(f"<p>{p}</p>" for p in paras[3:6])
    if body_only:  # a fragment with no <html>, <body> or <div> (what a .php template might hold)
        return body
    return f"<html><head><title>Seite {i}</title></head><body><article>{body}</article></body></html>"


def write_warc(path: Path, pages: list[tuple[str, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for n, (url, body) in enumerate(pages, 1):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(body.encode("utf-8")),
                    http_headers=headers,
                    warc_headers_dict={"WARC-Date": f"2024-01-{n:02d}T10:00:00Z"},
                )
            )


def write_jsonl(path: Path, recs: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")


def mixed_folder(folder: Path) -> Path:
    """Files, JSONL records and WARC records whose plain review names collide."""
    for sub, i in (("a", 1), ("b", 2)):
        (folder / sub).mkdir(parents=True)
        (folder / sub / "index.html").write_text(html(i), encoding="utf-8")
    write_jsonl(folder / "feed.jsonl", [{"text": page(i)} for i in (3, 4, 5)])
    write_warc(
        folder / "crawl.warc.gz",
        [
            ("https://www.one.de/news/index.html", html(6)),
            ("https://www.two.de/news/index.html", html(7)),
            ("https://www.three.de/", html(8)),
        ],
    )
    (folder / "solo.txt").write_text(page(9), encoding="utf-8")
    return folder


# ------------------------------------------------------------------------------ 1. --txt-dir


def test_review_files_are_one_per_document(tmp_path):
    folder = mixed_folder(tmp_path / "in")
    out, txt = tmp_path / "c.jsonl", tmp_path / "txt"
    clean(folder, "-o", out, "--txt-dir", txt)
    recs = records(out)
    assert len(recs) == 9
    by_source = {r["source"].replace(str(folder) + "/", ""): r for r in recs}
    warc_ids = [r["id"] for s, r in by_source.items() if s.startswith("crawl.warc.gz@")]
    expected = {
        "a/index.html": "a__index.txt",
        "b/index.html": "b__index.txt",
        "solo.txt": "solo.txt",
        "feed.jsonl:1": "feed__1.txt",
        "feed.jsonl:2": "feed__2.txt",
        "feed.jsonl:3": "feed__3.txt",
    }
    for source, rec in by_source.items():
        if source in expected:
            assert (txt / expected[source]).read_text(encoding="utf-8") == rec["text"] + "\n", source
    assert sorted(p.name for p in txt.iterdir()) == sorted(
        list(expected.values()) + [f"crawl__{i}.txt" for i in warc_ids]
    )
    texts = sorted(p.read_text(encoding="utf-8") for p in txt.iterdir())
    assert texts == sorted(r["text"] + "\n" for r in recs)  # every document's text, each once
    again = tmp_path / "txt2"
    clean(folder, "-o", tmp_path / "d.jsonl", "--txt-dir", again)
    assert sorted(p.name for p in again.iterdir()) == sorted(p.name for p in txt.iterdir())


def test_review_names_of_the_golden_corpus_stay(in_root, tmp_path):
    txt = tmp_path / "txt"
    clean("raw", "-o", tmp_path / "c.jsonl", "--txt-dir", txt)
    golden = sorted(p.name for p in Path("clean").glob("*.txt"))
    assert sorted(p.name for p in txt.iterdir()) == golden
    for name in golden:
        assert (txt / name).read_bytes() == (Path("clean") / name).read_bytes(), name


def test_review_names_library_rules():
    from cleaner.writers import review_names

    entries = [
        ("in/x/a/index.html", "1"),
        ("in/y/a/index.html", "2"),
        ("in/index.html", "3"),
        ("in/Solo.txt", "4"),
        ("in/solo.html", "5"),
        ("c.warc.gz@https://e.de/", "6"),
        ("in/u.txt", "7"),
        ("in/u.txt", "8"),
    ]
    names = review_names(entries)
    # the fewest folders that tell them apart; case counts as no difference (macOS, Windows); the id last
    assert names == [
        "x__a__index.txt",
        "y__a__index.txt",
        "in__index.txt",
        "Solo__4.txt",
        "solo__5.txt",
        "c__6.txt",
        "u__7.txt",
        "u__8.txt",
    ]
    assert review_names(entries) == names  # deterministic
    assert review_names([("raw/de_mdr_b45b8a4670b4b5f1.html.gz", "x")]) == ["de_mdr_b45b8a4670b4b5f1.txt"]


# ------------------------------------------------------------------------------ 2. ids


def test_ids_are_unique_without_dedup(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    data = page(1).encode("utf-8")
    (folder / "sub" / "x.txt").write_bytes(data)
    (folder / "x.txt").write_bytes(data)
    (folder / "y.txt").write_text(page(2), encoding="utf-8")
    out = tmp_path / "c.jsonl"
    clean(folder, "-o", out, "--no-dedup")
    recs = valid(records(out))
    first = content_id(data)
    assert [(r["source"].rsplit("/", 2)[-2:], r["id"]) for r in recs] == [
        (["sub", "x.txt"], first),
        (["in", "x.txt"], first + "-2"),
        (["in", "y.txt"], content_id(page(2).encode())),
    ]
    # with dedup the copy is dropped and listed under the same id it would have had
    deduped = tmp_path / "d.jsonl"
    clean(folder, "-o", deduped)
    recs = valid(records(deduped))
    assert [r["id"] for r in recs] == [first, content_id(page(2).encode())]
    assert [(d["id"], d["kind"]) for d in recs[0]["duplicates"]] == [(first + "-2", "exact")]


def test_jsonl_ids_are_the_ids_unique_and_valid(tmp_path):
    feed = tmp_path / "feed.jsonl"
    write_jsonl(
        feed,
        [
            {"text": page(1), "id": "doc-1"},
            {"text": page(2), "id": "doc-1"},
            {"text": page(3), "id": 42},
            {"text": page(4)},
            {"text": page(5), "id": "doc-1-2"},
            {"text": page(6), "id": ["not", "an", "id"]},
            {"text": page(7), "id": ""},
        ],
    )
    out = tmp_path / "c.jsonl"
    result = clean(feed, "-o", out, "--no-dedup", ok=(1,))
    recs = valid(records(out))
    assert [r["id"] for r in recs] == ["doc-1", "doc-1-3", "42", content_id(page(4).encode()), "doc-1-2"]
    assert all("id" not in r.get("meta", {}) for r in recs)
    errors = [json.loads(x) for x in work_file(out, "errors.jsonl").read_text().splitlines()]
    assert [(e["source"], "'id'" in e["reason"]) for e in errors] == [(f"{feed}:6", True), (f"{feed}:7", True)]
    assert f"cleaner: error: {feed}:6: " in result.stderr


def test_every_record_of_a_mixed_run_follows_the_schema(tmp_path):
    folder = mixed_folder(tmp_path / "in")
    write_jsonl(
        folder / "more.jsonl",
        [
            {"html": html(10), "id": "given", "url": "https://www.x.de/a", "tag": [1, 2]},
            {"text": page(11), "id": 7, "date": "2021-02-03", "extra": {"k": None}},
        ],
    )
    for args in ((), ("--no-dedup",), ("--no-removed",)):
        out = tmp_path / f"c{len(args)}{args and args[0]}.jsonl"
        clean(folder, "-o", out, *args)
        recs = valid(records(out))
        assert len({r["id"] for r in recs}) == len(recs) == 11


# ------------------------------------------------------------------------------ 3. datasets


@pytest.fixture
def hf_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    return tmp_path / "hf-cache"


def _same(rows: list[dict], recs: list[dict]) -> None:
    assert len(rows) == len(recs)
    for row, rec in zip(rows, recs):
        for key, value in rec.items():
            got = row[key]
            if key == "date" and got is not None:
                assert got.isoformat() == value  # a datetime.date
            elif isinstance(value, float):
                assert math.isclose(got, value), key
            else:
                assert got == value, (key, got, value)


def test_sharded_and_single_corpora_load_with_datasets(in_root, tmp_path, hf_offline):
    import datasets

    from cleaner.schema import features

    for shard_args in ((), ("--shard-size", "2")):
        out = tmp_path / f"s{len(shard_args)}" / "c.jsonl"
        clean("raw", "-o", out, *shard_args)
        files = sorted(str(p) for p in out.parent.glob("c*.jsonl"))
        assert len(files) == (6 if shard_args else 1)
        recs = [r for f in files for r in records(Path(f))]
        assert recs[0]["outlet"] is None and recs[0]["url"] is None  # the first shard: nulls only
        ds = datasets.load_dataset(
            "json",
            data_files=str(out.parent / "c*.jsonl"),
            features=features(),
            split="train",
            cache_dir=str(hf_offline),
        )
        _same(list(ds), recs)


def test_a_corpus_with_meta_and_without_removed_blocks_loads(tmp_path, hf_offline):
    import datasets

    from cleaner.schema import features

    folder = mixed_folder(tmp_path / "in")
    write_jsonl(
        folder / "more.jsonl",
        [{"text": page(10), "tag": [1, "a"], "score": 0.5}, {"text": page(11), "extra": {"k": None, "n": 3}}],
    )
    for args in (("--shard-size", "3"), ("--no-removed", "--shard-size", "4"), ("--no-removed",)):
        out = tmp_path / "-".join(args).strip("-") / "c.jsonl"
        clean(folder, "-o", out, *args)
        recs = [r for p in sorted(out.parent.glob("c*.jsonl")) for r in records(p)]
        assert any("meta" in r for r in recs) and any("meta" not in r for r in recs)
        ds = datasets.load_dataset(
            "json",
            data_files=str(out.parent / "c*.jsonl"),
            features=features(keep_removed="--no-removed" not in args),
            split="train",
            cache_dir=str(hf_offline / out.parent.name),
        )
        rows = list(ds)
        _same([{k: v for k, v in row.items() if k in rec} for row, rec in zip(rows, recs)], recs)
        assert all(row["meta"] is None for row, rec in zip(rows, recs) if "meta" not in rec)


def test_parquet_output_loads_with_datasets_and_pandas_shards_included(tmp_path, hf_offline):
    import datasets
    import pandas as pd

    folder = mixed_folder(tmp_path / "in")
    write_jsonl(folder / "more.jsonl", [{"text": page(10), "tag": [1, "a"], "score": 0.5}])
    for args in ((), ("--shard-size", "3"), ("--no-removed",)):
        name = "-".join(args).strip("-") or "one"
        jsonl, parquet = tmp_path / name / "c.jsonl", tmp_path / name / "c.parquet"
        clean(folder, "-o", jsonl, *args)
        clean(folder, "-o", parquet, *args)
        recs = [r for p in sorted(jsonl.parent.glob("c*.jsonl")) for r in records(p)]
        files = sorted(str(p) for p in parquet.parent.glob("c*.parquet"))
        assert len(files) == (4 if "--shard-size" in args else 1)
        ds = datasets.load_dataset("parquet", data_files=files, split="train", cache_dir=str(hf_offline / name))
        rows = list(ds)
        _same([{k: v for k, v in row.items() if k in rec} for row, rec in zip(rows, recs)], recs)
        assert ("removed_blocks" in ds.column_names) == ("--no-removed" not in args)
        frame = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
        assert list(frame["text"]) == [r["text"] for r in recs]
        before = [Path(f).read_bytes() for f in files]
        clean(folder, "-o", parquet, *args)  # the same input, the same bytes
        assert [Path(f).read_bytes() for f in files] == before
    refused = clean(folder, "-o", tmp_path / "x.parquet", "--compress", "gz", ok=(2,))
    assert "Parquet files compress their columns" in refused.output


def test_the_readme_load_example_works_on_shards(tmp_path, hf_offline, monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = next(b for b in re.findall(r"```py\n(.*?)```", readme, re.S) if "load_dataset" in b)
    folder = mixed_folder(tmp_path / "in")
    clean(folder, "-o", tmp_path / "corpus" / "news.jsonl", "--shard-size", "3")
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(example, "README.md", "exec"), scope)
    assert scope["ds"].num_rows == 9


# ------------------------------------------------------------------------------ 4. options


@pytest.mark.parametrize(
    "option, value",
    [
        ("--lang", "german"),
        ("--lang", "de,xx"),
        ("--lang", "d"),
        ("--near-dup-threshold", "1.5"),
        ("--near-dup-threshold", "0"),
        ("--near-dup-threshold", "-0.2"),
        ("--near-dup-threshold", "nan"),
        ("--max-bytes", "0"),
        ("--workers", "0"),
        ("--task-size", "0"),
        ("--shard-size", "0"),
        ("--shard-size", "-3"),
        ("--min-words", "-1"),
        ("--doc-timeout", "-1"),
        ("--doc-timeout", "nan"),
        ("--doc-timeout", "inf"),
    ],
)
def test_bad_options_stop_the_run_before_any_work(tmp_path, option, value):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(page(1), encoding="utf-8")
    out = tmp_path / "c.jsonl"
    result = CliRunner().invoke(main, ["clean", str(tmp_path / "in"), "-o", str(out), option, value])
    assert result.exit_code == 2, result.output + repr(result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"cleaner: error: {option} "), result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]  # no corpus, no work folder


def test_language_codes_are_taken_in_any_case(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"p{i}.txt").write_text(page(i), encoding="utf-8")
    out = tmp_path / "c.jsonl"
    clean(folder, "-o", out, "--lang", " DE , En ")
    assert [r["language"] for r in records(out)] == ["de", "de", "de"]
    clean(folder, "-o", out, "--lang", "en")
    assert records(out) == []


def test_dask_without_the_extra_is_one_line(tmp_path, monkeypatch):
    for name in ("dask", "distributed", "dask.distributed"):
        monkeypatch.setitem(sys.modules, name, None)  # as if the extra were not installed
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(page(1), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "c.jsonl"), "--dask", "local"]
    )
    assert result.exit_code == 2, result.output + repr(result.exception)
    assert result.stderr.splitlines() == [
        "cleaner: error: --dask needs Dask, which is an extra: pip install 'cleaner[dask]'"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


# ------------------------------------------------------------------------------ 5. folders


def test_every_file_of_a_folder_is_taken_or_counted(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, i in (("a.shtml", 1), ("b.xhtml", 2), ("d", 4)):
        (folder / name).write_text(html(i), encoding="utf-8")
    (folder / "c.php").write_text(html(3, body_only=True), encoding="utf-8")
    (folder / "e").write_text(page(5), encoding="utf-8")
    (folder / "logo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)))
    (folder / "style.css").write_text("body { color: red }", encoding="utf-8")
    (folder / "app.min.js.gz").write_bytes(b"not even read")
    (folder / "data.bin2").write_bytes(b"\x00\x01\x02" * 100)  # unknown ending: taken, and refused as binary
    out = tmp_path / "c.jsonl"
    result = clean(folder, "-o", out, ok=(1,))
    got = {r["source"].rsplit("/", 1)[-1]: r["format"] for r in records(out)}
    assert got == {"a.shtml": "html", "b.xhtml": "html", "c.php": "html", "d": "html", "e": "text"}
    stats = json.loads(work_file(out, "stats.json").read_text())
    assert stats["skipped"] == {"file:.css": 1, "file:.jpg": 1, "file:.js": 1}
    assert stats["documents_in"] == 6 and stats["failures"] == 1
    errors = [json.loads(x) for x in work_file(out, "errors.jsonl").read_text().splitlines()]
    assert errors == [{"source": f"{folder}/data.bin2", "reason": "binary content (NUL bytes)"}]
    assert "skipped: file:.css 1, file:.jpg 1, file:.js 1" in result.stderr


def test_a_named_file_with_a_skipped_ending_is_still_read(tmp_path):
    jpg = tmp_path / "page.jpg"
    jpg.write_text(page(1), encoding="utf-8")  # misnamed, but named on the command line: read
    out = tmp_path / "c.jsonl"
    clean(jpg, "-o", out)
    assert [r["source"] for r in records(out)] == [str(jpg)]


# ------------------------------------------------------------------------------ 6. packaging


def _requirement_names(reqs: list[str]) -> dict[str, str]:
    out = {}
    for req in reqs:
        name = re.match(r"[A-Za-z0-9._-]+", req).group(0)
        out[re.sub(r"[-_.]+", "-", name).lower()] = req
    return out


def test_packaging_declares_what_a_plain_install_needs():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = _requirement_names(project["dependencies"])
    extras = {k: _requirement_names(v) for k, v in project["optional-dependencies"].items()}
    assert "lxml-html-clean" in core  # jusText imports lxml.html.clean, which lives in it since lxml 5.2
    assert re.search(r"<\s*[\d.]+", core["trafilatura"])  # its internal functions are used
    assert "dask" not in core and "distributed" not in core
    assert {"dask", "distributed"} <= set(extras["dask"]) and {"dask", "distributed"} <= set(extras["test"])
    assert {"jsonschema", "datasets", "pytest"} <= set(extras["test"])
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "py.typed" in package_data["cleaner"] and (ROOT / "cleaner" / "py.typed").is_file()
    assert project["license"] == "MIT"
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "the cleaner authors" in licence


def test_python_m_cleaner_runs():
    result = subprocess.run(
        [sys.executable, "-m", "cleaner", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert "version" in result.stdout


# ------------------------------------------------------------------------------ cleaner extract
def _extract(*args, input=None):
    return CliRunner().invoke(main, ["extract", *map(str, args)], input=input)


def test_extract_prints_the_text_of_a_file_and_nothing_else(in_root):
    page = in_root / "raw" / "002_0c62d25b1c6aaf51.txt"
    result = _extract(page)
    assert result.exit_code == 0, result.output
    assert result.stdout == Cleaner().clean_file(str(page)).text + "\n"


def test_extract_reads_standard_input_html_and_gzip(in_root):
    import gzip

    page = in_root / "raw" / "de_mdr_b45b8a4670b4b5f1.html.gz"
    html = gzip.decompress(page.read_bytes())
    want = Cleaner().clean_bytes(html, source="-", meta={"url": "https://www.mdr.de/a"})
    for data in (html, page.read_bytes()):
        result = _extract("-", "--json", "--url", "https://www.mdr.de/a", input=data)
        assert result.exit_code == 0, result.output
        record = json.loads(result.stdout)
        assert record == want.to_record(keep_removed=False) and record["source"] == "-"
        assert "removed_blocks" not in record and record["format"] == "html"
    with_removed = json.loads(_extract("-", "--json", "--removed", input=html).stdout)
    assert with_removed["removed_blocks"]


def test_extract_fails_in_one_line_naming_the_input(tmp_path):
    for args, data, name in ((["-"], b"", "-"), ([tmp_path / "missing.html"], None, "missing.html")):
        result = _extract(*args, input=data)
        assert result.exit_code == 1 and result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("cleaner: error: ") and name in lines[0], lines
    big = _extract("-", "--max-bytes", "100", input=b"x" * 500)
    assert big.exit_code == 1 and "oversized" in big.stderr


# ------------------------------------------------------------------------------ standard input and output
def _clean_io(*args, input=None):
    return CliRunner().invoke(main, ["clean", "--workers", "1", "--no-progress", *map(str, args)], input=input)


def test_clean_reads_a_page_from_stdin_and_writes_the_corpus_to_stdout(tmp_path, in_root):
    page = in_root / "raw" / "000_a03daa696e6074ab.txt"
    result = _clean_io("-", "-o", "-", input=page.read_bytes())
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 1 and out[0]["source"] == "-"  # nothing but the corpus on stdout
    assert "documents in: 1, out: 1" in result.stderr
    clean(page, "-o", tmp_path / "file.jsonl")
    assert {**records(tmp_path / "file.jsonl")[0], "source": "-"} == out[0]
    gz = _clean_io(page, "-o", "-", "--compress", "gz")
    assert gzip.decompress(gz.stdout_bytes).decode("utf-8").splitlines() == records_lines(tmp_path / "file.jsonl")


def records_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_clean_reads_jsonl_records_from_stdin(tmp_path):
    lines = [{"text": page(i, "de"), "id": f"doc-{i}"} for i in range(3)]
    result = _clean_io("-", "-o", tmp_path / "out.jsonl", input="".join(json.dumps(r) + "\n" for r in lines))
    assert result.exit_code == 0, result.output
    got = records(tmp_path / "out.jsonl")
    assert [(r["source"], r["id"]) for r in got] == [(f"-:{i + 1}", f"doc-{i}") for i in range(3)]


def test_bad_output_and_stdin_options_fail_in_one_line(tmp_path):
    for args in (["-o", f"{tmp_path}/missing-dir/"], ["-o", "-", "--shard-size", "2"], ["-", "-", "-o", "-"]):
        result = _clean_io(*([] if args[0] == "-" else [tmp_path]), *args, input=b"")
        assert result.exit_code == 2, (args, result.output)
        assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
    assert not (tmp_path / "missing-dir").exists()


def test_progress_has_a_total_counts_pass_2_and_ends_with_paths_and_time(tmp_path, in_root):
    import re

    out = tmp_path / "p.jsonl"
    result = CliRunner().invoke(
        main, ["clean", "raw", "-o", str(out), "--progress", "--task-size", "2", "--workers", "2"]
    )
    assert result.exit_code == 0, result.output
    err = result.stderr.replace("\r", "\n")
    done = [(int(a), int(b)) for a, b in re.findall(r"pass 1:.*?(\d+)/(\d+) \[", err)]
    assert done and {b for _, b in done} == {6} and done[-1][0] == 6  # six tasks of two files, a known total
    assert [a for a, _ in done] == sorted(a for a, _ in done)  # never backwards
    assert "pass 2: " in err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"wrote: {out}; stats: {tmp_path / 'p.work' / 'stats.json'}; ") and last.endswith(" s")


def test_jsonl_key_options_read_other_field_names(tmp_path):
    lines = [
        {"content": page(i, "de"), "doc_id": f"n-{i}", "link": f"https://example.org/{i}", "lang": "de"}
        for i in range(2)
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    clean(feed, "-o", out, "--text-key", "content", "--id-key", "doc_id", "--url-key", "link")
    got = records(out)
    assert [(r["id"], r["url"]) for r in got] == [("n-0", "https://example.org/0"), ("n-1", "https://example.org/1")]
    assert got[0]["text"] and got[0]["meta"] == {"lang": "de"}  # (the mapped fields are not passed through again)
    without = clean(feed, "-o", tmp_path / "plain.jsonl", ok=(1, 2))
    assert "record has no 'html' or 'text' string" in without.output
    bad = clean(feed, "-o", tmp_path / "x.jsonl", "--text-key", "body", "--html-key", "body", ok=(2,))
    assert "body given for two fields" in bad.output and len(bad.output.strip().splitlines()) == 1


# ------------------------------------------------------------------------------ explain a corpus record
def _explain(*args):
    return CliRunner().invoke(main, ["explain", *map(str, args)])


def test_explain_one_record_of_a_jsonl_or_warc_input(tmp_path):
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "".join(json.dumps({"text": page(i, "de"), "id": f"n{i}"}) + "\n" for i in range(2)), encoding="utf-8"
    )
    result = _explain(f"{feed}:2", "--json")
    assert result.exit_code == 0, result.output
    decided = json.loads(result.stdout)
    want = Cleaner().clean_text(page(1, "de"), source=f"{feed}:2")
    assert decided["source"] == f"{feed}:2" and decided["text"] == want.text
    assert [(b["label"], b["category"], b["reason"]) for b in decided["blocks"]] == [
        (b.label, b.category, b.reason) for b in want.blocks
    ]
    assert {"stage", "rule", "role", "section", "score"} <= set(decided["blocks"][0])
    assert "KEEP" in _explain(f"{feed}:1").stdout
    crawl = tmp_path / "crawl.warc.gz"
    with open(crawl, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i in range(2):
            body = (
                "<html><body><article>"
                + "".join(f"<p>{p}</p>" for p in page(i, "de").split("\n\n"))
                + "</article></body></html>"
            )
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    f"https://example.org/{i}", "response", payload=io.BytesIO(body.encode()), http_headers=headers
                )
            )
    result = _explain(f"{crawl}@https://example.org/1", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["url"] == "https://example.org/1"
    for name, reason in (
        (feed, "a JSONL file holds many documents: name one, FILE:LINE"),
        (crawl, "a WARC file holds many documents: name one, FILE@URL"),
        (f"{feed}:9", "no such record"),
        (f"{crawl}@https://example.org/9", "no such response"),
    ):
        result = _explain(name)
        assert result.exit_code == 1 and reason in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_big_jsonl_file_is_split_into_tasks_and_gives_the_same_corpus(tmp_path):
    from cleaner.corpus.sources import jsonl_spans

    feed = tmp_path / "big.jsonl"
    lines = [json.dumps({"text": page(i, "de" if i % 2 else "en"), "id": f"r{i}"}) for i in range(12)]
    lines.insert(5, "{broken")  # a bad line keeps its own number
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    size = feed.stat().st_size
    spans = jsonl_spans(str(feed), size // 4)
    assert spans and len(spans) >= 4 and spans[0][0] == 0 and spans[-1][1] == size
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))  # whole lines, nothing left out
    data = feed.read_bytes()
    assert all(data[end - 1 : end] == b"\n" for _, end, _ in spans[:-1])
    assert [before for _, _, before in spans] == [data[:start].count(b"\n") for start, _, _ in spans]
    one, split = tmp_path / "one.jsonl", tmp_path / "split.jsonl"
    clean(feed, "-o", one, ok=(1,))
    clean(feed, "-o", split, "--task-bytes", str(size // 4), "--workers", "2", ok=(1,))
    assert split.read_bytes() == one.read_bytes()
    plan = json.loads(work_file(split, "plan.json").read_text())
    assert len(plan["tasks"]) == len(spans)
    errors = [json.loads(line) for line in work_file(split, "errors.jsonl").read_text().splitlines()]
    assert [e["source"] for e in errors] == [f"{feed}:6"]
    assert jsonl_spans(str(feed), size) is None  # small enough: one task
    gz = tmp_path / "big.jsonl.gz"
    gz.write_bytes(gzip.compress(data))
    assert jsonl_spans(str(gz), 10) is None  # compressed: one task


# ------------------------------------------------------------------------------ Markdown text
MD_HTML = (
    "<html><head><title>Neue Brücke</title></head><body><article><h1>Neue Brücke für die Altstadt</h1>"
    + "".join(f"<p>{p}</p>" for p in page(3, "de").split("\n\n")[3:5])
    + "<h2>Was die Anwohner sagen</h2>"
    + "".join(f"<p>{p}</p>" for p in page(4, "de").split("\n\n")[3:5])
    + "<ul><li>Baubeginn im Frühjahr mit dem Abriss der alten Brücke und der Umleitung</li>"
    + "<li>Fertigstellung im Herbst des kommenden Jahres nach den Plänen des Bauamts</li></ul>"
    + "</article></body></html>"
)


def test_markdown_text_keeps_headings_and_lists(tmp_path):
    plain = Cleaner().clean_html(MD_HTML)
    md = Cleaner(Settings(text_format="markdown")).clean_html(MD_HTML)
    assert "## Was die Anwohner sagen" in md.to_record()["text"].splitlines()
    assert "Was die Anwohner sagen" in plain.to_record()["text"].splitlines()
    strip = [line.lstrip("#").lstrip() for line in md.to_record()["text"].splitlines()]
    assert strip == plain.to_record()["text"].splitlines()  # the same lines, headings marked
    assert any(line.startswith("- ") for line in strip)  # list items keep their markers in both
    # a Markdown input's own headings
    paras = page(5, "de").split("\n\n")[4:8]
    text = (
        "# Neubau in Lünen\n\n"
        + "\n\n".join(paras[:2])
        + "\n\n## Hintergrund\n\n"
        + "\n\n".join(paras[2:])
        + "\n\nMehr unter [der Stadt](https://www.luenen.example/neubau).\n"
    )
    doc = Cleaner(Settings(text_format="markdown")).clean_text(text)
    assert "## Hintergrund" in doc.to_record()["text"].splitlines()
    with pytest.raises(ValueError, match="text_format"):
        Settings(text_format="rst")


def test_markdown_on_the_command_line(tmp_path):
    src = tmp_path / "page.html"
    src.write_text(MD_HTML, encoding="utf-8")
    out = CliRunner().invoke(main, ["extract", str(src), "--markdown"])
    assert out.exit_code == 0 and "## Was die Anwohner sagen" in out.stdout.splitlines()
    clean(src, "-o", tmp_path / "md.jsonl", "--text-format", "markdown")
    assert "## Was die Anwohner sagen" in records(tmp_path / "md.jsonl")[0]["text"].splitlines()
