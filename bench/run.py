"""Benchmark harness: every system on the test halves of the benchmarks, side by side, one process.

    .venv/bin/python bench/run.py                 # full table, test splits
    .venv/bin/python bench/run.py --limit 20      # smoke run
    .venv/bin/python bench/run.py --write         # also rewrite the table in bench/RESULTS.md
    .venv/bin/python bench/run.py --bench wcxb    # WCXB: all pages, then a row per page type

Each benchmark is scored its own published way (bench/data.score): ScrapingHub by word 4-gram
shingles, trafilatura-dev by snippets, WCXB by words per page (its gold was drafted by an LLM and
reviewed by people: good, not perfect).

Text mode input = the page rendered with inscriptis (get_text). More rows feed text mode other
renderings of the same page: BeautifulSoup's get_text (no layout, a line per text node), the
inscriptis text hard-wrapped at 78 columns, Markdown (markdownify, as converters and reader services
hand pages to language models), and the dumps of the text-mode browsers lynx (link numbers and
address list), w3m and elinks and of the converter html2text (wrapped Markdown), where installed.
docs/s counts only the system's own call (rendering and language detection for jusText's stoplist
are input preparation, done once).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inscriptis import get_text  # noqa: E402
from langdetect import DetectorFactory, detect  # noqa: E402

import data  # noqa: E402
from cleaner import Cleaner  # noqa: E402
from cleaner.readers import decode  # noqa: E402
from cleaner.training import render_bs4  # noqa: E402
from systems import make_systems  # noqa: E402

DetectorFactory.seed = 0
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
BEGIN, END = "<!-- bench:table -->", "<!-- /bench:table -->"


@dataclass
class Prepared:
    key: str
    url: str | None
    html: str
    text: str
    lang: str
    page: data.Page
    text_bs4: str = ""
    text_wrapped: str = ""
    text_markdown: str = ""
    text_lynx: str = ""
    text_w3m: str = ""
    text_elinks: str = ""
    text_html2text: str = ""


#: the column a fixed-width renderer wraps at (lynx -dump and w3m -dump: about 78-80)
WRAP_COLUMNS = 78


def render_markdown(html: str) -> str:
    """The page as Markdown, as html2text-style converters and reader services hand pages to
    language models (markdownify, with scripts and styles removed first, as a browser would)."""
    from lxml import html as lxml_html
    from markdownify import markdownify

    try:
        tree = lxml_html.fromstring(html)
    except Exception:  # noqa: BLE001 - an unparsable page renders as nothing
        return ""
    for el in tree.xpath("//script|//style|//noscript|//template"):
        el.drop_tree()
    return markdownify(lxml_html.tostring(tree, encoding="unicode"), heading_style="ATX")


#: text dumpers, run as commands (the page on standard input; their output read as UTF-8): lynx
#: numbers every link ("[12]Text") and appends the list of addresses, as it does by default, and so
#: does elinks (a link's title on its own line); w3m lays tables out side by side; all three wrap
#: at 80 columns. html2text writes Markdown wrapped at 78
#: columns (list items left long), the converter many language-model pipelines use. Rows for a
#: dumper that is not installed are left out of the table (Debian: ``apt-get install lynx w3m elinks``;
#: ``pip install html2text``, GPL, so it is run as a command and is not in the bench extra).
DUMPERS = {
    "lynx": [
        "lynx",
        "-dump",
        "-force_html",
        "-stdin",
        "-assume_charset=UTF-8",
        "-assume_local_charset=UTF-8",
        "-display_charset=UTF-8",
    ],
    "w3m": ["w3m", "-dump", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8"],
    "elinks": ["elinks", "-dump", "-force-html", "-dump-charset", "utf-8"],
    "html2text": ["html2text"],
}
#: dumpers given the page with every non-ASCII character as a numeric reference: lynx would follow
#: a <meta charset> of the page's own over the UTF-8 it is told and garble the text (html2text
#: would spell the references in ASCII, "Häuser" as "Hauser", so it gets UTF-8)
AS_REFERENCES = {"lynx", "w3m", "elinks"}


def _command(name: str) -> str | None:
    """Where a dumper's command is: on the PATH, or beside this Python (a pip-installed html2text)."""
    found = shutil.which(DUMPERS[name][0])
    if found:
        return found
    beside = Path(sys.executable).parent / DUMPERS[name][0]
    return str(beside) if beside.exists() else None


def dumpers() -> list[str]:
    return [name for name in DUMPERS if _command(name)]


