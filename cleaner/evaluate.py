"""Scoring cleaned text against gold annotations, with each benchmark's published method.

- ``shingles`` (ScrapingHub article-extraction-benchmark): word 4-gram shingles over ``\\w+`` tokens,
  per-document TP/FP/FN normalised to sum 1, precision and recall macro-averaged over documents,
  F1 from the two averages.
- ``snippets`` (trafilatura's evaluation): a ``with`` snippet found in the output (whitespace-
  normalised substring) is a true positive, missing a false negative; a ``without`` snippet found
  is a false positive; precision, recall and F1 micro-averaged over snippets.

``cleaner eval OUTPUT.jsonl --gold FILE`` detects the gold format and scores any JSONL output.
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


# ------------------------------------------------------------------------------ gold files


def load_gold(path: str) -> tuple[str, dict[str, dict]]:
    """(format, {document stem: gold entry}) for a ScrapingHub ground-truth.json or a trafilatura
    evaldata.json."""
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
        return "shingles", {key: value for key, value in data.items()}
    if "with" in first and "file" in first:
        return "snippets", {stem(v["file"]): v for v in data.values()}
    raise ValueError(f"{path}: unknown gold format (need articleBody, or file/with/without)")


def score_records(records: Iterable[Mapping], gold_path: str) -> tuple[str, Score, int]:
    """Score JSONL records (matched to gold by the file name of ``source``, or by ``url``) against a
    gold file. Returns (format, score, gold documents without a record - scored as empty output)."""
    fmt, gold = load_gold(gold_path)
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
    return fmt, snippet_score((texts[k], gold[k]["with"], gold[k]["without"]) for k in keys), missing
