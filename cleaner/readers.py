"""Reading inputs: finding files, reading bytes (plain or gzipped), decoding, rejecting bad input.

Every rejection is a ``BadInput`` whose message is one line naming the reason; the caller adds the
document's name.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import re
import stat
import zlib
from typing import TYPE_CHECKING

from charset_normalizer import from_bytes

from . import blockstats

if TYPE_CHECKING:  # (imported where a zstd stream is read)
    import zstandard

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


class _Decompressing(io.RawIOBase):
    """A raw stream whose subclass's ``read(n)`` yields decompressed bytes."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class GzipReader(_Decompressing):
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
        self._inflate: zlib._Decompress | None = None  # the current member's decompressor; None between members
        self.position = offset  # raw offset of _pending[0]
        self.member_start = offset
        self.failed_at = offset  # raw offset of the damage, once BadInput was raised
        self.members = 0

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
                raise BadInput("broken gzip data: bytes after a member are not a gzip member")
            self._inflate = zlib.decompressobj(wbits=31)  # the first member: zlib names what is wrong
            self.member_start = self.position
            self.members += 1
            return True

    def at_member_boundary(self) -> bool:
        return self._inflate is None


class ZstdReader(_Decompressing):
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
        self._frame: zstandard.ZstdDecompressionObj | None = None
        self._fed = False  # whether the current frame has been given any input
        self.dictionary = dict_data
        self._dict_checked = not read_dictionary
        self.position = offset
        self.member_start = offset
        self.failed_at = offset
        self.members = 0

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
            chunk = self._pending[self._at : self._at + piece]
            self._at += len(chunk)
            try:
                self._out = self._frame.decompress(chunk)
            except self._zstd.ZstdError as exc:
                self.failed_at = self.member_start
                raise BadInput(f"broken zstd data: {exc}".splitlines()[0]) from None
            self._fed = True
            if self._frame.eof:
                rest = self._frame.unused_data
                self._pending, self._at = rest + self._pending[self._at :], 0
                self.position += len(chunk) - len(rest)
                self._frame = None
            else:
                self.position += len(chunk)
        out, self._out = self._out[:n], self._out[n:]
        return out

    def _start_frame(self) -> bool:
        self._pending, self._at = self._pending[self._at :], 0
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
        data = self._pending[8 : 8 + size]
        try:
            if data.startswith(ZSTD_MAGIC):
                data = self._zstd.ZstdDecompressor().decompressobj().decompress(data)
            self.dictionary = self._zstd.ZstdCompressionDict(data)
        except self._zstd.ZstdError as exc:
            raise BadInput(f"broken zstd data: dictionary frame: {exc}".splitlines()[0]) from None
        self._pending = self._pending[8 + size :]
        self.position += 8 + size

    def at_member_boundary(self) -> bool:
        return self._frame is None and not self._out


def compression_of(path: str, head: bytes) -> str | None:
    """``gzip``, ``zstd`` or None: by the file's first bytes, else by its ending."""
    if head.startswith(GZIP_MAGIC) or (path.endswith(".gz") and not head.startswith(ZSTD_MAGIC)):
        return "gzip"
    if head.startswith(ZSTD_MAGIC) or path.endswith(".zst"):
        return "zstd"
    return None


_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


