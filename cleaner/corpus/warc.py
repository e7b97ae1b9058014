"""WARC files read so that nothing is lost silently (``.warc``, ``.warc.gz``, ``.warc.zst``).

warcio's iterator stops at the first damaged gzip member without a word, and cleans a record cut
short as if it were whole. Here the framing is read record by record (version line, header block,
``Content-Length`` bytes of content), and warcio parses each whole record (WARC and HTTP headers,
chunked and content-encoded payloads), so a valid file gives exactly warcio's documents. Then:

- every unreadable record is one error item, and reading resumes at the next record boundary that
  can be found: after damaged compressed data, the next gzip member (zstd frame) whose data starts a
  WARC record; after a malformed record, the next ``WARC/1.0`` / ``WARC/1.1`` header line;
- a record with fewer content bytes than its ``Content-Length`` is an error ("truncated WARC record");
- a compressed record's checksum is checked before the record is used;
- a file with no WARC record at all is one error ("not a WARC file");
- HTTP responses that are not 2xx, or not HTML, are skipped items (``warc:http-404``,
  ``warc:not-html``) that the run counts in its stats, not errors;
- the size limit holds while reading: a larger response is skipped over, never held.
ARC files (``filedesc://`` first) are read by warcio's iterator as before.
"""

from __future__ import annotations

import io
import os
import re
from typing import Iterator

from ..readers import (
    GZIP_MAGIC,
    READ_CHUNK,
    ZSTD_MAGIC,
    BadInput,
    GzipReader,
    TruncatedData,
    ZstdReader,
    compression_of,
    open_regular,
)
from .sources import Item

#: a WARC header block longer than this is not one
MAX_HEADER_BYTES = 1 << 16
#: the HTTP headers read from a response too large to hold, to tell a page from an image
MAX_HTTP_HEAD_BYTES = 1 << 16
#: a response's content is held when it is at most the size limit plus this (HTTP headers, chunk
#: framing); the payload itself must still be within the limit once decoded
CONTENT_SLACK = 1 << 20
#: raw bytes searched at a time for the next gzip member / zstd frame, and read to probe one
RESYNC_BLOCK = 1 << 20
PROBE_BYTES = 1 << 17
#: the header line a record starts with, searched for after a malformed record
VERSION_LINE = re.compile(rb"WARC/1\.[01]\r?\n")
WARC_VERSIONS = (b"WARC/1.1", b"WARC/1.0", b"WARC/0.17", b"WARC/0.18")  # what warcio parses
BLANK = b" \t\r\n"
#: the record types of WARC 1.0 and 1.1 (``continuation`` segments are not joined: skipped like the rest)
RECORD_TYPES = ("warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion", "continuation")


class _Malformed(Exception):
    """The bytes at a record's start are not a WARC record; ``seen`` are the bytes read for it."""

    def __init__(self, reason: str, name: str | None, seen: bytes):
        super().__init__(reason)
        self.name, self.seen = name, seen


class _Truncated(Exception):
    """The file ends inside a record."""

    def __init__(self, reason: str, name: str | None):
        super().__init__(reason)
        self.name = name


class _Damaged(Exception):
    """Compressed data that cannot be decompressed, inside or between records."""

    def __init__(self, reason: str, name: str | None):
        super().__init__(reason)
        self.name = name


