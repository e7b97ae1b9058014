"""Reading inputs: finding files, reading bytes (plain or gzipped), decoding, rejecting bad input.

Every rejection is a ``BadInput`` whose message is one line naming the reason; the caller adds the
document's name.
"""
from __future__ import annotations

import gzip
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


def open_binary(path: str):
    """A binary stream of the file, decompressed by its ending (.gz, .zst)."""
    if path.endswith(".zst"):
        import zstandard

        return zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), closefd=True)
    return open(path, "rb")


def read_bytes(path: str, max_bytes: int) -> bytes:
    """The whole file, decompressed (.gz, or gzip magic; .zst), refusing more than ``max_bytes``."""
    try:
        with open_binary(path) as fh:
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise BadInput("no such file") from None
    except IsADirectoryError:
        raise BadInput("is a directory") from None
    except OSError as exc:
        raise BadInput(f"cannot read: {exc.strerror or exc}") from None
    except Exception as exc:  # zstandard's own error type for a broken frame
        raise BadInput(f"broken zstd data: {exc}".splitlines()[0]) from None
    if path.endswith(".gz") or data[:2] == b"\x1f\x8b":
        data = gunzip(data, max_bytes)
    if len(data) > max_bytes:
        raise BadInput(f"oversized: more than {max_bytes} bytes")
    return data


def gunzip(data: bytes, max_bytes: int) -> bytes:
    try:
        d = zlib.decompressobj(wbits=31)
        out = d.decompress(data, max_bytes + 1)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise BadInput(f"broken gzip data: {exc}") from None
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
