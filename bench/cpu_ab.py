"""CPU time per document of cleaner's text and HTML modes (balanced and own extraction), for one or
more checkouts, alternating.

    .venv/bin/python bench/cpu_ab.py                      # this checkout
    git worktree add /tmp/base REV                        # an older commit, its extensions built in place:
    .venv/bin/python bench/cpu_ab.py /tmp/base .          # A/B, rounds alternate between the checkouts

Each round runs every checkout in a fresh process (PYTHONPATH=checkout, so its `cleaner` is imported):
the pages of the two older benchmarks, 20 untimed warm-up pages, CPU time (`time.process_time`) per
document over the rest. CPU time and alternation make the comparison fair on a machine whose speed
moves between runs; the ratio to trafilatura is `bench/speed.py`'s job. Build an older checkout's
extensions with gcc as tests/test_blockstats.py does, passing each source's sha256 in its macro.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

_CHILD = """
import sys, time
sys.path.insert(0, {bench!r})
import cleaner  # (first: the checkout's, before speed.py puts this one on the path)
assert cleaner.__file__.startswith({checkout!r}), cleaner.__file__
from cleaner import Cleaner, Settings
import speed
html, text = speed._pages({limit})
c = Cleaner()
own = Cleaner(Settings(html_extraction="own"), scorer=c.scorer)
out = []
for fn, items in ((c.clean_text, text), (c.clean_html, html), (own.clean_html, html)):
    for x in items[:20]:
        fn(x)
    start = time.process_time()
    for x in items[20:]:
        fn(x)
    out.append(1000 * (time.process_time() - start) / len(items[20:]))
print(*out)
"""


def measure(checkout: Path, limit: int) -> tuple[float, ...]:
    script = _CHILD.format(bench=str(HERE), checkout=str(checkout), limit=limit)
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=checkout, capture_output=True, text=True, check=True
    ).stdout.split()
    return tuple(float(x) for x in out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkouts", nargs="*", default=[str(HERE.parent)])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--limit", type=int, default=513, help="pages (the first N of the two benchmarks)")
    args = ap.parse_args()
    paths = [Path(c).resolve() for c in args.checkouts]
    results: dict[Path, list[tuple[float, ...]]] = {p: [] for p in paths}
    for _ in range(args.rounds):
        for p in paths:
            results[p].append(measure(p, args.limit))
    print("| checkout | text ms/doc (each round) | HTML ms/doc (each round) | HTML own extraction ms/doc |")
    print("|---|---|---|---|")
    for p, rows in results.items():
        cells = [" / ".join(f"{r[k]:.2f}" for r in rows) for k in range(3)]
        print(f"| {p} | {' | '.join(cells)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
