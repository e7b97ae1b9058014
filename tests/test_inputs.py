"""Reading inputs so that nothing is lost silently (issue 28, issue 31): compressed streams (truncated,
multi-member, multi-frame), the size limit enforced while reading, JSONL records that Python's json
cannot hold, and WARC files with damaged, garbage-prefixed, cut or non-2xx records. Every input is a
small file the test builds; the damage is made by hand, like a disk or a crawler would make it."""

import gzip
import io
import json
import tracemalloc
from pathlib import Path

import pytest
import zstandard
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.corpus.sources import Task, items
from cleaner.readers import BadInput, read_bytes
from corpus_gen import page

MB = 1_000_000


def read_items(path: Path, kind: str, max_bytes: int = 20 * MB) -> list:
    return list(items(Task(0, kind, (str(path),)), max_bytes))


def clean(*args, ok=(0,)):
    result = CliRunner().invoke(main, ["clean", "--workers", "1", "--no-dedup", *map(str, args)])
    assert result.exit_code in ok, result.output + repr(result.exception)
    return result


def errors_of(out: Path) -> list[dict]:
    return [
        json.loads(line)
        for line in (out.parent / (out.name.split(".")[0] + ".work") / "errors.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
    ]


def corpus(out: Path) -> list[dict]:
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


# ------------------------------------------------------------------------------ compressed files


def test_a_truncated_gzip_file_is_an_error_and_the_batch_goes_on(tmp_path):
    whole = gzip.compress(page(1).encode("utf-8"))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "cut.txt.gz").write_bytes(whole[: int(len(whole) * 0.6)])
    (tmp_path / "in" / "good.txt").write_text(page(2), encoding="utf-8")
    with pytest.raises(BadInput, match="^truncated gzip data$"):
        read_bytes(str(tmp_path / "in" / "cut.txt.gz"), MB)
    out = tmp_path / "out.jsonl"
    result = clean(tmp_path / "in", "-o", out, ok=(1,))
    assert "cut.txt.gz: truncated gzip data" in result.stderr
    assert [r["source"].rsplit("/", 1)[-1] for r in corpus(out)] == ["good.txt"]
    assert [e["reason"] for e in errors_of(out)] == ["truncated gzip data"]


def test_every_member_of_a_multi_member_gzip_file_is_read(tmp_path):
    a, b = page(1).encode("utf-8"), page(2).encode("utf-8")
    path = tmp_path / "two.txt.gz"
    path.write_bytes(gzip.compress(a) + gzip.compress(b))  # what `cat a.gz b.gz > two.gz` makes
    assert read_bytes(str(path), MB) == a + b
    # trailing garbage after the last member is damage, not silence (NUL padding is allowed, as gzip does)
    path.write_bytes(gzip.compress(a) + b"\0" * 100)
    assert read_bytes(str(path), MB) == a
    path.write_bytes(gzip.compress(a) + b"this is not gzip")
    with pytest.raises(BadInput, match="broken gzip data"):
        read_bytes(str(path), MB)


def test_zstd_truncated_frame_is_an_error_and_every_frame_is_read(tmp_path):
    a, b = page(1).encode("utf-8"), page(2).encode("utf-8")
    zc = zstandard.ZstdCompressor()
    path = tmp_path / "p.txt.zst"
    whole = zc.compress(a)
    path.write_bytes(whole[: int(len(whole) * 0.6)])
    with pytest.raises(BadInput, match="^truncated zstd data$"):
        read_bytes(str(path), MB)
    path.write_bytes(zc.compress(a) + zc.compress(b))
    assert read_bytes(str(path), MB) == a + b
    path.write_bytes(zc.compress(a) + b"not zstd at all")
    with pytest.raises(BadInput, match="broken zstd data"):
        read_bytes(str(path), MB)


