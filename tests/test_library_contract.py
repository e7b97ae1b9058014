"""The library contract (issue 28): bad input raises BadInput or is cleaned, never another exception
(lone surrogates in the text, the url, the metadata and the source name are replaced by U+FFFD);
no output string holds a control character but newline; one Cleaner can be used from several
threads right after it is made."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from cleaner import BadInput, clean_html, clean_text
from cleaner.writers import dumps
from conftest import ROOT

RAW = sorted(p for p in (ROOT / "raw").iterdir() if p.is_file())

#: threads and rounds of the concurrency test: every raw/ and fixture page, this many times over
THREADS = 4
ROUNDS = 4  # the race is in the first detections; later rounds only check that results stay serial

_RACE = textwrap.dedent("""
    import json, sys, threading
    from concurrent.futures import ThreadPoolExecutor
    from pathlib import Path
    from cleaner import Cleaner, Settings
    from cleaner.training import parse_annotated
    from cleaner.writers import dumps

    root, threads, rounds, identifier = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    jobs = [("file", str(p)) for p in sorted((root / "raw").iterdir()) if p.is_file()]
    for folder in ("pages", "heldout"):
        jobs += [("text", str(p)) for p in sorted((root / "tests" / "fixtures" / folder).glob("*.txt"))]
    pages = {path: parse_annotated(Path(path))[1] for kind, path in jobs if kind == "text"}
    jobs = jobs * rounds
    cleaner = Cleaner(Settings(language_id=identifier))  # fresh, in a fresh process: nothing has set up language ID yet

    def run(job):
        kind, path = job
        doc = cleaner.clean_file(path) if kind == "file" else cleaner.clean_text(pages[path], source=path)
        return dumps(doc.to_record())

    start = threading.Barrier(threads)  # every thread starts its first document at the same moment
    with ThreadPoolExecutor(threads, initializer=start.wait) as pool:
        threaded = list(pool.map(run, jobs))
    serial = [run(job) for job in jobs]
    print(json.dumps({"threaded": threaded, "serial": serial}))
