"""The benchmarks in ../shared/benchmarks, with a fixed train/test split.

Split: a page is in the *test* half when the first hex digit of sha256(page key) is 0-7, else in
*train* (key = the ScrapingHub file hash, or the trafilatura-dev URL key). Training only ever reads
train pages; every reported number is on test pages.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from cleaner.training import benchmark_split  # noqa: E402  (the one definition of the split)

SHARED = Path(os.environ.get("CLEANER_SHARED", ROOT.parent / "shared")) / "benchmarks"


def split_of(key: str) -> str:
    return benchmark_split(key)


@dataclass
class Page:
    bench: str  # scrapinghub | trafilatura-dev | wcxb
    key: str
    path: Path
    split: str
    url: str | None = None
    body: str | None = None  # ScrapingHub gold article body
    with_: list[str] = field(default_factory=list)  # trafilatura-dev snippets
    without: list[str] = field(default_factory=list)
    page_type: str = "article"  # WCXB's page type (the older two hold articles only)

    def html_bytes(self) -> bytes:
        return gzip.decompress(self.path.read_bytes())


def scrapinghub() -> list[Page]:
    base = SHARED / "scrapinghub"
    gold = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Page("scrapinghub", k, base / "html" / f"{k}.html.gz", split_of(k), v.get("url"), v.get("articleBody", ""))
        for k, v in sorted(gold.items())
    ]


def trafilatura_dev() -> list[Page]:
    base = SHARED / "trafilatura-dev"
    gold = json.loads((base / "evaldata.json").read_text(encoding="utf-8"))
    return [
        Page(
            "trafilatura-dev",
            k,
            base / "html" / v["file"],
            split_of(k),
            k if k.startswith("http") else None,
            None,
            list(v["with"]),
            list(v["without"]),
        )
        for k, v in sorted(gold.items())
    ]


def wcxb() -> list[Page]:
    """WCXB's development split (CC-BY-4.0, Murrough Foley; see its ATTRIBUTION.md): ScrapingHub layout."""
    base = SHARED / "wcxb-dev"
    gold = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Page(
            "wcxb",
            k,
            base / "html" / f"{k}.html.gz",
            split_of(k),
            v.get("url"),
            v.get("articleBody", ""),
            list(v.get("with") or []),
            list(v.get("without") or []),
            v.get("page_type", "article"),
        )
        for k, v in sorted(gold.items())
    ]


BENCHMARKS = {"scrapinghub": scrapinghub, "trafilatura-dev": trafilatura_dev, "wcxb": wcxb}


def load(bench: str) -> list[Page]:
    return BENCHMARKS[bench]()


def score(bench: str, pages: list[Page], outputs: list[str]):
    """The benchmark's published scoring of ``outputs`` (one text per page, in order): ScrapingHub's
    word 4-gram shingles against the article body, WCXB's bag of words per page against the main
    content, trafilatura's with/without snippets."""
    from cleaner.evaluate import shingle_score, snippet_score, word_score

    if bench == "scrapinghub":
        return shingle_score((p.body, o) for p, o in zip(pages, outputs))
    if bench == "wcxb":
        return word_score((p.body, o) for p, o in zip(pages, outputs))
    return snippet_score((o, p.with_, p.without) for p, o in zip(pages, outputs))
