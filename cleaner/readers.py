"""Reading inputs: finding files, reading bytes (plain or gzipped), decoding, rejecting bad input.

Every rejection is a ``BadInput`` whose message is one line naming the reason; the caller adds the
document's name.
"""
from __future__ import annotations

import io
import os
import zlib

from charset_normalizer import from_bytes

#: file endings read when a folder is given (each may also end in .gz)
TEXT_SUFFIXES = (".txt",)
COMPRESSION_SUFFIXES = (".gz", ".zst")
HTML_SUFFIXES = (".html", ".htm")
#: share of control characters above which bytes are called binary
MAX_CONTROL_SHARE = 0.05
SNIFF_BYTES = 4096


class BadInput(ValueError):
    """A document that cannot be cleaned; the message says why, in one line."""


def base_name(path: str) -> str:
    """File name without .gz/.zst: ``a/b.html.gz`` -> ``b.html``."""
    name = os.path.basename(path)
    for suffix in COMPRESSION_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def stem(path: str) -> str:
    """File name without compression and type endings: ``a/b.html.gz`` -> ``b``."""
    name = base_name(path)
    return name.rsplit(".", 1)[0] if "." in name else name


#: raw bytes read from a file at a time
READ_CHUNK = 1 << 16
#: magic numbers that say a file is compressed, whatever its name
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
#: the most one input byte of a zstd frame can expand to (a 128 KiB block from a 4-byte RLE block, with
#: room): a zstd decompression object has no output bound, so input is fed in pieces this much smaller
#: than the output asked for
ZSTD_MAX_EXPANSION = 1 << 15
ZSTD_MIN_PIECE = 64
#: a skippable zstd frame with this magic at the start of a file holds the dictionary of every frame
#: after it (the WARC zstd convention)
ZSTD_DICT_MAGIC = 0x184D2A5D


class TruncatedData(BadInput):
    """Compressed data that ends inside a gzip member or a zstd frame."""


class GzipReader(io.RawIOBase):
    """Every member of a gzip stream, in order, decompressed at most ``n`` bytes per read (so a size
    limit holds while reading, whatever the compression ratio). A stream that ends inside a member is
    "truncated gzip data"; bytes after a member that are not another member are "broken gzip data"
    (NUL padding is allowed, as gzip allows it). ``member_read`` stops at the end of the current member
    and ``member_start`` / ``position`` give raw offsets, which the WARC reader uses to resynchronise."""

    kind = "gzip"
    magic = GZIP_MAGIC

    def __init__(self, raw, offset: int = 0):
        self._raw = raw
        self._pending = b""  # raw input not yet taken by the current decompressor
        self._inflate = None  # the current member's decompressor; None between members
        self.position = offset  # raw offset of _pending[0]
        self.member_start = offset
        self.failed_at = offset  # raw offset of the damage, once BadInput was raised
        self.members = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes (any positive number when n < 0); b"" only at the end of the stream."""
        while True:
            if self._inflate is None and not self._start_member():
                return b""
            out = self.member_read(n)
            if out:
                return out

    def member_read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes of the current member; b"" at its end (its CRC and length checked)."""
        n = READ_CHUNK if n is None or n < 0 else n
        while self._inflate is not None and n:
            at_end = False
            if not self._pending:
                self._pending = self._raw.read(READ_CHUNK)
                at_end = not self._pending
            try:
                out = self._inflate.decompress(self._pending, n)
            except zlib.error as exc:
                self.failed_at = self.member_start
                raise BadInput(f"broken gzip data: {exc}") from None
            rest = self._inflate.unused_data if self._inflate.eof else self._inflate.unconsumed_tail
            self.position += len(self._pending) - len(rest)
            self._pending = rest
            if self._inflate.eof:
                self._inflate = None
            if out:
                return out
            if at_end and self._inflate is not None:
                self.failed_at = self.member_start
                raise TruncatedData("truncated gzip data")
        return b""

    def _start_member(self) -> bool:
        while True:
            if not self._pending:
                self._pending = self._raw.read(READ_CHUNK)
                if not self._pending:
                    return False
            stripped = self._pending.lstrip(b"\0")
            self.position += len(self._pending) - len(stripped)
            self._pending = stripped
            if not self._pending:
                continue
            if self.members and not GZIP_MAGIC.startswith(self._pending[:2]):
                self.failed_at = self.position
                raise BadInput(f"broken gzip data: bytes after member {self.members} are not a gzip member")
            self._inflate = zlib.decompressobj(wbits=31)  # the first member: zlib names what is wrong
            self.member_start = self.position
            self.members += 1
            return True

    def at_member_boundary(self) -> bool:
        return self._inflate is None