def open_regular(path: str) -> io.FileIO:
    """The file opened for reading, unbuffered, refused with an OSError unless it is a regular file.
    It is opened without blocking and checked on the open descriptor, so a named pipe put in a
    file's place after planning cannot hang the reader."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", path)
        for test, what in _NOT_REGULAR:
            if test(mode):
                raise OSError(errno.EINVAL, f"not a regular file ({what})", path)
        os.set_blocking(fd, True)
        return io.FileIO(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise


def open_binary(path: str):
    """A binary stream of the file, decompressed by its ending (.gz, .zst) or its magic number. Its
    ``read(n)`` returns at most ``n`` bytes and may return fewer before the end (b"" is the end);
    damaged compressed data raises BadInput. Opening raises OSError like ``open``."""
    fh = open_regular(path)
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


#: UTF-8 wins over a declaration and the detector when the bytes hold at least this many validly
#: encoded non-ASCII characters per invalid sequence: the invalid ones are then stray bytes (shown as
#: U+FFFD). Text in a legacy charset forms valid UTF-8 sequences only by accident: the benchmark
#: pages re-encoded into cp1250-1252, cp1257, ISO-8859-7/9, KOI8-R, Shift_JIS, EUC-JP/KR, Big5 and
#: GB2312 have at most 0.46 per invalid sequence (EUC-KR), almost all 0 - except pages already
#: holding mojibake ("Ã¼" re-encoded is valid UTF-8 again), the real UTF-8 of a double-encoded page.
#: 1.0 keeps twice that margin and also reads a page that declares a legacy charset but is UTF-8
#: with one stray byte per valid character (bench/stray_bytes.py: 2.0 garbled such pages).
UTF8_MIN_VALID_PER_INVALID = 1.0
#: ... and when the page declares UTF-8, or holds valid UTF-8 sequences (whatever it declares: a page
#: in a legacy charset has an invalid sequence for nearly every non-ASCII character, far more than
#: this), UTF-8 also wins with up to this many invalid sequences: a few damaged bytes (each breaks at most three
#: sequences, an overwritten lead byte of a 4-byte character), not a page in another charset
MAX_STRAY_SEQUENCES = 16
#: a declaration (``<meta charset>``, http-equiv, XML declaration) is looked for in the document's
#: head up to here: 98% of the benchmark pages that declare one do so in their first 16 KB, the
#: rest after long inline scripts (one at 58 KB)
DECLARATION_BYTES = 65_536
BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_META_CHARSET = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([a-z0-9_.:+-]+)", re.I)
_XML_ENCODING = re.compile(rb"\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([a-z0-9_.:+-]+)", re.I)
_BODY = re.compile(rb"<body\b", re.I)
#: labels the WHATWG Encoding Standard reads as another encoding than Python's codec of that name
#: (what browsers do: "iso-8859-1" is windows-1252, "gb2312" is GBK, read by the GB18030 decoder);
#: a UTF-16 label in a page whose bytes spell it out in ASCII means UTF-8 (HTML's prescan rule)
WHATWG_ALIASES = {
    **dict.fromkeys(
        (
            "ascii",
            "us-ascii",
            "iso-8859-1",
            "iso8859-1",
            "iso_8859-1",
            "latin1",
            "l1",
            "cp819",
            "ibm819",
            "iso-ir-100",
            "csisolatin1",
            "x-cp1252",
            "ansi_x3.4-1968",
        ),
        "cp1252",
    ),
    **dict.fromkeys(("iso-8859-9", "iso8859-9", "latin5", "l5", "iso-ir-148", "csisolatin5"), "cp1254"),
    **dict.fromkeys(("iso-8859-11", "iso8859-11", "tis-620", "windows-874", "dos-874"), "cp874"),
    **dict.fromkeys(("gb2312", "gbk", "x-gbk", "chinese", "csgb2312", "iso-ir-58", "gb_2312-80"), "gb18030"),
    **dict.fromkeys(("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"), "big5hkscs"),
    **dict.fromkeys(
        ("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j", "ms932"), "cp932"
    ),
    **dict.fromkeys(
        (
            "euc-kr",
            "ks_c_5601-1987",
            "ks_c_5601-1989",
            "ksc5601",
            "ksc_5601",
            "korean",
            "windows-949",
            "csksc56011987",
            "iso-ir-149",
        ),
        "cp949",
    ),
    **dict.fromkeys(("iso-8859-8-i", "csiso88598i", "logical"), "iso8859-8"),
    **dict.fromkeys(("x-mac-cyrillic", "x-mac-ukrainian"), "mac-cyrillic"),
    **dict.fromkeys(
        (
            "utf-16",
            "utf-16le",
            "utf-16be",
            "unicode",
            "unicodefeff",
            "unicodefffe",
            "ucs-2",
            "unicode-1-1-utf-8",
            "unicode11utf8",
            "unicode20utf8",
            "x-unicode20utf8",
        ),
        "utf-8",
    ),
}
#: the codecs a declaration may select: the Encoding Standard's ASCII-compatible ones (no EBCDIC,
#: UTF-7 or other labels a browser ignores: a page naming one of those is read as undeclared)
DECLARABLE = frozenset(
    [
        "utf-8",
        "cp866",
        "koi8-r",
        "koi8-u",
        "mac-roman",
        "mac-cyrillic",
        "cp874",
        "euc_jp",
        "iso2022_jp",
        "gb18030",
        "big5hkscs",
        "cp932",
        "cp949",
    ]
    + [f"cp{n}" for n in range(1250, 1259)]
    + [f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)]
)


def declared_charset(data: bytes) -> str | None:
    """The Python codec of the charset the document declares (XML declaration, or a ``<meta>``
    charset / http-equiv in its head), read as browsers read the label; None when it declares none
    or one no browser would use."""
    m = _XML_ENCODING.match(data, 0, 200)
    if not m:
        head = data[:DECLARATION_BYTES]
        body = _BODY.search(head)
        m = _META_CHARSET.search(head, 0, body.start() if body else len(head))
    if not m:
        return None
    label = m.group(1).decode("ascii").lower()
    label = WHATWG_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return name if name in DECLARABLE else None


def utf8_evidence(data: bytes) -> tuple[str, int, int]:
    """(UTF-8 decoding with U+FFFD for each invalid sequence, validly encoded non-ASCII characters,
    invalid sequences)."""
    text = data.decode("utf-8", "replace")
    invalid = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")  # a U+FFFD the page itself holds is valid
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return text, non_ascii - invalid, invalid


def decode_bytes(data: bytes) -> str:
    """The text of ``data``: a byte-order mark decides; else UTF-8 when it is valid UTF-8, or when
    invalid sequences are stray bytes in UTF-8 (``UTF8_MIN_VALID_PER_INVALID``; with a UTF-8
    declaration, or some valid UTF-8 whatever the declaration, up to ``MAX_STRAY_SEQUENCES``); else the declared
    charset if the bytes decode in it; else the charset charset-normalizer finds. A whole page is
    never read in a single-byte charset because of one bad byte ("FÃ¼r" for "Für")."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    as_utf8, valid, invalid = utf8_evidence(data)
    if valid >= UTF8_MIN_VALID_PER_INVALID * invalid:
        return as_utf8
    declared = declared_charset(data)
    if invalid <= MAX_STRAY_SEQUENCES and (declared == "utf-8" or valid > 0):
        return as_utf8
    if declared and declared != "utf-8":
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass
        # a few stray bytes in a page that is in its declared charset (a GB2312 page with one bad
        # byte had no charset the detector would take): honour the declaration, U+FFFD for each
        as_declared = data.decode(declared, "replace")
        if as_declared.count("\ufffd") <= MAX_STRAY_SEQUENCES:
            return as_declared
    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    if invalid <= MAX_STRAY_SEQUENCES:  # nearly all ASCII: the few other bytes become U+FFFD
        return as_utf8
    raise BadInput("undecodable: no text encoding fits")


