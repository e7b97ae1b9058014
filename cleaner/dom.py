"""cleaner's own HTML extraction (``html_extraction="own"``): the whole page as text lines, each line
marked by the markup it stands in; the block model then judges the lines, reading the marks.

Why: trafilatura's extraction alone takes more than the whole HTML-mode budget of issue 29 (20 ms a
page against 16.7 for 1.3x its rate): most of it is XPath with EXSLT regexes (each test a call back
into Python), a rebuilt output tree, comment extraction, and fallbacks. This module keeps its
vocabulary - the same tag lists and class/id tokens (``trafilatura.settings``, ``trafilatura.xpaths``,
pinned below 2.4 in pyproject) - and tests it in one pass over the elements that carry attributes.
Nothing is cut on a name: cutting (trafilatura's discard and main-frame choice) lost 4 points of the
gold's words on ScrapingHub and scored lower held out than marking (bench/RESULTS.md, log #260-#261).

Stages, top to bottom: ``strip`` (tags removed with their content - but for a wrapper holding the page -
tags unwrapped), ``marked_elements``
(elements whose class, id, role or style names boilerplate), ``main_frame`` (the first frame, in
trafilatura's order of preference, holding enough text), ``render`` (a line per block element and
``<br>``, each with its ``MARKS``).
"""

from __future__ import annotations

import re

import trafilatura.xpaths as _tx
from lxml import etree
from lxml.etree import XPath
from trafilatura.settings import MANUALLY_CLEANED, MANUALLY_STRIPPED
from trafilatura.xml import delete_element

from .prefilter import LiteralGate

#: removed with their content: trafilatura's list (asides, footers, navigation, forms, scripts, media)
CLEANED = tuple(MANUALLY_CLEANED)
#: unwrapped, their text kept (inline formatting, images); table sections stay (rows are lines)
STRIPPED = tuple(t for t in MANUALLY_STRIPPED if t not in ("tbody", "thead", "tfoot"))
#: a main frame needs this much text, else the next candidate (trafilatura's min_extracted_size)
MIN_FRAME_CHARS = 250
#: elements whose own line ends before and after them
BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol option p "
    "pre section summary table tr ul".split()
)
#: table cells: a row is one line, its cells apart by a space
CELL_TAGS = frozenset(("td", "th"))
HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
#: the tags trafilatura's class/id tests apply to (its ``item``/``list`` are ``li``/``ul``...)
_CONTAINER_TAGS = frozenset("div li ul ol dl p section span".split())


class _Tokens:
    """An alternation of trafilatura's class/id tokens (regexes), searched behind a literal gate
    (``cleaner.prefilter.LiteralGate``, a superset of the tokens that match): most attribute values
    hold none of the tokens' literals, and one compiled scan says so where the alternation's search
    tries every token at every position (8 us a tested element, 2 of 4 ms of the extraction).
    ``search`` answers as the alternation does."""

    def __init__(self, tokens):
        self.regex = re.compile("|".join(tokens))
        self.gate = LiteralGate([re.compile(t) for t in tokens])

    def search(self, text: str) -> bool:
        return self.gate.candidates(text) != 0 and self.regex.search(text) is not None


# trafilatura's OVERALL_DISCARD_XPATH and TEASER_DISCARD_XPATH, as Python regexes over attributes
_ID = _Tokens(_tx._OVERALL_DISCARD_BOTH_TOKENS + _tx._OVERALL_DISCARD_ID_TOKENS)
_CLASS = _Tokens(_tx._OVERALL_DISCARD_BOTH_TOKENS + _tx._OVERALL_DISCARD_CLASS_TOKENS)
_CONSENT = _Tokens(_tx._CONSENT_ID_CLASS_TOKENS)
_HIDDEN_CLASS = _Tokens(
    r"^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-|hide-print| hidden| hide|noprint|notloaded".split(
        "|"
    )
)
_HIDDEN_ID = _Tokens("reader-comments|akismet|hidden".split("|"))
_WITH_ATTRIBUTES = XPath(
    "//*[@class or @id or @style or @role or @aria-hidden or @data-component or @data-lp-replacement-content]"
)

# trafilatura's BODY_XPATH, in its order of preference: (id regex, class regex, exact classes, exact ids)
_FRAME_TESTS = (
    (
        _Tokens(_tx._ARTICLE_CONTENT_ID_TOKENS),
        _Tokens(_tx._ARTICLE_CONTENT_CLASS_TOKENS),
        frozenset(("post", "entry")),
        frozenset(("articleContent",)),
    ),
    (
        _Tokens(_tx._STORY_ID_TOKENS),
        _Tokens((*_tx._STORY_CLASS_TOKENS, "(?i:fulltext)")),
        frozenset(("postarea", "art-postcontent", "text", "cell", "story")),
        frozenset(("article", "story")),
    ),
    (
        _Tokens((*_tx._MAIN_CONTENT_ID_TOKENS, "(?i:main-content)")),
        _Tokens((*_tx._MAIN_CONTENT_CLASS_TOKENS, "(?i:main-content)", "(?i:page-content)")),
        frozenset(("content",)),
        frozenset(("content",)),
    ),
)
#: the elements a main frame can be, in document order
_FRAME_TAGS = ("article", "div", "main", "section")
_NO_FRAME = 9


