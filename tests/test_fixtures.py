"""Every rule category on pages the rules were not written from.

Each file in fixtures/pages/ is a flattened news page whose every line is annotated with the decision
a careful reader makes (see fixtures/pages/README.md): ``+ |`` content, ``= title |`` the title,
``- CATEGORY |`` removed with that category. The test rebuilds the page, cleans it and compares every
line, the title and the date.
"""

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from cleaner import CATEGORIES, clean_text
from cleaner.training import parse_annotated

FIXTURES = Path(__file__).parent / "fixtures"
#: pages/ were written first and used to generalise the rules; heldout/ were written later by another
#: author without sight of the rules and measured before any change (see bench/RESULTS.md)
PAGES = sorted((FIXTURES / "pages").glob("*.txt")) + sorted((FIXTURES / "heldout").glob("*.txt"))


def known_misses() -> set[str]:
    out = set()
    for line in (FIXTURES / "known_misses.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.add(line.split()[0])
    return out


def parse(path: Path):
    """(header, page text, [(line, label, category)]) - the parser training uses too."""
    header, page, expected = parse_annotated(path)
    for _, label, cat in expected:
        assert label != "boilerplate" or cat in CATEGORIES, f"{path.name}: unknown category {cat!r}"
    return header, page, expected


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_page(path):
    header, page, expected = parse(path)
    doc = clean_text(page, source=path.name)
    blocks = [b for b in doc.blocks]
    assert len(blocks) == len(expected), "segmentation differs from the annotation"
    wrong, known = [], known_misses()
    for b, (text, label, cat) in zip(blocks, expected):
        assert " ".join(text.split()) == b.text
        right = b.label == label and (label != "boilerplate" or b.category == cat)
        key = f"{path.name}:{b.line}"
        if right and key in known:
            wrong.append(f"line {b.line} is listed in known_misses.txt but is right now: remove it there")
        elif not right and key not in known:
            got = b.label if b.label != "boilerplate" else f"- {b.category}"
            want = label if label != "boilerplate" else f"- {cat}"
            wrong.append(f"line {b.line}: want {want}, got {got} [{b.reason}] {b.text[:70]}")
    assert not wrong, "\n".join(wrong)
    want_date = None if header.get("date") in (None, "null") else header["date"]
    assert doc.date == want_date
    assert doc.language == header["lang"]


def test_every_category_is_covered_on_at_least_two_pages():
    pages = defaultdict(set)
    for path in PAGES:
        for _, label, cat in parse(path)[2]:
            if label == "boilerplate":
                pages[cat].add(path.name)
    lacking = [c for c in CATEGORIES if c not in ("template", "other") and len(pages[c]) < 2]
    assert not lacking, lacking


def accuracy():
    """Line accuracy over all fixtures (for the closing note), by expected category."""
    hits, totals = Counter(), Counter()
    for path in PAGES:
        _, page, expected = parse(path)
        for b, (_, label, cat) in zip(clean_text(page).blocks, expected):
            key = cat or label
            totals[key] += 1
            hits[key] += b.label == label and (label != "boilerplate" or b.category == cat)
    return {k: (hits[k], totals[k]) for k in sorted(totals)}