#: lone surrogates (from ``json.loads("\\ud800")`` or ``errors="surrogateescape"``) cannot be written
#: as UTF-8: each becomes U+FFFD
_SURROGATE = re.compile("[\ud800-\udfff]")
#: control characters that carry no text: C0 but tab, newline, carriage return, form feed and
#: vertical tab (which segmentation reads as white space), DEL, and the C1 range
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
#: a C1 control in a page is nearly always a Windows-1252 character read through Latin-1 (0x93 for
#: a left double quote): it becomes that character, as HTML5 maps the numeric references &#128;-&#159;;
#: the five code points cp1252 leaves undefined, and every other control character, go
_CONTROL_MAP = {
    c: bytes([c]).decode("cp1252", "ignore") if 0x80 <= c <= 0x9F else ""
    for c in range(0x100)
    if _CONTROL.match(chr(c))
}


#: either of the two: a page without both needs no change (``blockstats.needs_scrub``: a compiled scan)
_SCRUBBED = blockstats.SCRUBBED


def _c1(match: re.Match) -> str:
    return _CONTROL_MAP.get(ord(match.group()), "")


def scrub_text(text: str) -> str:
    """``text`` without what no output may hold: lone surrogates become U+FFFD, C1 controls their
    Windows-1252 character, other control characters (newline and white space aside) go."""
    if not blockstats.needs_scrub(text):  # most pages: one pass finds neither
        return text
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    if _CONTROL.search(text):
        text = _CONTROL.sub(_c1, text)
    return text


#: white space that metadata strings keep as a plain space (a record's fields hold no control characters)
_META_SPACE = re.compile("[\t\r\f\v]")


def replace_surrogates(value):
    """``value`` (a str, or lists and dicts of them, keys too) with every lone surrogate (a "\\udcxx"
    escape JSON allows but UTF-8 cannot write) replaced by U+FFFD."""
    return _map_strings(value, lambda s: _SURROGATE.sub("\ufffd", s) if _SURROGATE.search(s) else s)


def _map_strings(value, fn):
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {_map_strings(k, fn): _map_strings(v, fn) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_map_strings(v, fn) for v in value]
    return value


def _scrub_meta_string(value: str) -> str:
    value = scrub_text(value)
    return _META_SPACE.sub(" ", value) if _META_SPACE.search(value) else value


def scrub_value(value):
    """A metadata value (str, list, dict, nested) with lone surrogates replaced by U+FFFD and control
    characters removed as in ``scrub_text`` (tab, CR, FF, VT become spaces); keys too. Other values
    pass unchanged."""
    return _map_strings(value, _scrub_meta_string)


def decode(data: bytes) -> str:
    """The document's text (``decode_bytes``); binary data is refused."""
    if not data.strip():
        raise BadInput("empty document")
    head = data[:SNIFF_BYTES]
    if b"\x00" in head and not head.startswith(tuple(bom for bom, codec in BOMS if codec != "utf-8")):
        raise BadInput("binary content (NUL bytes)")
    text = decode_bytes(data)
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