def _matches(test, cls: str | None, id_: str | None) -> bool:
    id_re, class_re, classes, ids = test
    return (
        cls in classes
        or id_ in ids
        or (id_ is not None and bool(id_re.search(id_)))
        or (cls is not None and bool(class_re.search(cls)))
    )


def discarded(el) -> bool:
    """Whether the element's markup names it boilerplate (trafilatura's discard tests)."""
    a = el.attrib
    cls, id_, style = a.get("class"), a.get("id"), a.get("style")
    if cls == "comments-title" or a.get("aria-hidden") == "true":
        return True
    first = next((a[k] for k in a.keys() if k == "id" or k == "class"), None)  # XPath's @id|@class
    if first is not None and first.startswith("reply-"):
        return True
    if id_ is not None and _HIDDEN_ID.search(id_):
        return True
    if style is not None and ("hidden" in style or "display:none" in style or "display: none" in style):
        return True
    if cls is not None and _HIDDEN_CLASS.search(cls):
        return True
    if el.tag not in _CONTAINER_TAGS:
        return False
    if "data-lp-replacement-content" in a:
        return True
    role, component = a.get("role"), a.get("data-component")
    if role is not None and "nav" in role.replace("N", "n"):
        return True
    if component is not None and "MostPopularStories" in component:
        return True
    if first is not None and _CONSENT.search(first):
        return True
    if id_ is not None and (_ID.search(id_) or "teaser" in id_.replace("T", "t")):
        return True
    return cls is not None and bool(_CLASS.search(cls) or "teaser" in cls.replace("T", "t"))


#: the CLEANED tags that can wrap a page's content: a form around a whole ASP.NET page, a noscript
#: holding the text of a page built by script, a nav or button left open by broken markup
WRAPPERS = tuple(
    t
    for t in CLEANED
    if t in "aside button dialog fieldset figure footer form label map menu nav noindex noscript".split()
)
#: a page whose text lies in its wrappers but for less than this share is inside them (removing
#: them would leave next to nothing) ...
MIN_KEPT_SHARE = 0.1
#: ... and a wrapper holding more than this share of its text is then the page's layout: unwrapped
MAX_WRAPPER_SHARE = 0.5


def _outermost_text(elements: list, sizes: list[int]) -> int:
    """The text of ``elements`` (in document order, ``sizes`` their text lengths) not counted twice:
    the sum over those inside none of the others."""
    outer: set = set()
    total = 0
    for el, n in zip(elements, sizes):
        if not any(a in outer for a in el.iterancestors()):
            outer.add(el)
            total += n
    return total


def strip(tree, max_share: float = MAX_WRAPPER_SHARE, min_kept: float = MIN_KEPT_SHARE) -> None:
    """CLEANED elements removed with their content, then STRIPPED tags unwrapped. Kept as a ``div``
    (its lines judged like any other): a figure holding a table (as trafilatura keeps it), and on a
    page that removing the wrappers would leave with less than ``min_kept`` of its text, every
    wrapper holding more than ``max_share`` of it. (Where trafilatura removes such a wrapper its
    fallback extractors recover the page; this extraction has none.)"""
    etree.strip_elements(tree, *(t for t in CLEANED if t not in WRAPPERS), with_tail=False)
    wrappers = list(tree.iter(*WRAPPERS))
    if wrappers:
        body = tree.find("body")
        total = len((tree if body is None else body).text_content())
        sizes = [len(el.text_content()) for el in wrappers]
        layout = [el for el, n in zip(wrappers, sizes) if n > max_share * total]
        if layout and total - _outermost_text(wrappers, sizes) < min_kept * total:
            for el in layout:
                el.tag = "div"
        for el in wrappers:
            if el.tag == "figure" and el.find(".//table") is not None:
                el.tag = "div"
        etree.strip_elements(tree, *WRAPPERS, with_tail=False)
    etree.strip_tags(tree, *STRIPPED, etree.Comment, etree.ProcessingInstruction)


#: a boilerplate-named element holding more than this share of the page's text is its layout, not marked
MAX_MARKED_SHARE = 0.5


def marked_elements(root, max_share: float = MAX_MARKED_SHARE) -> set:
    """The elements ``discarded`` names, but for those holding more than ``max_share`` of the text
    (a wrapper named "page-bar" around the whole page)."""
    hits = [e for e in _WITH_ATTRIBUTES(root) if isinstance(e.tag, str) and discarded(e)]
    if not hits:
        return set()
    limit = len(root.text_content()) * max_share
    return {e for e in hits if len(e.text_content()) <= limit}


