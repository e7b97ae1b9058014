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
#extracted-away { margin-top: 1.5em; color: #777; }
#extracted-away .away { border-left: 6px solid #bbb; padding: .15em .6em; margin: .1em 0; background: #f4f4f4; }
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


def extracted_away(doc, data) -> list[str]:
    """(HTML) the page's text lines that trafilatura's extraction left out, before the block stage saw
    anything: its text nodes (scripts and styles aside) not in the extracted text, in page order."""
    if doc.format != "html" or data is None:
        return []
    from bs4 import BeautifulSoup

    from .readers import decode

    html = decode(data) if isinstance(data, bytes) else data
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    kept = {" ".join(b.text.split()) for b in doc.blocks}
    body = " ".join(" ".join(b.text.split()) for b in doc.blocks)
    out: dict[str, None] = {}
    for piece in soup.get_text("\n").splitlines():
        line = " ".join(piece.split())
        if line and line not in kept and line not in out and line not in body:
            out[line] = None
    return list(out)


def _extracted_away(lines: list[str]) -> str:
    """The lines the HTML extractor left out, in a folded section of their own."""
    if not lines:
        return ""
    items = "".join(f'<div class="away">{html.escape(line)}</div>' for line in lines)
    return (
        f'<details id="extracted-away"><summary>{len(lines)} lines of the page that trafilatura\'s extraction '
        f"left out before the block stage</summary>{items}</details>"
    )


def _label(b) -> str:
    return {"content": "kept", "title": "title"}.get(b.label, "dropped")


def _hover(b) -> str:
    """What a block's tooltip says: line, decision, category, stage, rule, section, score, reason."""
    parts = [f"line {b.line}", _label(b)]
    parts += [
        f"{name}: {value}"
        for name, value in (
            ("category", b.category),
            ("stage", b.stage),
            ("rule", b.rule),
            ("section", b.section),
            ("score", b.score),
        )
        if value is not None
    ]
    if b.reason:
        parts.append(f"why: {b.reason}")
    return " · ".join(parts)


def explain_page(doc: Document, extracted_away: list[str] | None = None) -> str:
    """The explain page of ``doc`` as one HTML string; ``extracted_away``: (HTML) the page's text
    lines trafilatura left out before the block stage, shown folded away below the blocks."""
    esc = html.escape
    groups = ["content", "title"] + [c for c in CATEGORIES if any(b.category == c for b in doc.blocks)]
    if any(b.label == "boilerplate" and b.category is None for b in doc.blocks):
        groups.append("other")
    filters = "".join(f'<label><input type="checkbox" value="{esc(g)}" checked> {esc(g)}</label>' for g in groups)
    meta = [
        ("source", doc.source),
        ("format", doc.format),
        ("url", doc.url),
        ("date", doc.date and f"{doc.date} [{doc.date_source}]"),
        ("outlet", doc.outlet and f"{doc.outlet} [{doc.outlet_source}]"),
        ("author", doc.author and f"{doc.author} [{doc.author_source}]"),
        ("language", doc.language and f"{doc.language} ({doc.language_prob})"),
        ("rules", doc.rules_language),
    ]
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(str(v))}</dd>" for k, v in meta if v)
    blocks = []
    for b in doc.blocks:
        label = _label(b)
        group = "content" if label == "kept" else "title" if label == "title" else (b.category or "other")
        badge = "KEEP" if label == "kept" else "TITLE" if label == "title" else (b.category or "other")
        blocks.append(
            f'<div class="block {label}" data-label="{label}" data-category="{esc(group)}" '
            f'title="{esc(_hover(b))}"><span class="badge">{esc(badge)}</span>{esc(b.text)}</div>'
        )
    counts = {k: sum(_label(b) == k for b in doc.blocks) for k in ("kept", "dropped", "title")}
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>cleaner explain: {esc(doc.source)}</title><style>{_STYLE}</style></head><body>"
        f'<h1>{esc(doc.title or doc.source)}</h1><dl class="meta">{rows}</dl>'
        f'<div id="filters">{filters}</div>'
        f'<div id="summary" data-counts="{esc(json.dumps(counts))}"></div>'
        f'<div id="blocks">{"".join(blocks)}</div>{_extracted_away(extracted_away or [])}'
        f"<script>{_SCRIPT}</script></body></html>\n"
    )


# ------------------------------------------------------------------------------ the corpus report
_BAR_HEIGHT = 18


