"""HTML path: trafilatura finds the article and its metadata; our block rules then clean its output,
since trafilatura leaves most-read lists, teasers and credits in place on many German sites."""

from __future__ import annotations

import html as _html
import itertools
import re
import threading
import types
from dataclasses import dataclass, field
from typing import TypedDict

import trafilatura
from courlan import extract_domain
from htmldate import find_date

# trafilatura's own metadata steps, called one by one (module-level functions of trafilatura 2.x,
# which pyproject pins as the lower bound): a renamed one fails at import, not silently
from trafilatura.metadata import META_URL, examine_meta, extract_meta_json, extract_sitename, extract_title, extract_url
import trafilatura.core
import trafilatura.external
import trafilatura.json_metadata
import trafilatura.main_extractor
import trafilatura.utils
from lxml import etree
from lxml import html as lxml_html
import justext.paragraph
from justext.core import MAX_HEADING_DISTANCE_DEFAULT
from trafilatura.settings import Document as TrafDocument

from . import blockstats, dom
from .readers import BadInput

_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
#: separators between a page title and the site name appended to it
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||–|—|-|::|:|·|•|»)\s+|:\s+(?=[^:]+$)")
#: a site suffix has at most this many words
SITE_SUFFIX_MAX_WORDS = 4
#: a meta description this long that also stands in the page body is the article's lead (standfirst)
LEAD_MIN_CHARS = 80
LEAD_PROBE_CHARS = 50
_BODY = re.compile(r"<body\b", re.IGNORECASE)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None
    date: str | None
    sitename: str | None
    url: str | None
    #: what the page declares (meta tags, JSON-LD), or with ``full_metadata`` also what trafilatura's
    #: markup searches find: author, description, categories, tags, and where the author came from
    author: str | None = None
    author_source: str | None = None
    description: str | None = None
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    #: the extracted text's headings (``<h1>``-``<h6>``): their whitespace-folded text -> level
    headings: dict[str, int] = field(default_factory=dict)
    #: own extraction only (cleaner/dom.py): each text line's ``dom.MARKS``, which the model reads
    dom: list[tuple[float, ...]] | None = None

    @property
    def mode(self) -> str:
        """How the block stages judge the text: "html" (an extractor's output: drop only what the model
        is sure of) or, for the own extraction's whole marked page, "text" (text mode's threshold)."""
        return "text" if self.dom is not None else "html"


#: htmldate's extensive search scans the whole text for any date: slow (it halved throughput) and
#: a guess; without it the date comes from markup and metadata, else from our datelines
class DateParams(TypedDict):
    extensive_search: bool
    original_date: bool


DATE_PARAMS: DateParams = {"extensive_search": False, "original_date": True}


