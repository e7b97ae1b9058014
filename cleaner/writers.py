"""Writing the corpus: deterministic JSONL (same input -> same bytes), in one file or numbered
shards, plain or compressed, each file written under a temporary name and renamed when complete."""
from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path
from typing import Any

from .readers import stem


def dumps(record: dict[str, Any]) -> str:
    """One canonical JSONL line: UTF-8 text, fixed key order (the record's), no trailing spaces."""
    return json.dumps(record, ensure_ascii=False)


def split_suffix(path: str) -> tuple[str, str]:
    m = re.match(r"^(.*?)((?:\.jsonl|\.json|\.ndjson)?(?:\.gz|\.zst)?)$", path)
    return (m.group(1), m.group(2) or ".jsonl") if m else (path, "")


class ShardWriter:
    """Writes records into one file or numbered shards, compressed by the output's ending or
    ``compression``; each file is written under a temporary name and renamed when complete.
    gzip output carries no timestamp, so the same records give the same bytes."""

    def __init__(self, output: str, shard_size: int | None, compression: str | None):
        stem, suffix = split_suffix(output)
        if compression and not suffix.endswith("." + compression):
            suffix = re.sub(r"\.(gz|zst)$", "", suffix) + "." + compression
        self.stem, self.suffix, self.shard_size = stem, suffix, shard_size
        self.compression = "gz" if suffix.endswith(".gz") else "zst" if suffix.endswith(".zst") else None
        self.paths: list[str] = []
        self._fh = None
        self._count = 0

    def _name(self, index: int) -> str:
        return f"{self.stem}{self.suffix}" if self.shard_size is None else f"{self.stem}-{index:05d}{self.suffix}"

    def _open(self) -> None:
        path = self._name(len(self.paths))
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._tmp = path + ".tmp"
        raw = open(self._tmp, "wb")
        if self.compression == "gz":
            self._fh = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
        elif self.compression == "zst":
            import zstandard

            self._fh = zstandard.ZstdCompressor(level=10).stream_writer(raw)
        else:
            self._fh = raw
        self._raw = raw
        self.paths.append(path)
        self._count = 0

    def write(self, rec: dict) -> None:
        if self._fh is None or (self.shard_size is not None and self._count >= self.shard_size):
            self._close_current()
            self._open()
        self._fh.write((dumps(rec) + "\n").encode("utf-8"))
        self._count += 1

    def _close_current(self) -> None:
        if self._fh is None:
            return
        self._fh.close()
        if not self._raw.closed:
            self._raw.close()
        os.replace(self._tmp, self.paths[-1])
        self._fh = None

    def close(self) -> list[str]:
        if self._fh is None and not self.paths:
            self._open()  # an empty corpus is still a (empty) file
        self._close_current()
        self._remove_stale_shards()
        return self.paths

    def _remove_stale_shards(self) -> None:
        if self.shard_size is None:
            return
        folder = Path(self.stem).parent
        pattern = re.compile(re.escape(Path(self.stem).name) + r"-(\d{5})" + re.escape(self.suffix) + "$")
        for p in folder.iterdir():
            m = pattern.match(p.name)
            if m and int(m.group(1)) >= len(self.paths):
                p.unlink()


def review_name(source: str) -> str:
    """Name of the human-review text file for a source: ``raw/x/a.html.gz`` -> ``x__a.txt``."""
    return stem(source.replace("\\", "/")) + ".txt"


def write_review_text(folder: str, source: str, text: str) -> str:
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, review_name(source))
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text + "\n")
    return path
