"""Page metadata against WCXB's gold (title, author, publish date), cleaner beside trafilatura.

    .venv/bin/python bench/metadata.py                 # the test half (673 pages)
    .venv/bin/python bench/metadata.py --split all --limit 50

Systems: cleaner's HTML mode (``clean_html``; and with ``--full-metadata``, which adds trafilatura's
markup searches for an author), cleaner's text mode on the inscriptis rendering (a
text dump has no markup: title, date and author come from the lines alone), and trafilatura's
``bare_extraction`` (with its metadata) on the same pages, in one process.

Dates, where a wrong date is worse than none: over the pages whose gold has a date, *right* (the
same day), *wrong* (another day) and *missing*; over the pages whose gold has none, *spurious* (a
date given anyway). Titles and authors: *right* when equal after case folding and removing
everything but letters and digits, *partial* when one contains the other, else *wrong*; *missing*
when the system gives none, over the pages whose gold has one. WCXB's gold was drafted by an LLM
and reviewed by people: good, not perfect.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import data  # noqa: E402
from cleaner import Cleaner, Settings  # noqa: E402
from cleaner.readers import decode  # noqa: E402
from cleaner.training import render_inscriptis  # noqa: E402

_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def _norm(value) -> str:
    if isinstance(value, list):
        value = "; ".join(map(str, value))
    return _NOT_WORD.sub("", str(value or "")).casefold()


def judge_text(gold, found) -> str | None:
    """right / partial / wrong / missing (None: no gold value to judge by)."""
    g, f = _norm(gold), _norm(found)
    if not g:
        return None
    if not f:
        return "missing"
    if g == f:
        return "right"
    return "partial" if g in f or f in g else "wrong"


def judge_date(gold, found) -> str:
    g, f = str(gold or "")[:10], str(found or "")[:10]
    if not g:
        return "spurious" if f else "none"
    if not f:
        return "missing"
    return "right" if g == f else "wrong"


def systems(cleaner: Cleaner, full: Cleaner):
    import trafilatura

    def cleaner_html(html, url):
        d = cleaner.clean_html(html, url=url)
        return d.title, d.author, d.date

    def cleaner_html_full(html, url):
        d = full.clean_html(html, url=url)
        return d.title, d.author, d.date

    def cleaner_text(html, url):
        d = cleaner.clean_text(render_inscriptis(html), url=url)
        return d.title, d.author, d.date

    def traf(html, url):
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
        if doc is None:
            return None, None, None
        get = doc.get if isinstance(doc, dict) else lambda k: getattr(doc, k, None)
        return get("title"), get("author"), get("date")

    return {
        "cleaner html": cleaner_html,
        "cleaner html, --full-metadata": cleaner_html_full,
        "cleaner text": cleaner_text,
        "trafilatura": traf,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="test", choices=["test", "train", "all"])
    ap.add_argument("--limit", type=int)
    ap.add_argument("--json", help="also write the counts here")
    ap.add_argument("--details", help="write one JSON line per page and system here (gold, found, verdicts)")
    a = ap.parse_args(argv)
    gold = json.loads((data.SHARED / "wcxb-dev" / "ground-truth.json").read_text(encoding="utf-8"))
    pages = [p for p in data.load("wcxb") if a.split == "all" or p.split == a.split][: a.limit]
    counts: dict[str, dict[str, Counter]] = {}
    details = []
    for name, fn in systems(Cleaner(), Cleaner(Settings(full_metadata=True))).items():
        c = counts[name] = {"title": Counter(), "author": Counter(), "date": Counter()}
        for p in pages:
            g = gold[p.key]
            try:
                title, author, date = fn(decode(p.html_bytes()), p.url)
            except Exception as exc:  # a failure is no metadata
                print(f"  {name} failed on {p.key}: {type(exc).__name__}: {exc}", file=sys.stderr)
                title = author = date = None
            for field, gv, fv in (("title", g.get("title"), title), ("author", g.get("author"), author)):
                verdict = judge_text(gv, fv)
                c[field][verdict or ("spurious" if _norm(fv) else "none")] += 1
            c["date"][judge_date(g.get("publish_date"), date)] += 1
            details.append(
                {
                    "key": p.key,
                    "system": name,
                    "date": [g.get("publish_date"), date, judge_date(g.get("publish_date"), date)],
                    "title": [g.get("title"), title, judge_text(g.get("title"), title)],
                    "author": [g.get("author"), author, judge_text(g.get("author"), author)],
                }
            )
    n = len(pages)
    print(f"WCXB {a.split} half, {n} pages")
    for field in ("date", "title", "author"):
        with_gold = sum(
            1
            for p in pages
            if (str(gold[p.key].get("publish_date") or "") if field == "date" else _norm(gold[p.key].get(field)))
        )
        kinds = (
            ("right", "wrong", "missing", "spurious")
            if field == "date"
            else ("right", "partial", "wrong", "missing", "spurious")
        )
        print(f"\n{field}: {with_gold} pages with a gold {field}, {n - with_gold} without")
        print("| system | " + " | ".join(kinds) + " |")
        print("|---|" + "---|" * len(kinds))
        for name, c in counts.items():
            print(f"| {name} | " + " | ".join(str(c[field][k]) for k in kinds) + " |")
    if a.details:
        Path(a.details).write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in details), encoding="utf-8")
    if a.json:
        Path(a.json).write_text(
            json.dumps({k: {f: dict(v) for f, v in c.items()} for k, c in counts.items()}, indent=1)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
