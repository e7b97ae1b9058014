"""Writing the corpus: deterministic JSONL (same input -> same bytes), atomically replaced."""
from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from .readers import base_name


def dumps(record: dict[str, Any]) -> str:
    """One canonical JSONL line: UTF-8 text, fixed key order (the record's), no trailing spaces."""
    return json.dumps(record, ensure_ascii=False)


class AtomicWriter:
    """Writes to a temporary file beside the target and renames it into place on close, so a
    crashed run never leaves a half-written corpus under the final name."""

    def __init__(self, path: str):
        self.path = path
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".jsonl", dir=folder)
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, record: dict[str, Any]) -> None:
        self.fh.write(dumps(record) + "\n")

    def close(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self.fh.close()
        if os.path.exists(self.tmp):
            os.unlink(self.tmp)

    def __enter__(self) -> "AtomicWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def review_name(source: str) -> str:
    """Name of the human-review text file for a source: ``raw/x/a.html.gz`` -> ``x__a.txt``."""
    parts = source.replace("\\", "/").split("/")
    name = base_name(parts[-1])
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return stem + ".txt"


def write_review_text(folder: str, source: str, text: str) -> str:
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, review_name(source))
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text + "\n")
    return path
