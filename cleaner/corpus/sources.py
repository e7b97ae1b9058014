"""Readers: what to clean, as a deterministic list of tasks, each read back as a stream of items.

One reader per input kind:
- files (``.txt``/``.html``/``.htm``, plain or ``.gz``/``.zst``), from folders, globs or paths;
- JSONL files whose records carry ``html`` or ``text`` plus optional ``url``/``date``/``outlet``/
  ``id`` (passed through as metadata);
- WARC files (HTTP response records with HTML; the target URI is the url, WARC-Date is kept apart
  from the article date as ``meta.warc_date``).
A task is a run of files (``task_size`` of them) or one JSONL/WARC file. Items are produced one at
a time, so memory stays flat however large the corpus is.
"""
from __future__ import annotations

import glob
import gzip
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..readers import COMPRESSION_SUFFIXES as COMPRESSED
from ..readers import HTML_SUFFIXES, TEXT_SUFFIXES, BadInput, open_binary, read_bytes
JSONL_SUFFIXES = (".jsonl", ".ndjson")
WARC_SUFFIXES = (".warc", ".arc")


@dataclass(frozen=True)
class Task:
    id: int
    kind: str  # files | jsonl | warc
    paths: tuple[str, ...]


@dataclass
class Item:
    """One document to clean: raw bytes or text, how to read it, and metadata passed through."""

    source: str
    data: bytes | str | None
    fmt: str = "auto"
    meta: dict[str, Any] = field(default_factory=dict)
    error: str | None = None  # a reader-level failure for this item (reported, not raised)


def _strip_compression(name: str) -> str:
    for suffix in COMPRESSED:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def kind_of(path: str) -> str | None:
    name = _strip_compression(os.path.basename(path).lower())
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(TEXT_SUFFIXES + HTML_SUFFIXES):
        return "files"
    return None


def expand(paths: list[str]) -> list[tuple[str, str]]:
    """(kind, path) for every input, in a deterministic order: folders are searched recursively,
    globs expanded, explicit files kept even with an unknown ending (read as single documents)."""
    out: list[tuple[str, str]] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file() and kind_of(q.name))
            out += [(kind_of(q.name), (p / q.relative_to(p)).as_posix()) for q in found]
        elif any(ch in given for ch in "*?[") and not p.exists():
            out += [(kind_of(q) or "files", q) for q in sorted(glob.glob(given, recursive=True)) if os.path.isfile(q)]
        else:
            out.append((kind_of(given) or "files", given))
    return out


def plan(paths: list[str], task_size: int) -> list[Task]:
    tasks: list[Task] = []
    batch: list[str] = []
    for kind, path in expand(paths):
        if kind == "files":
            batch.append(path)
            if len(batch) >= task_size:
                tasks.append(Task(len(tasks), "files", tuple(batch)))
                batch = []
        else:
            if batch:
                tasks.append(Task(len(tasks), "files", tuple(batch)))
                batch = []
            tasks.append(Task(len(tasks), kind, (path,)))
    if batch:
        tasks.append(Task(len(tasks), "files", tuple(batch)))
    return tasks


# ------------------------------------------------------------------------------------------ readers


def items(task: Task, max_bytes: int) -> Iterator[Item]:
    reader = {"files": _files, "jsonl": _jsonl, "warc": _warc}[task.kind]
    for path in task.paths:
        yield from reader(path, max_bytes)


def _files(path: str, max_bytes: int) -> Iterator[Item]:
    try:
        yield Item(path, read_bytes(path, max_bytes))
    except BadInput as exc:
        yield Item(path, None, error=str(exc))


PASSTHROUGH_SKIP = ("html", "text")


def _jsonl(path: str, max_bytes: int) -> Iterator[Item]:
    try:
        raw = gzip.open(path, "rb") if path.endswith(".gz") else open_binary(path)
        fh = io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
    except OSError as exc:
        yield Item(path, None, error=f"cannot read: {exc}")
        return
    with fh:
        lineno = 0
        while True:
            try:
                line = fh.readline()
            except Exception as exc:
                yield Item(f"{path}:{lineno + 1}", None, error=f"broken compressed data: {exc}".splitlines()[0])
                return
            if not line:
                return
            lineno += 1
            if not line.strip():
                continue
            source = f"{path}:{lineno}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Item(source, None, error=f"not JSON: {exc.msg}")
                continue
            if not isinstance(rec, dict) or not (isinstance(rec.get("html"), str) or isinstance(rec.get("text"), str)):
                yield Item(source, None, error="record has no 'html' or 'text' string")
                continue
            fmt = "html" if isinstance(rec.get("html"), str) else "text"
            body = rec[fmt]
            if len(body.encode("utf-8", "replace")) > max_bytes:
                yield Item(source, None, error=f"oversized: more than {max_bytes} bytes")
                continue
            meta = {k: v for k, v in rec.items() if k not in PASSTHROUGH_SKIP and v is not None}
            yield Item(source, body, fmt, meta)


def _warc(path: str, max_bytes: int) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator

    try:
        fh = open(path, "rb")
    except OSError as exc:
        yield Item(path, None, error=f"cannot read: {exc}")
        return
    with fh:
        try:
            for rec in ArchiveIterator(fh):
                if rec.rec_type != "response" or rec.http_headers is None:
                    continue
                ctype = (rec.http_headers.get_header("Content-Type") or "").lower()
                if "html" not in ctype:
                    continue
                url = rec.rec_headers.get_header("WARC-Target-URI")
                source = f"{path}@{url}"
                data = rec.content_stream().read(max_bytes + 1)
                if len(data) > max_bytes:
                    yield Item(source, None, error=f"oversized: more than {max_bytes} bytes")
                    continue
                meta = {"url": url, "warc_date": rec.rec_headers.get_header("WARC-Date"),
                        "warc_record_id": rec.rec_headers.get_header("WARC-Record-ID")}
                yield Item(source, data, "html", {k: v for k, v in meta.items() if v})
        except Exception as exc:  # a truncated or corrupt archive: report, keep what was read
            yield Item(path, None, error=f"broken WARC: {exc}".splitlines()[0])
