"""Speed benchmark: cleaner against trafilatura on the same pages, in one process run.

    .venv/bin/python bench/speed.py              # all three parts
    .venv/bin/python bench/speed.py --part docs  # per-document throughput only

1. docs/s per system, one worker each, on the pages of both benchmarks (513: 20 to warm up, 493
   timed): trafilatura extract (default, fast) on the HTML; cleaner text mode on the page's text
   (inscriptis render), end to end (rules, model, language ID, metadata); cleaner HTML mode on the HTML.
2. scaling: `cleaner clean` on a generated corpus with 1 and with 2 workers (wall clock).
3. memory: peak RSS of `cleaner clean --workers 1` on a corpus and on one 10x larger.
4. corpus (`--part corpus`, not in `all`): `cleaner clean` end to end (reading, both passes, writing) over
   a corpus of the benchmark pages repeated with small mutations (``--corpus-docs``, default 5,000), text
   pages and HTML pages, with 1 and 2 workers: docs/s and peak RSS, beside trafilatura's docs/s on the
   same pages measured in this run.
5. stages (`--part stages`, not in `all`): where cleaner's time per document goes, stage by stage,
   next to trafilatura's time on the same pages and the budgets the speed targets leave (10x
   trafilatura for text mode, 1.3x for HTML mode). Stage timers wrap functions, no profiler: a
   profiler inflates pure-Python code two to three times.
"""

from __future__ import annotations

import argparse
import contextlib
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


def _pages(limit: int | None) -> tuple[list[str], list[str]]:
    """HTML and inscriptis text of every benchmark page (or the first ``limit``)."""
    from inscriptis import get_text

    import data
    from cleaner.readers import decode

    pages = data.load("scrapinghub") + data.load("trafilatura-dev")
    html = [decode(p.html_bytes()) for p in (pages[:limit] if limit else pages)]
    return html, [get_text(h) for h in html]


def _seconds_per_doc(fn, items, warm_up: int = WARM_UP) -> float:
    """Mean seconds of ``fn`` per item over ``items[warm_up:]``, after the first ``warm_up`` items ran
    untimed (lazy loading, compiled patterns). Warm-up pages are not timed again: cleaner remembers
    line verdicts, and a page seen twice would flatter it."""
    for x in items[:warm_up]:
        fn(x)
    timed = items[warm_up:]
    start = time.perf_counter()
    for x in timed:
        fn(x)
    return (time.perf_counter() - start) / len(timed)


def per_document(limit: int | None) -> list[str]:
    import trafilatura

    from cleaner import Cleaner, Settings

    html, text = _pages(limit)
    pages = range(len(html))
    cleaner = Cleaner()
    fast = Cleaner(Settings(html_extraction="fast"))
    own = Cleaner(Settings(html_extraction="own"))
    systems = {
        "trafilatura extract (HTML)": lambda i: trafilatura.extract(html[i]),
        "trafilatura extract fast (HTML)": lambda i: trafilatura.extract(html[i], fast=True),
        "cleaner text mode (text)": lambda i: cleaner.clean_text(text[i]),
        "cleaner HTML mode (HTML)": lambda i: cleaner.clean_html(html[i]),
        "cleaner HTML mode, --html-extraction fast (HTML)": lambda i: fast.clean_html(html[i]),
        "cleaner HTML mode, --html-extraction own (HTML)": lambda i: own.clean_html(html[i]),
    }
    rates = {name: 1 / _seconds_per_doc(fn, pages) for name, fn in systems.items()}
    base = rates["trafilatura extract (HTML)"]
    rows = ["| system | docs/s | × trafilatura extract |", "|---|---|---|"]
    rows += [f"| {n} | {r:.1f} | {r / base:.2f} |" for n, r in rates.items()]
    return [f"{len(pages) - WARM_UP} pages timed after {WARM_UP} untimed, one worker each, one process:", ""] + rows


