"""How far does retraining move single-line scores? The noise floor for rule changes.

A rule that fires on lines of the training renders changes the training data, so `cleaner train`
grows different trees and lines far from the rule move too. `tests/test_dumps.py` checks every
`raw/` page's dumps line by line (through F1), so that movement decides whether a rule can land.
This tool trains the shipped two-stage model several times on the train halves, as `cleaner train`
does, with one thing changed at a time, and compares the final scores of every block of the text
pages in `raw/` and their dumps in `tests/fixtures/dumps/`:

- another seed (what any small change to the data does to the random row and column samples);
- a few training pages left out (a small change to the data itself);
- each of the above with ``--bag K``: K boosters per stage with different seeds, probabilities
  averaged (what an averaged model would give).

    .venv/bin/python bench/stability.py            # single boosters only (~5 minutes)
    .venv/bin/python bench/stability.py --bag 4    # also 4-booster averages (~20 minutes more)

Printed per comparison: mean and 95th percentile of |p - p'|, the largest move, and how many
blocks cross the text threshold.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402,F401  (puts the project on sys.path)
from cleaner import Cleaner, training  # noqa: E402
from cleaner.classify import annotate, segment_text  # noqa: E402
from cleaner.model.features import FEATURE_NAMES, page_features  # noqa: E402
from cleaner.model.scorer import STAGE2_NAMES, TEXT_THRESHOLD, stage2_rows  # noqa: E402
from cleaner.readers import BadInput, decode, sniff_format  # noqa: E402
from cleaner.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DROPPED_PAGES = 4


def text_pages(cleaner: Cleaner) -> list[np.ndarray]:
    """Feature rows of the text pages in raw/ and of their dumps (the pages the dump test reads)."""
    out = []
    paths = sorted((ROOT / "tests" / "fixtures" / "dumps").glob("*.txt")) + sorted((ROOT / "raw").glob("*.txt"))
    for path in paths:
        if path.name == "README.md":
            continue
        try:
            text = decode(path.read_bytes())
        except BadInput:
            continue
        if sniff_format(str(path), text) == "html":
            continue
        rules = cleaner.rules_for(text)
        blocks = segment_text(text)
        annotate(blocks, rules)
        if blocks:
            out.append(np.asarray(page_features(blocks, rules, "text"), dtype=np.float64))
    return out


class Fitter:
    """`training.train`'s two stages, kept in memory, with seeds and left-out pages as arguments."""

    def __init__(self, pages: list[training.LabelledPage]):
        self.pages = pages
        self.X, self.y, self.w, self.groups, self.page_rows = training._matrix(pages)
        self.fold_of_page = [int(hashlib.sha256(p.source.encode()).hexdigest(), 16) % training.FOLDS for p in pages]

    def _boosters(self, X, y, w, names, rounds, seeds):
        out = []
        try:
            for seed in seeds:
                training.LGB_PARAMS["seed"] = seed
                out.append(training._booster(X, y, w, names, rounds))
        finally:
            training.LGB_PARAMS["seed"] = training.SEED
        return out

    @staticmethod
    def _predict(boosters, rows) -> np.ndarray:
        return np.mean([b.predict(rows) for b in boosters], axis=0)

    def fit(self, seeds: list[int], left_out: frozenset = frozenset()):
        """(stage-1 boosters, stage-2 boosters), each stage averaged over ``seeds``."""
        used = np.array([g not in left_out for g in self.groups])
        oof: list[list[float]] = [[] for _ in self.pages]
        for fold in range(training.FOLDS):
            mask = used & np.array([self.fold_of_page[g] != fold for g in self.groups])
            s1 = self._boosters(self.X[mask], self.y[mask], self.w[mask], FEATURE_NAMES, training.ROUNDS, seeds)
            for g, (_, _, feats, _) in enumerate(self.page_rows):
                if self.fold_of_page[g] == fold and len(feats):
                    oof[g] = self._predict(s1, np.asarray(feats, dtype=np.float64)).tolist()
        X2, y2, w2 = [], [], []
        for g, (_, _, feats, labels) in enumerate(self.page_rows):
            if g in left_out:
                continue
            words = [max(1, b.features["words"]) for b in self.pages[g].blocks]
            total = sum(n for n, lab in zip(words, labels) if lab is not None) or 1  # every page weighs the same
            for row, lab, n in zip(stage2_rows(oof[g], feats), labels, words):
                if lab is not None:
                    X2.append(row)
                    y2.append(lab)
                    w2.append(100.0 * n / total)
        X2, y2, w2 = np.asarray(X2), np.asarray(y2), np.asarray(w2)
        s1 = self._boosters(self.X[used], self.y[used], self.w[used], FEATURE_NAMES, training.ROUNDS, seeds)
        s2 = self._boosters(X2, y2, w2, STAGE2_NAMES, training.STAGE2_ROUNDS, seeds)
        return s1, s2

    def scores(self, model, pages: list[np.ndarray]) -> np.ndarray:
        s1, s2 = model
        return np.concatenate([self._predict(s2, stage2_rows(self._predict(s1, rows), rows)) for rows in pages])


def compare(a: np.ndarray, b: np.ndarray, label: str) -> None:
    d = np.abs(a - b)
    flips = int(((a >= TEXT_THRESHOLD) != (b >= TEXT_THRESHOLD)).sum())
    print(f"| {label} | {d.mean():.4f} | {np.quantile(d, 0.95):.3f} | {d.max():.3f} | {flips} of {len(a)} |", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bag", type=int, default=0, help="also compare averages of this many boosters per stage")
    a = ap.parse_args(argv)
    started = time.perf_counter()
    cleaner = Cleaner(Settings(model="none"))
    golds = [str(data.SHARED / "scrapinghub" / "ground-truth.json"), str(data.SHARED / "trafilatura-dev" / "evaldata.json")]
    pages = training.collect(cleaner, golds, [str(ROOT / "tests" / "fixtures" / "pages")], [], [], "train",
                             log=lambda m: None)
    targets = text_pages(cleaner)
    print(f"{len(pages)} training views; {len(targets)} text pages, {sum(len(r) for r in targets)} blocks "
          f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    fitter = Fitter(pages)
    left_out = frozenset(random.Random(1).sample(range(len(pages)), DROPPED_PAGES))
    print("| retrained with | mean abs(p - p') | 95th percentile | largest | blocks crossing the threshold |")
    print("|---|---|---|---|---|")
    base = fitter.scores(fitter.fit([training.SEED]), targets)
    compare(base, fitter.scores(fitter.fit([training.SEED + 1]), targets), "one booster per stage, another seed")
    compare(base, fitter.scores(fitter.fit([training.SEED], left_out), targets),
            f"one booster per stage, {DROPPED_PAGES} training views left out")
    if a.bag > 1:
        seeds_a = [training.SEED + 100 + i for i in range(a.bag)]
        seeds_b = [training.SEED + 200 + i for i in range(a.bag)]
        bag = fitter.scores(fitter.fit(seeds_a), targets)
        compare(bag, fitter.scores(fitter.fit(seeds_b), targets), f"{a.bag} boosters per stage, other seeds")
        compare(bag, fitter.scores(fitter.fit(seeds_a, left_out), targets),
                f"{a.bag} boosters per stage, {DROPPED_PAGES} training views left out")
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
