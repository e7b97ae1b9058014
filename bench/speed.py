"""Speed benchmark: cleaner against trafilatura on the same pages, in one process run.

    .venv/bin/python bench/speed.py              # all three parts
    .venv/bin/python bench/speed.py --part docs  # per-document throughput only

1. docs/s per system, one worker each, on every page of both benchmarks (513 pages): trafilatura
   extract (default, fast) on the HTML; cleaner text mode on the page's text (inscriptis render),
   end to end (rules, model, language ID, metadata); cleaner HTML mode on the HTML.
2. scaling: `cleaner clean` on a generated corpus with 1 and with 2 workers (wall clock).
3. memory: peak RSS of `cleaner clean --workers 1` on a corpus and on one 10x larger.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


#: pages each system cleans before it is timed (model and rule loading, lazily compiled patterns)
WARM_UP = 20


def per_document(limit: int | None) -> list[str]:
    import trafilatura
    from inscriptis import get_text

    import data
    from cleaner import Cleaner, Settings
    from cleaner.readers import decode

    pages = data.load("scrapinghub") + data.load("trafilatura-dev")
    pages = pages[:limit] if limit else pages
    html = [decode(p.html_bytes()) for p in pages]
    text = [get_text(h) for h in html]
    cleaner = Cleaner()
    fast = Cleaner(Settings(html_extraction="fast"))
    systems = {
        "trafilatura extract (HTML)": lambda i: trafilatura.extract(html[i]),
        "trafilatura extract fast (HTML)": lambda i: trafilatura.extract(html[i], fast=True),
        "cleaner text mode (text)": lambda i: cleaner.clean_text(text[i]),
        "cleaner HTML mode (HTML)": lambda i: cleaner.clean_html(html[i]),
        "cleaner HTML mode, --html-extraction fast (HTML)": lambda i: fast.clean_html(html[i]),
    }
    rates = {}
    for name, fn in systems.items():
        for i in range(min(WARM_UP, len(pages))):  # steady state: lazy loading and compiled patterns
            fn(i)
        start = time.perf_counter()
        for i in range(len(pages)):
            fn(i)
        rates[name] = len(pages) / (time.perf_counter() - start)
    base = rates["trafilatura extract (HTML)"]
    rows = ["| system | docs/s | × trafilatura extract |", "|---|---|---|"]
    rows += [f"| {n} | {r:.1f} | {r / base:.2f} |" for n, r in rates.items()]
    return [f"{len(pages)} pages, one worker each, one process:", ""] + rows


def _corpus(folder: Path, n: int) -> None:
    from corpus_gen import page

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"p{i:06d}.txt").write_text(page(i), encoding="utf-8")


def _run(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of a `cleaner clean` process (and its children)."""
    start = time.perf_counter()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "cleaner"), "clean", *args, "--no-progress"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise RuntimeError(f"cleaner clean {' '.join(args)} failed ({status})")
    return time.perf_counter() - start, usage.ru_maxrss


def scaling(n: int) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        _corpus(folder, n)
        rows = ["| workers | seconds | docs/s |", "|---|---|---|"]
        for w in (1, 2):
            secs, _ = _run([str(folder), "-o", f"{tmp}/out{w}.jsonl", "--workers", str(w), "--task-size", "32"])
            rows.append(f"| {w} | {secs:.1f} | {n / secs:.1f} |")
    return [f"`cleaner clean` on {n} generated text pages (wall clock, including start-up):", ""] + rows


def memory(n: int) -> list[str]:
    rows = ["| documents | seconds | peak RSS (MiB) |", "|---|---|---|"]
    peaks = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in (n, 10 * n):
            folder = Path(tmp) / f"in{size}"
            _corpus(folder, size)
            secs, rss = _run([str(folder), "-o", f"{tmp}/o{size}.jsonl", "--workers", "1"])
            peaks.append(rss)
            rows.append(f"| {size} | {secs:.1f} | {rss / 1024:.0f} |")
    rows.append(f"\n10× corpus peak RSS / 1× corpus: {peaks[1] / peaks[0]:.2f}")
    return ["`cleaner clean --workers 1` (peak RSS of the process):", ""] + rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=["docs", "scaling", "memory", "all"], default="all")
    ap.add_argument("--limit", type=int, help="pages for the per-document part")
    ap.add_argument("--scaling-docs", type=int, default=400)
    ap.add_argument("--memory-docs", type=int, default=200)
    args = ap.parse_args()
    out = []
    if args.part in ("docs", "all"):
        out += per_document(args.limit) + [""]
    if args.part in ("scaling", "all"):
        out += scaling(args.scaling_docs) + [""]
    if args.part in ("memory", "all"):
        out += memory(args.memory_docs)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