@pytest.mark.parametrize("suffix", ["", ".gz", ".zst"])
def test_files_over_the_limit_are_refused_while_reading(tmp_path, suffix):
    path = tmp_path / f"big.txt{suffix}"
    raw = b"Ein Satz.\n" * (MB // 10 + 1)  # just over 1 MB
    path.write_bytes({"": raw, ".gz": gzip.compress(raw), ".zst": zstandard.ZstdCompressor().compress(raw)}[suffix])
    with pytest.raises(BadInput, match="^oversized: more than 1000000 bytes"):
        read_bytes(str(path), MB)
    assert read_bytes(str(path), len(raw)) == raw


# ------------------------------------------------------------------------------ JSONL


def write_compressed(path: Path, data: bytes) -> None:
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(data))
    elif path.name.endswith(".zst"):
        path.write_bytes(zstandard.ZstdCompressor().compress(data))
    else:
        path.write_bytes(data)


@pytest.mark.parametrize("suffix", ["", ".gz", ".zst"])
def test_a_jsonl_line_over_the_limit_is_one_error_and_reading_goes_on(tmp_path, suffix):
    path = tmp_path / f"in.jsonl{suffix}"
    big = json.dumps({"text": "x" * MB})  # a line of 1,000,012 bytes: just over a 1 MB limit
    small = json.dumps({"text": page(3), "url": "https://www.example.de/a"})
    write_compressed(path, (small + "\n" + big + "\n" + small + "\n").encode("utf-8"))
    got = read_items(path, "jsonl", MB)
    assert [(i.source, i.error) for i in got] == [
        (f"{path}:1", None),
        (f"{path}:2", "oversized record: more than 1000000 bytes"),
        (f"{path}:3", None),
    ]
    assert got[2].data == page(3) and got[2].meta == {"url": "https://www.example.de/a"}


