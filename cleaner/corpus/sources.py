"""Readers: what to clean, as a deterministic list of tasks, each read back as a stream of items.

One reader per input kind:
- files (any file but JSONL and WARC, plain or ``.gz``/``.zst``; in folders and globs known
  non-documents such as images are skipped and counted), from folders, globs or paths;
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
import stat
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

from ..readers import base_name
from ..readers import (
    GZIP_MAGIC,
    HTML_SUFFIXES,
    TEXT_SUFFIXES,
    ZSTD_MAGIC,
    BadInput,
    open_binary,
    open_regular,
    read_bytes,
    replace_surrogates,
)

JSONL_SUFFIXES = (".jsonl", ".ndjson")
WARC_SUFFIXES = (".warc", ".arc")


@dataclass(frozen=True)
class Task:
    id: int
    kind: str  # files | jsonl | warc
    paths: tuple[str, ...]
    #: a part of one big plain JSONL file: (first byte, end byte, lines before it), whole lines
    span: tuple[int, int, int] | None = None


@dataclass
class Item:
    """One document to clean: raw bytes or text, how to read it, and metadata passed through."""

    source: str
    data: bytes | str | None
    fmt: str = "auto"
    meta: dict[str, Any] = field(default_factory=dict)
    error: str | None = None  # a reader-level failure for this item (reported, not raised)
    skip: str | None = None  # why the reader passed over an input that is no document (counted in the stats)


#: endings of pages a web server wrote: read as HTML (with ``--format auto``), like .html/.htm
SERVER_HTML_SUFFIXES = (".shtml", ".xhtml", ".php", ".asp", ".aspx", ".jsp")
#: endings (after .gz/.zst) of files that are no document: in a folder or glob they are skipped and
#: counted (``stats["skipped"]``: ``file:.jpg``); a file named on the command line is still read
NON_DOCUMENT_SUFFIXES = (
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".webp",
    ".avif",
    ".bmp",
    ".tif",
    ".tiff",
    ".ico",
    ".svg",  # images
    ".css",
    ".js",
    ".mjs",
    ".map",
    ".woff",
    ".woff2",
    ".ttf",
    ".otf",
    ".eot",  # styles, scripts, fonts
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".odt",  # office documents (not read)
    ".zip",
    ".tar",
    ".tgz",
    ".7z",
    ".rar",
    ".bz2",
    ".xz",
    ".exe",
    ".dll",
    ".so",
    ".bin",
    ".iso",  # archives
    ".mp3",
    ".mp4",
    ".m4a",
    ".webm",
    ".ogg",
    ".wav",
    ".avi",
    ".mov",
    ".mkv",
    ".flac",  # media
    ".json",
    ".xml",
    ".csv",
    ".tsv",
    ".sqlite",
    ".db",
    ".pyc",
    ".tmp",  # data, caches, half-written files
)
#: file names that are no document whatever their ending (file manager litter)
NON_DOCUMENT_NAMES = (".ds_store", "thumbs.db", "desktop.ini")
#: the kind ``kind_of`` gives a file that is no document (never a task's kind: ``expand`` counts it)
SKIP = "skip"


def is_html_name(path: str) -> bool:
    """True for a file named as an HTML page: .html/.htm and the server endings (.php, .shtml, ...)."""
    return base_name(path.lower()).endswith(HTML_SUFFIXES + SERVER_HTML_SUFFIXES)


def split_source(source: str) -> tuple[str, str | None, str | None]:
    """(the file, ``jsonl`` or ``warc`` or None, the record in it) of a document's ``source``:
    ``feed.jsonl:3`` -> (feed.jsonl, jsonl, "3"); ``crawl.warc.gz@URL`` -> (crawl.warc.gz, warc, URL) at
    the first "@" after a WARC file's name; any other source is a file of its own."""
    m = re.match(r"^(.*):(\d+)$", source, re.DOTALL)
    if m and kind_of(m.group(1)) == "jsonl":
        return m.group(1), "jsonl", m.group(2)
    for at in (i for i, ch in enumerate(source) if ch == "@"):
        if kind_of(source[:at]) == "warc":
            return source[:at], "warc", source[at + 1 :]
    return source, None, None