def frame_rank(el) -> int:
    """Which of trafilatura's main-frame expressions the element matches first (``_NO_FRAME``: none)."""
    a = el.attrib
    cls, id_ = a.get("class"), a.get("id")
    if a.get("itemprop") == "articleBody" or _matches(_FRAME_TESTS[0], cls, id_):
        return 0
    if el.tag == "article":
        return 1
    if a.get("role") == "article" or _matches(_FRAME_TESTS[1], cls, id_):
        return 2
    if _matches(_FRAME_TESTS[2], cls, id_):
        return 3
    if el.tag == "main" or any((a.get(k) or "").startswith("main") for k in ("class", "id", "role")):
        return 4
    return _NO_FRAME


def main_frame(root, min_chars: int = MIN_FRAME_CHARS):
    """The first element of the best-ranked kind holding ``min_chars`` of text, else ``root``."""
    first: dict[int, object] = {}
    for el in root.iter(*_FRAME_TAGS):
        if not el.attrib and el.tag in ("div", "section"):  # (ranked by its attributes alone)
            continue
        rank = frame_rank(el)
        if rank != _NO_FRAME and rank not in first:
            first[rank] = el
    for rank in sorted(first):
        if len(first[rank].text_content()) >= min_chars:  # type: ignore[attr-defined]
            return first[rank]
    return root


#: a line's innermost block element, as the model's ``dom_tag`` column
TAG_CODES = {
    **{h: 1 for h in HEADING_TAGS},
    "li": 2,
    "dt": 2,
    "dd": 2,
    "p": 3,
    "td": 4,
    "th": 4,
    "tr": 4,
    "table": 4,
    "caption": 4,
    "blockquote": 5,
    "pre": 6,
}
#: what ``render`` measures of each line, in this order (``Extracted.dom``, the model's DOM columns)
MARKS = ("in_frame", "marked", "link_share", "tag")


def render(root, frame=None, marked=frozenset()) -> tuple[list[str], list[tuple[float, ...]], dict[str, int]]:
    """The text under ``root`` a line per block element (whitespace folded), for each line its ``MARKS``,
    and the headings (text -> level). The marks: whether it lies in ``frame`` (the main frame) and in
    an element of ``marked`` (markup that names boilerplate) where its text starts, the share of its
    characters inside links, and the code of its innermost block element (``TAG_CODES``)."""
    lines: list[str] = []
    marks: list[tuple[float, ...]] = []
    headings: dict[str, int] = {}
    run: list[str] = []
    state = [0, 0, 0]  # open: frame, marked elements, links
    blocks: list[str] = []
    start: list[tuple[int, int]] = []  # (in frame, marked) where the line's text starts
    link_chars = [0]

    def add(text: str) -> None:
        if not run:
            start[:] = [(state[0], state[1])]
        run.append(text)
        if state[2]:
            link_chars[0] += len(text)

    def flush() -> None:
        if run:
            raw = "".join(run)
            line = " ".join(raw.split())
            if line:
                lines.append(line)
                in_frame, in_marked = start[0]
                share = min(1.0, link_chars[0] / max(1, len(raw.strip())))
                marks.append(
                    (
                        float(in_frame > 0),
                        float(in_marked > 0),
                        share,
                        float(TAG_CODES.get(blocks[-1], 0) if blocks else 0),
                    )
                )
            run.clear()
        link_chars[0] = 0

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):
            if event == "end" and el.tail:
                add(el.tail)
            continue
        if event == "start":
            if el is frame:
                state[0] += 1
            if el in marked:
                state[1] += 1
            if tag == "a":
                state[2] += 1
            if tag in BLOCK_TAGS or tag == "br":
                flush()
            if tag in BLOCK_TAGS:
                blocks.append(tag)
            if el.text:
                add(el.text)
        else:
            if tag in BLOCK_TAGS:
                if tag in HEADING_TAGS and run:
                    text = " ".join("".join(run).split())
                    if text:
                        headings.setdefault(text, int(tag[1]))
                flush()
                blocks.pop()
            elif tag in CELL_TAGS:
                add(" ")
            if tag == "a":
                state[2] -= 1
            if el in marked:
                state[1] -= 1
            if el is frame:
                state[0] -= 1
            if el.tail:
                add(el.tail)
    flush()
    return lines, marks, headings


def main_text(tree, prune_xpath: tuple[str, ...] = ()) -> tuple[str, list[tuple[float, ...]], dict[str, int]]:
    """The page's text as lines, each line's ``MARKS``, and its headings. Nothing but the prune list
    and the tag lists is removed: the block model reads the marks. Changes the tree."""
    for expression in prune_xpath:
        for el in tree.xpath(expression):
            delete_element(el)  # (its tail text stays)
    strip(tree)
    body = tree.find("body")
    root = tree if body is None else body
    marked = marked_elements(root)
    frame = main_frame(root)
    lines, marks, headings = render(root, None if frame is root else frame, marked)
    return "\n".join(lines), marks, headings
