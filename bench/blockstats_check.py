"""Identity check of the compiled per-block counts, topic words and duplicate keys
(cleaner/_blockstats.c) against the pure-Python reference (cleaner/blockstats.py), on every
benchmark page and on adversarial strings.

    .venv/bin/python bench/blockstats_check.py                     # all three benchmarks, both modes
    .venv/bin/python bench/blockstats_check.py --bench wcxb --workers 1
    .venv/bin/python bench/blockstats_check.py --no-pages          # adversarial strings only
    .venv/bin/python bench/blockstats_check.py --speed 5           # time compiled against reference

Pages: each page is cleaned in text mode (its inscriptis rendering) and in HTML mode (its bytes,
``Cleaner.clean_bytes``) with the compiled counts. Wherever the model asks for the feature matrix,
``page_features`` is computed again with the reference counts, and every block's
``block_features``, raw counts, topic words and ``norm_key`` are computed both ways; everything
must be equal bit for bit.
Adversarial: every code point 0..0x10FFFF in chunks (as runs, spaced, and after pattern
characters), surrogates, combining marks, each storage width, strings of 20 MB.
Exit code 1 on any difference.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import data  # noqa: E402

#: code points per adversarial chunk
CHUNK = 97
#: size of the huge adversarial strings (the default --max-bytes is 20 MB)
HUGE = 20_000_000
_STATE: dict = {}


def _checked_page_features(original, counts: dict):
    from cleaner import blockstats
    from cleaner.classify import block_features

    def checked(blocks, rules, mode="text", url=None):
        compiled = original(blocks, rules, mode, url)
        for b in blocks:
            counts["blocks"] += 1
            c_block, p_block = (
                blockstats._blockstats.block_counts(b.text, rules.stopwords),
                blockstats.block_counts_py(b.text, rules.stopwords),
            )
            c_own, p_own = blockstats._blockstats.own_counts(b.text), blockstats.own_counts_py(b.text)
            counts["count_diffs"] += (c_block != p_block) + (c_own != p_own)
            counts["count_diffs"] += blockstats._blockstats.norm_key(b.text) != blockstats.norm_key_py(b.text)
            counts["count_diffs"] += blockstats._blockstats.content_words(
                b.text, rules.stopwords, 4
            ) != blockstats.content_words_py(b.text, rules.stopwords, 4)
            blockstats.use_compiled(False)
            try:
                reference_features = block_features(b, rules)
            finally:
                blockstats.use_compiled(True)
            if reference_features != block_features(b, rules):
                counts["feature_diffs"] += 1
        blockstats.use_compiled(False)
        try:
            reference = original(blocks, rules, mode, url)
        finally:
            blockstats.use_compiled(True)
        counts["matrices"] += 1
        counts["values"] += compiled.size
        if compiled.shape != reference.shape:
            counts["matrix_diffs"] += compiled.size or 1
        else:
            counts["matrix_diffs"] += int(np.count_nonzero(compiled.view(np.uint64) != reference.view(np.uint64)))
        return compiled

    return checked


def _one(job: tuple[str, str, str]) -> dict:
    from inscriptis import get_text

    from cleaner import blockstats
    from cleaner.model import scorer
    from cleaner.pipeline import Cleaner
    from cleaner.readers import BadInput, decode

    if not _STATE:
        assert blockstats.use_compiled(True), "the compiled counts are not available (build the extension)"
        _STATE["counts"] = counts = dict.fromkeys(
            ["blocks", "count_diffs", "feature_diffs", "matrices", "values", "matrix_diffs"], 0
        )
        scorer.page_features = _checked_page_features(scorer.page_features, counts)
        _STATE["cleaner"] = Cleaner()
    counts, cleaner = _STATE["counts"], _STATE["cleaner"]
    before = dict(counts)
    bench, key, path = job
    raw = data.Page(bench, key, Path(path), "").html_bytes()
    for mode in ("text", "html"):
        try:
            if mode == "html":
                cleaner.clean_bytes(raw, source=key, fmt="html")
            else:
                cleaner.clean_text(get_text(decode(raw)), source=key)
        except BadInput:
            pass
    return {k: counts[k] - before[k] for k in counts} | {"page": f"{bench}/{key}"}


def _adversarial() -> tuple[int, int]:
    """(strings compared, differences) over the adversarial strings."""
    from cleaner import blockstats

    ext = blockstats._blockstats
    stop = frozenset({"der", "die", "und", "the", "日", "i̇", "ß", "ſ", "a", "_"})
    compared = diffs = 0

    def same(text: str, stopwords=stop) -> None:
        nonlocal compared, diffs
        compared += 1
        key, reference_key = ext.norm_key(text), blockstats.norm_key_py(text)
        if (
            ext.block_counts(text, stopwords) != blockstats.block_counts_py(text, stopwords)
            or ext.own_counts(text) != blockstats.own_counts_py(text)
            or ext.content_words(text, stopwords, 4) != blockstats.content_words_py(text, stopwords, 4)
            or ext.content_words(text, stopwords, 1) != blockstats.content_words_py(text, stopwords, 1)
            or key != reference_key
            or sys.getsizeof(key) != sys.getsizeof(reference_key)
        ):
            diffs += 1
            print(f"difference: {text[:80]!r} (length {len(text)})", file=sys.stderr)

    top = sys.maxunicode + 1
    for start in range(0, top, CHUNK):
        chars = [chr(c) for c in range(start, min(start + CHUNK, top))]
        for text in (
            "".join(chars),
            " ".join(chars),
            "".join(f"x.{c}| {c}www.{c}https://{c} " for c in chars),
            "".join(f"{c}\u0301 {c}" for c in chars),
        ):
            same(text)
        same(" ".join(chars), frozenset(c.lower() for c in chars[::2]))
    rng = random.Random(29)
    pool = [chr(c) for c in range(0x3000)] + [
        "\ud800",
        "\udbff",
        "\udc00",
        "\udfff",
        "\U0001d400",
        "\U0010ffff",
        "http://",
        "https://",
        "www.",
        "ſ",
        "İ",
        " | ",
        ". ",
        "…\n",
    ]
    for _ in range(50_000):
        same("".join(rng.choice(pool) for _ in range(rng.randint(0, 60))))
    for text in (
        "a" * HUGE,
        "日" * HUGE,
        "\U0001d400" * (HUGE // 4),
        "Der Text, www.x.de. » " * (HUGE // 22),
        "https://" + "x" * HUGE,
        "\u3000" * HUGE,
        "\ud800" * HUGE,
    ):
        same(text)
    return compared, diffs


def _speed(rounds: int) -> list[str]:
    """ms per text-mode document of page_features and of block_features, compiled and reference
    alternating in this process over the same pages (the pages bench/speed.py times)."""
    from inscriptis import get_text

    from cleaner import Cleaner, blockstats
    from cleaner.classify import block_features
    from cleaner.model import scorer
    from cleaner.readers import decode

    pages = data.load("scrapinghub") + data.load("trafilatura-dev")
    calls = []
    original = scorer.page_features

    def record(blocks, rules, mode="text", url=None):
        calls.append((list(blocks), rules, mode, url))
        return original(blocks, rules, mode, url)

    cleaner = Cleaner()
    scorer.page_features = record
    try:
        for p in pages:
            cleaner.clean_text(get_text(decode(p.html_bytes())))
    finally:
        scorer.page_features = original
    times = {(what, c): [] for what in ("page_features", "block_features") for c in (True, False)}
    for _ in range(rounds):
        for compiled in (True, False):
            blockstats.use_compiled(compiled)
            start = time.perf_counter()
            for blocks, rules, mode, url in calls:
                original(blocks, rules, mode, url)
            times["page_features", compiled].append(time.perf_counter() - start)
            start = time.perf_counter()
            for blocks, rules, _, _ in calls:
                for b in blocks:
                    block_features(b, rules)
            times["block_features", compiled].append(time.perf_counter() - start)
    blockstats.use_compiled(True)
    out = [
        f"{len(calls)} text-mode documents ({sum(len(c[0]) for c in calls)} blocks), {rounds} alternating rounds, "
        "best round, ms per document:"
    ]
    for what in ("page_features", "block_features (every block, no verdict cache)"):
        key = what.split()[0]
        c, r = (1000 * min(times[key, x]) / len(calls) for x in (True, False))
        out.append(f"  {what}: compiled {c:.3f}, reference {r:.3f} ({r / c:.2f}x)")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", action="append", choices=sorted(data.BENCHMARKS))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-pages", action="store_true")
    ap.add_argument("--no-adversarial", action="store_true")
    ap.add_argument("--speed", type=int, metavar="ROUNDS", help="only time compiled against reference (ROUNDS rounds)")
    args = ap.parse_args()
    from cleaner import blockstats

    if not blockstats.compiled_available():
        print("the compiled counts are not available (build the extension)", file=sys.stderr)
        return 2
    if args.speed:
        print("\n".join(_speed(args.speed)))
        return 0
    bad = 0
    if not args.no_pages:
        start = time.perf_counter()
        jobs = [(p.bench, p.key, str(p.path)) for b in (args.bench or sorted(data.BENCHMARKS)) for p in data.load(b)]
        with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
            rows = pool.map(_one, jobs, chunksize=8)
        total = {k: sum(r[k] for r in rows) for k in rows[0] if k != "page"}
        for r in rows:
            if r["count_diffs"] or r["feature_diffs"] or r["matrix_diffs"]:
                print(f"difference on {r['page']}: {r}", file=sys.stderr)
        bad += total["count_diffs"] + total["feature_diffs"] + total["matrix_diffs"]
        print(
            f"pages: {len(jobs)} pages x 2 modes, {total['matrices']} feature matrices ({total['values']} values), "
            f"{total['blocks']} blocks; differences: counts {total['count_diffs']}, block_features "
            f"{total['feature_diffs']}, matrix values {total['matrix_diffs']} ({time.perf_counter() - start:.0f} s)"
        )
    if not args.no_adversarial:
        start = time.perf_counter()
        compared, diffs = _adversarial()
        bad += diffs
        print(f"adversarial: {compared} strings, differences {diffs} ({time.perf_counter() - start:.0f} s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