def kind_of(path: str) -> str:
    """How a file is read: ``jsonl``, ``warc``, ``files`` (one document: any other file, its
    format sniffed as ``--format auto`` does), or ``skip`` for a known non-document (an image, a
    style sheet, ...: ``NON_DOCUMENT_SUFFIXES``), which folder and glob scans count and pass over."""
    name = base_name(path.lower())
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(TEXT_SUFFIXES + HTML_SUFFIXES + SERVER_HTML_SUFFIXES):
        return "files"
    if name in NON_DOCUMENT_NAMES or name.endswith(NON_DOCUMENT_SUFFIXES):
        return SKIP
    return "files"


def skip_reason(path: str) -> str:
    """The stats key of a file ``kind_of`` calls no document: ``file:.jpg``, ``file:.ds_store``."""
    name = base_name(path.lower())
    return "file:" + (name if name in NON_DOCUMENT_NAMES else os.path.splitext(name)[1])


FileId = tuple  # (st_dev, st_ino): a file or folder, whatever path leads to it


def file_id(st: os.stat_result) -> FileId:
    return (st.st_dev, st.st_ino)


@dataclass(frozen=True)
class OwnFiles:
    """The run's own files, never read as its inputs: a corpus written into the folder it reads
    would come back as input on the next run (sorting first and winning the dedup), and a crashed
    run's work files would change the inputs its ``--resume`` finds. Folders are excluded whole
    (the work folder, ``--txt-dir``); in a folder, names matching a pattern are (the corpus, its
    shards, stats, errors and their temporary files); and so are the files those names hold now,
    by identity, whatever link leads to them. Identities (device, inode), not path strings, so any
    spelling of a path or a symbolic link to it is recognised."""

    folders: frozenset = frozenset()  # FileIds of folders excluded with everything below
    names: tuple = ()  # (FileId of a folder, compiled pattern for names in it)
    files: frozenset = frozenset()  # FileIds of the own files that exist now

    @classmethod
    def of(cls, folders: list[str], names: list[tuple[str, re.Pattern]]) -> "OwnFiles":
        """From folder paths and (folder path, name pattern) pairs; paths that do not exist yet
        hold nothing to exclude."""
        folder_ids: set[FileId] = set()
        name_ids: list[tuple[FileId, re.Pattern]] = []
        file_ids: set[FileId] = set()
        for folder in folders:
            try:
                folder_ids.add(file_id(os.stat(folder)))
            except OSError:
                pass
        for folder, pattern in names:
            try:
                name_ids.append((file_id(os.stat(folder or ".")), pattern))
                with os.scandir(folder or ".") as it:
                    file_ids.update(file_id(e.stat()) for e in it if pattern.match(e.name) and e.is_file())
            except OSError:
                pass
        return cls(frozenset(folder_ids), tuple(name_ids), frozenset(file_ids))

    def has_folder(self, st: os.stat_result) -> bool:
        return file_id(st) in self.folders

    def has_file(self, folder_st: os.stat_result | None, name: str, st: os.stat_result) -> bool:
        if file_id(st) in self.files:
            return True
        if folder_st is None:
            return False
        folder = file_id(folder_st)
        return any(f == folder and pattern.match(name) for f, pattern in self.names)


_FILE_TYPES = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _not_regular(st: os.stat_result) -> str:
    """Why a file that is not a regular file is not read (opening a named pipe blocks for ever)."""
    what = next((name for test, name in _FILE_TYPES if test(st.st_mode)), "a special file")
    return f"not a regular file ({what})"


def _utf8(path: str) -> bool:
    """False for a name with bytes that are not UTF-8 (os gives them as surrogate escapes): such a
    name cannot go into a UTF-8 record, so the file is reported instead of cleaned."""
    try:
        path.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def failure(source: str, reason: str) -> dict:
    """An errors.jsonl entry for an input found unreadable while planning; a name that is not
    UTF-8 is given with its bytes escaped (``\\xff``), as the entry must be UTF-8 JSON."""
    from ..writers import shown

    return {"source": source if _utf8(source) else shown(source), "reason": reason}