class ZstdReader(io.RawIOBase):
    """Every frame of a zstd stream, in order (skippable frames skipped, a leading dictionary frame
    used), like GzipReader: at most about ``n`` bytes per read; a stream that ends inside a frame is
    "truncated zstd data", anything else unreadable "broken zstd data"."""

    kind = "zstd"
    magic = ZSTD_MAGIC

    def __init__(self, raw, offset: int = 0, dict_data=None, read_dictionary: bool = True):
        import zstandard

        self._zstd = zstandard
        self._raw = raw
        self._pending = b""
        self._at = 0  # how much of _pending the current frame has taken
        self._out = b""  # output the caller did not take yet
        self._frame = None
        self._fed = False  # whether the current frame has been given any input
        self.dictionary = dict_data
        self._dict_checked = not read_dictionary
        self.position = offset
        self.member_start = offset
        self.failed_at = offset
        self.members = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, n: int = -1) -> bytes:
        while True:
            if self._frame is None and not self._out and not self._start_frame():
                return b""
            out = self.member_read(n)
            if out:
                return out

    def member_read(self, n: int = -1) -> bytes:
        n = READ_CHUNK if n is None or n < 0 else n
        piece = max(ZSTD_MIN_PIECE, min(READ_CHUNK, n // ZSTD_MAX_EXPANSION))
        while not self._out and self._frame is not None and n:
            if self._at >= len(self._pending):
                self._pending, self._at = self._raw.read(READ_CHUNK), 0
                if not self._pending:
                    if self._fed:
                        self.failed_at = self.member_start
                        raise TruncatedData("truncated zstd data")
                    self._frame = None
                    return b""
            chunk = self._pending[self._at: self._at + piece]
            self._at += len(chunk)
            try:
                self._out = self._frame.decompress(chunk)
            except self._zstd.ZstdError as exc:
                self.failed_at = self.member_start
                raise BadInput(f"broken zstd data: {exc}".splitlines()[0]) from None
            self._fed = True
            if self._frame.eof:
                rest = self._frame.unused_data
                self._pending, self._at = rest + self._pending[self._at:], 0
                self.position += len(chunk) - len(rest)
                self._frame = None
            else:
                self.position += len(chunk)
        out, self._out = self._out[:n], self._out[n:]
        return out

    def _start_frame(self) -> bool:
        self._pending, self._at = self._pending[self._at:], 0
        if not self._pending:
            self._pending = self._raw.read(READ_CHUNK)
            if not self._pending:
                return False
        if not self._dict_checked:
            self._dict_checked = True
            self._read_dictionary()
            if not self._pending:
                return self._start_frame()
        params = {"dict_data": self.dictionary} if self.dictionary is not None else {}
        self._frame = self._zstd.ZstdDecompressor(**params).decompressobj()
        self._fed = False
        self.member_start = self.position
        self.members += 1
        return True

    def _read_dictionary(self) -> None:
        """A leading skippable frame with the dictionary magic: load it (it may itself be compressed)."""
        while len(self._pending) < 8:
            more = self._raw.read(READ_CHUNK)
            if not more:
                return
            self._pending += more
        if int.from_bytes(self._pending[:4], "little") != ZSTD_DICT_MAGIC:
            return
        size = int.from_bytes(self._pending[4:8], "little")
        while len(self._pending) < 8 + size:
            more = self._raw.read(READ_CHUNK)
            if not more:
                raise TruncatedData("truncated zstd data")
            self._pending += more
        data = self._pending[8: 8 + size]
        try:
            if data.startswith(ZSTD_MAGIC):
                data = self._zstd.ZstdDecompressor().decompressobj().decompress(data)
            self.dictionary = self._zstd.ZstdCompressionDict(data)
        except self._zstd.ZstdError as exc:
            raise BadInput(f"broken zstd data: dictionary frame: {exc}".splitlines()[0]) from None
        self._pending = self._pending[8 + size:]
        self.position += 8 + size

    def at_member_boundary(self) -> bool:
        return self._frame is None and not self._out


def compression_of(path: str, head: bytes) -> str | None:
    """``gzip``, ``zstd`` or None: by the file's ending, else by its first bytes."""
    if path.endswith(".gz") or head.startswith(GZIP_MAGIC):
        return "gzip"
    if path.endswith(".zst") or head.startswith(ZSTD_MAGIC):
        return "zstd"
    return None


def open_binary(path: str):
    """A binary stream of the file, decompressed by its ending (.gz, .zst) or its magic number. Its
    ``read(n)`` returns at most ``n`` bytes and may return fewer before the end (b"" is the end);
    damaged compressed data raises BadInput. Opening raises OSError like ``open``."""
    fh = open(path, "rb", buffering=0)
    try:
        head = fh.read(4)
        fh.seek(0)
    except OSError:
        fh.close()
        raise
    kind = compression_of(path, head)
    if kind is None:
        return fh
    return GzipReader(fh) if kind == "gzip" else ZstdReader(fh)


def read_at_most(fh, n: int) -> bytes:
    """Up to ``n`` bytes, reading until there are that many or the stream ends."""
    parts, have = [], 0
    while have < n:
        data = fh.read(min(n - have, 1 << 24))
        if not data:
            break
        parts.append(data)
        have += len(data)
    return b"".join(parts)


def read_bytes(path: str, max_bytes: int) -> bytes:
    """The whole file, decompressed (.gz or .zst, every member or frame, or by magic number), reading
    no more than ``max_bytes`` + 1 bytes: the limit holds while reading, not after."""
    try:
        with open_binary(path) as fh:
            data = read_at_most(fh, max_bytes + 1)
            compressed = not isinstance(fh, io.FileIO)
    except BadInput:
        raise
    except FileNotFoundError:
        raise BadInput("no such file") from None
    except IsADirectoryError:
        raise BadInput("is a directory") from None
    except OSError as exc:
        raise BadInput(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise BadInput(f"oversized: more than {max_bytes} bytes" + (" after decompression" if compressed else ""))
    return data


def gunzip(data: bytes, max_bytes: int) -> bytes:
    """Every member of gzip ``data``, refusing more than ``max_bytes`` after decompression."""
    out = read_at_most(GzipReader(io.BytesIO(data)), max_bytes + 1)
    if len(out) > max_bytes:
        raise BadInput(f"oversized: more than {max_bytes} bytes after decompression")
    return out


def decode(data: bytes) -> str:
    """UTF-8 if it is UTF-8, else the charset charset-normalizer finds; binary data is refused."""
    if not data.strip():
        raise BadInput("empty document")
    head = data[:SNIFF_BYTES]
    if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise BadInput("binary content (NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        if best is None:
            raise BadInput("undecodable: no text encoding fits") from None
        text = str(best)
    controls = sum(1 for c in text[:SNIFF_BYTES] if ord(c) < 32 and c not in "\t\n\r\f\v")
    if controls > MAX_CONTROL_SHARE * min(len(text), SNIFF_BYTES):
        raise BadInput("binary content (control characters)")
    if not text.strip():
        raise BadInput("empty document")
    return text


def sniff_format(name: str, text: str) -> str:
    """``html`` or ``text``, by file ending, else by content."""
    lower = base_name(name).lower()
    if lower.endswith(HTML_SUFFIXES):
        return "html"
    if lower.endswith(TEXT_SUFFIXES):
        return "text"
    head = text[:2048].lstrip().lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) or "<body" in head or "<div" in head:
        return "html"
    return "text"
