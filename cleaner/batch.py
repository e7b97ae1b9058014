"""Running many documents: one bad document is reported and skipped, never stops the batch."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from .document import CATEGORIES, Document
from .pipeline import Cleaner
from .readers import BadInput, find_inputs


@dataclass
class Result:
    source: str
    record: dict | None = None
    error: str | None = None
    doc: Document | None = None


def clean_one(path: str, cleaner: Cleaner) -> Result:
    try:
        doc = cleaner.clean_file(path)
    except BadInput as exc:
        return Result(path, error=str(exc))
    except Exception as exc:  # a bug or a library failure on one page must not stop the batch
        return Result(path, error=f"internal error: {type(exc).__name__}: {exc}".splitlines()[0])
    return Result(path, record=doc.to_record(cleaner.settings.keep_removed), doc=doc)


def clean_paths(paths: Iterable[str], cleaner: Cleaner) -> Iterator[Result]:
    for path in find_inputs(list(paths)):
        yield clean_one(path, cleaner)


@dataclass
class Summary:
    docs_in: int = 0
    docs_out: int = 0
    failures: int = 0
    removed: Counter = field(default_factory=Counter)
    blocks: int = 0

    def add(self, result: Result) -> None:
        self.docs_in += 1
        if result.error:
            self.failures += 1
            return
        self.docs_out += 1
        assert result.doc is not None
        self.blocks += len(result.doc.blocks)
        for cat, n in result.doc.removed.items():
            self.removed[cat] += n

    def lines(self) -> list[str]:
        out = [f"documents in: {self.docs_in}, out: {self.docs_out}, failed: {self.failures}"]
        total = sum(self.removed.values())
        out.append(f"blocks: {self.blocks}, removed: {total}")
        for cat in CATEGORIES:
            if self.removed[cat]:
                out.append(f"  {cat:<11} {self.removed[cat]:>6}")
        return out