class _Input:
    """The decompressed bytes of a WARC file with a read buffer: lines, exact reads, skips, pushing
    bytes back, and finding the next record after damage."""

    def __init__(self, fh, kind: str | None, offset: int = 0):
        self.fh, self.kind = fh, kind
        fh.seek(offset)
        self.stream = self._reader(offset) if kind else fh
        self.buf = bytearray()
        self.origin = offset  # raw offset of the member (frame) that gave the buffer's first byte
        self.consumed = offset  # decompressed bytes taken so far, from ``offset`` (plain file: the raw offset)
        self.eof = False

    def _reader(self, offset: int, previous=None):
        if self.kind == "gzip":
            return GzipReader(self.fh, offset)
        if previous is None:
            return ZstdReader(self.fh, offset)
        return ZstdReader(self.fh, offset, dict_data=previous.dictionary, read_dictionary=False)

    # -------------------------------------------------------------- reading
    def _more(self, n: int = READ_CHUNK) -> bool:
        if self.eof:
            return False
        data = self.stream.read(max(n, READ_CHUNK))
        if not data:
            self.eof = True
            return False
        if not self.buf and self.kind:
            self.origin = self.stream.member_start
        self.buf += data
        return True

    def _take(self, n: int) -> bytes:
        data = bytes(self.buf[:n])
        del self.buf[:n]
        self.consumed += len(data)
        return data

    def readline(self, limit: int) -> bytes:
        """A line with its newline, at most ``limit`` bytes; b"" at the end."""
        start = 0
        while True:
            i = self.buf.find(b"\n", start)
            if 0 <= i < limit:
                return self._take(i + 1)
            if len(self.buf) >= limit:
                return self._take(limit)
            start = len(self.buf)
            if not self._more():
                return self._take(len(self.buf))

    def read(self, n: int) -> bytes:
        """Exactly ``n`` bytes, fewer only at the end."""
        parts = [self._take(min(n, len(self.buf)))]
        need = n - len(parts[0])
        while need and not self.eof:
            data = self.stream.read(min(need, 1 << 24))
            if not data:
                self.eof = True
                break
            parts.append(data)
            need -= len(data)
            self.consumed += len(data)
        return b"".join(parts)

    def skip(self, n: int) -> int:
        """Drop ``n`` bytes without holding them; returns how many there were."""
        done = len(self._take(min(n, len(self.buf))))
        while done < n and not self.eof:
            data = self.stream.read(min(n - done, READ_CHUNK))
            if not data:
                self.eof = True
                break
            done += len(data)
            self.consumed += len(data)
        return done

    def skip_blank(self) -> bool:
        """Drop the blank bytes between records; False at the end of the file."""
        while True:
            kept = self.buf.lstrip(BLANK)
            if kept:
                self._take(len(self.buf) - len(kept))
                return True
            self._take(len(self.buf))
            if not self._more():
                return False

    def record_offset(self) -> int:
        """Where the next record starts: a raw offset in a plain file, its member's (frame's) raw
        offset in a compressed one."""
        return self.origin if self.kind else self.consumed

    def end_record(self, member: int | None = None) -> None:
        """After a record's content: drop its closing blank lines. In a compressed file, while the
        member (frame) the record was in has not ended, read on to its end, so that its checksum is
        verified before the record is used; unless the next record follows in the same member (a
        file compressed as one stream), whose start is checked instead. Bytes after the record
        that are no record stay in the buffer (at most MAX_HEADER_BYTES of them), to be reported."""
        kept = self.buf.lstrip(BLANK)
        self._take(len(self.buf) - len(kept))
        if not self.kind or self.stream.at_member_boundary() or (member is not None and self.stream.members != member):
            return
        while len(self.buf) < 5 and not self.stream.at_member_boundary():
            data = self.stream.member_read(READ_CHUNK)
            if not self.buf:
                data = data.lstrip(BLANK)
                self.origin = self.stream.member_start
            self.buf += data
        if self.buf.startswith(b"WARC/"):  # the next record, in the same member
            return
        while not self.stream.at_member_boundary():
            data = self.stream.member_read(READ_CHUNK)
            self.buf += data[: max(0, MAX_HEADER_BYTES - len(self.buf))]

    # -------------------------------------------------------------- after damage
    def find_version_line(self) -> int | None:
        """Skip to the next WARC header line in the decompressed data; returns the bytes skipped, or
        None when there is none before the end."""
        skipped = 0
        while True:
            m = VERSION_LINE.search(self.buf)
            if m:
                self._take(m.start())
                return skipped + m.start()
            drop = max(0, len(self.buf) - 12)
            self._take(drop)
            skipped += drop
            if not self._more():
                skipped += len(self._take(len(self.buf)))
                return None

    def find_member(self) -> int | None:
        """Jump to the next gzip member (zstd frame) after the damaged one whose data starts a WARC
        record; returns its raw offset, or None when there is none."""
        assert self.kind is not None
        found = _next_member(self.fh, self.stream.failed_at + 1, self.kind, getattr(self.stream, "dictionary", None))
        if found is not None:
            self.fh.seek(found)
            self.stream = self._reader(found, self.stream)
            self.buf.clear()
            self.eof = False
            self.origin = found
        return found