def _walk(given: str, top_st: os.stat_result, own: OwnFiles | None, errors: list[dict]) -> list[tuple[str, str]]:
    """(kind, path) of every file with a known ending below the folder ``given``, sorted by path
    as ``Path.rglob`` sorts. Symbolic links to folders are followed (as ``find -L`` does); a
    link back to a folder above it is a loop, reported once and not followed. Unreadable folders,
    broken links, special files (pipes, devices, sockets) and names that are not UTF-8 are
    reported in ``errors`` (in path order) and skipped; the run's own files are skipped."""
    base = Path(given)
    found: list[tuple[tuple[str, ...], str]] = []
    failed: list[tuple[tuple[str, ...], dict]] = []
    # depth first, with an explicit stack (no recursion limit); the order comes from sorting
    stack: list[tuple[str, tuple[str, ...], os.stat_result, frozenset[FileId]]] = [
        (given, (), top_st, frozenset({file_id(top_st)}))
    ]
    while stack:
        folder, rel, folder_st, ancestors = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            failed.append((rel, failure(base.joinpath(*rel).as_posix(), f"cannot read folder: {exc.strerror or exc}")))
            continue
        for entry in entries:
            sub = rel + (entry.name,)
            kind = kind_of(entry.name)
            try:
                st = entry.stat()
            except OSError as exc:
                if isinstance(exc, FileNotFoundError) and not kind:
                    continue  # a broken link without a document's ending: nothing is missing
                reason = (
                    "broken symbolic link"
                    if isinstance(exc, FileNotFoundError)
                    else f"cannot read: {exc.strerror or exc}"
                )
                failed.append((sub, failure(base.joinpath(*sub).as_posix(), reason)))
                continue
            if stat.S_ISDIR(st.st_mode):
                if file_id(st) in ancestors:
                    failed.append(
                        (
                            sub,
                            failure(
                                base.joinpath(*sub).as_posix(), "symbolic link loop: leads back to a folder above it"
                            ),
                        )
                    )
                elif own is None or not own.has_folder(st):
                    stack.append((entry.path, sub, st, ancestors | {file_id(st)}))
                continue
            if not kind or (own is not None and own.has_file(folder_st, entry.name, st)):
                continue
            path = base.joinpath(*sub).as_posix()
            if not _utf8(path):
                failed.append((sub, failure(path, "file name is not valid UTF-8")))
            elif not stat.S_ISREG(st.st_mode):
                failed.append((sub, failure(path, _not_regular(st))))
            else:
                found.append((sub, kind))
    errors += [e for _, e in sorted(failed, key=lambda x: x[0])]
    return [(kind, base.joinpath(*sub).as_posix()) for sub, kind in sorted(found)]


def _glob(given: str, own: OwnFiles | None, errors: list[dict]) -> list[tuple[str, str]]:
    """The files a glob matches (folders it matches are not searched), sorted; special files and
    names that are not UTF-8 reported, the run's own files skipped."""
    out = []
    folder_stats: dict[str, os.stat_result | None] = {}
    for q in sorted(glob.glob(given, recursive=True)):
        try:
            st = os.stat(q)
        except OSError:
            continue  # gone since the listing, or a broken link: as before, not a match
        if stat.S_ISDIR(st.st_mode):
            continue
        if own is not None:
            folder = os.path.dirname(q) or "."
            if folder not in folder_stats:
                try:
                    folder_stats[folder] = os.stat(folder)
                except OSError:
                    folder_stats[folder] = None
            if own.has_file(folder_stats[folder], os.path.basename(q), st):
                continue
        if not _utf8(q):
            errors.append(failure(q, "file name is not valid UTF-8"))
        elif not stat.S_ISREG(st.st_mode):
            errors.append(failure(q, _not_regular(st)))
        else:
            out.append((kind_of(q) or "files", q))
    return out


def _named(path: str) -> tuple[str, str]:
    """(kind, path) of a file named on the command line: read even with a non-document ending."""
    kind = kind_of(path)
    return ("files" if kind == SKIP else kind), path


