"""Metadata with provenance: date, outlet, language.

Dates come only from the article itself (its header or dateline), from HTML metadata, or from the
input's own metadata - never from a removed teaser, and never guessed.
"""
from __future__ import annotations

import datetime as _dt
from urllib.parse import urlsplit

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from .classify import DATELINE_WINDOW  # a paragraph's dateline stands within its first characters
from .document import BOILERPLATE, TITLE, Block
from .ruleset import LanguageRules, Outlet, Rules

DetectorFactory.seed = 0  # langdetect samples at random: a fixed seed makes it deterministic

#: dates outside this range are not article dates (typos, placeholders); fixed rather than taken
#: from the clock so that the same input gives the same output on any day
MIN_YEAR = 1990
MAX_YEAR = 2035
#: only the first kept paragraphs may carry the article's dateline
DATELINE_PARAGRAPHS = 3
#: a byline this many blocks away from the nearest kept block is not the article's (footer, sidebar)
BYLINE_MAX_DISTANCE = 3


def _plausible(d: _dt.date) -> bool:
    return MIN_YEAR <= d.year <= MAX_YEAR


def text_date(blocks: list[Block], rules: LanguageRules) -> tuple[str | None, str | None]:
    """The article's own date: a byline/date line near the article, else a dateline that opens one
    of the first paragraphs. Blocks dropped for any other reason are never looked at."""
    kept = [b.index for b in blocks if b.kept or b.label == TITLE]
    if not kept:
        return None, None
    for b in blocks:
        if b.label == BOILERPLATE and b.category == "byline":
            if min(abs(b.index - k) for k in kept) > BYLINE_MAX_DISTANCE:
                continue
            for d, _ in rules.find_dates(b.text):
                if _plausible(d):
                    return d.isoformat(), f"text:byline (line {b.line})"
    paragraphs = [b for b in blocks if b.kept][:DATELINE_PARAGRAPHS]
    for b in paragraphs:
        for d, pos in rules.find_dates(b.text[:DATELINE_WINDOW + 20]):
            if pos <= DATELINE_WINDOW and _plausible(d):
                return d.isoformat(), f"text:dateline (line {b.line})"
    return None, None


def normalise_date(value: str | None) -> str | None:
    """An ISO date (YYYY-MM-DD) from metadata strings such as '2019-01-16T10:00:00+01:00'."""
    if not value:
        return None
    try:
        d = _dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
    return d.isoformat() if _plausible(d) else None


# ------------------------------------------------------------------------------------------ outlet


def hostname(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def _domain_match(host: str, outlet: Outlet) -> bool:
    return any(host == d or host.endswith("." + d) for d in outlet.domains)


def outlet_for(rules: Rules, raw_text: str, url: str | None, sitename: str | None) -> tuple[Outlet | None, str | None, str | None]:
    """(registry entry, name, provenance). Registry by URL domain, then registry by text signature,
    then the HTML site name, then the bare host name."""
    host = hostname(url)
    if host:
        for outlet in rules.outlets:
            if _domain_match(host, outlet):
                return outlet, outlet.name, "url:domain"
    counts = rules.signature_counts(raw_text.lower())
    for i, outlet in enumerate(rules.outlets):
        if counts.get(i, 0) >= outlet.min_hits:
            return outlet, outlet.name, "text:signature"
    if sitename:
        return None, sitename, "html:sitename"
    if host:
        return None, host, "url:hostname"
    return None, None, None


# ------------------------------------------------------------------------------------------ language


def language(text: str, sample_chars: int) -> tuple[str | None, float | None]:
    """langdetect on the first ``sample_chars`` of the cleaned text (bounded cost), seeded."""
    sample = text[:sample_chars]
    if len(sample.split()) < 3:
        return None, None
    try:
        best = detect_langs(sample)[0]
    except LangDetectException:
        return None, None
    return best.lang.split("-")[0], round(best.prob, 4)