def render_dump(html: str, dumper: str) -> str:
    """The page as ``lynx -dump``, ``w3m -dump``, ``elinks -dump`` or ``html2text`` prints it
    ("" if it is not installed or hangs)."""
    command = _command(dumper)
    if not command:
        return ""
    data = html.encode("ascii", "xmlcharrefreplace") if dumper in AS_REFERENCES else html.encode("utf-8")
    try:
        done = subprocess.run([command, *DUMPERS[dumper][1:]], input=data, capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return ""
    return done.stdout.decode("utf-8", errors="replace")


def hard_wrap(text: str, width: int = WRAP_COLUMNS) -> str:
    """The rendering as a fixed-width renderer would print it: every line wrapped at ``width``
    columns, indentation kept (capped at half the width, as no renderer indents past its page)."""
    out = []
    for line in text.split("\n"):
        body = line.lstrip()
        indent = " " * min(len(line) - len(body), width // 2)
        if len(indent) + len(body) <= width:
            out.append(indent + body)
        else:
            out.extend(textwrap.wrap(body, width=width, initial_indent=indent, subsequent_indent=indent))
    return "\n".join(out)


def prepare(page: data.Page) -> Prepared:
    html = decode(page.html_bytes())
    text = get_text(html)
    try:
        lang = detect(text[:3000])
    except Exception:
        lang = "en"
    return Prepared(
        page.key,
        page.url,
        html,
        text,
        lang,
        page,
        render_bs4(html),
        hard_wrap(text),
        render_markdown(html),
        render_dump(html, "lynx"),
        render_dump(html, "w3m"),
        render_dump(html, "elinks"),
        render_dump(html, "html2text"),
    )


def score(bench: str, pages: list[Prepared], outputs: list[str]):
    return data.score(bench, [p.page for p in pages], outputs)


def parts(bench: str, prepared: list[Prepared]) -> list[tuple[str, list[int]]]:
    """The rows of a benchmark: all its pages, and for WCXB each page type (articles first)."""
    rows = [(bench, list(range(len(prepared))))]
    if bench == "wcxb":
        types = sorted({p.page.page_type for p in prepared}, key=lambda t: (t != "article", t))
        rows += [(f"wcxb {t}", [i for i, p in enumerate(prepared) if p.page.page_type == t]) for t in types]
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="test", choices=["test", "train", "all"])
    ap.add_argument("--bench", nargs="*", default=["scrapinghub", "trafilatura-dev", "wcxb"])
    ap.add_argument("--systems", nargs="*", help="subset of systems (default: all)")
    ap.add_argument("--limit", type=int, help="first N pages of each benchmark (smoke run)")
    ap.add_argument("--write", action="store_true", help="rewrite the table in bench/RESULTS.md")
    ap.add_argument("--html-threshold", type=float, help="override the model's HTML filter threshold")
    ap.add_argument("--text-threshold", type=float, help="override the model's text threshold")
    ap.add_argument("--model", help="model folder, or 'none' (default: the shipped model)")
    from cleaner import Settings
    from cleaner.settings import HTML_EXTRACTION

    ap.add_argument(
        "--html-extraction",
        default=Settings.html_extraction,
        choices=HTML_EXTRACTION,
        help="trafilatura mode of the `cleaner html` row",
    )
    args = ap.parse_args(argv)

    cleaner = Cleaner(Settings(model=args.model, html_extraction=args.html_extraction))
    if cleaner.scorer is not None and args.html_threshold is not None:
        cleaner.scorer.html_threshold = args.html_threshold
    if cleaner.scorer is not None and args.text_threshold is not None:
        cleaner.scorer.threshold = args.text_threshold
    fast = Cleaner(Settings(model=args.model, html_extraction="fast"))
    if fast.scorer is not None and args.html_threshold is not None:
        fast.scorer.html_threshold = args.html_threshold
    systems = make_systems(cleaner, fast)
    # rows of a dumper that is not installed are left out
    missing = [name for name in DUMPERS if name not in dumpers()]
    names = args.systems or [n for n in systems if not any(name in n for name in missing)]
    rows = []
    for bench in args.bench:
        pages = [p for p in data.load(bench) if args.split == "all" or p.split == args.split]
        pages = pages[: args.limit] if args.limit else pages
        prepared = [prepare(p) for p in pages]
        for name in names:
            kind, fn = systems[name]
            outputs, start = [], time.perf_counter()
            for p in prepared:
                try:
                    outputs.append(fn(p) or "")
                except Exception as exc:  # a system failing on a page scores as empty output
                    print(f"  {name} failed on {p.key}: {type(exc).__name__}: {exc}", file=sys.stderr)
                    outputs.append("")
            seconds = time.perf_counter() - start
            speed = "-" if name.startswith("keep-all") else f"{len(prepared) / seconds:.1f}"
            for part, subset in parts(bench, prepared):
                s = score(bench, [prepared[i] for i in subset], [outputs[i] for i in subset])
                shown = speed if part == bench else ""
                rows.append((part, f"{name} ({kind})", s.f1, s.precision, s.recall, shown, len(subset)))
                print(
                    f"{part:<16} {name + ' (' + kind + ')':<26} F1 {s.f1:.3f}  P {s.precision:.3f}  "
                    f"R {s.recall:.3f}  {shown:>7} docs/s  ({len(subset)} docs)",
                    flush=True,
                )
    table = ["| benchmark | system (input) | F1 | P | R | docs/s | docs |", "|---|---|---|---|---|---|---|"]
    table += [f"| {b} | {n} | {f:.3f} | {p:.3f} | {r:.3f} | {sp} | {d} |" for b, n, f, p, r, sp, d in rows]
    print("\n".join(table))
    if args.write:
        cmd = "`.venv/bin/python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:]) + "`"
        block = f"{BEGIN}\nCommand: {cmd.replace(' `', '`')}\n\n" + "\n".join(table) + f"\n{END}"
        text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else f"# Benchmark results\n\n{BEGIN}\n{END}\n"
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        RESULTS.write_text(head + block + tail, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
