"""The rule prefilter against plain ``re`` on every line of the benchmark pages' renderings.

    .venv/bin/python bench/prefilter_check.py                      # scrapinghub + trafilatura-dev
    .venv/bin/python bench/prefilter_check.py --bench wcxb --limit 100

Each page is rendered as text mode reads it (inscriptis, BeautifulSoup's get_text, the inscriptis
text hard-wrapped at 78 columns, Markdown; the lynx, w3m, elinks and html2text dumps where those
programs are installed) and segmented as ``classify`` does. Every distinct block, as the rules
see it (``rule_text``, the block's word count), gets ``match_line`` and the first rule that
applies when each is tried in turn, for every distinct rule list (de, en, the common rules of the
stoplist-only languages); each page's signature counts are compared with plain ``findall``. Prints
the counts checked and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import data  # noqa: E402
from run import dumpers, hard_wrap, render_dump, render_markdown  # noqa: E402


def renderings(html: str) -> dict[str, str]:
    from inscriptis import get_text

    from cleaner.training import render_bs4

    text = get_text(html)
    out = {"inscriptis": text, "bs4": render_bs4(html), "wrapped": hard_wrap(text), "markdown": render_markdown(html)}
    for name in dumpers():
        out[name] = render_dump(html, name)
    return out


def main() -> int:
    from cleaner.classify import block_features, rule_text, segment_text
    from cleaner.readers import decode
    from cleaner.ruleset import load_rules

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", action="append", choices=sorted(data.BENCHMARKS))
    ap.add_argument("--limit", type=int, help="pages per benchmark")
    args = ap.parse_args()
    rules = load_rules()
    seen, sets = set(), []
    for lang in sorted(rules.languages):
        key = tuple(r.id for r in rules.languages[lang].line_rules)
        if key not in seen:
            seen.add(key)
            sets.append(rules.languages[lang])
    blocks: set[tuple[str, int]] = set()
    pages = kinds = signature_pages = bad = 0
    for bench in args.bench or ["scrapinghub", "trafilatura-dev"]:
        for page in data.load(bench)[: args.limit]:
            pages += 1
            for kind, text in renderings(decode(page.html_bytes())).items():
                kinds += 1
                lowered = text.lower()
                plain: dict[int, int] = {}
                for i, sig in rules.signatures:
                    n = len(sig.findall(lowered))
                    if n:
                        plain[i] = plain.get(i, 0) + n
                signature_pages += 1
                if rules.signature_counts(lowered) != plain:
                    bad += 1
                    print(f"signatures differ: {bench}/{page.key} ({kind})")
                for b in segment_text(text):
                    blocks.add((rule_text(b.text), block_features(b, sets[0])["words"]))
    checked = 0
    for lr in sets:
        for text, n in sorted(blocks):
            want = next((r for r in lr.line_rules if r.applies(text, n)), None)
            got = lr.match_line(text, n)
            checked += 1
            if got is not want:
                bad += 1
                print(f"line verdict differs ({lr.language}): {text[:100]!r}: {got and got.id} != {want and want.id}")
    print(
        f"{pages} pages, {kinds} renderings: {len(blocks)} distinct blocks x {len(sets)} rule lists = "
        f"{checked} line verdicts checked, {signature_pages} signature counts checked, {bad} differences"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
