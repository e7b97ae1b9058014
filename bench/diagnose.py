"""Where does text mode lose? Align every block of train-split pages with the gold and count errors
by the stage/rule that decided. Train split only, so that test numbers stay honest.

    .venv/bin/python bench/diagnose.py [--bench scrapinghub] [--show 30]
"""

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import data  # noqa: E402
from inscriptis import get_text  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.readers import decode  # noqa: E402
from cleaner.training import GoldText  # noqa: E402


def reason_key(b):
    """The stage or rule that decided ``b`` (its structured provenance, not its reason text)."""
    if b.section is not None:
        return "section:" + b.section
    if b.rule is not None:
        return b.rule
    if b.stage == "decision" and b.score is not None:
        return "model"
    return b.stage or "kept"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default="scrapinghub")
    ap.add_argument("--show", type=int, default=25)
    ap.add_argument("--mode", default="text")
    a = ap.parse_args()
    cleaner = Cleaner()
    lost, leaked, lost_words, leaked_words = Counter(), Counter(), Counter(), Counter()
    examples = {}
    from cleaner.evaluate import normalise_space

    snip = Counter()
    for page in data.load(a.bench):
        if page.split != "train":
            continue
        html = decode(page.html_bytes())
        doc = cleaner.clean_text(get_text(html)) if a.mode == "text" else cleaner.clean_html(html, url=page.url)
        if page.body is None:  # trafilatura-dev: which block holds each snippet, and who decided it
            for kind, snippets in (("with", page.with_), ("without", page.without)):
                for s in snippets:
                    s = normalise_space(s)
                    holder = next(
                        (
                            b
                            for b in doc.blocks
                            if s in normalise_space(b.text) or (len(b.text) > 30 and normalise_space(b.text) in s)
                        ),
                        None,
                    )
                    if holder is None:
                        snip[(kind, "not in page text / split over blocks")] += 1
                    elif kind == "with" and not holder.kept:
                        snip[(kind + " LOST", reason_key(holder))] += 1
                        examples.setdefault(("snip", reason_key(holder)), []).append(holder.text[:90])
                    elif kind == "without" and holder.kept:
                        snip[(kind + " LEAKED", f"p={holder.score}")] += 1
                        examples.setdefault(("snipleak",), []).append(f"p={holder.score} {holder.text[:90]}")
            continue
        gold = GoldText(page.body)
        for b in doc.blocks:
            lab = gold.label(b.text)
            if lab is None:
                continue
            k = reason_key(b)
            if lab == 1 and not b.kept:
                lost[k] += 1
                lost_words[k] += b.features["words"]
                examples.setdefault(("lost", k), []).append(b.text[:110])
            elif lab == 0 and b.kept:
                leaked[k] += 1
                leaked_words[k] += b.features["words"]
                examples.setdefault(("leaked", k), []).append(f"p={b.score} {b.text[:100]}")
    for k, n in snip.most_common(40):
        print(f"  {n:>4} {k} {examples.get(('snip', k[1]), [])[:2]}")
    for e in examples.get(("snipleak",), [])[:40]:
        print("    leaked:", e)
    print("LOST content (blocks, words) by decider:")
    for k, n in lost_words.most_common(a.show):
        print(f"  {k:<40} {lost[k]:>5} {n:>7}   e.g. {examples[('lost', k)][:2]}")
    print("LEAKED boilerplate (blocks, words):")
    for k, n in leaked_words.most_common(10):
        print(f"  {k:<40} {leaked[k]:>5} {n:>7}")
    for e in examples.get(("leaked", "kept"), [])[:40]:
        print("    ", e)


if __name__ == "__main__":
    main()