def expand(
    paths: list[str], own: OwnFiles | None = None, errors: list[dict] | None = None, skipped: Counter | None = None
) -> list[tuple[str, str]]:
    """(kind, path) for every input, in a deterministic order: folders are searched recursively,
    globs expanded, explicit files kept whatever their ending (read as single documents). In
    folders and globs every file is taken (its format sniffed) except known non-documents (images,
    style sheets, scripts, ...: ``kind_of``), which are counted in ``skipped`` by ending. What
    cannot be read as an input (an unreadable folder or path, a named pipe or device, a link loop,
    a name that is not UTF-8) is not listed but appended to ``errors`` as an errors.jsonl entry, in
    input order; the files of ``own`` (the run's outputs) are skipped in folders and globs."""
    errors = [] if errors is None else errors
    out: list[tuple[str, str]] = []
    for given in paths:
        if not _utf8(given):
            errors.append(failure(given, "file name is not valid UTF-8"))
            continue
        try:
            st = os.stat(given)
        except FileNotFoundError:
            if any(ch in given for ch in "*?["):
                out += _glob(given, own, errors)
            else:
                out.append(_named(given))  # the reader reports it: no such file
            continue
        except OSError as exc:  # no permission on a folder above it, a link loop, ...
            errors.append(failure(given, f"cannot read: {exc.strerror or exc}"))
            continue
        if stat.S_ISDIR(st.st_mode):
            out += _walk(given, st, own, errors)
        elif not stat.S_ISREG(st.st_mode):
            errors.append(failure(given, _not_regular(st)))
        else:
            out.append(_named(given))
    kept = []
    for kind, path in out:
        if kind != SKIP:
            kept.append((kind, path))
        elif skipped is not None:
            skipped[skip_reason(path)] += 1
    return kept


def jsonl_spans(path: str, task_bytes: int) -> list[tuple[int, int, int]] | None:
    """A plain (uncompressed) JSONL file larger than ``task_bytes`` as parts of about that many bytes,
    each of whole lines: (first byte, end byte, lines before it); None for a smaller or compressed
    file (read as one task: compressed streams cannot be entered in the middle)."""
    try:
        size = os.path.getsize(path)
        if size <= task_bytes:
            return None
        with open(path, "rb") as fh:
            if fh.read(4).startswith((GZIP_MAGIC, ZSTD_MAGIC)):
                return None
            spans, start, lines = [], 0, 0
            while start < size:
                end = min(size, start + task_bytes)
                fh.seek(end)
                while end < size:  # on to the end of the line the cut falls in
                    chunk = fh.read(1 << 16)
                    cut = chunk.find(b"\n")
                    if cut >= 0:
                        end += cut + 1
                        break
                    end += len(chunk)
                spans.append((start, end, lines))
                fh.seek(start)
                left = end - start
                while left:
                    chunk = fh.read(min(left, 1 << 24))
                    lines += chunk.count(b"\n")
                    left -= len(chunk)
                start = end
            return spans
    except OSError:
        return None  # (the reader reports what is wrong with the file)


def plan(
    paths: list[str],
    task_size: int,
    own: OwnFiles | None = None,
    errors: list[dict] | None = None,
    skipped: Counter | None = None,
    task_bytes: int | None = None,
) -> list[Task]:
    """The run's tasks, in input order; inputs that cannot be read go to ``errors``, known
    non-documents of folders and globs are counted in ``skipped`` (see expand). A plain JSONL file
    larger than ``task_bytes`` is several tasks of whole lines (``jsonl_spans``), a WARC file several
    tasks of whole records (``warc.warc_spans``), so that workers share it; their records come out in
    the same order, the corpus is the same."""
    tasks: list[Task] = []
    batch: list[str] = []
    for kind, path in expand(paths, own, errors, skipped):
        if kind == "files":
            batch.append(path)
            if len(batch) >= task_size:
                tasks.append(Task(len(tasks), "files", tuple(batch)))
                batch = []
        else:
            if batch:
                tasks.append(Task(len(tasks), "files", tuple(batch)))
                batch = []
            spans = None
            if task_bytes and kind in ("jsonl", "warc"):
                spans = jsonl_spans(path, task_bytes) if kind == "jsonl" else _warc_spans(path, task_bytes)
            if spans:
                tasks += [Task(len(tasks) + k, kind, (path,), span) for k, span in enumerate(spans)]
            else:
                tasks.append(Task(len(tasks), kind, (path,)))
    if batch:
        tasks.append(Task(len(tasks), "files", tuple(batch)))
    return tasks


