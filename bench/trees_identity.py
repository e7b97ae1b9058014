"""The compiled tree evaluator against LightGBM on every benchmark page: the same scores (==) on
every row, and the time of each predictor per page.

    .venv/bin/python bench/trees_identity.py              # all pages of the benchmarks, both modes
    .venv/bin/python bench/trees_identity.py --rows bench/out/model_rows.npz   # reuse collected rows

Each page is cleaned in text mode (its inscriptis rendering) and HTML mode (its bytes), as
``bench/corpus_hash.py`` does; the matrices the block model scores (stage-1 rows from
``page_features``, stage-2 rows from ``stage2_rows``) are recorded page by page, then both
predictors score each page's matrix, one call per page as in a run. Also reported: how many rows
rules claimed (their scores reach no record, only ``cleaner explain``'s score column).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import data  # noqa: E402

#: timing repeats per predictor (the best of them counts: the machine is shared)
REPEATS = 3
_CLEANER = None


class _Recorder:
    """A booster whose inputs are kept."""

    def __init__(self, booster, seen: list):
        self.booster, self.seen = booster, seen

    def predict(self, X, **kwargs):
        self.seen.append(np.array(X, dtype=np.float64))
        return self.booster.predict(X, **kwargs)


def _one(args: tuple[str, str, str]) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(mode, stage-1 rows, stage-2 rows) of one page in both modes."""
    global _CLEANER
    from inscriptis import get_text

    from cleaner.pipeline import Cleaner
    from cleaner.readers import BadInput, decode

    if _CLEANER is None:
        _CLEANER = Cleaner()
    model = _CLEANER.scorer
    bench, key, path = args
    raw = data.Page(bench, key, Path(path), "").html_bytes()
    out = []
    for mode in ("text", "html"):
        s1, s2 = [], []
        original = model.stage1, model.stage2
        model.stage1, model.stage2 = _Recorder(original[0], s1), _Recorder(original[1], s2)
        try:
            if mode == "html":
                _CLEANER.clean_bytes(raw, source=f"{bench}/{key}", fmt="html")
            else:
                _CLEANER.clean_text(get_text(decode(raw)), source=f"{bench}/{key}")
        except BadInput:
            pass
        finally:
            model.stage1, model.stage2 = original
        out += [(mode, a, b) for a, b in zip(s1, s2)]
    return out


def collect(workers: int) -> list[tuple[str, np.ndarray, np.ndarray]]:
    jobs = [(p.bench, p.key, str(p.path)) for b in sorted(data.BENCHMARKS) for p in data.load(b)]
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        return [m for page in pool.map(_one, jobs, chunksize=8) for m in page]


def _best_cpu_ms(fn, mats) -> float:
    """CPU ms (this process) for scoring every matrix once, best of REPEATS."""
    best = float("inf")
    for _ in range(REPEATS):
        start = time.process_time()
        for X in mats:
            fn(X)
        best = min(best, time.process_time() - start)
    return 1000 * best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", help="an .npz of collected rows: read it if it exists, else write it")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()

    import lightgbm as lgb

    from cleaner.model.scorer import MODEL_DIR, _RULE_IDX
    from cleaner.model.trees import CompiledBooster, compiled_available

    if not compiled_available():
        print("the compiled evaluator is not built", file=sys.stderr)
        return 1
    if args.rows and Path(args.rows).exists():
        z = np.load(args.rows)
        pages = [(str(z[f"m{i}"]), z[f"a{i}"], z[f"b{i}"]) for i in range(int(z["n"]))]
    else:
        pages = collect(args.workers)
        if args.rows:
            Path(args.rows).parent.mkdir(parents=True, exist_ok=True)
            np.savez_compressed(
                args.rows,
                n=len(pages),
                **{f"m{i}": m for i, (m, _, _) in enumerate(pages)},
                **{f"a{i}": a for i, (_, a, _) in enumerate(pages)},
                **{f"b{i}": b for i, (_, _, b) in enumerate(pages)},
            )
    for stage, col in (("stage1", 1), ("stage2", 2)):
        path = MODEL_DIR / f"blocks.{stage}.txt"
        lgbm, compiled = lgb.Booster(model_file=str(path)), CompiledBooster.from_file(path)
        for mode in ("text", "html"):
            mats = [p[col] for p in pages if p[0] == mode]
            rows = sum(len(X) for X in mats)
            same = sum(int((lgbm.predict(X, num_threads=1) == compiled.predict(X)).sum()) for X in mats)
            t_lgb = _best_cpu_ms(lambda X: lgbm.predict(X, num_threads=1), mats)
            t_c = _best_cpu_ms(compiled.predict, mats)
            print(
                f"{stage} {mode}: {len(mats)} pages, {rows} rows, identical {same}/{rows}; "
                f"LightGBM {t_lgb / len(mats):.3f} ms/page, compiled {t_c / len(mats):.3f} ms/page "
                f"({t_lgb / t_c:.2f}x)"
            )
    for mode in ("text", "html"):
        s1 = [p[1] for p in pages if p[0] == mode]
        rows = sum(len(X) for X in s1)
        claimed = sum(int((X[:, _RULE_IDX] >= 0).sum()) for X in s1)
        print(f"{mode}: rules claimed {claimed} of {rows} scored rows ({claimed / rows:.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
