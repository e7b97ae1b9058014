"""HTML path: trafilatura finds the article and its metadata; our block rules then clean its output,
since trafilatura leaves most-read lists, teasers and credits in place on many German sites."""
from __future__ import annotations

import html as _html
import re
from dataclasses import dataclass

import trafilatura

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


def extract_html(html: str, url: str | None = None, prune_xpath: tuple[str, ...] = (),
                 focus: str = "balanced") -> Extracted:
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        favor_recall=focus == "recall",
        favor_precision=focus == "precision",
        fast=focus == "fast",
        # htmldate's extensive search scans the whole text for any date: slow (halves throughput)
        # and a guess; without it the date comes from markup and metadata, else from our datelines
        date_extraction_params={"extensive_search": False, "original_date": True},
        prune_xpath=list(prune_xpath) or None,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        deduplicate=False,
    )
    if doc is None:
        return Extracted("", None, None, None, url)
    title = doc.title or None
    if not title or len(title.split()) <= 1:  # a one-word title is usually a section label
        m = _TITLE_TAG.search(html[:100_000])
        if m and len(_html.unescape(m.group(1)).split()) > 1:
            title = " ".join(_html.unescape(m.group(1)).split())
    return Extracted(
        text=_with_lead(doc.text or "", doc.description, html),
        title=strip_site_suffix(title, doc.sitename, doc.hostname or url),
        date=doc.date or None,
        sitename=doc.sitename or None,
        url=url or doc.url or None,
    )


def _with_lead(text: str, description: str | None, html: str) -> str:
    """Extractors often skip the lead paragraph when a site marks it up as a "teaser" outside the
    article body. If the meta description is visible in the body but missing from the extraction,
    it is that lead: put it first."""
    if not text or not description or len(description) < LEAD_MIN_CHARS:
        return text
    desc = _SPACE.sub(" ", description).strip()
    if desc[:LEAD_PROBE_CHARS] in _SPACE.sub(" ", text):
        return text
    m = _BODY.search(html)
    body = _SPACE.sub(" ", _html.unescape(html[m.start():] if m else html))
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
