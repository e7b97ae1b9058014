"""``cleaner explain PAGE --html report.html``: one self-contained HTML page (no network at view time)
showing every block of a document in page order, coloured by its decision, with its category, stage,
rule and score on hover, and a filter by category."""
from __future__ import annotations

import html
import json

from .document import CATEGORIES, Document

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 70em; padding: 1em 2em; color: #222; }
h1 { font-size: 1.3em; margin-bottom: .2em; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: .1em 1em; color: #555; margin: .5em 0 1em; }
dl.meta dt { font-weight: 600; }
#filters label { margin-right: 1em; white-space: nowrap; }
#summary { margin: .6em 0 1em; font-weight: 600; }
.block { border-left: 6px solid; padding: .25em .6em; margin: .15em 0; border-radius: 3px; cursor: default; }
.block .badge { font-size: .75em; color: #fff; border-radius: 3px; padding: 0 .4em; margin-right: .5em; }
.block.kept { border-color: #2e7d32; background: #edf7ee; }
.block.kept .badge { background: #2e7d32; }
.block.title { border-color: #1565c0; background: #e8f0fb; font-weight: 600; }
.block.title .badge { background: #1565c0; }
.block.dropped { border-color: #b71c1c; background: #fbeaea; color: #666; }
.block.dropped .badge { background: #b71c1c; }
.block.hidden { display: none; }
"""

#: the page's only script: counts what is shown, and hides the categories whose box is unticked
#: (also from the address: report.html#hide=navigation,ad)
_SCRIPT = """
function update() {
  const hidden = new Set([...document.querySelectorAll('#filters input')].filter(i => !i.checked).map(i => i.value));
  let shown = {kept: 0, dropped: 0, title: 0};
  for (const b of document.querySelectorAll('.block')) {
    const off = hidden.has(b.dataset.category);
    b.classList.toggle('hidden', off);
    if (!off) shown[b.dataset.label] += 1;
  }
  document.getElementById('summary').textContent =
    `${shown.kept} kept, ${shown.dropped} dropped, ${shown.title} title shown`;
}
const wanted = new URLSearchParams(location.hash.slice(1)).get('hide');
for (const name of (wanted ? wanted.split(',') : [])) {
  const box = document.querySelector(`#filters input[value="${name}"]`);
  if (box) box.checked = false;
}
document.querySelectorAll('#filters input').forEach(i => i.addEventListener('change', update));
update();
"""


def _label(b) -> str:
    return {"content": "kept", "title": "title"}.get(b.label, "dropped")


def _hover(b) -> str:
    """What a block's tooltip says: line, decision, category, stage, rule, section, score, reason."""
    parts = [f"line {b.line}", _label(b)]
    parts += [f"{name}: {value}" for name, value in (("category", b.category), ("stage", b.stage), ("rule", b.rule),
                                                     ("section", b.section), ("score", b.score)) if value is not None]
    if b.reason:
        parts.append(f"why: {b.reason}")
    return " · ".join(parts)


def explain_page(doc: Document) -> str:
    """The explain page of ``doc`` as one HTML string."""
    esc = html.escape
    groups = ["content", "title"] + [c for c in CATEGORIES if any(b.category == c for b in doc.blocks)]
    if any(b.label == "boilerplate" and b.category is None for b in doc.blocks):
        groups.append("other")
    filters = "".join(f'<label><input type="checkbox" value="{esc(g)}" checked> {esc(g)}</label>' for g in groups)
    meta = [("source", doc.source), ("format", doc.format), ("url", doc.url), ("date", doc.date and
            f"{doc.date} [{doc.date_source}]"), ("outlet", doc.outlet and f"{doc.outlet} [{doc.outlet_source}]"),
            ("author", doc.author and f"{doc.author} [{doc.author_source}]"),
            ("language", doc.language and f"{doc.language} ({doc.language_prob})"), ("rules", doc.rules_language)]
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(str(v))}</dd>" for k, v in meta if v)
    blocks = []
    for b in doc.blocks:
        label = _label(b)
        group = "content" if label == "kept" else "title" if label == "title" else (b.category or "other")
        badge = "KEEP" if label == "kept" else "TITLE" if label == "title" else (b.category or "other")
        blocks.append(f'<div class="block {label}" data-label="{label}" data-category="{esc(group)}" '
                      f'title="{esc(_hover(b))}"><span class="badge">{esc(badge)}</span>{esc(b.text)}</div>')
    counts = {k: sum(_label(b) == k for b in doc.blocks) for k in ("kept", "dropped", "title")}
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>cleaner explain: {esc(doc.source)}</title><style>{_STYLE}</style></head><body>"
            f"<h1>{esc(doc.title or doc.source)}</h1><dl class=\"meta\">{rows}</dl>"
            f"<div id=\"filters\">{filters}</div>"
            f"<div id=\"summary\" data-counts=\"{esc(json.dumps(counts))}\"></div>"
            f"<div id=\"blocks\">{''.join(blocks)}</div><script>{_SCRIPT}</script></body></html>\n")
