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


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None
    date: str | None
    sitename: str | None
    url: str | None


def extract_html(html: str, url: str | None = None) -> Extracted:
    doc = trafilatura.bare_extraction(
        html,
        url=url,
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
        text=doc.text or "",
        title=strip_site_suffix(title, doc.sitename, doc.hostname or url),
        date=doc.date or None,
        sitename=doc.sitename or None,
        url=url or doc.url or None,
    )


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