def extract_html(
    html: str,
    url: str | None = None,
    prune_xpath: tuple[str, ...] = (),
    focus: str = "balanced",
    full_metadata: bool = False,
    headings: bool = False,
) -> Extracted:
    """trafilatura's extraction (``focus``: its mode) and the page's metadata. ``full_metadata``: also
    trafilatura's markup searches for an author, categories and tags the page does not declare
    (4.7 ms a page more on average over 200 benchmark pages, up to 9; bench/RESULTS.md). ``headings``:
    also the extracted body's heading lines (``Extracted.headings``, for Markdown output)."""
    tree = parse_html(html)
    if tree is None:
        return Extracted("", None, None, None, url)
    if len(html) > FLOOD_TREE_ELEMENTS * MIN_ELEMENT_CHARS and _elements(tree) > FLOOD_TREE_ELEMENTS:
        thin_floods(tree)
    meta = page_metadata(tree, url)  # before extraction, which prunes the tree
    author_source = "html:metadata" if meta.author else None
    if full_metadata:
        author_source = author_source or ("html:markup" if _search_metadata(tree, meta) else None)

    def extracted(tree, prune: list[str] | None):
        return _bare_extraction()(
            tree,
            url=url or meta.url,
            favor_recall=focus == "recall",
            favor_precision=focus == "precision",
            fast=focus == "fast",
            prune_xpath=prune,
            with_metadata=False,
            include_comments=False,
            include_tables=True,
            deduplicate=False,
        )

    def run(tree, prune: tuple[str, ...]) -> tuple[str, list | None, dict[str, int]]:
        """The extracted text, its lines' DOM marks (own extraction only) and its headings."""
        if focus == "own":  # cleaner's own extraction (cleaner/dom.py)
            return dom.main_text(tree, prune)
        doc = extracted(tree, list(prune) or None)
        if doc is None:  # no text, but what the page declares is still known
            return "", None, {}
        assert isinstance(doc, TrafDocument)  # (as_dict is not passed: a Document, never its dict)
        return doc.text or "", None, _headings(doc.body) if headings else {}

    text, marks, found = run(tree, prune_xpath)
    if prune_xpath and not text.strip():
        # the prune list removes hidden widgets; on a page whose whole body waits hidden for a
        # script (``<main hidden>``) it removed the article: extract again without it, from a new
        # parse (extraction changes the tree it is given; a copy on every page would cost more)
        tree = parse_html(html)
        if (
            tree is not None
            and len(html) > FLOOD_TREE_ELEMENTS * MIN_ELEMENT_CHARS
            and _elements(tree) > FLOOD_TREE_ELEMENTS
        ):
            thin_floods(tree)
        text, marks, found = run(tree, ()) if tree is not None else ("", None, {})
    if focus != "own":  # (the own extraction renders the whole page: a visible lead is in it)
        text = _with_lead(text, meta.description, html)
    title = meta.title or None
    if not title or len(title.split()) <= 1:  # a one-word title is usually a section label
        m = _TITLE_TAG.search(html[:100_000])
        if m and len(_html.unescape(m.group(1)).split()) > 1:
            title = " ".join(_html.unescape(m.group(1)).split())
    return Extracted(
        text=text,
        dom=marks,
        title=strip_site_suffix(title, meta.sitename, meta.hostname or url),
        date=meta.date or None,
        sitename=meta.sitename or None,
        url=url or meta.url or None,
        author=meta.author or None,
        author_source=author_source if meta.author else None,
        description=meta.description or None,
        categories=_terms(meta.categories),
        tags=_terms(meta.tags),
        headings=found if headings else {},
    )


def _headings(body) -> dict[str, int]:
    """The heading lines of trafilatura's extracted body (its ``head`` elements, ``rend="h2"``):
    text -> level, for Markdown output."""
    out: dict[str, int] = {}
    if body is None:
        return out
    for head in body.iter("head"):
        text = " ".join("".join(head.itertext()).split())
        rend = head.get("rend") or ""
        level = int(rend[1]) if len(rend) == 2 and rend[0] == "h" and rend[1] in "123456" else 2
        if text:
            out.setdefault(text, level)
    return out


def _terms(values) -> tuple[str, ...]:
    """Categories or tags one by one: a declared keywords list ("Corona, Kunden, Verkauf") split at
    its commas, blanks dropped, each term once, in page order."""
    out: dict[str, None] = {}
    for value in values or ():
        for term in str(value).split(","):
            term = " ".join(term.split())
            if term:
                out.setdefault(term, None)
    return tuple(out)


def _search_metadata(tree, meta: TrafDocument) -> bool:
    """trafilatura's ``extract_metadata`` searches of the markup for what the page did not declare:
    an author (in bylines and author classes), categories and tags (in links); True when it found
    the author. (Its licence search is left out: no record field holds one.)"""
    from trafilatura.metadata import extract_author, extract_catstags

    found = False
    if not meta.author:
        meta.author = extract_author(tree)
        found = bool(meta.author)
    if not meta.categories:
        meta.categories = extract_catstags("category", tree)
    if not meta.tags:
        meta.tags = extract_catstags("tag", tree)
    meta.clean_and_trim()
    return found


#: libxml2's HTML parser stops at this nesting depth ("Excessive depth in document: 256", and
#: XML_PARSE_HUGE only raises it to 2048), without an exception: the rest of the page is lost
PARSER_MAX_DEPTH = 256
_AT_MAX_DEPTH = "boolean(" + "/*" * PARSER_MAX_DEPTH + ")"  # one node set per level: linear
#: formatting tags that carry nothing extraction needs; a page nested past the limit (unclosed
#: "<span>" or "<font>" repeated) is parsed again without them
_FORMATTING_TAGS = re.compile(
    r"</?(?:span|font|b|i|u|s|em|strong|small|big|sub|sup|mark|tt|nobr|abbr|cite|q|del|ins)\b[^>]*>", re.IGNORECASE
)


#: trafilatura's parser options (trafilatura.utils.HTML_PARSER), for the parsers of our own
PARSER_OPTIONS = {
    "collect_ids": False,
    "default_doctype": False,
    "encoding": "utf-8",
    "remove_comments": True,
    "remove_pis": True,
}
_THREAD = threading.local()