@pytest.mark.parametrize("suffix", ["", ".gz", ".zst"])
def test_a_50_mb_jsonl_line_is_never_held_in_memory(tmp_path, suffix):
    """Reading stops at the limit: peak memory stays near the 1 MB limit, not the 50 MB line."""
    path = tmp_path / f"in.jsonl{suffix}"
    opener = {
        "": lambda p: open(p, "wb"),
        ".gz": lambda p: gzip.open(p, "wb"),
        ".zst": lambda p: zstandard.ZstdCompressor().stream_writer(open(p, "wb")),
    }[suffix]
    with opener(path) as fh:
        fh.write(b'{"text": "')
        for _ in range(50):
            fh.write(b"y" * MB)
        fh.write(b'"}\n' + json.dumps({"text": page(4)}).encode("utf-8") + b"\n")
    tracemalloc.start()
    try:
        got = read_items(path, "jsonl", MB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [i.error for i in got] == ["oversized record: more than 1000000 bytes", None]
    assert got[1].data == page(4)
    assert peak < 8 * MB, peak


def test_jsonl_records_python_cannot_hold_are_one_error_each(tmp_path):
    path = tmp_path / "in.jsonl"
    good = [json.dumps({"text": page(i), "id": f"d{i}"}) for i in range(5)]
    lines = [
        good[0].encode(),
        b'{"text": "a", "n": ' + b"9" * 5000 + b"}",  # 2: an integer of 5000 digits
        b"[" * 100_000 + b"]" * 100_000,  # 3: nested 100,000 deep
        json.dumps({"text": page(1), "id": "d1", "tag": "x\udcfc"}).encode(),  # 4: lone surrogate
        json.dumps({"text": "Gr\u00fc\u00dfe aus M\u00fcnchen"}, ensure_ascii=False).encode("latin-1"),  # 5
        good[2].encode(),
        b'{"text": "b", "score": NaN}',  # 7: not JSON, Python reads it
        b'{"text": "b", "score": 1e999}',  # 8: a float JSON cannot write back
        good[3].encode(),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    got = read_items(path, "jsonl")
    errors = {i.source.rsplit(":", 1)[1]: i.error for i in got if i.error}
    assert sorted(errors) == ["2", "3", "5", "7", "8"], errors
    assert "integer with more than 4300 digits" in errors["2"]
    assert "nested more than" in errors["3"]
    assert errors["5"] == "not UTF-8: invalid start byte (byte 0xfc at offset 12)"
    ok = [i for i in got if not i.error]
    assert [i.meta["id"] for i in ok] == ["d0", "d1", "d2", "d3"]
    assert ok[1].meta["tag"] == "x\ufffd"
    # end to end: no traceback, each bad record one error line, the others in the corpus
    out = tmp_path / "out.jsonl"
    result = clean(path, "-o", out, ok=(1,))
    assert [r["id"] for r in corpus(out)] == ["d0", "d1", "d2", "d3"]
    assert corpus(out)[1]["meta"] == {"tag": "x\ufffd"}
    assert sorted(e["source"].rsplit(":", 1)[1] for e in errors_of(out)) == ["2", "3", "5", "7", "8"]
    assert result.stderr.count("cleaner: error:") == 5


def test_jsonl_truncated_gzip_keeps_the_lines_before_the_cut(tmp_path):
    path = tmp_path / "in.jsonl.gz"
    data = "".join(json.dumps({"text": page(i), "id": f"d{i}"}) + "\n" for i in range(40)).encode("utf-8")
    whole = gzip.compress(data)
    path.write_bytes(whole[: int(len(whole) * 0.6)])
    got = read_items(path, "jsonl")
    assert got[-1].error == "truncated gzip data"
    ok = [i for i in got if not i.error]
    assert [i.meta["id"] for i in ok] == [f"d{i}" for i in range(len(ok))] and len(ok) >= 15
    assert got[-1].source == f"{path}:{len(ok) + 1}"


# ------------------------------------------------------------------------------ WARC


def html(i: int) -> bytes:
    paras = page(i).split("\n\n")
    return (
        f"<html><head><title>Seite {i}</title></head><body><article><h1>{paras[1]}</h1>"
        + "".join(f"<p>{p}</p>" for p in paras[3:6])
        + "</article></body></html>"
    ).encode("utf-8")


def url(i: int) -> str:
    return f"https://www.example-zeitung.de/artikel/{i}"


def build_warc(
    path: Path,
    n: int = 10,
    gz: bool = True,
    status=lambda i: "200 OK",
    ctype=lambda i: "text/html; charset=utf-8",
    body=html,
) -> list[int]:
    """n response records written with warcio; returns the byte offset of every record and the end."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    offsets = []
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        for i in range(1, n + 1):
            offsets.append(fh.tell())
            headers = StatusAndHeaders(status(i), [("Content-Type", ctype(i))], protocol="HTTP/1.1")
            rec = writer.create_warc_record(
                url(i),
                "response",
                payload=io.BytesIO(body(i)),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": f"2024-01-{i:02d}T10:00:00Z"},
            )
            writer.write_record(rec)
        offsets.append(fh.tell())
    return offsets


def summary(got: list) -> tuple[list[str], list[tuple[str, str]]]:
    """(urls of the documents read, (source, error) of every error)"""
    return [i.meta["url"] for i in got if i.error is None and getattr(i, "skip", None) is None], [
        (i.source, i.error) for i in got if i.error
    ]


def test_warc_baseline_reads_all_ten_records(tmp_path):
    for gz in (True, False):
        path = tmp_path / ("a.warc.gz" if gz else "a.warc")
        build_warc(path, gz=gz)
        got = read_items(path, "warc")
        assert summary(got) == ([url(i) for i in range(1, 11)], [])
        assert got[0].data == html(1) and got[0].meta["warc_date"] == "2024-01-01T10:00:00Z"


def test_warc_gz_zeroed_bytes_in_one_record_cost_that_record_alone(tmp_path):
    path = tmp_path / "a.warc.gz"
    offs = build_warc(path)
    data = bytearray(path.read_bytes())
    mid = (offs[3] + offs[4]) // 2
    data[mid : mid + 20] = bytes(20)
    path.write_bytes(bytes(data))
    docs, errors = summary(read_items(path, "warc"))
    assert docs == [url(i) for i in range(1, 11) if i != 4]
    assert len(errors) == 1 and errors[0][0] in (f"{path}@{url(4)}", f"{path}@{offs[3]}"), errors
    assert "gzip" in errors[0][1]
    # end to end: exit 1, the error in errors.jsonl, nine documents
    out = tmp_path / "out.jsonl"
    clean(path, "-o", out, ok=(1,))
    assert len(corpus(out)) == 9 and len(errors_of(out)) == 1


@pytest.mark.parametrize("gz", [True, False])
def test_warc_garbage_before_a_record_is_one_error_and_reading_resumes(tmp_path, gz):
    path = tmp_path / ("a.warc.gz" if gz else "a.warc")
    offs = build_warc(path, gz=gz)
    data = path.read_bytes()
    path.write_bytes(data[: offs[3]] + b"\x13garbage\x00bytes!!" + data[offs[3] :])
    docs, errors = summary(read_items(path, "warc"))
    assert docs == [url(i) for i in range(1, 11)]
    assert len(errors) == 1 and errors[0][0] == f"{path}@{offs[3]}", errors
    assert "skipped 16 bytes" in errors[0][1]


@pytest.mark.parametrize("gz", [True, False])
def test_a_warc_cut_inside_a_record_flags_that_record(tmp_path, gz):
    path = tmp_path / ("a.warc.gz" if gz else "a.warc")
    offs = build_warc(path, gz=gz)
    path.write_bytes(path.read_bytes()[: (offs[6] + offs[7]) // 2])
    docs, errors = summary(read_items(path, "warc"))
    assert docs == [url(i) for i in range(1, 7)]
    assert len(errors) == 1 and errors[0][0] in (f"{path}@{url(7)}", f"{path}@{offs[6]}"), errors
    assert errors[0][1].startswith("truncated WARC record")


def test_a_file_that_is_not_a_warc_is_one_error(tmp_path):
    for name, data in (
        ("notes.warc", page(1).encode("utf-8")),
        ("notes.warc.gz", gzip.compress(page(1).encode())),
        ("empty.warc", b""),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        docs, errors = summary(read_items(path, "warc"))
        assert docs == [] and len(errors) == 1 and errors[0][0] == str(path), (name, errors)
        assert errors[0][1].startswith("not a WARC file"), (name, errors)


def test_warc_zst_is_read(tmp_path):
    plain = tmp_path / "a.warc"
    offs = build_warc(plain, gz=False)
    data = plain.read_bytes()
    zc = zstandard.ZstdCompressor()
    path = tmp_path / "a.warc.zst"  # one frame per record, as the WARC zstd convention has it
    path.write_bytes(b"".join(zc.compress(data[a:b]) for a, b in zip(offs, offs[1:])))
    assert summary(read_items(path, "warc")) == ([url(i) for i in range(1, 11)], [])
    path.write_bytes(zc.compress(data))  # one frame for the whole file
    assert summary(read_items(path, "warc")) == ([url(i) for i in range(1, 11)], [])


def test_an_oversized_warc_record_is_one_error(tmp_path):
    path = tmp_path / "a.warc.gz"
    build_warc(path, n=3, body=lambda i: html(i) if i != 2 else b"<html><body>" + b"<p>x</p>" * 400_000)
    docs, errors = summary(read_items(path, "warc", MB))
    assert docs == [url(1), url(3)]
    assert errors == [(f"{path}@{url(2)}", "oversized: more than 1000000 bytes")]


def test_non_2xx_and_non_html_warc_responses_are_skipped_and_counted(tmp_path):
    path = tmp_path / "a.warc.gz"
    build_warc(
        path,
        n=5,
        status=lambda i: {2: "404 Not Found", 4: "500 Internal Server Error"}.get(i, "200 OK"),
        ctype=lambda i: "image/png" if i == 5 else "text/html",
    )
    got = read_items(path, "warc")
    assert summary(got) == ([url(1), url(3)], [])
    assert [(i.source, i.skip) for i in got if i.skip] == [
        (f"{path}@{url(2)}", "warc:http-404"),
        (f"{path}@{url(4)}", "warc:http-500"),
        (f"{path}@{url(5)}", "warc:not-html"),
    ]
    out = tmp_path / "out.jsonl"
    result = clean(path, "-o", out)
    assert [r["url"] for r in corpus(out)] == [url(1), url(3)]
    stats = json.loads((tmp_path / "out.work" / "stats.json").read_text(encoding="utf-8"))
    assert stats["skipped"] == {"warc:http-404": 1, "warc:http-500": 1, "warc:not-html": 1}
    assert stats["failures"] == 0 and stats["documents_in"] == 2
    assert "skipped: warc:http-404 1, warc:http-500 1, warc:not-html 1" in result.stderr


def test_a_warc_gz_record_is_used_only_after_its_checksum_passed(tmp_path):
    path = tmp_path / "a.warc.gz"
    offs = build_warc(path)
    data = bytearray(path.read_bytes())
    data[offs[4] - 8] ^= 0x01  # the CRC-32 of record 4's member: its data decompresses, but is not what was written
    path.write_bytes(bytes(data))
    docs, errors = summary(read_items(path, "warc"))
    assert docs == [url(i) for i in range(1, 11) if i != 4]
    assert len(errors) == 1 and errors[0][0] in (f"{path}@{url(4)}", f"{path}@{offs[3]}"), errors
    assert errors[0][1] == (
        "unreadable WARC record: broken gzip data: Error -3 while decompressing data: incorrect "
        "data check; skipped %d bytes to the next record" % (offs[4] - offs[3])
    )


def test_a_damaged_warc_header_does_not_pass_a_page_over_in_silence(tmp_path):
    path = tmp_path / "a.warc"
    offs = build_warc(path, gz=False)
    data = path.read_bytes()
    i = data.index(b"WARC-Type: response", offs[3])
    path.write_bytes(data[:i] + b"WARC-Type: respXnse" + data[i + 19 :])
    docs, errors = summary(read_items(path, "warc"))
    assert docs == [url(i) for i in range(1, 11) if i != 4]
    assert errors == [(f"{path}@{url(4)}", "unreadable WARC record: unknown WARC-Type 'respXnse'")]


def test_a_named_pipe_in_a_files_place_is_refused_without_blocking(tmp_path):
    """A FIFO put where planning saw a file must not hang the reader: it is opened without blocking
    and refused as not a regular file, by every reader (files, JSONL, WARC)."""
    import os
    import threading

    from cleaner.corpus import sources
    from cleaner.corpus.warc import warc_items
    from cleaner.readers import BadInput, read_bytes

    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    outcome = {}

    def read_all():
        try:
            read_bytes(str(fifo), 1000)
        except BadInput as exc:
            outcome["files"] = str(exc)
        outcome["jsonl"] = [i.error for i in sources._jsonl(str(fifo), 1000)]
        outcome["warc"] = [i.error for i in warc_items(str(fifo), 1000)]

    t = threading.Thread(target=read_all, daemon=True)
    t.start()
    t.join(10)
    assert not t.is_alive(), "a reader blocked on a named pipe"
    assert outcome["files"] == "cannot read: not a regular file (a named pipe)"
    assert outcome["jsonl"] == ["cannot read: not a regular file (a named pipe)"]
    assert outcome["warc"] == ["cannot read: not a regular file (a named pipe)"]


def test_scrub_text_changes_a_page_exactly_where_a_surrogate_or_control_character_stands():
    """The one-pass check (``_SCRUBBED``) finds what the two scrubbing patterns find, over every code
    point, and scrubbing twice is scrubbing once (text mode scrubs its input once, ``pipeline``)."""
    from cleaner.readers import _CONTROL, _SCRUBBED, _SURROGATE, scrub_text

    every = "".join(chr(c) for c in range(0x110000))
    assert {m.group() for m in _SCRUBBED.finditer(every)} == (
        {m.group() for m in _SURROGATE.finditer(every)} | {m.group() for m in _CONTROL.finditer(every)}
    )
    once = scrub_text(every)
    assert scrub_text(once) == once and not _SCRUBBED.search(once)
    assert scrub_text("Straße\x93Zitat\x94 \ud800 a\x00b") == "Straße“Zitat” \ufffd ab"
    plain = "Die Stadt plant ein neues Schwimmbad.\n\nTabs\tand\fform feeds stay."
    assert scrub_text(plain) is plain


# ------------------------------------------------------------------------------ big WARC files in parts
def _item_view(got: list) -> list[tuple]:
    return [(i.source, i.data, i.error, getattr(i, "skip", None), sorted(i.meta.items())) for i in got]


def _damaged_warcs(tmp_path: Path) -> dict[str, Path]:
    """WARC files of 24 records: plain and gzip (a member per record), each with a 404, garbage
    between two records, zeroed bytes inside one; a gzip file compressed as one stream; a cut file."""
    files = {}
    for gz in (True, False):
        path = tmp_path / ("a.warc.gz" if gz else "a.warc")
        offs = build_warc(path, n=24, gz=gz, status=lambda i: "404 Not Found" if i == 5 else "200 OK")
        data = bytearray(path.read_bytes())
        mid = (offs[15] + offs[16]) // 2
        data[mid : mid + 20] = bytes(20)
        data[offs[9] : offs[9]] = b"\x13garbage\x00bytes!!"
        path.write_bytes(bytes(data))
        files[path.name] = path
    plain = tmp_path / "plain.warc"
    build_warc(plain, n=24, gz=False)
    stream = tmp_path / "stream.warc.gz"
    stream.write_bytes(gzip.compress(plain.read_bytes()))
    cut = tmp_path / "cut.warc.gz"
    offs = build_warc(cut, n=24)
    cut.write_bytes(cut.read_bytes()[: (offs[20] + offs[21]) // 2])
    files.update({"plain.warc": plain, "stream.warc.gz": stream, "cut.warc.gz": cut})
    return files


def test_a_big_warc_file_read_in_parts_gives_exactly_its_items(tmp_path):
    from cleaner.corpus.warc import warc_spans

    for name, path in _damaged_warcs(tmp_path).items():
        whole = _item_view(read_items(path, "warc"))
        assert len(whole) >= 20, name
        size = path.stat().st_size
        for task_bytes in (1, 97, 1000, size // 5, size // 2):
            spans = warc_spans(str(path), task_bytes)
            if name == "stream.warc.gz":  # one gzip stream cannot be entered in the middle: one task
                assert spans is None
                continue
            if name == "a.warc" and task_bytes >= size // 2:  # its garbage comes before the first cut
                assert spans is None
                continue
            assert spans and spans[0][0] == 0 and spans[-1][1] == size, (name, task_bytes)
            assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
            if task_bytes == size // 5:  # (a plain file is cut only before its first malformed record)
                assert len(spans) >= (2 if name == "a.warc" else 3), (name, spans)
            parts = [x for span in spans for x in items(Task(0, "warc", (str(path),), span), 20 * MB)]
            assert _item_view(parts) == whole, (name, task_bytes)
        assert warc_spans(str(path), size) is None  # small enough: one task
    zst = tmp_path / "a.warc.zst"
    zst.write_bytes(zstandard.ZstdCompressor().compress((tmp_path / "plain.warc").read_bytes()))
    assert warc_spans(str(zst), 10) is None  # zstd: one task


def test_a_big_warc_file_is_split_into_tasks_and_gives_the_same_corpus(tmp_path):
    path = _damaged_warcs(tmp_path)["a.warc.gz"]
    one, split = tmp_path / "one.jsonl", tmp_path / "split.jsonl"
    for out, extra in ((one, []), (split, ["--workers", "2", "--task-bytes", str(path.stat().st_size // 4)])):
        result = CliRunner().invoke(main, ["clean", str(path), "-o", str(out), "--no-progress", *extra])
        assert result.exit_code == 1, result.output  # (the damaged record)
    assert split.read_bytes() == one.read_bytes() and len(corpus(split)) == 22  # 24, less the 404 and the damaged
    assert len(json.loads((tmp_path / "one.work" / "plan.json").read_text())["tasks"]) == 1
    plan = json.loads((tmp_path / "split.work" / "plan.json").read_text())
    assert len(plan["tasks"]) >= 4 and all(t["kind"] == "warc" for t in plan["tasks"])
    assert errors_of(split) == errors_of(one) and len(errors_of(split)) == 2
