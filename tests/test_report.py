"""The explain page (``cleaner explain PAGE --html``), rendered in a real browser: headless Chromium
(Debian's ``chromium``; ``.ci/run`` installs it) loads it, runs its script, and the test reads what
it rendered."""

import html
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from cleaner import Cleaner
from cleaner.cli import main
from cleaner.report import _hover

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (apt-get install chromium; .ci/run installs it): the browser tests cannot run",
)


def _render(path, tmp_path, fragment: str = "") -> str:
    """The page's DOM after Chromium loaded it and ran its script."""
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            f"file://{path}{fragment}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _summary(dom: str) -> tuple[int, int, int]:
    m = re.search(r'<div id="summary"[^>]*>(\d+) kept, (\d+) dropped, (\d+) title shown</div>', dom)
    assert m, "the page's script did not run"
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def test_the_explain_page_is_written_and_self_contained(in_root, tmp_path):
    out = tmp_path / "explain.html"
    result = CliRunner().invoke(main, ["explain", "raw/002_0c62d25b1c6aaf51.txt", "--html", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "http" not in re.sub(r'<div class="block[^"]*"[^>]*>.*?</div>', "", page, flags=re.S).replace(
        "http-equiv", ""
    )  # nothing fetched at view time: no address outside the page's own text
    doc = Cleaner().clean_file("raw/002_0c62d25b1c6aaf51.txt")
    assert page.count('class="block ') == len(doc.blocks)


@needs_browser
@pytest.mark.parametrize("name", ["raw/002_0c62d25b1c6aaf51.txt", "raw/de_mdr_b45b8a4670b4b5f1.html.gz"])
def test_chromium_renders_the_decisions_and_the_filter(in_root, tmp_path, name):
    out = tmp_path / "explain.html"
    assert CliRunner().invoke(main, ["explain", name, "--html", str(out)]).exit_code == 0
    doc = Cleaner().clean_file(name)
    kept = sum(b.label == "content" for b in doc.blocks)
    title = sum(b.label == "title" for b in doc.blocks)
    dropped = len(doc.blocks) - kept - title
    dom = _render(out, tmp_path)
    assert _summary(dom) == (kept, dropped, title)
    # every block's hover text as rendered: its line, decision, category, stage, rule, score and reason
    hovers = [html.unescape(t) for t in re.findall(r'<div class="block [^"]*"[^>]* title="([^"]*)"', dom)]
    assert hovers == [_hover(b) for b in doc.blocks]
    b = next(b for b in doc.blocks if b.label == "boilerplate" and b.rule)
    assert f"category: {b.category}" in _hover(b) and f"rule: {b.rule}" in _hover(b) and f"why: {b.reason}" in _hover(b)
    # unticking a category (here through the address) hides its blocks and the count follows
    category = max(
        {b.category for b in doc.blocks if b.label == "boilerplate"},
        key=lambda c: sum(x.category == c for x in doc.blocks),
    )
    hidden = sum(b.category == category and b.label == "boilerplate" for b in doc.blocks)
    dom = _render(out, tmp_path, f"#hide={category}")
    assert _summary(dom) == (kept, dropped - hidden, title)
    assert dom.count(f'data-category="{category}"') == hidden and dom.count("block dropped hidden") == hidden


@needs_browser
def test_a_screenshot_of_the_page(in_root, tmp_path):
    """A picture of the page as a person sees it (kept for a look: bench/out/explain.png when asked)."""
    out, png = tmp_path / "explain.html", tmp_path / "explain.png"
    assert CliRunner().invoke(main, ["explain", "raw/000_a03daa696e6074ab.txt", "--html", str(out)]).exit_code == 0
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1100,1400",
            f"--screenshot={png}",
            f"file://{out}",
        ],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def _corpus_run(tmp_path, in_root):
    folder = tmp_path / "in"
    shutil.copytree(in_root / "raw", folder)
    (folder / "broken.html.gz").write_bytes(b"\x1f\x8b not gzip")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        main, ["clean", str(folder), "-o", str(out), "--workers", "1", "--no-progress", "--min-words", "120"]
    )
    assert result.exit_code == 1, result.output  # (the broken file failed, the rest were cleaned)
    return tmp_path / "out.work"


