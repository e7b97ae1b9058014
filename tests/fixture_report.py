"""Line accuracy of the cleaner on an annotated fixture folder (a measurement, not a test).

.venv/bin/python tests/fixture_report.py tests/fixtures/heldout
"""

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from test_fixtures import parse  # noqa: E402

from cleaner import clean_text  # noqa: E402


def report(folder: str) -> None:
    hits, totals, leaked, lost, wrong = Counter(), Counter(), 0, 0, []
    dates_ok = pages = 0
    for path in sorted(Path(folder).glob("*.txt")):
        header, page, expected = parse(path)
        doc = clean_text(page, source=path.name)
        pages += 1
        for b, (_, label, cat) in zip(doc.blocks, expected):
            key = cat or label
            ok = b.label == label and (label != "boilerplate" or b.category == cat)
            totals[key] += 1
            hits[key] += ok
            leaked += label == "boilerplate" and b.kept
            lost += label == "content" and not b.kept
            if not ok:
                wrong.append(
                    f"  {path.name}:{b.line} want {key}, got {b.category or b.label} [{b.reason}] {b.text[:60]}"
                )
        want = None if header.get("date") in (None, "null") else header["date"]
        dates_ok += doc.date == want
    n, h = sum(totals.values()), sum(hits.values())
    print(
        f"{folder}: {pages} pages, {n} lines, {h} right ({h / n:.1%}); "
        f"boilerplate kept as text: {leaked}; article lines lost: {lost}; dates right: {dates_ok}/{pages}"
    )
    print("  by category: " + ", ".join(f"{k} {hits[k]}/{totals[k]}" for k in sorted(totals)))
    print("\n".join(wrong))


if __name__ == "__main__":
    for folder in sys.argv[1:] or ["tests/fixtures/pages", "tests/fixtures/heldout"]:
        report(folder)