""")


@pytest.mark.parametrize("identifier", ["fasttext", "langdetect"])
def test_a_fresh_cleaner_used_from_four_threads_gives_the_serial_results(identifier):
    """langdetect publishes its profile factory before loading it: a thread detecting meanwhile saw
    a half-loaded set of profiles ("af" for German); fastText's model is loaded on first use. Run in
    a fresh interpreter, where the first detections really race."""
    out = subprocess.run(
        [sys.executable, "-c", _RACE, str(ROOT), str(THREADS), str(ROUNDS), identifier],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout)
    assert len(got["serial"]) >= 150
    wrong = [
        (json.loads(t)["source"], json.loads(t)["language"], json.loads(s)["language"])
        for t, s in zip(got["threaded"], got["serial"])
        if t != s
    ]
    assert not wrong, f"{len(wrong)} of {len(got['serial'])} records differ (source, threaded, serial): {wrong[:10]}"


SURROGATE_TEXTS = ["\ud800", "Die Stadt \udc80 plant", "\udcff" * 50 + " Rathaus"]


@pytest.mark.parametrize("lone", SURROGATE_TEXTS)
def test_lone_surrogates_in_text_url_meta_and_source_are_replaced_not_raised(lone):
    """json.loads("\\ud800") and errors="surrogateescape" give str values that cannot be encoded as
    UTF-8: the library cleans them (U+FFFD) instead of raising UnicodeEncodeError."""
    page = RAW[0].read_bytes()
    text = page.decode("utf-8", "replace") if RAW[0].suffix == ".txt" else "Der Rat tagt. " * 20
    for doc in (
        clean_text(
            text + lone,
            source="a" + lone,
            url="https://example.de/x" + lone,
            meta={"k" + lone: [lone, {"n": lone}], "title": "Titel " + lone},
        ),
        clean_html(
            f"<html><body><article><p>{'Der Rat tagt heute. ' * 10}{lone}</p></article></body></html>",
            meta={"extra": lone},
        ),
    ):
        line = dumps(doc.to_record())
        line.encode("utf-8")  # would raise before the fix
        assert "\ufffd" in line


def test_control_characters_never_reach_the_record():
    """C0/C1 controls in the input (an ANSI colour code, a BEL, Windows-1252 quotes read as
    Latin-1, an entity-made ESC in HTML) are not in any output string: C1 become their cp1252
    character, the rest go; tabs become spaces."""
    body = "Die \x1b[31mStiftung\x07 gibt \x93Geld\x94 f\x81r das\tMuseum im Rathaus der Stadt.\r\n"
    doc = clean_text(body * 8, meta={"note": "a\tb\x0c\x1b"})
    html = clean_html(
        "<html><body><article><p>"
        + "Der Rat &#27;tagt&#7; heute im Rathaus der Stadt. " * 8
        + "</p></article></body></html>"
    )
    for rec in (doc.to_record(), html.to_record()):
        line = json.dumps(rec, ensure_ascii=False)
        strings = [rec["text"], rec["title"] or "", json.dumps(rec.get("meta", {}), ensure_ascii=False)]
        strings += [b["text"] for b in rec.get("removed_blocks", [])]
        for s in strings:
            assert not [c for c in s if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F], (s, line)
    assert "“Geld”" in json.dumps(doc.to_record(), ensure_ascii=False)


def test_only_bad_input_is_raised_for_wrong_types():
    for bad in (None, b"bytes", 3):
        with pytest.raises(BadInput):
            clean_text(bad)
    with pytest.raises(BadInput):
        clean_text("Der Rat tagt.", meta=["not", "a", "mapping"])


# ------------------------------------------------------------------ pages nested past the parser's limit

_PARA = "<p>Die Stadt Witten hat am Montag den neuen Haushalt beschlossen, wie der Sprecher am Abend sagte.</p>"


def _nested(opening: str, n: int) -> str:
    after = _PARA.replace("Montag", "Dienstag")
    return f"<html><body><article>{_PARA * 3}{opening * n}x{after}</article></body></html>"


@pytest.mark.parametrize("opening", ["<span>", "<font size=2>", "<b><i>", "<em class='x'>"])
@pytest.mark.parametrize("n", [300, 100_000])
def test_unclosed_formatting_tags_past_the_depth_limit_lose_nothing(cleaner, opening, n):
    # libxml2 stopped at depth 256 without an error: everything after it was silently gone
    assert "Dienstag" in cleaner.clean_html(_nested(opening, n)).text


def test_a_page_of_blocks_nested_past_the_depth_limit_is_bad_input(cleaner):
    assert "Dienstag" in cleaner.clean_html(_nested("<div>", 200)).text
    with pytest.raises(BadInput, match="nested deeper than 256 elements"):
        cleaner.clean_html(_nested("<div>", 300))


def test_a_tree_that_reaches_the_depth_limit_without_passing_it_is_kept_as_parsed():
    from cleaner import extract

    page = _nested("<div>", 252)  # html, body, article and 252 divs (and a p): depth 256, nothing lost
    tree = extract.parse_html(page)
    assert tree.xpath(extract._AT_MAX_DEPTH) and not extract._stops_at_depth(page)
    assert "Dienstag" in tree.text_content()


def test_each_thread_parses_html_with_its_own_parser_and_trafilaturas_code():
    """trafilatura's module-level parser shared by threads crashed a threaded run now and then
    (libxml2's string dictionary of the parser's thread, changed from several threads at once)."""
    import threading

    from lxml import etree
    import trafilatura.utils
    from trafilatura.utils import HTML_PARSER, load_html

    from cleaner import extract
    from cleaner.readers import decode, read_bytes

    mine = extract.thread_load_html()
    assert mine is extract.thread_load_html() and mine.__code__ is load_html.__code__
    repair = mine.__globals__["repair_faulty_html"]
    assert repair.__code__ is trafilatura.utils.repair_faulty_html.__code__
    for page in ("<html><body>a\x0bb\x00c\ufffe</body></html>", "<html><body>plain</body></html>", ""):
        assert repair(page, page[:50].lower()) == trafilatura.utils.repair_faulty_html(page, page[:50].lower())
    assert mine.__globals__["HTML_PARSER"] is not HTML_PARSER
    others = []
    thread = threading.Thread(target=lambda: others.append(extract.thread_load_html()))
    thread.start()
    thread.join()
    assert others[0] is not mine and others[0].__globals__["HTML_PARSER"] is not mine.__globals__["HTML_PARSER"]
    pages = [decode(read_bytes(str(p), 20_000_000)) for p in RAW if ".htm" in p.name]
    assert pages
    for page in pages + ["<p>fragment</p>", "no markup at all", "<!DOCTYPE html><html/>\n<body>x</body>"]:
        a, b = mine(page), load_html(page)
        assert (a is None) == (b is None)
        if a is not None:
            assert etree.tostring(a) == etree.tostring(b)
            # lxml.html's element classes, chosen in C instead of by its Python lookup
            assert [type(e) for e in a.iter()] == [type(e) for e in b.iter()]


def test_the_c_class_lookup_gives_lxml_htmls_classes():
    """Every element, comment, processing instruction and entity of a page gets the class
    lxml.html's own lookup gives it, tags with a class of their own in any case too."""
    from lxml import etree
    from lxml import html as lxml_html

    from cleaner import extract

    page = (
        "<html><body><FORM action=x><Input name=a><textarea>t</textarea><SeLeCt><option>o</option></SeLeCt>"
        "<label>l</label></FORM><!-- c --><?pi x?><p>&amp; &nbsp;<b>b</b></p><svg:rect/><x-y/></body></html>"
    )
    options = {"remove_comments": False, "remove_pis": False}
    ours = lxml_html.HTMLParser(**options)
    ours.set_element_class_lookup(extract.html_class_lookup())
    theirs = lxml_html.HTMLParser(**options)
    a, b = lxml_html.fromstring(page, parser=ours), lxml_html.fromstring(page, parser=theirs)
    assert [type(e) for e in a.iter()] == [type(e) for e in b.iter()]
    assert {type(e).__name__ for e in a.iter()} >= {
        "FormElement",
        "InputElement",
        "TextareaElement",
        "SelectElement",
        "LabelElement",
        "HtmlComment",
        "HtmlElement",
    }
    names = ["form", "FORM", "fOrM", "Input", "TEXTAREA", "select", "LaBeL", "p", "div", "Formx", "ref"]
    for name in names:
        assert type(a.makeelement(name)) is type(b.makeelement(name)), name
    a.append(etree.Entity("nbsp"))
    b.append(etree.Entity("nbsp"))
    assert type(a[-1]) is type(b[-1])
    assert type(extract.html_parser().makeelement("input")) is lxml_html.InputElement


