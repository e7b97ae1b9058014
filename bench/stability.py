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
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402,F401  (puts the project on sys.path)
from cleaner import Cleaner, training  # noqa: E402
from cleaner.classify import annotate, segment_text  # noqa: E402
from cleaner.model.features import page_features  # noqa: E402
from cleaner.model.scorer import TEXT_THRESHOLD, stage2_rows  # noqa: E402
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
    """``training.fit`` over the same pages with seeds and left-out pages varied (a TrainConfig each)."""

    def __init__(self, pages: list[training.LabelledPage]):
        self.pages = pages

    def fit(self, seeds: list[int], left_out: frozenset = frozenset()) -> training.Fitted:
        """Both stages, each averaged over ``seeds``, without the pages at ``left_out``."""
        config = training.TrainConfig(seeds=tuple(seeds))
        return training.fit(self.pages, config, left_out, oof_threshold=False, log=lambda m: None)

    @staticmethod
    def scores(model: training.Fitted, pages: list[np.ndarray]) -> np.ndarray:
        return np.concatenate([model.stage2.predict(stage2_rows(model.stage1.predict(rows), rows)) for rows in pages])


def compare(a: np.ndarray, b: np.ndarray, label: str) -> None:
    d = np.abs(a - b)
    flips = int(((a >= TEXT_THRESHOLD) != (b >= TEXT_THRESHOLD)).sum())
    print(
        f"| {label} | {d.mean():.4f} | {np.quantile(d, 0.95):.3f} | {d.max():.3f} | {flips} of {len(a)} |", flush=True
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bag", type=int, default=0, help="also compare averages of this many boosters per stage")
    a = ap.parse_args(argv)
    started = time.perf_counter()
    cleaner = Cleaner(Settings(model="none"))
    golds = [
        str(data.SHARED / "scrapinghub" / "ground-truth.json"),
        str(data.SHARED / "trafilatura-dev" / "evaldata.json"),
    ]
    pages = training.collect(
        cleaner, golds, [str(ROOT / "tests" / "fixtures" / "pages")], [], [], "train", log=lambda m: None
    )
    targets = text_pages(cleaner)
    print(
        f"{len(pages)} training views; {len(targets)} text pages, {sum(len(r) for r in targets)} blocks "
        f"({time.perf_counter() - started:.0f} s)",
        file=sys.stderr,
    )
    fitter = Fitter(pages)
    left_out = frozenset(random.Random(1).sample(range(len(pages)), DROPPED_PAGES))
    print("| retrained with | mean abs(p - p') | 95th percentile | largest | blocks crossing the threshold |")
    print("|---|---|---|---|---|")
    base = fitter.scores(fitter.fit([training.SEED]), targets)
    compare(base, fitter.scores(fitter.fit([training.SEED + 1]), targets), "one booster per stage, another seed")
    compare(
        base,
        fitter.scores(fitter.fit([training.SEED], left_out), targets),
        f"one booster per stage, {DROPPED_PAGES} training views left out",
    )
    if a.bag > 1:
        seeds_a = [training.SEED + 100 + i for i in range(a.bag)]
        seeds_b = [training.SEED + 200 + i for i in range(a.bag)]
        bag = fitter.scores(fitter.fit(seeds_a), targets)
        compare(bag, fitter.scores(fitter.fit(seeds_b), targets), f"{a.bag} boosters per stage, other seeds")
        compare(
            bag,
            fitter.scores(fitter.fit(seeds_a, left_out), targets),
            f"{a.bag} boosters per stage, {DROPPED_PAGES} training views left out",
        )
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
