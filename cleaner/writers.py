"""Writing the corpus: deterministic JSONL (same input -> same bytes), in one file or numbered
shards, plain or compressed, each file written under a temporary name and renamed when complete."""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path
from typing import Any, BinaryIO, Iterable

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
    m = re.match(r"^(.*?)(\.parquet|(?:\.jsonl|\.json|\.ndjson)?(?:\.gz|\.zst)?)$", path)
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
        self._fh: gzip.GzipFile | BinaryIO | None = None  # (zstandard's stream writer is a BinaryIO)
        self._raw: BinaryIO | None = None
        self._count = 0

    def _name(self, index: int) -> str:
        return f"{self.stem}{self.suffix}" if self.shard_size is None else f"{self.stem}-{index:05d}{self.suffix}"

    def own_name(self) -> re.Pattern:
        """File names (in the output's folder) this writer writes or may have left: the corpus file,
        any shard and their temporary files, compressed as configured."""
        return own_name_pattern(self.stem, self.suffix)

    def _next_path(self) -> str:
        """The next file's name (the corpus file, or the next shard), its folder made."""
        path = self._name(len(self.paths))
        self.paths.append(path)
        self._count = 0
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(path, exc) from None
        return path

    def _open(self) -> None:
        path = self._next_path()
        try:
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
        assert self._fh is not None  # (_open set it)
        try:
            self._fh.write((dumps(rec) + "\n").encode("utf-8"))
        except OSError as exc:
            raise OutputError(self.paths[-1], exc) from None
        self._count += 1

    def _close_current(self) -> None:
        if self._fh is None:
            return
        fh, raw, self._fh, self._raw = self._fh, self._raw, None, None
        assert raw is not None  # (_open sets it with _fh)
        try:
            try:
                fh.close()
            finally:
                if not raw.closed:
                    raw.close()
        except OSError as exc:
            raise OutputError(self.paths[-1], exc) from None

    def _is_open(self) -> bool:
        return self._fh is not None

    def close(self) -> list[str]:
        """Finish the last file and rename every file into place; returns the paths written."""
        if not self._is_open() and not self.paths:
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


def parquet_missing() -> str | None:
    """None when datasets and pyarrow (the ``parquet`` extra) are installed, else what to install."""
    try:
        import datasets  # noqa: F401  (its features type the columns)
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return "Parquet output needs the parquet extra: pip install 'cleaner[parquet]'"
    return None


class ParquetShardWriter(ShardWriter):
    """``-o corpus.parquet`` (shards ``corpus-00000.parquet``): the records as Parquet, every column
    typed by the record schema (``cleaner.schema.features``: dates as dates, ``meta`` as JSON), so that
    ``datasets`` and pandas load any corpus, shards included. Needs the ``parquet`` extra (datasets,
    pyarrow). Written in row groups of ``BATCH`` records, under temporary names, like JSONL."""

    BATCH = 1000

    def __init__(self, output: str, shard_size: int | None, keep_removed: bool = True):
        super().__init__(output, shard_size, None)
        missing = parquet_missing()
        if missing:
            raise OutputError(output, OSError(missing))
        from .schema import features

        self.features = features(keep_removed)
        self._batch: list[dict] = []
        self._writer = None

    def _open(self) -> None:
        import pyarrow.parquet as pq

        path = self._next_path()
        try:
            self._writer = pq.ParquetWriter(path + TMP_SUFFIX, self.features.arrow_schema)
        except OSError as exc:
            raise OutputError(path, exc) from None

    def _flush(self) -> None:
        import datasets

        if not self._batch or self._writer is None:
            return
        rows = [{name: rec.get(name) for name in self.features} for rec in self._batch]
        self._batch = []
        try:
            self._writer.write_table(datasets.Dataset.from_list(rows, features=self.features).data.table)
        except OSError as exc:
            raise OutputError(self.paths[-1], exc) from None

    def write(self, rec: dict) -> None:
        if self._writer is None or (self.shard_size is not None and self._count >= self.shard_size):
            self._close_current()
            self._open()
        self._batch.append(rec)
        self._count += 1
        if len(self._batch) >= self.BATCH:
            self._flush()

    def _close_current(self) -> None:
        if self._writer is None:
            return
        self._flush()
        writer, self._writer = self._writer, None
        try:
            writer.close()
        except OSError as exc:
            raise OutputError(self.paths[-1], exc) from None

    def _is_open(self) -> bool:
        return self._writer is not None

    def abort(self) -> None:
        writer, self._writer, self._batch = self._writer, None, []
        try:
            if writer is not None:
                writer.close()
        except OSError:
            pass
        remove_files(p + TMP_SUFFIX for p in self.paths)


def corpus_writer(
    output: str, shard_size: int | None, compression: str | None, keep_removed: bool = True
) -> ShardWriter:
    """The writer of a corpus named ``output``: Parquet for ``.parquet``, else JSONL (compressed by the
    ending or ``compression``)."""
    if output.endswith(".parquet"):
        if compression:
            raise OutputError(output, OSError("--compress is for JSONL; Parquet files compress their columns"))
        return ParquetShardWriter(output, shard_size, keep_removed)
    return ShardWriter(output, shard_size, compression)