def test_collapse_spaces_is_the_whitespace_regex():
    """extract.collapse_spaces (split and join) gives ``\\s+`` -> " " for every whitespace code
    point, at either end, alone, and in random strings of whitespace and text."""
    import random
    import re
    import sys

    from cleaner import extract

    plain = re.compile(r"\s+")
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if re.match(r"\s", chr(c)) or chr(c).isspace()]
    assert len(spaces) > 20 and "\u3000" in spaces and "\x1c" in spaces
    rng = random.Random(5)
    cases = (
        ["", " ", "a", "a b", " a", "a ", "  a  b  ", "\n\n", "x\u00a0\u2003y\t"]
        + spaces
        + [f"a{s}b{s}" for s in spaces]
    )
    pool = spaces + list("ab<>&;") + ["\u00e4", "\U0001f600"]
    cases += ["".join(rng.choice(pool) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    for text in cases:
        assert extract.collapse_spaces(text) == plain.sub(" ", text), repr(text)
    assert extract._SPACE.pattern == plain.pattern


def test_the_lead_is_put_first_only_when_the_body_shows_it():
    from cleaner import extract

    desc = "Die Stadt baut eine neue Brücke über den Fluss, die im Sommer des nächsten Jahres fertig sein soll."
    html = "<html><head></head><body><p class=teaser>Die Stadt baut eine neue Br&uuml;cke\n über den Fluss, die im Sommer des nächsten Jahres fertig sein soll.</p><p>Text.</p></body></html>"
    assert extract._with_lead("Text.", desc, html) == desc + "\nText."
    assert extract._with_lead("Text.", desc, html.replace("Stadt baut", "Stadt plant")) == "Text."
    assert extract._with_lead(desc + " Text.", desc, html) == desc + " Text."


def test_extraction_without_trafilaturas_protective_copy_gives_its_results():
    """cleaner calls trafilatura's bare_extraction code with its copy of the given tree left out
    (extract._bare_extraction): on every HTML page of raw/, balanced and fast, the text and the
    extracted body are trafilatura's; only the given tree is changed instead of a copy."""
    import glob
    import gzip

    import trafilatura
    from lxml import etree

    from cleaner.extract import _bare_extraction, parse_html
    from cleaner.readers import decode

    names = sorted(glob.glob(str(ROOT / "raw" / "*.html*")))
    assert len(names) >= 3
    checked = 0
    for name in names:
        data = open(name, "rb").read()
        html = decode(gzip.decompress(data) if name.endswith(".gz") else data)
        for fast in (False, True):
            kwargs = dict(fast=fast, with_metadata=False, include_comments=False, include_tables=True)
            ours, theirs = (
                _bare_extraction()(parse_html(html), **kwargs),
                trafilatura.bare_extraction(parse_html(html), **kwargs),
            )
            assert ours.text == theirs.text and etree.tostring(ours.body) == etree.tostring(theirs.body), name
            checked += 1
    assert checked == 2 * len(names)
    page = (
        "<html><body><article><p>" + "Ein Satz mit Inhalt. " * 30 + "</p><aside>Werbung</aside></article></body></html>"
    )
    theirs, ours = parse_html(page), parse_html(page)
    trafilatura.bare_extraction(theirs, with_metadata=False, prune_xpath=["//aside"])
    _bare_extraction()(ours, with_metadata=False, prune_xpath=["//aside"])
    assert theirs.find(".//aside") is not None  # trafilatura pruned its copy
    assert ours.find(".//aside") is None  # cleaner's call pruned the given tree itself: no copy was made
