"""Scoring cleaned text against gold annotations, with each benchmark's published method.

- ``shingles`` (ScrapingHub article-extraction-benchmark): word 4-gram shingles over ``\\w+`` tokens,
  per-document TP/FP/FN normalised to sum 1, precision and recall macro-averaged over documents,
  F1 from the two averages.
- ``snippets`` (trafilatura's evaluation): a ``with`` snippet found in the output (whitespace-
  normalised substring) is a true positive, missing a false negative; a ``without`` snippet found
  is a false positive; precision, recall and F1 micro-averaged over snippets.
- ``words`` (WCXB's evaluate.py): per document, precision and recall of the bag of lower-cased
  ``\\w+`` tokens against the main content's; each document's F1, and all three averaged over
  documents. A document whose gold is empty (WCXB's single-page apps) scores 1 when the output
  is empty too, else 0.

``cleaner eval OUTPUT.jsonl --gold FILE`` detects the gold format (``articleBody`` with WCXB's
``page_type``: words; ``articleBody`` alone: shingles; ``with``/``without``/``file``: snippets)
and scores any JSONL output.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping

from .readers import stem

_TOKEN = re.compile(r"\w+", re.UNICODE)
_SPACE = re.compile(r"\s+")
SHINGLE_N = 4


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    docs: int


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


# ------------------------------------------------------------------------------ shingles (ScrapingHub)


def _shingle_counts(text: str, n: int = SHINGLE_N) -> Counter:
    tokens = _TOKEN.findall(text or "")
    # as published: a text shorter than n tokens still yields one (shorter) shingle
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i : i + n])


def shingle_counts(gold: str, predicted: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one document."""
    g, p = _shingle_counts(gold), _shingle_counts(predicted)
    tp = sum((g & p).values())
    fp = sum((p - g).values())
    fn = sum((g - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def shingle_score(pairs: Iterable[tuple[str, str]]) -> Score:
    """Score (gold, predicted) text pairs: macro-averaged precision and recall, F1 of the averages."""
    counts = [shingle_counts(g, p) for g, p in pairs]
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    p = statistics.mean(precisions) if precisions else 0.0
    r = statistics.mean(recalls) if recalls else 0.0
    return Score(p, r, _f1(p, r), len(counts))


# ------------------------------------------------------------------------------ snippets (trafilatura)


def normalise_space(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()


def snippet_counts(predicted: str, with_: Iterable[str], without: Iterable[str]) -> tuple[int, int, int, int]:
    """(tp, fn, fp, tn) of one document."""
    text = normalise_space(predicted)
    tp = fn = fp = tn = 0
    for s in with_:
        if normalise_space(s) in text:
            tp += 1
        else:
            fn += 1
    for s in without:
        if normalise_space(s) in text:
            fp += 1
        else:
            tn += 1
    return tp, fn, fp, tn


def snippet_score(items: Iterable[tuple[str, list[str], list[str]]]) -> Score:
    """Score (predicted, with, without) triples, micro-averaged over snippets."""
    tp = fn = fp = docs = 0
    for predicted, with_, without in items:
        a, b, c, _ = snippet_counts(predicted, with_, without)
        tp, fn, fp, docs = tp + a, fn + b, fp + c, docs + 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return Score(p, r, _f1(p, r), docs)


# ------------------------------------------------------------------------------ words (WCXB)


def word_counts(gold: str, predicted: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of one document's bag of lower-cased words."""
    ref = Counter(_TOKEN.findall((gold or "").lower()))
    out = Counter(_TOKEN.findall((predicted or "").lower()))
    if not ref:
        return (1.0, 1.0, 1.0) if not out else (0.0, 0.0, 0.0)
    if not out:
        return 0.0, 0.0, 0.0
    overlap = sum((ref & out).values())
    p, r = overlap / sum(out.values()), overlap / sum(ref.values())
    return p, r, _f1(p, r)


def word_score(pairs: Iterable[tuple[str, str]]) -> Score:
    """Score (gold, predicted) text pairs: precision, recall and F1 per document, each averaged."""
    counts = [word_counts(g, p) for g, p in pairs]
    if not counts:
        return Score(0.0, 0.0, 0.0, 0)
    p, r, f = (statistics.mean(c[i] for c in counts) for i in range(3))
    return Score(p, r, f, len(counts))


# ------------------------------------------------------------------------------ gold files

#: the scoring of each gold format
METHODS = {
    "shingles": "word 4-gram shingles, macro-averaged",
    "snippets": "snippets, micro-averaged",
    "words": "bag of words per document, averaged (WCXB)",
}


def load_gold(path: str) -> tuple[str, dict[str, dict]]:
    """(format, {document stem: gold entry}) for a ScrapingHub ground-truth.json, a WCXB one (the same
    layout with ``page_type``: format ``words``) or a trafilatura evaldata.json."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a gold file ({exc})".splitlines()[0]) from None
    if not isinstance(data, dict) or not data:
        raise ValueError(f"{path}: not a gold file (expected a JSON object)")
    first = next(iter(data.values()))
    if not isinstance(first, dict):
        raise ValueError(f"{path}: not a gold file (its entries are not JSON objects)")
    if "articleBody" in first:
        return ("words" if "page_type" in first else "shingles"), {key: value for key, value in data.items()}
    if "with" in first and "file" in first:
        return "snippets", {stem(v["file"]): v for v in data.values()}
    raise ValueError(f"{path}: unknown gold format (need articleBody, or file/with/without)")


def score_records(records: Iterable[Mapping], gold_path: str, method: str | None = None) -> tuple[str, Score, int]:
    """Score JSONL records (matched to gold by the file name of ``source``, or by ``url``) against a
    gold file, by ``method`` (default: the gold format's own). Returns (method, score, gold documents
    without a record - scored as empty output)."""
    fmt, gold = load_gold(gold_path)
    if method and method != fmt:
        if method == "snippets" and not all("with" in v for v in gold.values()):
            raise ValueError(f"{gold_path}: no with/without snippets to score by")
        if method in ("shingles", "words") and fmt == "snippets":
            raise ValueError(f"{gold_path}: no articleBody to score by {method}")
        fmt = method
    by_url = {v.get("url"): k for k, v in gold.items() if v.get("url")}
    texts: dict[str, str] = {}
    for rec in records:
        key = stem(rec.get("source", ""))
        if key not in gold:
            key = by_url.get(rec.get("url"), key)
        if key in gold:
            texts[key] = rec.get("text", "")
    missing = len(gold) - len(texts)
    if not texts:
        raise ValueError("no record matches a gold document (by source file name or url)")
    keys = sorted(texts)  # score only the documents the output covers (e.g. a test split)
    if fmt == "shingles":
        return fmt, shingle_score((gold[k].get("articleBody", ""), texts[k]) for k in keys), missing
    if fmt == "words":
        return fmt, word_score((gold[k].get("articleBody", ""), texts[k]) for k in keys), missing
    return fmt, snippet_score((texts[k], gold[k]["with"], gold[k]["without"]) for k in keys), missing