class _TimedBooster:
    """A LightGBM booster whose ``predict`` calls are timed."""

    def __init__(self, booster, timers: dict, label: str):
        self._booster, self._timers, self._label = booster, timers, label

    def predict(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self._booster.predict(*args, **kwargs)
        finally:
            self._timers[self._label] += time.perf_counter() - start


@contextlib.contextmanager
def _timed(targets: list[tuple[str, object, str]], timers: dict):
    """Wrap ``owner.attr`` for each (label, owner, attr) so that its calls add to ``timers[label]``."""
    saved = []

    def wrap(label, fn):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                timers[label] += time.perf_counter() - start

        return timed

    for label, owner, attr in targets:
        original = getattr(owner, attr)
        saved.append((owner, attr, original))
        setattr(owner, attr, wrap(label, original))
        timers.setdefault(label, 0.0)
    try:
        yield
    finally:
        for owner, attr, original in reversed(saved):
            setattr(owner, attr, original)


def stages(limit: int | None) -> list[str]:
    import trafilatura

    import cleaner.classify as classify
    import cleaner.extract as extract
    import cleaner.metadata as metadata
    import cleaner.model.scorer as scorer
    import cleaner.pipeline as pipeline
    import cleaner.dom as dom
    from cleaner import Cleaner, Settings

    html, text = _pages(limit)
    cleaner = Cleaner()
    own = Cleaner(Settings(html_extraction="own"), scorer=cleaner.scorer)
    model = cleaner.scorer
    traf = 1000 * _seconds_per_doc(trafilatura.extract, html)
    traf_fast = 1000 * _seconds_per_doc(lambda h: trafilatura.extract(h, fast=True), html)
    targets = [
        ("outlet signatures", metadata, "outlet_for"),
        ("segmentation", pipeline, "segment_text"),
        ("context-free rules", classify, "_context_free"),
        ("model: block features", scorer, "page_features"),
        ("model: stage-2 rows", scorer, "stage2_rows"),
        ("date from text", metadata, "text_date"),
        ("language ID", metadata, "language"),
    ]
    html_targets = [
        ("HTML: parse (trafilatura load_html, depth check)", extract, "parse_html"),
        ("HTML: page metadata (title, date, site)", extract, "page_metadata"),
        # (cleaner calls trafilatura's bare_extraction code without its copy of the tree: extract._bare_extraction)
        ("HTML: trafilatura extraction", extract, "_BARE_EXTRACTION"),
        ("HTML: own extraction (cleaner/dom.py)", dom, "main_text"),
    ]
    extract._bare_extraction()  # (made on first use: made here, so that the timer wraps it)
    out = [
        f"{len(html) - WARM_UP} pages timed after {WARM_UP} untimed, one process; ms per document (each stage timed by a wrapper):",
        "",
        f"trafilatura extract {traf:.2f} ms, fast {traf_fast:.2f} ms. Budgets: text mode at 10x "
        f"trafilatura = {traf / 10:.2f} ms; HTML mode at 1.3x = {traf / 1.3:.2f} ms.",
        "",
    ]
    for mode, items, fn, runner in (
        ("text", text, cleaner.clean_text, cleaner),
        ("HTML", html, cleaner.clean_html, cleaner),
        ("HTML, own extraction,", html, own.clean_html, own),
    ):
        timers: dict = {}
        model.stage1 = _TimedBooster(model.stage1, timers, "model: LightGBM stage 1")
        model.stage2 = _TimedBooster(model.stage2, timers, "model: LightGBM stage 2")
        timers.update({"model: LightGBM stage 1": 0.0, "model: LightGBM stage 2": 0.0})
        try:
            vote = [("rule language (stopword vote)", runner, "rules_for")]
            with _timed(vote + targets + (html_targets if mode.startswith("HTML") else []), timers):
                for x in items[:WARM_UP]:
                    fn(x)
                timers.update({k: 0.0 for k in timers})  # the stages' own warm-up does not count
                total = 1000 * _seconds_per_doc(fn, items[WARM_UP:], warm_up=0)
        finally:
            model.stage1, model.stage2 = model.stage1._booster, model.stage2._booster
        per_doc = {k: v * 1000 / len(items[WARM_UP:]) for k, v in timers.items()}
        out += [f"cleaner {mode} mode: {total:.2f} ms per document", "", "| stage | ms/doc | share |", "|---|---|---|"]
        for label, ms in sorted(per_doc.items(), key=lambda kv: -kv[1]):
            out.append(f"| {label} | {ms:.2f} | {ms / total:.0%} |")
        out += [f"| everything else | {total - sum(per_doc.values()):.2f} | |", ""]
    return out


def _corpus(folder: Path, n: int) -> None:
    from corpus_gen import page

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"p{i:06d}.txt").write_text(page(i), encoding="utf-8")