def warc_items(path: str, max_bytes: int, span: tuple[int, ...] | None = None) -> Iterator[Item]:
    """One item per HTML response of the WARC file, one error item per unreadable record, one
    skipped item per other response (see the module's docstring). ``span`` (first byte, end byte):
    only the records that start in that part of the file (``warc_spans``)."""
    try:
        fh = io.BufferedReader(open_regular(path))
    except OSError as exc:
        yield Item(path, None, error=f"cannot read: {exc.strerror or exc}")
        return
    with fh:
        try:
            head = fh.read(8)
            fh.seek(0)
            kind = _kind(path, head)
        except OSError as exc:
            yield Item(path, None, error=f"cannot read: {exc.strerror or exc}")
            return
        first, end = (span[0], span[1]) if span else (0, None)
        inp = _Input(fh, kind, first)
        yield from _read(inp, path, max_bytes, end)


def _kind(path: str, head: bytes) -> str | None:
    """The file's compression (None: plain). What the bytes are decides, as in warcio: a plain WARC
    named .warc.gz is read as one."""
    return None if head.startswith(b"WARC/") else compression_of(path, head)


def warc_spans(path: str, task_bytes: int) -> list[tuple[int, int, int]] | None:
    """A WARC file larger than ``task_bytes`` as parts of about that many bytes, each starting where a
    record starts: (first byte, end byte, 0). A reader given a part reads the records that start in
    it, so the parts together give exactly the file's items, in order. None: one task (a smaller
    file; a zstd file, whose frames may need the dictionary at its start; an ARC file; a file whose
    records cannot be found).

    Where records start: in a plain file, by walking the record headers (``Content-Length`` bytes
    skipped, not read) up to the first record the reader would find malformed; in a gzip file, at
    the first gzip member at or after each cut whose data begins a WARC record (a file compressed as
    one stream has none: one task)."""
    try:
        size = os.path.getsize(path)
        if size <= task_bytes:
            return None
        with io.BufferedReader(open_regular(path)) as fh:
            kind = _kind(path, fh.read(8))
            if kind is None:
                starts = _plain_starts(fh, task_bytes, size)
            elif kind == "gzip":
                starts = _member_starts(fh, task_bytes, size)
            else:
                return None
    except (OSError, BadInput):
        return None  # (the reader reports what is wrong with the file)
    starts = [0] + [s for s in starts if 0 < s < size]
    if len(starts) < 2:
        return None
    return [(a, b, 0) for a, b in zip(starts, starts[1:] + [size])]