def _bars(title: str, counts: dict, *, share: bool = False, limit: int = 25, order: str = "count") -> str:
    """One horizontal bar chart (inline SVG) of ``counts`` (label -> number; ``share``: 0..1)."""
    esc = html.escape
    items = list(counts.items())
    items = sorted(items) if order == "label" else sorted(items, key=lambda kv: (-kv[1], str(kv[0])))
    more = len(items) - limit
    items = items[:limit]
    if not items:
        return f'<section class="chart" data-chart="{esc(title)}"><h2>{esc(title)}</h2><p>none</p></section>'
    top = max(v for _, v in items) or 1
    label_w, bar_w = 220, 520
    rows = []
    for i, (label, value) in enumerate(items):
        y = i * (_BAR_HEIGHT + 4)
        w = max(1.0, bar_w * value / top)
        shown = f"{value:.1%}" if share else f"{value:,}"
        rows.append(
            f'<g class="bar" data-label="{esc(str(label))}" data-value="{value}">'
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{esc(str(label))[:40]}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{_BAR_HEIGHT}"><title>{esc(str(label))}: '
            f'{shown}</title></rect><text x="{label_w + w + 6:.1f}" y="{y + 13}">{shown}</text></g>'
        )
    height = len(items) * (_BAR_HEIGHT + 4)
    tail = f"<p>… and {more} more</p>" if more > 0 else ""
    return (
        f'<section class="chart" data-chart="{esc(title)}"><h2>{esc(title)}</h2>'
        f'<svg width="{label_w + bar_w + 80}" height="{height}" role="img">{"".join(rows)}</svg>{tail}</section>'
    )


#: the slowest documents the corpus report lists (each task names its own slowest in the manifest)
SLOWEST_SHOWN = 20


def corpus_report(stats: dict, errors: list[dict], tasks: list[dict], source: str) -> str:
    """The report of one corpus run as one HTML string: its numbers, charts of what was removed, of
    languages, outlets and months, of the documents dropped by each filter, the slowest tasks and
    documents, and the failed documents (``stats.json``, ``errors.jsonl`` and ``manifest.jsonl`` of its
    work folder)."""
    esc = html.escape
    numbers = [
        ("documents in", stats.get("documents_in")),
        ("documents out", stats.get("documents_out")),
        ("failed", stats.get("failures")),
        ("blocks", stats.get("blocks")),
        ("removed blocks", sum((stats.get("removed_blocks") or {}).values())),
        ("template lines learned", stats.get("template_lines_learned")),
        ("seconds (pass 1)", stats.get("seconds_pass1")),
    ]
    summary = "".join(f"<dt>{esc(k)}</dt><dd>{esc(str(v))}</dd>" for k, v in numbers if v is not None)
    slow = sorted(tasks, key=lambda t: -t.get("seconds", 0))[:10]
    slow_rows = "".join(
        f"<tr><td>{t.get('task')}</td><td>{t.get('docs')}</td><td>{t.get('errors')}</td>"
        f"<td>{t.get('seconds', 0):.2f}</td></tr>"
        for t in slow
    )
    slow_docs = sorted(
        ((float(sec), str(src)) for t in tasks for src, sec in t.get("slowest") or ()), key=lambda d: (-d[0], d[1])
    )[:SLOWEST_SHOWN]
    slow_doc_rows = "".join(f"<tr><td>{esc(src)}</td><td>{sec:.3f}</td></tr>" for sec, src in slow_docs)
    failed = "".join(
        f"<tr><td>{esc(str(e.get('source')))}</td><td>{esc(str(e.get('reason')))}</td></tr>" for e in errors[:200]
    )
    charts = [
        _bars(
            "removed share of blocks, by category",
            {k: v for k, v in (stats.get("removed_share") or {}).items() if v},
            share=True,
        ),
        _bars("documents per language", stats.get("languages") or {}),
        _bars("documents per outlet", stats.get("outlets") or {}),
        _bars("documents per month", stats.get("months") or {}, order="label", limit=240),
        _bars("documents dropped, by filter and reason", stats.get("dropped") or {}),
        _bars("inputs skipped, by reason", stats.get("skipped") or {}),
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>cleaner report: {esc(source)}</title>'
        f"<style>{_STYLE}{_REPORT_STYLE}</style></head><body><h1>Corpus report</h1><p>{esc(source)}</p>"
        f'<dl class="meta">{summary}</dl>{"".join(charts)}'
        f'<section data-chart="slowest tasks"><h2>slowest tasks</h2><table><tr><th>task</th><th>documents</th>'
        f"<th>failed</th><th>seconds</th></tr>{slow_rows}</table></section>"
        f'<section data-chart="slowest documents"><h2>slowest documents</h2><table><tr><th>document</th>'
        f"<th>seconds</th></tr>{slow_doc_rows}</table></section>"
        f'<section data-chart="failed documents"><h2>failed documents ({len(errors)})</h2><table><tr><th>source</th>'
        f"<th>reason</th></tr>{failed}</table>{'<p>(the first 200)</p>' if len(errors) > 200 else ''}</section>"
        f"</body></html>\n"
    )


_REPORT_STYLE = """
section { margin: 1.5em 0; } h2 { font-size: 1.05em; }
svg text { font-size: 12px; fill: #333; } svg rect { fill: #1565c0; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .2em .5em; text-align: left; }
"""