def html_class_lookup() -> etree.ElementNamespaceClassLookup:
    """lxml.html's element classes (``HtmlElementClassLookup``: FormElement for "form", ...,
    HtmlElement otherwise; HtmlComment, HtmlProcessingInstruction, HtmlEntity) chosen in C. lxml.html's
    own lookup is a Python method called for every element Python touches for the first time -
    about 3,800 calls a page in trafilatura's extraction. Each tag with a class of its own is
    registered in every spelling of its case, as the Python lookup lowers the name."""
    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=lxml_html.HtmlElement,
            comment=lxml_html.HtmlComment,
            pi=lxml_html.HtmlProcessingInstruction,
            entity=lxml_html.HtmlEntity,
        )
    )
    registry = lookup.get_namespace(None)
    for tag, cls in lxml_html.HtmlElementClassLookup._default_element_classes.items():
        for spelling in {"".join(c) for c in itertools.product(*((ch.lower(), ch.upper()) for ch in tag))}:
            registry[spelling] = cls
    return lookup


def html_parser() -> lxml_html.HTMLParser:
    """A parser with trafilatura's options and lxml.html's element classes (``html_class_lookup``)."""
    parser = lxml_html.HTMLParser(**PARSER_OPTIONS)
    parser.set_element_class_lookup(html_class_lookup())
    return parser


