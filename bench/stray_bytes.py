"""Stray bytes: does one bad byte garble a whole page? (issue 28)

Every benchmark page (scrapinghub, trafilatura-dev, wcxb) is mutated with 1, 2 and 5 random bytes
from 0x80-0xFF, each inserted or written over a byte at a seeded random position, and decoded with
``cleaner.readers.decode``. A mutated page counts as

- *garbled* when its decoded text has more mojibake ("Ã¼", "â€™": a UTF-8 lead byte read as a
  Latin letter followed by a continuation byte read as a symbol) than the unmutated decode, or
  differs from the unmutated decode by more characters than the mutated bytes can explain
  (``MAX_CHARS_PER_BYTE`` per stray byte);
- *rejected* when ``decode`` raises ``BadInput``;
- *fine* otherwise.

    .venv/bin/python bench/stray_bytes.py                  # all pages, 1, 2 and 5 stray bytes
    .venv/bin/python bench/stray_bytes.py --bench scrapinghub --list   # also name each garbled page
    git show HEAD:cleaner/readers.py > /tmp/old_readers.py
    .venv/bin/python bench/stray_bytes.py --readers /tmp/old_readers.py   # the table before a change

Pages whose unmutated bytes are rejected are left out (nothing to compare with). The mutation is
seeded by page key and byte count: the same run gives the same table.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import hashlib
import multiprocessing
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import data  # noqa: E402

COUNTS = (1, 2, 5)
#: a stray byte changes at most this many characters of a correct decode: an overwritten byte of a
#: 4-byte sequence leaves up to 4 replacement characters where one character was
MAX_CHARS_PER_BYTE = 4
#: UTF-8 read as cp1252 / Latin-1: a lead byte's letter (Â-ß, à-ï, ð-ô) then a continuation byte's
#: symbol (0x80-0xBF as cp1252 or as C1 controls and Latin-1 signs)
_CONT = "\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
MOJIBAKE = re.compile(f"[\u00c2-\u00df][{_CONT}]|[\u00e0-\u00ef][{_CONT}]{{2}}|[\u00f0-\u00f4][{_CONT}]{{3}}")


def mutate(raw: bytes, key: str, count: int) -> bytes:
    """``count`` random bytes 0x80-0xFF, each inserted or written over one byte, seeded by key and count."""
    rng = random.Random(hashlib.sha256(f"{key}\0{count}".encode()).digest())
    buf = bytearray(raw)
    for _ in range(count):
        pos = rng.randrange(len(buf))
        byte = rng.randrange(0x80, 0x100)
        if rng.random() < 0.5:
            buf.insert(pos, byte)
        else:
            buf[pos] = byte
    return bytes(buf)


#: a difference is local when both sides agree again within this many elements (lines, characters) each,
#: for this many elements in a row
LINE_WINDOW, LINE_RUN = 4, 2
CHAR_WINDOW, CHAR_RUN = 12, 6


@functools.lru_cache(maxsize=None)
def _offsets(window: int) -> list[tuple[int, int]]:
    """(di, dj) to try after a mismatch, nearest first: a replaced stretch (di = dj) before an
    insertion or deletion of the same reach, so that repeated lines do not resynchronise too early."""
    pairs = [(di, dj) for di in range(window + 1) for dj in range(window + 1) if di or dj]
    return sorted(pairs, key=lambda d: (max(d), abs(d[0] - d[1]), d))


def _local_diff(a, b, window: int, run: int, budget: int, inner=None) -> int:
    """Elements changed between sequences ``a`` and ``b`` that differ in a few places only: both
    are walked together; at a mismatch the nearest offsets after which ``run`` elements agree again
    (at most ``window`` apart) close the changed stretch, whose size ``inner`` measures (default:
    the longer side). Linear time; past ``budget``, or with no agreement in reach, the count is
    ``budget + 1`` (a garbled decode disagrees everywhere)."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            i, j = i + 1, j + 1
            continue
        hit = next(
            ((di, dj) for di, dj in _offsets(window) if a[i + di : i + di + run] == b[j + dj : j + dj + run]), None
        )
        if hit is None:
            return budget + 1
        di, dj = hit
        total += inner(a[i : i + di], b[j : j + dj]) if inner else max(di, dj)
        if total > budget:
            return budget + 1
        i, j = i + di, j + dj
    total += max(len(a) - i, len(b) - j) if not inner else inner(a[i:], b[j:])
    return total if total <= budget else budget + 1


def changed_chars(a: str, b: str, budget: int) -> int:
    """Characters changed between two decodes of a page (changed lines, then characters within them)."""
    chars = lambda x, y: _local_diff("\n".join(x), "\n".join(y), CHAR_WINDOW, CHAR_RUN, budget)  # noqa: E731
    # a stray byte written over a newline joins two lines: the whole text compared character by
    # character sees one change where the line walk, among repeated blank lines, may lose its way
    whole = chars([a], [b])
    if whole <= budget:
        return whole
    return _local_diff(a.split("\n"), b.split("\n"), LINE_WINDOW, LINE_RUN, budget, inner=chars)


@functools.lru_cache(maxsize=None)
def _readers(path: str | None):
    """cleaner.readers, or the readers.py at ``path`` (an older version: the table before a change)."""
    if not path:
        from cleaner import readers

        return readers
    spec = importlib.util.spec_from_file_location("readers_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _one(args: tuple[str, str, str, str | None]) -> list[tuple[int, str]]:
    bench, key, path, readers_path = args
    readers = _readers(readers_path)
    BadInput, decode = readers.BadInput, readers.decode
    raw = data.Page(bench, key, Path(path), "").html_bytes()
    try:
        original = decode(raw)
    except BadInput:
        return []
    base_mojibake = len(MOJIBAKE.findall(original))
    out = []
    for count in COUNTS:
        try:
            text = decode(mutate(raw, key, count))
        except BadInput:
            out.append((count, "rejected"))
            continue
        if len(MOJIBAKE.findall(text)) > base_mojibake:
            out.append((count, "garbled"))
        elif changed_chars(original, text, MAX_CHARS_PER_BYTE * count) > MAX_CHARS_PER_BYTE * count:
            out.append((count, "garbled"))
        else:
            out.append((count, "fine"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", action="append", choices=sorted(data.BENCHMARKS))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--list", action="store_true", help="name every garbled or rejected page")
    ap.add_argument("--readers", help="decode with this readers.py instead (e.g. `git show HEAD~:cleaner/readers.py`)")
    args = ap.parse_args()
    jobs = [
        (p.bench, p.key, str(p.path), args.readers)
        for b in (args.bench or sorted(data.BENCHMARKS))
        for p in data.load(b)
    ]
    with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
        rows = pool.map(_one, jobs, chunksize=8)
    skipped = sum(1 for r in rows if not r)
    print(f"{len(jobs)} pages, {skipped} rejected unmutated (left out)")
    print(f"{'stray bytes':>11} {'pages':>6} {'garbled':>8} {'rejected':>9} {'fine':>6}")
    for count in COUNTS:
        verdicts = [v for r in rows for c, v in r if c == count]
        print(
            f"{count:>11} {len(verdicts):>6} {verdicts.count('garbled'):>8} {verdicts.count('rejected'):>9} "
            f"{verdicts.count('fine'):>6}"
        )
    if args.list:
        for job, r in zip(jobs, rows):
            for count, verdict in r:
                if verdict != "fine":
                    print(f"{verdict}: {job[0]}/{job[1]} ({count} stray bytes)")


if __name__ == "__main__":
    main()
