"""Text mode on hard-wrapped dumps: the inscriptis text wrapped at several widths (as lynx, w3m or
html2text print a page), cleaned with and without the segment stage's unwrapping.

    .venv/bin/python bench/wrapped.py                      # test halves, widths 60 72 78 100
    .venv/bin/python bench/wrapped.py --split train --widths 78
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inscriptis import get_text  # noqa: E402

import data  # noqa: E402
from cleaner import Cleaner, Settings  # noqa: E402
from cleaner.readers import decode  # noqa: E402
from run import hard_wrap  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="test", choices=["test", "train", "all"])
    ap.add_argument("--widths", type=int, nargs="+", default=[60, 72, 78, 100])
    args = ap.parse_args(argv)
    cleaners = {unwrap: Cleaner(Settings(unwrap=unwrap)) for unwrap in (False, True)}
    for bench in ("scrapinghub", "trafilatura-dev"):
        pages = [
            (p, get_text(decode(p.html_bytes())))
            for p in data.load(bench)
            if args.split == "all" or p.split == args.split
        ]
        for width in args.widths:
            for unwrap, cleaner in cleaners.items():
                outs = [cleaner.clean_text(hard_wrap(text, width), source=p.key, url=p.url).text for p, text in pages]
                s = data.score(bench, [p for p, _ in pages], outs)
                print(
                    f"{bench:<16} {args.split} width {width:>3} unwrap {'on ' if unwrap else 'off'} "
                    f"F1 {s.f1:.3f}  P {s.precision:.3f}  R {s.recall:.3f}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