#: the ending of a file being written, renamed to its own name when complete
TMP_SUFFIX = ".tmp"


def own_name_pattern(stem: str, suffix: str) -> re.Pattern:
    """Names of a corpus's files in its folder: ``STEM.jsonl``, ``STEM-00000.jsonl`` and their
    temporary files (sharded and unsharded, since a run may change ``--shard-size``)."""
    return re.compile(
        re.escape(Path(stem).name) + r"(?:-\d{5})?" + re.escape(suffix) + "(?:" + re.escape(TMP_SUFFIX) + ")?$"
    )


def remove_files(paths: Iterable[str]) -> None:
    """Remove these files where they exist (clean-up after a failed write)."""
    for path in paths:
        try:
            os.unlink(path)
        except OSError:
            pass  # missing, or a clean-up that fails: it must not hide the error that caused it


def review_name(source: str) -> str:
    """The plain name of a source's review text file, ``raw/x/a.html.gz`` -> ``a.txt``: the name a
    document gets in a run where no other document has it (``review_names`` decides for a run)."""
    return stem(source.replace("\\", "/")) + ".txt"


#: review file names longer than this (in UTF-8 bytes, without ".txt") are not used: file systems
#: allow 255, and a URL's last part can be longer
MAX_REVIEW_NAME_BYTES = 200
#: joins folder names, the file's stem and a record's line number or id in a longer review name
REVIEW_NAME_JOIN = "__"


def _review_candidates(source: str, doc_id: str) -> list[str]:
    """The names a document's review file may take, from the plain one to the most specific:
    a file ``in/x/a/index.html``: ``index``, ``a__index``, ``x__a__index``, ``in__x__a__index``,
    ``index__ID``; a JSONL record ``in/feed.jsonl:3``: ``feed``, ``feed__3``, ``in__feed__3``,
    ``feed__3__ID``; a WARC record ``in/crawl.warc.gz@URL``: the URL's last part, ``crawl__ID``,
    ``in__crawl__ID``. Names that are empty (a URL ending in "/") or too long are left out."""
    from .corpus.sources import split_source

    source = source.replace("\\", "/")
    container, kind, record = split_source(source)
    tail = record if kind == "jsonl" else doc_id if kind == "warc" else None
    folders = [p for p in container.split("/")[:-1] if p not in ("", ".", "..")]
    base = stem(container) if tail is None else REVIEW_NAME_JOIN.join([stem(container), tail])
    names = [stem(source)] + [
        REVIEW_NAME_JOIN.join(folders[len(folders) - k :] + [base]) for k in range(len(folders) + 1)
    ]
    if tail != doc_id:
        names.append(REVIEW_NAME_JOIN.join([base, doc_id]))
    out: list[str] = []
    for name in names:
        if (
            name
            and not name.startswith(".")
            and len(name.encode("utf-8", "surrogateescape")) <= MAX_REVIEW_NAME_BYTES
            and name not in out
        ):
            out.append(name)
    return out or [doc_id[:MAX_REVIEW_NAME_BYTES]]


def review_names(entries: list[tuple[str, str]]) -> list[str]:
    """The review file name (``<name>.txt``) of every (source, id) of a run, in the same order, no
    two alike: a document keeps its plain name (``review_name``) when no other document of the
    run has it; documents that share a name all take a longer one, with as few of their folders as
    tell them apart, or their JSONL line number, or their id (see ``_review_candidates``). Names
    that differ only in case count as alike (macOS and Windows would write them into one file). A
    name still shared when nothing longer is left (the same source twice under one id) gets
    ``__2``, ``__3``, ... in input order. The names depend only on the entries: same run, same names."""
    candidates = [_review_candidates(source, doc_id) for source, doc_id in entries]
    level = [0] * len(entries)
    while True:
        groups: dict[str, list[int]] = {}
        for i, cands in enumerate(candidates):
            groups.setdefault(cands[level[i]].casefold(), []).append(i)
        moved = False
        for members in groups.values():
            if len(members) > 1:
                for i in members:
                    if level[i] + 1 < len(candidates[i]):
                        level[i] += 1
                        moved = True
        if not moved:
            break
    names = [cands[level[i]] for i, cands in enumerate(candidates)]
    taken = {name.casefold() for name in names}
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name.casefold() in seen:  # nothing longer was left: number the later ones
            n = 2
            while f"{name}{REVIEW_NAME_JOIN}{n}".casefold() in taken:
                n += 1
            names[i] = f"{name}{REVIEW_NAME_JOIN}{n}"
            taken.add(names[i].casefold())
        seen.add(names[i].casefold())
    return [name + ".txt" for name in names]


def write_review_text(folder: str, source: str, text: str, name: str | None = None) -> str:
    """Write ``folder/<name>.txt`` whole or not at all (a full disk leaves no half text); ``name``
    as ``review_names`` gave it for the run (default: the source's plain ``review_name``)."""
    path = os.path.join(folder, name or review_name(source))
    try:
        os.makedirs(folder, exist_ok=True)
        with open(path + TMP_SUFFIX, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text + "\n")
        os.replace(path + TMP_SUFFIX, path)
    except OSError as exc:
        remove_files([path + TMP_SUFFIX])
        raise OutputError(path, exc) from None
    return path
