"""Writing the corpus: deterministic JSONL (same input -> same bytes), in one file or numbered
shards, plain or compressed, each file written under a temporary name and renamed when complete."""
from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path
from typing import Any, Iterable

from .readers import stem


def dumps(record: dict[str, Any]) -> str:
    """One canonical JSONL line: UTF-8 text, fixed key order (the record's), no trailing spaces."""
    return json.dumps(record, ensure_ascii=False)


def shown(text: str) -> str:
    """``text`` safe for a one-line message: control characters and the bytes of a file name that
    is not UTF-8 (Python's surrogate escapes) are written with backslash escapes (``\\n``,
    ``\\xff``), so a newline in a file name cannot forge a second message line. (A backslash itself
    is left as it is: names are shown as readable as they can be, not as a reversible encoding.)"""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (os.fsdecode's surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif code < 0x20 or 0x7F <= code < 0xA0:
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch, f"\\x{code:02x}"))
        elif 0xD800 <= code <= 0xDFFF or code in (0x2028, 0x2029):
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


class OutputError(OSError):
    """An output file could not be written (disk full, no permission): the message names it."""

    def __init__(self, path: str, exc: OSError):
        super().__init__(exc.errno, exc.strerror or str(exc), path)

    def __str__(self) -> str:
        return f"cannot write {self.filename}: {self.strerror}"


def split_suffix(path: str) -> tuple[str, str]:
    m = re.match(r"^(.*?)((?:\.jsonl|\.json|\.ndjson)?(?:\.gz|\.zst)?)$", path)
    return (m.group(1), m.group(2) or ".jsonl") if m else (path, "")


class ShardWriter:
    """Writes records into one file or numbered shards, compressed by the output's ending or
    ``compression``. Every file is written under a temporary name and all are renamed into place
    only by ``close``, so a run that fails half-way (disk full, a signal: ``abort``) leaves the
    previous corpus whole and no temporary file behind. A write that fails raises ``OutputError``
    naming the file. gzip output carries no timestamp, so the same records give the same bytes."""

    def __init__(self, output: str, shard_size: int | None, compression: str | None):
        stem, suffix = split_suffix(output)
        if compression and not suffix.endswith("." + compression):
            suffix = re.sub(r"\.(gz|zst)$", "", suffix) + "." + compression
        self.stem, self.suffix, self.shard_size = stem, suffix, shard_size
        self.compression = "gz" if suffix.endswith(".gz") else "zst" if suffix.endswith(".zst") else None
        self.paths: list[str] = []
        self._fh = None
        self._raw = None
        self._count = 0

    def _name(self, index: int) -> str:
        return f"{self.stem}{self.suffix}" if self.shard_size is None else f"{self.stem}-{index:05d}{self.suffix}"

    def own_name(self) -> re.Pattern:
        """File names (in the output's folder) this writer writes or may have left: the corpus file,
        any shard and their temporary files, compressed as configured."""
        return own_name_pattern(self.stem, self.suffix)

    def _open(self) -> None:
        path = self._name(len(self.paths))
        self.paths.append(path)
        self._count = 0
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            raw = open(path + TMP_SUFFIX, "wb")
        except OSError as exc:
            raise OutputError(path, exc) from None
        if self.compression == "gz":
            self._fh = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
        elif self.compression == "zst":
            import zstandard

            self._fh = zstandard.ZstdCompressor(level=10).stream_writer(raw)
        else:
            self._fh = raw
        self._raw = raw

    def write(self, rec: dict) -> None:
        if self._fh is None or (self.shard_size is not None and self._count >= self.shard_size):
            self._close_current()
            self._open()
        try:
            self._fh.write((dumps(rec) + "\n").encode("utf-8"))
        except OSError as exc:
            raise OutputError(self.paths[-1], exc) from None
        self._count += 1

    def _close_current(self) -> None:
        if self._fh is None:
            return
        fh, raw, self._fh, self._raw = self._fh, self._raw, None, None
        try:
            try:
                fh.close()
            finally:
                if not raw.closed:
                    raw.close()
        except OSError as exc:
            raise OutputError(self.paths[-1], exc) from None

    def close(self) -> list[str]:
        """Finish the last file and rename every file into place; returns the paths written."""
        if self._fh is None and not self.paths:
            self._open()  # an empty corpus is still a (empty) file
        self._close_current()
        for path in self.paths:
            try:
                os.replace(path + TMP_SUFFIX, path)
            except OSError as exc:
                raise OutputError(path, exc) from None
        self._remove_stale_shards()
        return self.paths

    def abort(self) -> None:
        """Give up: close and remove every temporary file; files already in place stay as they were."""
        fh, raw, self._fh, self._raw = self._fh, self._raw, None, None
        for f in (fh, raw):
            try:
                if f is not None and not f.closed:
                    f.close()
            except OSError:
                pass  # (the disk that is full cannot take the rest of the file either)
        remove_files(p + TMP_SUFFIX for p in self.paths)

    def _remove_stale_shards(self) -> None:
        if self.shard_size is None:
            return
        folder = Path(self.stem).parent
        pattern = re.compile(re.escape(Path(self.stem).name) + r"-(\d{5})" + re.escape(self.suffix) + "$")
        for p in folder.iterdir():
            m = pattern.match(p.name)
            if m and int(m.group(1)) >= len(self.paths):
                p.unlink()


#: the ending of a file being written, renamed to its own name when complete
TMP_SUFFIX = ".tmp"


def own_name_pattern(stem: str, suffix: str) -> re.Pattern:
    """Names of a corpus's files in its folder: ``STEM.jsonl``, ``STEM-00000.jsonl`` and their
    temporary files (sharded and unsharded, since a run may change ``--shard-size``)."""
    return re.compile(re.escape(Path(stem).name) + r"(?:-\d{5})?" + re.escape(suffix)
                      + "(?:" + re.escape(TMP_SUFFIX) + ")?$")


def remove_files(paths: Iterable[str]) -> None:
    """Remove these files where they exist (clean-up after a failed write)."""
    for path in paths:
        try:
            os.unlink(path)
        except OSError:
            pass  # missing, or a clean-up that fails: it must not hide the error that caused it


def review_name(source: str) -> str:
    """Name of the human-review text file for a source: ``raw/x/a.html.gz`` -> ``x__a.txt``."""
    return stem(source.replace("\\", "/")) + ".txt"


def write_review_text(folder: str, source: str, text: str) -> str:
    """Write ``folder/<name>.txt`` whole or not at all (a full disk leaves no half text)."""
    path = os.path.join(folder, review_name(source))
    try:
        os.makedirs(folder, exist_ok=True)
        with open(path + TMP_SUFFIX, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text + "\n")
        os.replace(path + TMP_SUFFIX, path)
    except OSError as exc:
        remove_files([path + TMP_SUFFIX])
        raise OutputError(path, exc) from None
    return path