#: runs argv[1:] and prints its wait4 peak RSS (KiB): Linux carries a process's peak RSS over fork
#: and exec, so a command started from this (large) process would report this process's RSS when that
#: is higher; started from a small helper it reports its own (and its children's, whichever is larger)
_PEAK_RSS = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "print(status, usage.ru_maxrss)\n"
)


def _run(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of a `cleaner clean` process (the largest of it and its workers)."""
    start = time.perf_counter()
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            _PEAK_RSS,
            str(Path(sys.executable).parent / "cleaner"),
            "clean",
            *args,
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if out[0] != "0":
        raise RuntimeError(f"cleaner clean {' '.join(args)} failed ({out[0]})")
    return time.perf_counter() - start, int(out[1])


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


def _mutated(pages: list[str], n: int, html: bool) -> list[str]:
    """``n`` documents from ``pages`` in turn, each copy made distinct by a small change: two adjacent
    lines swapped (chosen by the copy number) and a line naming the copy, so dedup keeps them and
    the line verdicts meet both new and remembered lines, as in a crawl of many pages per site."""
    out = []
    for i in range(n):
        lines = pages[i % len(pages)].split("\n")
        k = (i * 7919) % max(1, len(lines) - 1)
        if len(lines) > 2:
            lines[k], lines[k + 1] = lines[k + 1], lines[k]
        tag = f"Ausgabe {i}: Stand {1 + i % 28}.{1 + i % 12}.2024"
        out.append("\n".join(lines) + (f"\n<p>{tag}</p>\n" if html else f"\n\n{tag}\n"))
    return out


def corpus(n: int) -> list[str]:
    """End-to-end ``cleaner clean`` throughput on ``n`` documents per mode, 1 and 2 workers."""
    import trafilatura

    html, text = _pages(None)
    rows = ["| corpus | workers | seconds | docs/s | peak RSS of a process (MiB) |", "|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for mode, pages, suffix in (("text", text, ".txt"), ("HTML", html, ".html")):
            folder = Path(tmp) / mode
            folder.mkdir()
            for i, doc in enumerate(_mutated(pages, n, mode == "HTML")):
                (folder / f"d{i:06d}{suffix}").write_text(doc, encoding="utf-8")
            for w in (1, 2):
                secs, rss = _run(
                    [
                        str(folder),
                        "-o",
                        f"{tmp}/{mode}{w}.jsonl",
                        "--workers",
                        str(w),
                        "--work-dir",
                        f"{tmp}/work-{mode}{w}",
                    ]
                )
                rows.append(f"| {n} {mode} pages | {w} | {secs:.1f} | {n / secs:.1f} | {rss / 1024:.0f} |")
    traf = 1 / _seconds_per_doc(trafilatura.extract, html)
    return [
        f"`cleaner clean` end to end on {n} mutated benchmark pages per mode (wall clock, start-up included; "
        f"trafilatura `extract` on the same pages' HTML in this run: {traf:.1f} docs/s, one process):",
        "",
    ] + rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=["docs", "scaling", "memory", "stages", "corpus", "all"], default="all")
    ap.add_argument("--limit", type=int, help="pages for the per-document part")
    ap.add_argument("--scaling-docs", type=int, default=400)
    ap.add_argument("--memory-docs", type=int, default=200)
    ap.add_argument("--corpus-docs", type=int, default=5000)
    args = ap.parse_args()
    out = []
    if args.part in ("docs", "all"):
        out += per_document(args.limit) + [""]
    if args.part in ("scaling", "all"):
        out += scaling(args.scaling_docs) + [""]
    if args.part in ("memory", "all"):
        out += memory(args.memory_docs)
    if args.part == "stages":
        out += stages(args.limit)
    if args.part == "corpus":
        out += corpus(args.corpus_docs)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
