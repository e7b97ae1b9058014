"""The page's address as a title anchor: news and blog URLs carry the headline as a slug
("/2019/11/19/michigan-officials-6th-fatality-linked-to-eee/"). The line that best matches the slug
is most likely the title; teasers, menus and kickers sit above it, the article below. Text dumps
usually keep their URL in the corpus metadata even when all markup is gone."""

from __future__ import annotations

import re
import unicodedata
from typing import Sequence
from urllib.parse import unquote, urlparse

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_HAS_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
#: German slugs spell umlauts out ("vizepraesidentin"); the text keeps them ("Vizepräsidentin")
_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_HAS_UMLAUT = re.compile(r"[äöüßẞ]", re.IGNORECASE)  # only such lines need the second spelling
#: path words that are file types or site furniture, not part of a headline
SLUG_NOISE = frozenset({"html", "htm", "php", "aspx", "asp", "shtml", "jsp", "amp", "www", "index"})
#: a slug needs this many words to name a headline ("/news/", "/about-us/" do not)
SLUG_MIN_TOKENS = 3
#: the best line must match the slug at least this well (F-score of shared words) to be the title
SLUG_TITLE_MIN = 0.5
#: lines longer than this are paragraphs, not titles (a lead may repeat the headline's words)
SLUG_TITLE_MAX_WORDS = 40


def _fold(text: str, transliterate: bool) -> str:
    text = text.lower()
    if text.isascii():  # nothing to transliterate, decompose or drop
        return text
    if transliterate:
        text = text.translate(_TRANSLITERATE)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def slug_tokens(url: str | None) -> list[str]:
    """The words of the URL path segment with the most words; [] when no segment has enough."""
    if not url or "://" not in url:
        return []
    best: list[str] = []
    for segment in unquote(urlparse(url).path).split("/"):
        tokens = [t for t in _TOKEN.findall(_fold(segment, False)) if not t.isdigit() and t not in SLUG_NOISE]
        if len(tokens) > len(best):
            best = tokens
    return best if len(best) >= SLUG_MIN_TOKENS else []


def slug_match(slug: Sequence[str], text: str) -> float:
    """F-score of the words a line shares with the slug (either spelling of umlauts); 0 for a line
    holding an address (a "read more" link repeats the slug word for word)."""
    if not slug or _HAS_URL.search(text):
        return 0.0
    wanted = set(slug)
    best = 0.0
    for transliterate in (False, True) if _HAS_UMLAUT.search(text) else (False,):
        tokens = _TOKEN.findall(_fold(text, transliterate))
        if not tokens:
            return 0.0
        have = set(tokens)
        recall = sum(t in have for t in wanted) / len(wanted)
        precision = sum(t in wanted for t in tokens) / len(tokens)
        if recall + precision:
            best = max(best, 2 * recall * precision / (recall + precision))
    return best


def slug_columns(texts: Sequence[str], words: Sequence[int], url: str | None) -> tuple[list[float], list[float]]:
    """Per line: how well it matches the slug (-1 without a usable slug), and its side of the slug
    title (-1 above, 0 the title, 1 below; -2 when no line matches well enough)."""
    slug = slug_tokens(url)
    n = len(texts)
    if not slug:
        return [-1.0] * n, [-2.0] * n
    match = [slug_match(slug, t) if w <= SLUG_TITLE_MAX_WORDS else 0.0 for t, w in zip(texts, words)]
    best = max(match, default=0.0)
    if best < SLUG_TITLE_MIN:
        return match, [-2.0] * n
    title = match.index(best)  # the first line with the best match
    return match, [-1.0 if i < title else (0.0 if i == title else 1.0) for i in range(n)]