def _plain_starts(fh, task_bytes: int, size: int) -> list[int]:
    """Record starts in a plain WARC file, the first at or after each multiple of ``task_bytes``."""
    from warcio.statusandheaders import StatusAndHeadersParser

    parser = StatusAndHeadersParser([v.decode() for v in WARC_VERSIONS])
    starts: list[int] = []
    pos, cut = 0, task_bytes
    while pos < size:
        fh.seek(pos)
        block = fh.read(4096)
        head = block.lstrip(BLANK)
        pos += len(block) - len(head)
        if not head:
            if len(block) < 4096:
                break
            continue
        if not head.startswith(WARC_VERSIONS):
            return starts  # malformed: the reader resynchronises from here on, in one part
        end = _header_end(head)
        while end < 0:  # the whole header block (the reader refuses one over MAX_HEADER_BYTES)
            more = fh.read(4096)
            if not more or len(head) > MAX_HEADER_BYTES:
                return starts
            head += more
            end = _header_end(head)
        if end > MAX_HEADER_BYTES:
            return starts
        try:
            fields = parser.parse(io.BytesIO(head[:end]))
            length = int(fields.get_header("Content-Length") or "")
        except Exception:
            return starts
        if length < 0:
            return starts
        if pos >= cut:
            starts.append(pos)
            cut = (pos // task_bytes + 1) * task_bytes
        pos += end + length
    return starts


def _header_end(head: bytes) -> int:
    """The length of the header block ``head`` starts with, through its blank line (as the reader
    reads it: the version line, then lines up to the first blank one); -1 when it is not all in ``head``."""
    pos = head.find(b"\n") + 1
    while pos > 0:
        nl = head.find(b"\n", pos)
        if nl < 0:
            return -1
        if not head[pos : nl + 1].strip():
            return nl + 1
        pos = nl + 1
    return -1


def _member_starts(fh, task_bytes: int, size: int) -> list[int]:
    """In a gzip WARC file, the first member at or after each multiple of ``task_bytes`` whose data
    begins a WARC record."""
    starts: list[int] = []
    cut = task_bytes
    while cut < size:
        found = _next_member(fh, cut, "gzip")
        if found is None:
            break
        starts.append(found)
        cut = (found // task_bytes + 1) * task_bytes
    return starts


def _next_member(fh, pos: int, kind: str, dictionary=None) -> int | None:
    """The raw offset of the first gzip member (zstd frame) at or after ``pos`` whose data begins a
    WARC record, or None."""
    magic = GZIP_MAGIC if kind == "gzip" else ZSTD_MAGIC
    while True:
        fh.seek(pos)
        block = fh.read(RESYNC_BLOCK)
        i = block.find(magic)
        while i >= 0:
            if _probe(fh, pos + i, kind, dictionary).startswith(b"WARC/"):
                return pos + i
            i = block.find(magic, i + 1)
        if len(block) < RESYNC_BLOCK:
            return None
        pos += len(block) - len(magic) + 1


def _probe(fh, offset: int, kind: str, dictionary=None) -> bytes:
    """The first bytes of the member (frame) at ``offset``, b"" when there is none."""
    fh.seek(offset)
    head = io.BytesIO(fh.read(PROBE_BYTES))
    reader = GzipReader(head) if kind == "gzip" else ZstdReader(head, dict_data=dictionary, read_dictionary=False)
    try:
        return reader.read(5)
    except BadInput:
        return b""


def _read(inp: _Input, path: str, max_bytes: int, end: int | None = None) -> Iterator[Item]:
    records = 0  # records read, documents or not
    problem: _Malformed | _Truncated | _Damaged
    while True:
        start = None
        try:
            if not inp.skip_blank():
                if records == 0 and end is None:
                    yield Item(path, None, error="not a WARC file: no record in it")
                return
            start = inp.record_offset()
            if end is not None and start >= end:
                return  # the next part's record
            if records == 0 and inp.buf.startswith(b"filedesc://"):
                yield from _arc_items(path, max_bytes)
                return
            item = _record(inp, path, max_bytes)
        except TruncatedData as exc:
            problem = _Truncated(str(exc), None)
        except BadInput as exc:  # damaged compressed data between records
            problem = _Damaged(str(exc), None)
        except (_Malformed, _Truncated, _Damaged) as exc:
            problem = exc
        except OSError as exc:
            yield Item(path, None, error=f"cannot read: {exc.strerror or exc}")
            return
        else:
            records += 1
            if item is not None:
                yield item
            continue
        if start is None or (isinstance(problem, _Damaged) and problem.name is None):
            start = getattr(inp.stream, "failed_at", None)  # damage between records: where it is
            start = inp.record_offset() if start is None else start
        if end is not None and start >= end:
            return  # damage found on reading ahead into the next part: that part reports it
        source = f"{path}@{problem.name}" if problem.name else f"{path}@{start}"
        if isinstance(problem, _Truncated):
            yield Item(source, None, error=f"truncated WARC record: {problem}")
            return
        try:
            skipped = _resync(inp, problem)
        except OSError as exc:
            yield Item(source, None, error=f"unreadable WARC record: {problem}; then cannot read: {exc}")
            return
        if skipped is None and records == 0:
            yield Item(path, None, error=f"not a WARC file: {problem}")
            return
        where = f"; skipped {skipped} bytes to the next record" if skipped is not None else "; no record after it"
        yield Item(source, None, error=f"unreadable WARC record: {problem}{where}")
        if skipped is None:
            return


def _resync(inp: _Input, problem: Exception) -> int | None:
    """Move to the next record boundary after ``problem``; returns the bytes skipped (decompressed
    bytes after a malformed record, raw bytes after damaged compressed data), or None at the end."""
    if isinstance(problem, _Malformed):
        inp.buf[:0] = problem.seen[1:]  # the next record may begin inside what was read for this one
        inp.consumed -= len(problem.seen) - 1
        try:
            skipped = inp.find_version_line()
            return None if skipped is None else 1 + skipped
        except BadInput:  # damage further on: go on at the next member that starts a record
            pass
    if inp.kind is None:
        return None
    failed_at = inp.stream.failed_at
    found = inp.find_member()
    return None if found is None else found - failed_at


def _record(inp: _Input, path: str, max_bytes: int) -> Item | None:
    """Read one record; the item it gives (a document, an error or a skip), or None for a record
    that is no document (request, metadata, warcinfo, a response without HTTP headers)."""
    from warcio.statusandheaders import StatusAndHeadersParser

    first = inp.readline(MAX_HEADER_BYTES)
    member = inp.stream.members if inp.kind else None  # the member (frame) the record is in
    if not first.strip().startswith(WARC_VERSIONS):
        raise _Malformed(f"no WARC header line (it starts {first[:24]!r})", None, first)
    header: bytes | bytearray = bytearray(first)  # (bytes once read whole)
    while True:
        line = inp.readline(MAX_HEADER_BYTES)
        if not line:
            raise _Truncated("the file ends in its header block", None)
        header += line
        if len(header) > MAX_HEADER_BYTES:
            raise _Malformed(f"header block longer than {MAX_HEADER_BYTES} bytes", None, bytes(header))
        if not line.strip():
            break
    header = bytes(header)
    try:
        fields = StatusAndHeadersParser([v.decode() for v in WARC_VERSIONS]).parse(io.BytesIO(header))
    except Exception as exc:
        raise _Malformed(f"bad header block: {exc}".splitlines()[0], None, header) from None
    uri = fields.get_header("WARC-Target-URI")
    if uri and uri.startswith("<") and uri.endswith(">"):  # as warcio reads it (a wget bug)
        uri = uri[1:-1]
    name = uri or fields.get_header("WARC-Record-ID")
    try:
        length = int(fields.get_header("Content-Length") or "")
        if length < 0:
            raise ValueError
    except ValueError:
        raise _Malformed("no valid Content-Length", name, header) from None
    try:
        return _content(inp, header, fields.get_header("WARC-Type"), length, f"{path}@{uri}", name, max_bytes, member)
    except TruncatedData as exc:
        raise _Truncated(str(exc), name) from None
    except BadInput as exc:
        raise _Damaged(str(exc), name) from None


def _content(
    inp: _Input,
    header: bytes,
    rec_type: str | None,
    length: int,
    source: str,
    name: str | None,
    max_bytes: int,
    member: int | None,
) -> Item | None:
    from warcio.recordloader import ArcWarcRecordLoader

    if rec_type != "response":
        got = inp.skip(length)
        if got < length:
            raise _Truncated(f"{got} of {length} content bytes", name)
        inp.end_record(member)
        if rec_type not in RECORD_TYPES:  # a damaged header must not pass a response over in silence
            return Item(source, None, error=f"unreadable WARC record: unknown WARC-Type {rec_type!r}")
        return None
    if length > max_bytes + CONTENT_SLACK:  # too large to hold: its HTTP headers say what it is
        head = inp.read(min(length, MAX_HTTP_HEAD_BYTES))
        got = len(head) + inp.skip(length - len(head))
        if got < length:
            raise _Truncated(f"{got} of {length} content bytes", name)
        inp.end_record(member)
        rec = _parse(ArcWarcRecordLoader(), header + head, source)
        if isinstance(rec, Item) or rec.http_headers is None:
            return rec if isinstance(rec, Item) else None
        skip = _not_a_page(rec)
        return (
            Item(source, None, skip=skip)
            if skip
            else Item(source, None, error=f"oversized: more than {max_bytes} bytes")
        )
    content = inp.read(length)
    if len(content) < length:
        raise _Truncated(f"{len(content)} of {length} content bytes", name)
    inp.end_record(member)  # the member's checksum is verified before the record is used
    rec = _parse(ArcWarcRecordLoader(), header + content, source)
    return rec if isinstance(rec, Item) else _response_item(rec, source, max_bytes)


def _parse(loader, data: bytes, source: str):
    """warcio's record for ``data`` (one whole record), or an error item for bad HTTP headers."""
    try:
        return loader.parse_record_stream(io.BytesIO(data), known_format="warc")
    except Exception as exc:
        return Item(source, None, error=f"unreadable WARC record: bad HTTP headers: {exc}".splitlines()[0])


def _not_a_page(rec) -> str | None:
    """Why a response is no document: ``warc:http-404`` (any non-2xx status) or ``warc:not-html``."""
    if rec.http_headers is None:
        return None
    status = rec.http_headers.get_statuscode() or ""
    if not (status.isdigit() and 200 <= int(status) < 300):
        return f"warc:http-{status or 'none'}"
    if "html" not in (rec.http_headers.get_header("Content-Type") or "").lower():
        return "warc:not-html"
    return None


def _response_item(rec, source: str, max_bytes: int) -> Item | None:
    """The document of a warcio response record, or its skip or error item."""
    if rec.http_headers is None:
        if "application/http" in (rec.rec_headers.get_header("Content-Type") or ""):
            return Item(
                source,
                None,
                error="unreadable WARC record: an HTTP response whose target URI is not "
                "http(s), so its HTTP headers cannot be read",
            )
        return None  # a dns: or other non-HTTP response
    skip = _not_a_page(rec)
    if skip:
        return Item(source, None, skip=skip)
    try:
        data = rec.content_stream().read(max_bytes + 1)
    except Exception as exc:  # a broken chunked or content-encoded payload
        return Item(source, None, error=f"unreadable WARC record: broken HTTP payload: {exc}".splitlines()[0])
    if len(data) > max_bytes:
        return Item(source, None, error=f"oversized: more than {max_bytes} bytes")
    meta = {
        "url": rec.rec_headers.get_header("WARC-Target-URI"),
        "warc_date": rec.rec_headers.get_header("WARC-Date"),
        "warc_record_id": rec.rec_headers.get_header("WARC-Record-ID"),
    }
    return Item(source, data, "html", {k: v for k, v in meta.items() if v})


def _arc_items(path: str, max_bytes: int) -> Iterator[Item]:
    """An ARC file, through warcio's iterator (it reads ARC records as WARC responses)."""
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
        try:
            for rec in ArchiveIterator(fh):
                if rec.rec_type != "response":
                    continue
                item = _response_item(rec, f"{path}@{rec.rec_headers.get_header('WARC-Target-URI')}", max_bytes)
                if item is not None:
                    yield item
        except Exception as exc:
            yield Item(path, None, error=f"broken ARC file: {exc}".splitlines()[0])
