"""One corpus batch over bad files beside good documents (issue 28: nothing lost, nothing garbled,
nothing hangs): ``cleaner clean good bad -o good/out/corpus.jsonl --workers 2`` in a subprocess.

The bad set: a truncated .html.gz and a truncated .jsonl.gz, broken WARCs (zeroed bytes inside one
record's gzip member, garbage before the first record, a file that is not a WARC at all, a WARC
cut inside a record), a file name that is not UTF-8, a path that cannot be read even by root (a
link to /proc/self/mem: reading it fails with EIO; permission bits do not stop root), a JSONL line
over --max-bytes, a JSONL record nested 50 000 deep, a FIFO, and the output inside an input folder
with a stale corpus from an earlier run there. The good set, mixed in: text and HTML files, a
multi-member .txt.gz (a single document split over two members) and .jsonl.gz (records in both
members), the good records of the JSONL and WARC files that also hold bad ones.

Asserted: the run ends within BATCH_TIMEOUT seconds, without a traceback; every good document is
in the corpus exactly once (by source, with its text); every bad one is exactly one line in
errors.jsonl naming its source, with a one-line reason free of control characters (a broken WARC's
raw bytes are not the reason), and one ``cleaner: error:`` line on stderr; nothing else. Disk full
is left to the unit tests of the batch operations (engineer C's ``tests/``), since it needs a full
file system.
"""

import gzip
import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import fuzzlib
from corpus_gen import page

CLEANER = str(Path(sys.executable).with_name("cleaner"))
#: seconds the whole batch may take (it takes about 10-20 s); past it the run counts as hung
BATCH_TIMEOUT = 300
#: --max-bytes of the run: every good document is far below it, the huge JSONL line above
MAX_BYTES = 200_000
#: depth of the deeply nested JSONL record: far beyond Python's recursion limit, its line (2 bytes a
#: level) still under MAX_BYTES, so that it is the nesting that fails
DEEP = 50_000


def marker(n: int) -> str:
    """A phrase only page(n) has (each of its paragraphs names its own number)."""
    return f"Nummer {n}-"


def html_page(n: int) -> bytes:
    paras = page(n).split("\n\n")[3:7]
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Seite</title></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in paras)
        + "</article></body></html>"
    ).encode("utf-8")