def test_the_corpus_report_from_a_work_folder_or_its_stats(in_root, tmp_path):
    import json

    work = _corpus_run(tmp_path, in_root)
    stats = json.loads((work / "stats.json").read_text())
    pages = {}
    for arg in (work, work / "stats.json"):
        out = tmp_path / f"report-{len(pages)}.html"
        result = CliRunner().invoke(main, ["report", str(arg), "-o", str(out)])
        assert result.exit_code == 0, result.output
        pages[arg] = out.read_text(encoding="utf-8")
    page = pages[work]
    assert "broken.html.gz" in page and "failed documents (1)" in page
    for lang, n in stats["languages"].items():
        assert f'data-label="{lang}" data-value="{n}"' in page
    assert "filter:min_words" in page
    # every task names its slowest documents in the manifest; the report lists the slowest of all
    tasks = [json.loads(line) for line in (work / "manifest.jsonl").read_text().splitlines()]
    timed = [(src, sec) for t in tasks for src, sec in t["slowest"]]
    cleaned = stats["documents_in"] - 1  # (the broken file never reached the cleaner: it is not timed)
    assert len(timed) == min(10 * len(tasks), cleaned) and all(sec >= 0 for _, sec in timed)
    assert len({src for src, _ in timed}) == len(timed) and not any("broken" in src for src, _ in timed)
    section = re.search(r'data-chart="slowest documents">(.*?)</section>', page, re.S).group(1)
    shown = re.findall(r"<tr><td>([^<]*)</td><td>([0-9.]+)</td></tr>", section)
    slowest = max(timed, key=lambda d: d[1])
    assert shown and html.unescape(shown[0][0]) == slowest[0] and float(shown[0][1]) == round(slowest[1], 3)
    assert [float(sec) for _, sec in shown] == sorted((float(sec) for _, sec in shown), reverse=True)
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    result = CliRunner().invoke(main, ["report", str(bad), "-o", str(tmp_path / "x.html")])
    assert result.exit_code == 1 and "not the stats.json of a cleaner run" in result.stderr


@needs_browser
def test_chromium_renders_the_corpus_report(in_root, tmp_path):
    import json

    work = _corpus_run(tmp_path, in_root)
    stats = json.loads((work / "stats.json").read_text())
    out = tmp_path / "report.html"
    assert CliRunner().invoke(main, ["report", str(work), "-o", str(out)]).exit_code == 0
    dom = _render(out, tmp_path)
    charts = dict(re.findall(r'<section class="chart" data-chart="([^"]+)">(.*?)</section>', dom, re.S))
    assert dom.count("<rect ") == sum(chart.count("<rect ") for chart in charts.values()) > 0
    removed = charts["removed share of blocks, by category"]
    assert removed.count("<rect ") == sum(1 for v in stats["removed_share"].values() if v)
    assert charts["documents per language"].count("<rect ") == len(stats["languages"])
    png = tmp_path / "report.png"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'p2'}",
            "--window-size=1100,1600",
            f"--screenshot={png}",
            f"file://{out}",
        ],
        capture_output=True,
        timeout=120,
    )
    assert png.read_bytes()[:4] == b"\x89PNG"


@needs_browser
def test_the_explain_page_shows_what_the_extraction_left_out(in_root, tmp_path):
    out = tmp_path / "explain.html"
    name = "raw/de_mdr_b45b8a4670b4b5f1.html.gz"
    assert CliRunner().invoke(main, ["explain", name, "--html", str(out)]).exit_code == 0
    dom = _render(out, tmp_path)
    away = [html.unescape(t) for t in re.findall(r'<div class="away">([^<]*)</div>', dom)]
    doc = Cleaner().clean_file(name)
    assert "Zur MDR-Hauptnavigation" in away  # a menu entry the extractor dropped
    texts = " ".join(b.text for b in doc.blocks)
    assert away and not any(line in texts for line in away)  # none of them reached the block stage
    assert re.search(rf"<summary>{len(away)} lines of the page", dom)
    text_page = tmp_path / "text.html"
    assert (
        CliRunner().invoke(main, ["explain", "raw/000_a03daa696e6074ab.txt", "--html", str(text_page)]).exit_code == 0
    )
    assert 'id="extracted-away"' not in text_page.read_text(encoding="utf-8")  # (a text dump was not extracted)
