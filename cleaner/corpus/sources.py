"""Readers: what to clean, as a deterministic list of tasks, each read back as a stream of items.

One reader per input kind:
- files (``.txt``/``.html``/``.htm``, plain or ``.gz``/``.zst``), from folders, globs or paths;
- JSONL files whose records carry ``html`` or ``text`` plus optional ``url``/``date``/``outlet``/
  ``id`` (passed through as metadata);
- WARC files, plain, ``.gz`` or ``.zst`` (2xx HTTP response records with HTML; the target URI is the
  url, WARC-Date is kept apart from the article date as ``meta.warc_date``; read in ``warc.py``).
A task is a run of files (``task_size`` of them) or one JSONL/WARC file. Items are produced one at
a time, so memory stays flat however large the corpus is.
"""
from __future__ import annotations

import glob
import json
import math
import os
import re
import sys
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
    skip: str | None = None  # why the reader passed over an input that is no document (counted in the stats)


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
    """Every item of the task's inputs, in order. A reader that fails on an input (a bug, not bad
    input, which the readers report as items) costs that input alone, with one error item."""
    reader = {"files": _files, "jsonl": _jsonl, "warc": _warc}[task.kind]
    for path in task.paths:
        try:
            yield from reader(path, max_bytes)
        except Exception as exc:
            yield Item(path, None, error=f"internal error while reading: {type(exc).__name__}: {exc}".splitlines()[0])


def _files(path: str, max_bytes: int) -> Iterator[Item]:
    try:
        yield Item(path, read_bytes(path, max_bytes))
    except BadInput as exc:
        yield Item(path, None, error=str(exc))


PASSTHROUGH_SKIP = ("html", "text")
#: bytes read from a JSONL stream at a time (a line longer than the limit is never held whole)
JSONL_CHUNK = 1 << 20
#: records nested deeper than this are refused: json, our writer and pass 2 all recurse per level
MAX_RECORD_DEPTH = 100
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _jsonl(path: str, max_bytes: int) -> Iterator[Item]:
    """One item per record; a bad record (over the limit, not UTF-8, not JSON, not a record) is one
    error item and reading goes on at the next line; damaged compressed data ends the file with one."""
    try:
        fh = open_binary(path)
    except OSError as exc:
        yield Item(path, None, error=f"cannot read: {exc.strerror or exc}")
        return
    with fh:
        for lineno, line, error in _lines(fh, max_bytes):
            source = f"{path}:{lineno}"
            if error is None:
                try:
                    item = _record(source, line, first=lineno == 1)
                except BadInput as exc:
                    error = str(exc)
                else:
                    if item is not None:
                        yield item
                    continue
            yield Item(source, None, error=error)


def _lines(fh, limit: int) -> Iterator[tuple[int, bytes | None, str | None]]:
    """(line number, line, None) for every line of the stream and (line number, None, reason) for a
    line over ``limit`` bytes (read past, never held) and for damaged data (which ends the stream).
    Lines end at "\\n" (a "\\r" before it is JSON whitespace), as JSON Lines has it."""
    buf = bytearray()
    lineno = 0
    skipping = False  # inside a line already reported as oversized
    chunk_size = max(JSONL_CHUNK, min(limit, 16 * JSONL_CHUNK))
    while True:
        try:
            chunk = fh.read(chunk_size)
        except BadInput as exc:
            yield lineno + 1, None, str(exc)
            return
        except (OSError, EOFError) as exc:
            yield lineno + 1, None, f"cannot read: {exc}".splitlines()[0]
            return
        if not chunk:
            if buf and not skipping:
                yield lineno + 1, bytes(buf), None
            return
        start = 0
        while True:
            end = chunk.find(b"\n", start)
            if end < 0:
                if not skipping:
                    buf += memoryview(chunk)[start:]
                    if len(buf) > limit:
                        lineno += 1
                        yield lineno, None, f"oversized record: more than {limit} bytes"
                        buf.clear()
                        skipping = True
                break
            if skipping:
                skipping = False
            else:
                lineno += 1
                if buf:
                    buf += memoryview(chunk)[start:end]
                    line = bytes(buf)
                    buf.clear()
                else:
                    line = chunk[start:end]
                if len(line) > limit:
                    yield lineno, None, f"oversized record: more than {limit} bytes"
                else:
                    yield lineno, line, None
            start = end + 1


def _record(source: str, line: bytes, first: bool = False) -> Item | None:
    """The item of one JSONL line (None for a blank line); BadInput names what is wrong with it."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"not UTF-8: {exc.reason} (byte 0x{line[exc.start]:02x} at offset {exc.start})") from None
    if first and text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        return None
    try:
        rec = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        raise BadInput(f"not JSON: {exc.msg}") from None
    except RecursionError:
        raise BadInput(f"unsupported JSON: nested more than {MAX_RECORD_DEPTH} levels deep") from None
    except ValueError as exc:  # Python's own limits: int digits, or the float/constant checks below
        msg = str(exc)
        if "integer string conversion" in msg:
            msg = f"an integer with more than {sys.get_int_max_str_digits()} digits"
        raise BadInput(f"unsupported JSON: {msg}".splitlines()[0]) from None
    if _depth(rec) > MAX_RECORD_DEPTH:
        raise BadInput(f"unsupported JSON: nested more than {MAX_RECORD_DEPTH} levels deep")
    if not isinstance(rec, dict) or not (isinstance(rec.get("html"), str) or isinstance(rec.get("text"), str)):
        raise BadInput("record has no 'html' or 'text' string")
    rec = _without_lone_surrogates(rec)
    fmt = "html" if isinstance(rec.get("html"), str) else "text"
    meta = {k: v for k, v in rec.items() if k not in PASSTHROUGH_SKIP and v is not None}
    return Item(source, rec[fmt], fmt, meta)


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(literal: str) -> float:
    value = float(literal)
    if math.isinf(value):
        raise ValueError(f"number {literal[:40]} is out of range")
    return value


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (iteratively: no recursion limit)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            deepest = max(deepest, level)
            stack += [(v, level + 1) for v in node if isinstance(v, (dict, list))]
    return deepest


def _without_lone_surrogates(value: Any) -> Any:
    """``value`` with every lone surrogate (a "\\udcxx" escape JSON allows but UTF-8 cannot write) in
    its strings and keys replaced by U+FFFD, so the record can be written."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    return value


def _warc(path: str, max_bytes: int) -> Iterator[Item]:
    from .warc import warc_items

    yield from warc_items(path, max_bytes)
