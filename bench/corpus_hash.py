"""The benchmark corpus and its hash: every benchmark page cleaned in both modes, removed blocks
included, written as JSONL; a change meant to be behaviour-neutral must give the same sha256.

    .venv/bin/python bench/corpus_hash.py                 # all pages of the three benchmarks
    .venv/bin/python bench/corpus_hash.py --bench scrapinghub --bench trafilatura-dev
    .venv/bin/python bench/corpus_hash.py --out bench/out/corpus   # keeps the JSONL files to diff

Text mode reads the page's inscriptis rendering, HTML mode the page's bytes (``Cleaner.clean_bytes``).
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import data  # noqa: E402

_CLEANER = None


def _one(args: tuple[str, str, str]) -> tuple[str, str]:
    global _CLEANER
    from inscriptis import get_text

    from cleaner.pipeline import Cleaner
    from cleaner.readers import BadInput, decode
    from cleaner.writers import dumps

    bench, key, path = args
    if _CLEANER is None:
        _CLEANER = Cleaner()
    raw = data.Page(bench, key, Path(path), "").html_bytes()
    source = f"{bench}/{key}"
    out = []
    for mode in ("text", "html"):
        try:
            if mode == "html":
                doc = _CLEANER.clean_bytes(raw, source=source, fmt="html")
            else:
                doc = _CLEANER.clean_text(get_text(decode(raw)), source=source)
            out.append(dumps(doc.to_record(True)))
        except BadInput as exc:
            out.append(dumps({"source": source, "error": str(exc)}))
    return out[0], out[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", action="append", choices=sorted(data.BENCHMARKS))
    ap.add_argument("--out", help="write OUT-text.jsonl and OUT-html.jsonl")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    jobs = [(p.bench, p.key, str(p.path)) for b in (args.bench or sorted(data.BENCHMARKS)) for p in data.load(b)]
    with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
        rows = pool.map(_one, jobs, chunksize=8)
    total = hashlib.sha256()
    for i, mode in enumerate(("text", "html")):
        body = "".join(r[i] + "\n" for r in rows).encode("utf-8")
        total.update(body)
        print(f"{mode}: {len(rows)} records, sha256 {hashlib.sha256(body).hexdigest()}")
        if args.out:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            Path(f"{args.out}-{mode}.jsonl").write_bytes(body)
    print(f"corpus sha256 {total.hexdigest()}")


if __name__ == "__main__":
    main()