def warc_records(ns: list[int]) -> list[bytes]:
    """One gzip member per record, as crawlers write .warc.gz."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    members = []
    for n in ns:
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        rec = writer.create_warc_record(
            url(n),
            "response",
            payload=io.BytesIO(html_page(n)),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": "2024-01-01T10:00:00Z"},
        )
        writer.write_record(rec)
        members.append(buf.getvalue())
    return members


def url(n: int) -> str:
    return f"https://www.example-zeitung.de/artikel/{n}"


def jsonl(*records: str) -> bytes:
    return "".join(r + "\n" for r in records).encode("utf-8")


def rec(n: int) -> str:
    return json.dumps({"text": page(n), "url": url(n)}, ensure_ascii=False)


def build(base: Path):
    """Writes the inputs; returns (good: {source: [phrases]}, bad: {label: matcher}, out, stale)."""
    good_dir, bad_dir = base / "good", base / "bad"
    (good_dir / "b").mkdir(parents=True)
    bad_dir.mkdir()
    good: dict[str, list[str]] = {}
    bad: dict[str, tuple[str, str]] = {}  # label -> ("exact" | "prefix", source)

    for n in range(100, 104):
        (good_dir / f"page{n}.txt").write_text(page(n), encoding="utf-8")
        good[f"good/page{n}.txt"] = [marker(n)]
    (good_dir / "b" / "page105.html").write_bytes(html_page(105))
    good["good/b/page105.html"] = [marker(105)]

    # multi-member gzip: one document split over two members; records in both members of a JSONL
    text = page(110).encode("utf-8")
    paras = text.split(b"\n\n")
    first, second = b"\n\n".join(paras[:5]), b"\n\n" + b"\n\n".join(paras[5:])
    (good_dir / "multi.txt.gz").write_bytes(gzip.compress(first, mtime=0) + gzip.compress(second, mtime=0))
    good["good/multi.txt.gz"] = [paras[4].decode()[:60], paras[5].decode()[:60]]
    (good_dir / "feed2.jsonl.gz").write_bytes(
        gzip.compress(jsonl(rec(130), rec(131)), mtime=0) + gzip.compress(jsonl(rec(132)), mtime=0)
    )
    for line, n in enumerate((130, 131, 132), 1):
        good[f"good/feed2.jsonl.gz:{line}"] = [marker(n)]

    # a JSONL file: good, huge (over --max-bytes), nested 100 000 deep, good
    huge = json.dumps({"text": page(121) + "\n\n" + "Sehr lange Zeile " * (MAX_BYTES // 10)})
    deep = '{"text": "Tief", "extra": ' + "[" * DEEP + "]" * DEEP + "}"
    assert len(huge) > MAX_BYTES > len(deep)
    (good_dir / "feed.jsonl").write_bytes(jsonl(rec(120), huge, deep, rec(122)))
    good["good/feed.jsonl:1"] = [marker(120)]
    good["good/feed.jsonl:4"] = [marker(122)]
    bad["huge JSONL line"] = ("exact", "good/feed.jsonl:2")
    bad["deep JSONL record"] = ("exact", "good/feed.jsonl:3")

    # truncated gzip: a single document, and a JSONL cut inside its first record
    whole = gzip.compress(html_page(190), mtime=0)
    (bad_dir / "trunc.html.gz").write_bytes(whole[: len(whole) * 2 // 3])
    bad["truncated gzip"] = ("exact", "bad/trunc.html.gz")
    whole = gzip.compress(jsonl(rec(191), rec(192)), mtime=0)
    (bad_dir / "trunc.jsonl.gz").write_bytes(whole[: len(whole) // 3])
    bad["truncated JSONL gzip"] = ("prefix", "bad/trunc.jsonl.gz")

    # broken WARCs
    members = warc_records([140, 141, 142])
    broken = bytearray(members[1])
    mid = len(broken) // 2
    broken[mid : mid + 64] = bytes(64)
    (bad_dir / "zeroed.warc.gz").write_bytes(members[0] + bytes(broken) + members[2])
    good[f"bad/zeroed.warc.gz@{url(140)}"] = [marker(140)]
    good[f"bad/zeroed.warc.gz@{url(142)}"] = [marker(142)]
    bad["WARC with zeroed bytes in a record"] = ("prefix", "bad/zeroed.warc.gz")

    garbage = bytes(range(256)) * 2
    (bad_dir / "garbage.warc.gz").write_bytes(garbage + b"".join(warc_records([150, 151])))
    good[f"bad/garbage.warc.gz@{url(150)}"] = [marker(150)]
    good[f"bad/garbage.warc.gz@{url(151)}"] = [marker(151)]
    bad["WARC with garbage before a record"] = ("prefix", "bad/garbage.warc.gz")

    (bad_dir / "notwarc.warc").write_bytes(page(155).encode("utf-8"))
    bad["not a WARC"] = ("prefix", "bad/notwarc.warc")

    members = warc_records([160, 161])
    (bad_dir / "cut.warc.gz").write_bytes(members[0] + members[1][: len(members[1]) // 2])
    good[f"bad/cut.warc.gz@{url(160)}"] = [marker(160)]
    bad["WARC cut inside a record"] = ("prefix", "bad/cut.warc.gz")

    # a file name that is not UTF-8 (its content is a good page: cleaned or reported, once)
    os.makedirs(os.fsencode(bad_dir / "names"))
    with open(os.fsencode(bad_dir / "names") + b"/caf\xe9.txt", "wb") as fh:
        fh.write(page(170).encode("utf-8"))

    # unreadable even by root: /proc/self/mem is a regular file whose first page is never mapped
    os.symlink("/proc/self/mem", bad_dir / "mem.txt")
    bad["unreadable path"] = ("exact", "bad/mem.txt")

    os.mkfifo(bad_dir / "pipe.txt")
    bad["FIFO"] = ("exact", "bad/pipe.txt")

    # the output inside an input folder, with the corpus of an earlier run still there
    out = good_dir / "out" / "corpus.jsonl"
    out.parent.mkdir()
    out.write_text(rec(180) + "\n", encoding="utf-8")
    return good, bad, out


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("badfiles")
    good, bad, out = build(base)
    cmd = [
        CLEANER,
        "clean",
        "good",
        "bad",
        "-o",
        str(out.relative_to(base)),
        "--workers",
        "2",
        "--max-bytes",
        str(MAX_BYTES),
        "--no-progress",
    ]
    proc = subprocess.Popen(cmd, cwd=base, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=BATCH_TIMEOUT)
        hung = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers (their own session)
        stdout, stderr = proc.communicate()
        hung = True
    work = out.parent / "corpus.work"
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    errors_file = work / "errors.jsonl"
    errors = (
        [json.loads(line) for line in errors_file.read_text(encoding="utf-8").splitlines()]
        if errors_file.exists()
        else []
    )
    return {
        "good": good,
        "bad": bad,
        "returncode": proc.returncode,
        "hung": hung,
        "records": records,
        "errors": errors,
        "stderr": stderr.decode("utf-8", "replace"),
        "errors_exist": errors_file.exists(),
    }


def _matches(source: str, how: tuple[str, str]) -> bool:
    kind, want = how
    return source == want if kind == "exact" else source == want or source.startswith((want + "@", want + ":"))


def _is_odd_name(source: str) -> bool:
    return source.startswith("bad/names/") and "caf" in source


def test_batch_ends_in_bounded_time_without_traceback(batch):
    assert not batch["hung"], f"the batch ran over {BATCH_TIMEOUT} s:\n{batch['stderr'][-3000:]}"
    assert "Traceback" not in batch["stderr"], batch["stderr"][-3000:]
    assert batch["returncode"] == 1, (batch["returncode"], batch["stderr"][-3000:])
    assert batch["errors_exist"]


def test_every_good_document_once(batch):
    by_source: dict[str, list[dict]] = {}
    for r in batch["records"]:
        by_source.setdefault(str(r.get("source")), []).append(r)
    problems = []
    for source, phrases in batch["good"].items():
        got = by_source.get(source, [])
        if len(got) != 1:
            problems.append(f"{source}: in the corpus {len(got)} times")
            continue
        problems += [f"{source}: text lacks {p!r}" for p in phrases if p not in got[0]["text"]]
    odd = [s for s in by_source if _is_odd_name(s)]
    unexpected = [s for s in by_source if s not in batch["good"] and not _is_odd_name(s)]
    problems += [f"unexpected record {s}" for s in unexpected]
    problems += [f"{s}: in the corpus {len(by_source[s])} times" for s in odd if len(by_source[s]) != 1]
    assert not [r for r in batch["records"] if marker(180) in r.get("text", "") and "source" in r], (
        "the stale corpus in -o's folder was read"
    )
    assert not problems, "\n".join(problems)


def test_every_bad_file_one_error(batch):
    errors = batch["errors"]
    problems = []
    for label, how in batch["bad"].items():
        n = sum(_matches(e["source"], how) for e in errors)
        if n != 1:
            problems.append(f"{label} ({how[1]}): {n} error lines")
    odd_errors = [e for e in errors if _is_odd_name(e["source"])]
    odd_records = [r for r in batch["records"] if _is_odd_name(str(r.get("source")))]
    if len(odd_errors) + len(odd_records) != 1:
        problems.append(f"non-UTF-8 file name: {len(odd_records)} records and {len(odd_errors)} error lines")
    claimed = [
        e for e in errors if _is_odd_name(e["source"]) or any(_matches(e["source"], h) for h in batch["bad"].values())
    ]
    problems += [f"unexpected error line {e}" for e in errors if e not in claimed]
    problems += [
        f"error line without a one-line reason: {e}"
        for e in errors
        if not str(e.get("reason", "")).strip() or "\n" in str(e.get("reason"))
    ]
    problems += [f"control characters in an error line: {e}" for e in errors if fuzzlib.control_chars(e)]
    assert not problems, "\n".join(problems) + "\n" + json.dumps(errors, indent=1)[:4000]


def test_stderr_one_line_per_error(batch):
    lines = [line for line in batch["stderr"].splitlines() if line.startswith("cleaner: error:")]
    assert len(batch["errors"]) >= len(batch["bad"]), batch["stderr"][-3000:]
    assert len(lines) == len(batch["errors"]), batch["stderr"][-3000:]
    for e in batch["errors"]:
        if not _is_odd_name(e["source"]):
            assert sum(f"cleaner: error: {e['source']}: " in line for line in lines) == 1, (e, lines)