# ------------------------------------------------------------------------------------------ readers


def items(task: Task, max_bytes: int, keys: Mapping[str, str] | None = None) -> Iterator[Item]:
    """Every item of the task's inputs, in order. A reader that fails on an input (a bug, not bad
    input, which the readers report as items) costs that input alone, with one error item.
    ``keys``: JSONL field names for ``text``, ``html``, ``id``, ``url`` (``JSONL_KEYS``) other than those."""
    for path in task.paths:
        try:
            if task.kind == "jsonl":
                yield from _jsonl(path, max_bytes, keys, task.span)
            else:
                yield from (_files(path, max_bytes) if task.kind == "files" else _warc(path, max_bytes, task.span))
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


class _Window:
    """The bytes ``[start, end)`` of a plain file, read as a stream (a task's part of a JSONL file)."""

    def __init__(self, fh, start: int, end: int):
        fh.seek(start)
        self.fh, self.left = fh, end - start

    def read(self, n: int) -> bytes:
        data = self.fh.read(min(n, self.left)) if self.left > 0 else b""
        self.left -= len(data)
        return data

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.fh.close()


def _jsonl(
    path: str, max_bytes: int, keys: Mapping[str, str] | None = None, span: tuple[int, int, int] | None = None
) -> Iterator[Item]:
    """One item per record; a bad record (over the limit, not UTF-8, not JSON, not a record) is one
    error item and reading goes on at the next line; damaged compressed data ends the file with one.
    ``span``: only the lines of that part of a plain file (``jsonl_spans``), numbered as in the file."""
    before = span[2] if span else 0
    try:
        fh = _Window(open_regular(path), span[0], span[1]) if span else open_binary(path)
    except OSError as exc:
        yield Item(path, None, error=f"cannot read: {exc.strerror or exc}")
        return
    with fh:
        for lineno, line, error in _lines(fh, max_bytes):
            lineno += before
            source = f"{path}:{lineno}"
            if error is None:
                assert line is not None  # (_lines gives a line with no error)
                try:
                    item = _record(source, line, first=lineno == 1, keys=keys)
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
    while True:
        try:
            chunk = fh.read(JSONL_CHUNK)
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


#: the JSONL fields cleaner reads by name (``--text-key`` and the like give other names for them)
JSONL_KEYS = ("text", "html", "id", "url")


def _record(source: str, line: bytes, first: bool = False, keys: Mapping[str, str] | None = None) -> Item | None:
    """The item of one JSONL line (None for a blank line); BadInput names what is wrong with it.
    ``keys`` maps cleaner's field names to the record's (``{"text": "content"}``): the record's field
    is read as cleaner's, and a field of cleaner's own name is then ignored."""
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
    if keys and isinstance(rec, dict):
        for ours, theirs in keys.items():
            if theirs != ours:
                rec.pop(ours, None)
                if theirs in rec:
                    rec[ours] = rec.pop(theirs)
    if not isinstance(rec, dict) or not (isinstance(rec.get("html"), str) or isinstance(rec.get("text"), str)):
        names = [(keys or {}).get(k, k) for k in ("html", "text")]
        raise BadInput(f"record has no {names[0]!r} or {names[1]!r} string")
    rec = replace_surrogates(rec)
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


def _warc(path: str, max_bytes: int, span: tuple[int, int, int] | None = None) -> Iterator[Item]:
    from .warc import warc_items

    yield from warc_items(path, max_bytes, span)


def _warc_spans(path: str, task_bytes: int) -> list[tuple[int, int, int]] | None:
    from .warc import warc_spans

    return warc_spans(path, task_bytes)