class _InvalidXmlChars:
    """trafilatura's ``INVALID_XML_CHARS`` for its ``repair_faulty_html``, which substitutes it over
    the whole page: a page without such a character (nearly all; cleaner's input is scrubbed) is
    returned as it is after one compiled scan (``blockstats.xml_invalid``) instead of a regex pass."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern

    def sub(self, repl, string: str, count: int = 0) -> str:
        if not blockstats.xml_invalid(string):
            return string
        return self.pattern.sub(repl, string, count)


def _given_tree(tree):
    """What ``bare_extraction`` extracts from when handed a parsed tree: the tree itself, where
    trafilatura deep-copies it first to leave the caller's tree as it was. cleaner parses a tree for
    each extraction and reads nothing of it afterwards, so the copy (about 0.6 ms a page) is not
    needed; a copy of the root element is the same element tree without its document (the doctype,
    which no extraction step reads: cleaner's parser keeps no top-level comments or PIs)."""
    return tree


_BARE_EXTRACTION = None


def _bare_extraction():
    """trafilatura's ``bare_extraction`` - the same code - whose protective copy of a given tree is
    ``_given_tree`` (the one ``copy`` call in its body; the copies of its extraction steps, in the
    functions it calls, are untouched)."""
    global _BARE_EXTRACTION
    if _BARE_EXTRACTION is None:
        scope = dict(vars(trafilatura.core))
        scope["copy"] = _given_tree
        _BARE_EXTRACTION = _rebound(trafilatura.core.bare_extraction, scope)
    return _BARE_EXTRACTION


def _rebound(f, scope: dict):
    """The function ``f`` - its code, defaults and closure - reading its globals from ``scope``: how
    cleaner runs a trafilatura function with one of its module globals swapped, the module untouched."""
    g = types.FunctionType(f.__code__, scope, f.__name__, f.__defaults__, f.__closure__)
    g.__kwdefaults__ = f.__kwdefaults__
    return g


def thread_load_html():
    """trafilatura's ``load_html`` - the same code - bound to a parser of this thread's own.
    trafilatura parses every page with one module-level parser; a parser made in one thread and
    used in others gives their trees that thread's libxml2 string dictionary, which trees in
    several threads then change at once without a lock: one Cleaner used from four threads
    crashed ("double free or corruption", a segfault in htmldate) in about 1 of 20 runs."""
    load = getattr(_THREAD, "load_html", None)
    if load is None:
        utils = trafilatura.utils
        scope = dict(vars(utils))
        scope["HTML_PARSER"] = html_parser()
        scope["INVALID_XML_CHARS"] = _InvalidXmlChars(utils.INVALID_XML_CHARS)
        # load_html calls fromstring_bytes and repair_faulty_html: all three see the parser and the scan
        for name in ("fromstring_bytes", "repair_faulty_html", "load_html"):
            scope[name] = _rebound(getattr(utils, name), scope)
        load = _THREAD.load_html = scope["load_html"]
    return load


def parse_html(html: str):
    """trafilatura's ``load_html``, except that a page nested deeper than libxml2 parses is not
    silently cut where the parser stopped: it is parsed again without its formatting tags, and
    if that still stops, it is a BadInput (the rest of the page would be lost)."""
    load_html = thread_load_html()
    tree = load_html(html)
    if tree is None or not tree.xpath(_AT_MAX_DEPTH) or not _stops_at_depth(html):
        return tree
    flat = _FORMATTING_TAGS.sub("", html)
    tree = load_html(flat)
    if tree is not None and tree.xpath(_AT_MAX_DEPTH) and _stops_at_depth(flat):
        raise BadInput(
            f"HTML nested deeper than {PARSER_MAX_DEPTH} elements: the parser stops there "
            "and the rest of the page would be lost"
        )
    return tree


def _stops_at_depth(html: str) -> bool:
    """Whether libxml2 gives up on this page for its depth (a tree reaching the limit may not have
    passed it): a parse with a parser of our own, whose error log no other thread shares."""
    parser = lxml_html.HTMLParser(**PARSER_OPTIONS)
    lxml_html.fromstring(html.encode("utf-8", "replace"), parser=parser)
    return any("Excessive depth" in e.message for e in parser.error_log)


#: a tree with more elements than this (over one and a half times the largest benchmark page,
#: 15,793) has its floods thinned before extraction: trafilatura spends ~40 µs on every element,
#: so 500,000 "<br>" in a 2 MB page took 23 s
FLOOD_TREE_ELEMENTS = 25_000
MIN_ELEMENT_CHARS = 3  # "<p>": a page of fewer characters than 3 × the limit cannot pass it
#: this many identical childless siblings in a row are a flood (as collapse_floods for lines)
FLOOD_MIN_SIBLINGS = 20


def _elements(tree) -> int:
    return int(tree.xpath("count(//*)"))  # in libxml2: no Python object per element


def thin_floods(tree, min_run: int = FLOOD_MIN_SIBLINGS) -> int:
    """Keep the first of every run of at least ``min_run`` identical childless sibling elements
    (same tag, attributes, text and tail: "<br>" × 500,000, "<p>x</p>" × 250,000) and remove
    the rest; return how many went. Such a run is a generator's repetition and adds nothing an
    extractor could keep, but costs it time in every pass over the tree."""
    doomed = []
    for parent in tree.xpath(f"//*[count(*) >= {int(min_run)}]"):
        run: list = []
        key = None
        for child in parent:
            k = None if len(child) else (child.tag, child.text, child.tail, tuple(child.attrib.items()))
            if k is not None and k == key:
                run.append(child)
                continue
            if len(run) >= min_run:
                doomed.append((parent, run))
            run, key = [child], k
        if len(run) >= min_run:
            doomed.append((parent, run))
    removed = 0
    for parent, run in doomed:
        for el in run[1:]:
            parent.remove(el)
        removed += len(run) - 1
    return removed


def revise_paragraph_classification(paragraphs, max_heading_distance: int = MAX_HEADING_DISTANCE_DEFAULT) -> None:
    """jusText's context revision (``justext.core.revise_paragraph_classification``, which
    trafilatura's jusText fallback calls) with the same result, in linear time: jusText looks for
    each short paragraph's neighbours by walking the page, quadratic in a run of short paragraphs
    (a 0.8 MB page of many tags took a minute). The steps and their order are jusText's; each walk
    is replaced by a table of the nearest paragraph of the class it looks for."""
    n = len(paragraphs)
    before = [0] * (n + 1)  # characters of the paragraphs before each index
    for i, p in enumerate(paragraphs):
        before[i + 1] = before[i] + len(p.text)

    def good_within_reach(i: int, next_good: list) -> bool:
        # jusText walks on while the paragraphs passed hold at most max_heading_distance characters
        j = next_good[i]
        return j is not None and before[j] - before[i + 1] <= max_heading_distance

    # good headings (as in jusText, the paragraphs after a heading still hold their previous class here)
    next_good = _nearest_index([p.class_type for p in paragraphs], +1, ("good",))
    for i, p in enumerate(paragraphs):
        p.class_type = p.cf_class
        if p.heading and p.class_type == "short" and good_within_reach(i, next_good):
            p.class_type = "neargood"
    # short paragraphs take their class from their neighbours
    cls = [p.class_type for p in paragraphs]
    prev_gb, next_gb = _neighbours(cls, -1, ("good", "bad")), _neighbours(cls, +1, ("good", "bad"))
    prev_any = _neighbours(cls, -1, ("good", "bad", "neargood"))
    next_any = _neighbours(cls, +1, ("good", "bad", "neargood"))
    for i, c in enumerate(cls):
        if c != "short":
            continue
        if prev_gb[i] == "good" and next_gb[i] == "good":
            paragraphs[i].class_type = "good"
        elif prev_gb[i] == "bad" and next_gb[i] == "bad":
            paragraphs[i].class_type = "bad"
        elif (prev_gb[i] == "bad" and prev_any[i] == "neargood") or (next_gb[i] == "bad" and next_any[i] == "neargood"):
            paragraphs[i].class_type = "good"
        else:
            paragraphs[i].class_type = "bad"
    # near-good paragraphs, in page order: those before are revised already, those after not yet
    after = _neighbours([p.class_type for p in paragraphs], +1, ("good", "bad"))
    last = "bad"
    for i, p in enumerate(paragraphs):
        if p.class_type == "neargood":
            p.class_type = "bad" if last == "bad" and after[i] == "bad" else "good"
        if p.class_type in ("good", "bad"):
            last = p.class_type
    # more good headings
    next_good = _nearest_index([p.class_type for p in paragraphs], +1, ("good",))
    for i, p in enumerate(paragraphs):
        if p.heading and p.class_type == "bad" and p.cf_class != "bad" and good_within_reach(i, next_good):
            p.class_type = "good"


def _nearest_index(cls: list[str], step: int, stop: tuple[str, ...]) -> list:
    """For each index, the nearest other index in direction ``step`` whose class is in ``stop`` (None: none)."""
    out: list = [None] * len(cls)
    found = None
    for i in range(len(cls)) if step < 0 else range(len(cls) - 1, -1, -1):
        out[i] = found
        if cls[i] in stop:
            found = i
    return out


def _neighbours(cls: list[str], step: int, stop: tuple[str, ...]) -> list[str]:
    """jusText's neighbour class of each paragraph: the nearest one in ``stop``, "bad" past the page end."""
    return [cls[j] if j is not None else "bad" for j in _nearest_index(cls, step, stop)]


# trafilatura's jusText fallback calls the function by this name: the same result, in linear time
trafilatura.external.revise_paragraph_classification = revise_paragraph_classification


_SPACES = re.compile(r"[^\S\r\n]{2,}|[^\S \r\n]")  # a run of whitespace without a line break ...
_BROKEN_SPACES = re.compile(r"[ \r\n]*[\r\n][ \r\n]*")  # ... then one with, once the first are one space


def normalize_whitespace(text: str) -> str:
    """jusText's ``normalize_whitespace`` (a run of whitespace becomes "\n" if it holds a line
    break, else " ") with the same result, without a Python call per run: jusText computes a
    paragraph's text anew each time it is read, so a 1 MB line of words cost 4.8 million calls.
    Every run without a line break becomes one space first, so the second pattern never scans
    far from where it fails: both passes are linear."""
    if "\n" not in text and "\r" not in text:  # the common case, in C: str.split's whitespace is \s
        words = text.split()
        if not words:
            return " " if text else ""
        return (" " if text[0].isspace() else "") + " ".join(words) + (" " if text[-1].isspace() else "")
    return _BROKEN_SPACES.sub("\n", _SPACES.sub(" ", text))


# jusText's paragraphs (in trafilatura's fallback) call it by this name
justext.paragraph.normalize_whitespace = normalize_whitespace


class TagStrip:
    """trafilatura's ``HTML_STRIP_TAGS`` (``<!--.*?-->|<[^>]*>``) with the same matches in linear
    time. Every match ends with ">", so nothing after the string's last ">" can be part of one:
    that tail is passed over instead of searched, where each "<" in it would scan to the end of
    the string (a JSON-LD value of 1.9 million "<" took minutes)."""

    def __init__(self, regex: re.Pattern):
        self.regex = regex
        self.pattern = regex.pattern

    def sub(self, repl, string: str, count: int = 0) -> str:
        end = string.rfind(">") + 1
        return self.regex.sub(repl, string[:end], count) + string[end:]


#: the modules that bound trafilatura.utils.HTML_STRIP_TAGS at import; each gets the linear one
TAG_STRIP_USERS = (trafilatura.json_metadata, trafilatura.metadata)
for _module in TAG_STRIP_USERS:
    if isinstance(getattr(_module, "HTML_STRIP_TAGS", None), re.Pattern):
        # a patch of a trafilatura module attribute that mypy does not see as assignable
        _module.HTML_STRIP_TAGS = TagStrip(_module.HTML_STRIP_TAGS)  # type: ignore[attr-defined]


def _swap_xpath(func, old: str, new: str) -> bool:
    """Swap one XPath string constant in a trafilatura function's code for an equivalent one.
    ``//p//text()`` costs libxml2 time quadratic in the number of ``<p>`` (it merges one node set
    per paragraph: 40,000 paragraphs 1.5 s, 80,000 7.7 s per call), while ``//text()[ancestor::p]``
    selects the same nodes in the same order in linear time. False if the constant is not there
    (another trafilatura version): the function is then left as it is."""
    code = func.__code__
    if old not in code.co_consts:
        return False
    func.__code__ = code.replace(co_consts=tuple(new if c == old else c for c in code.co_consts))
    return True


#: the trafilatura functions whose quadratic XPath is swapped: (function, old, new); XPATH_SWAPPED
#: says which swaps took effect
XPATH_SWAPS = [
    # from the document root: every <p> is a descendant of the root, so the sets are equal
    (trafilatura.main_extractor._extract, "//p//text()", "//text()[ancestor::p]"),
    # only tested for emptiness: boolean() stops at the first text node found
    (trafilatura.external._prefer_readability, ".//p//text()", "boolean(.//p//text())"),
]
XPATH_SWAPPED = [_swap_xpath(*swap) for swap in XPATH_SWAPS]


def page_metadata(tree, url: str | None) -> TrafDocument:
    """trafilatura's ``extract_metadata`` by the same functions in the same order, but for its markup
    searches for an author, categories and tags (``_search_metadata``: 4.7 ms a page on average,
    three times the rest) and its licence: title, URL, date, site name, description, and the author, categories
    and tags the page declares in meta tags and JSON-LD."""
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:  # (trafilatura's rule: a one-word author is no name)
        meta.author = None
    try:
        meta = extract_meta_json(tree, meta)
    except Exception:  # noqa: BLE001 - trafilatura guards its JSON-LD parser the same way
        pass
    if not meta.title:
        meta.title = extract_title(tree)
    if not meta.url:
        meta.url = extract_url(tree, url)
    if meta.url:
        meta.hostname = extract_domain(meta.url, fast=True)
    meta.date = find_date(tree, url=meta.url, **DATE_PARAMS)
    if not meta.sitename:
        meta.sitename = extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")
        if meta.sitename and "." not in meta.sitename and not meta.sitename[0].isupper():
            meta.sitename = meta.sitename.title()
    elif meta.url:
        m = META_URL.match(meta.url)
        if m:
            meta.sitename = m[1]
    meta.clean_and_trim()
    return meta


def collapse_spaces(text: str) -> str:
    """``_SPACE.sub(" ", text)``: every run of whitespace one space, ends included. str.split()
    and the regex ``_SPACE`` take the same characters for whitespace (both Py_UNICODE_ISSPACE), and the
    split runs in C without a match object per run: 5-10x faster on a page's HTML."""
    words = text.split()
    if not words:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + " ".join(words) + (" " if text[-1].isspace() else "")


def _with_lead(text: str, description: str | None, html: str) -> str:
    """Extractors often skip the lead paragraph when a site marks it up as a "teaser" outside the
    article body. If the meta description is visible in the body but missing from the extraction,
    it is that lead: put it first."""
    if not text or not description or len(description) < LEAD_MIN_CHARS:
        return text
    desc = collapse_spaces(description).strip()
    if desc[:LEAD_PROBE_CHARS] in collapse_spaces(text):
        return text
    m = _BODY.search(html)
    body = collapse_spaces(_html.unescape(html[m.start() :] if m else html))
    if ">" + desc[:LEAD_PROBE_CHARS] not in body.replace("> ", ">"):
        return text
    return desc + "\n" + text


def strip_site_suffix(title: str | None, sitename: str | None, host: str | None) -> str | None:
    """'Corona-Lockerungen: Autohäuser ... | MDR.DE' -> 'Corona-Lockerungen: Autohäuser ...': a
    short last part naming the site (its name or its domain) is not part of the article title."""
    if not title:
        return None
    names = {n.lower() for n in (sitename, host) if n}
    names |= {n.split("//")[-1].split("/")[0].removeprefix("www.").split(".")[0] for n in names}
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    last = parts[-1].strip().lower()
    if len(last.split()) <= SITE_SUFFIX_MAX_WORDS and any(n and (n in last or last in n) for n in names):
        stripped = title[: title.lower().rfind(last)].rstrip(" |–—-:·•»")
        return stripped or title
    return title
