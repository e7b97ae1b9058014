"""Synthetic worst cases for time per document (issue 28): each input kind at a given size, cleaned
in text and HTML mode, each run in its own process under a wall-clock limit.

    .venv/bin/python bench/worst_cases.py                       # every kind, both modes, default sizes
    .venv/bin/python bench/worst_cases.py --kind at_after_word --mode text --scale 0.25
    .venv/bin/python bench/worst_cases.py --kind nested --mode html --profile   # cProfile, top 25

A step that is linear in the input takes about twice as long at --scale 2 as at --scale 1; run two
scales to tell a linear step from a super-linear one. The inputs are made from fixed patterns
(no randomness): the same command gives the same inputs.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_SENTENCE = (
    "Die Stadt hat am Montag beschlossen, dass die neue Schule im Herbst mit dem Bau beginnen "
    "soll, und der Rat stimmte dafür. "
)
_JS = "var a = function(x) { return x * 2 + document.getElementById('id-' + x); }; "


def _fill(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


def _numbered(unit: str, size: int) -> str:
    """``unit`` with its "{i}" counting up, repeated to about ``size`` characters."""
    return "".join(unit.format(i=i) for i in range(max(1, size // len(unit))))


def _html(body: str) -> str:
    return f"<html><head><title>Eine Seite</title></head><body>{body}</body></html>"


#: kind -> (default size in bytes, maker(size) -> page text); the text is used as is in both modes
KINDS = {
    # 20 MB of prose on one line
    "one_line": (20_000_000, lambda n: _fill(_SENTENCE, n)),
    # 200,000 short lines (menus, lists)
    "short_lines": (2_000_000, lambda n: _fill("Zeile eins\n", n)),
    # one word without spaces
    "long_word": (1_000_000, lambda n: "a" * n),
    # an '@' after a long run of word characters (an e-mail pattern's worst case)
    "at_after_word": (1_000_000, lambda n: "a" * n + "@"),
    # many '@' in runs of word characters
    "many_at": (1_000_000, lambda n: _fill("abcdefghij" * 50 + "@ ", n)),
    # 100,000 nested tags
    "nested": (1_100_000, lambda n: _html("<div>" * (n // 11) + "Text" + "</div>" * (n // 11))),
    # 100,000 sibling tags
    "siblings": (1_500_000, lambda n: _html(_fill("<span>Wort</span>", n))),
    # many short block elements: jusText's context revision walks runs of short paragraphs
    "div_flood": (800_000, lambda n: _html(_fill("<div>Menü</div>", n))),
    # ... in boxes trafilatura leaves out: a short extraction, so its jusText fallback runs on them
    "sidebar_flood": (
        800_000,
        lambda n: _html("<p>Ein kurzer Satz.</p>" + _fill("<div class='sidebar'><p>Menü</p></div>", n)),
    ),
    # a one-megabyte attribute
    "huge_attribute": (1_000_000, lambda n: _html(f'<div data-x="{"a" * n}">Text</div><p>{_SENTENCE * 5}</p>')),
    # 5 MB of script
    "script": (5_000_000, lambda n: _html(f"<script>{_fill(_JS, n)}</script><p>{_SENTENCE * 5}</p>")),
    # unclosed <p> tags, and closed paragraphs of prose
    "p_flood": (2_000_000, lambda n: _html(_fill("<p>", n))),
    "paragraphs": (20_000_000, lambda n: _html(_numbered("<p>Absatz {i}: " + _SENTENCE * 3 + "</p>\n", n))),
    # numbered prose lines (a long article as a text dump)
    "prose_lines": (20_000_000, lambda n: _numbered("Absatz {i}: " + _SENTENCE * 3 + "\n", n)),
}


def make(kind: str, scale: float = 1.0) -> bytes:
    size, maker = KINDS[kind]
    return maker(int(size * scale)).encode("utf-8")


def run_one(kind: str, mode: str, scale: float, profile: bool) -> None:
    """Clean one input in this process and print the seconds (or a profile)."""
    from cleaner.pipeline import Cleaner
    from cleaner.readers import BadInput

    cleaner = Cleaner()
    cleaner.clean_text("Ein kurzer Text zum Aufwärmen, damit Regeln und Modell geladen sind.")
    data = make(kind, scale)
    start = time.perf_counter()
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
    try:
        doc = cleaner.clean_bytes(data, source=f"{kind}.{mode}", fmt=mode)
        outcome = f"{len(doc.blocks)} blocks, {len(doc.text)} chars kept"
    except BadInput as exc:
        outcome = f"BadInput: {exc}"
    seconds = time.perf_counter() - start
    if profile:
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    print(f"{kind}\t{mode}\t{len(data)}\t{seconds:.2f}\t{outcome}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kind", action="append", choices=sorted(KINDS))
    ap.add_argument("--mode", action="append", choices=("text", "html"))
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every kind's default size")
    ap.add_argument("--limit", type=float, default=300.0, help="seconds before a run is stopped")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of each run")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # the child process
    args = ap.parse_args()
    kinds, modes = args.kind or list(KINDS), args.mode or ["text", "html"]
    if args.one:
        run_one(kinds[0], modes[0], args.scale, args.profile)
        return
    print("kind\tmode\tbytes\tseconds\toutcome", flush=True)
    for kind in kinds:
        for mode in modes:
            cmd = [sys.executable, __file__, "--one", "--kind", kind, "--mode", mode, "--scale", str(args.scale)]
            if args.profile:
                cmd.append("--profile")
            try:
                subprocess.run(cmd, timeout=args.limit, check=False)
            except subprocess.TimeoutExpired:
                print(f"{kind}\t{mode}\t{len(make(kind, args.scale))}\t>{args.limit:g}\t(stopped)", flush=True)


if __name__ == "__main__":
    main()
