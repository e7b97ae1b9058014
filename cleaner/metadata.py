"""Metadata with provenance: date, outlet, language.

Dates come only from the article itself (its header or dateline), from HTML metadata, or from the
input's own metadata - never from a removed teaser, and never guessed.
"""

from __future__ import annotations

import datetime as _dt
import re
import threading
from urllib.parse import urlsplit

from langdetect import DetectorFactory, detect_langs, detector_factory
from langdetect.lang_detect_exception import LangDetectException

from . import langid
from .classify import rule_text
from .thresholds import DEFAULTS, Thresholds
from .document import BOILERPLATE, TITLE, Block
from .ruleset import LanguageRules, Outlet, Rules
from .settings import Settings
from .tokens import is_cjk, is_kana, words

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


def text_date(blocks: list[Block], rules: LanguageRules, t: Thresholds = DEFAULTS) -> tuple[str | None, str | None]:
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
        for d, pos in rules.find_dates(b.text[: t.dateline_window + 20]):  # (a dateline opens its paragraph)
            if pos <= t.dateline_window and _plausible(d):
                return d.isoformat(), f"text:dateline (line {b.line})"
    return None, None


def text_author(blocks: list[Block], rules: LanguageRules) -> tuple[str | None, str | None]:
    """The author a byline names: the first block a line rule with an ``author`` group in its pattern
    dropped (rules/README.md), not inside a section (a teaser's byline is the teaser's), near the article."""
    by_id = rules.author_rules()
    kept: list[int] | None = None
    for b in blocks:
        rule = by_id.get(b.rule or "")
        if rule is None or b.section is not None or b.label != BOILERPLATE:
            continue
        if kept is None:
            kept = [k.index for k in blocks if k.kept or k.label == TITLE]
        if not kept or min(abs(b.index - k) for k in kept) > BYLINE_MAX_DISTANCE:
            continue
        m = rule.regex.search(rule_text(b.text))
        name = _name(m.group("author"), rules) if m and m.group("author") else None
        if name:
            return name, f"text:byline (line {b.line})"
    return None, None


#: words after a byline's name that start its date or time ("Jane Doe on May 3", "Max Muster am 3. Mai")
_AFTER_NAME = frozenset({"on", "at", "am", "um", "vom", "posted", "published", "updated", "min", "read"})


def _name(text: str, rules: LanguageRules) -> str | None:
    """The name at the start of a byline's author group: up to a word with a digit, a month name
    (not as the first word: "Jan Müller") or a date word, its trailing punctuation gone; None unless a word of it is capitalised (a sentence
    that starts with "by ..." names no one)."""
    words: list[str] = []
    for word in text.split():
        bare = word.strip(".,;:|·•–—()").lower()
        if any(ch.isdigit() for ch in word) or (words and bare in rules.months) or bare in _AFTER_NAME:
            break
        words.append(word)
    name = " ".join(words).rstrip(".,;:|·•–—-( ")
    return name if any(w[:1].isupper() for w in name.split()) else None


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


def outlet_for(
    rules: Rules, raw_text: str, url: str | None, sitename: str | None
) -> tuple[Outlet | None, str | None, str | None]:
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


#: a sample whose word tokens (Han and kana characters one by one, cleaner/tokens.py) are at least
#: this share Han, kana or Hangul is Chinese, Japanese or Korean
SCRIPT_MIN_SHARE = 0.5
#: ... Japanese when kana are at least this share of its Han and kana (Chinese has none)
KANA_MIN_SHARE = 0.1
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


def script_language(sample: str) -> str | None:
    """zh, ja or ko when the sample is written mostly in that language's script, else None.
    langdetect can misread a short CJK sample with a few Latin names in it (a Chinese
    encyclopaedia article came out as Vietnamese); the script itself cannot be misread."""
    tokens = [t for t in words(sample) if not t.isdigit()]
    if not tokens:
        return None
    cjk = [t for t in tokens if is_cjk(t)]
    hangul = sum(1 for t in tokens if _HANGUL.match(t))
    if hangul >= SCRIPT_MIN_SHARE * len(tokens):
        return "ko"
    if len(cjk) >= SCRIPT_MIN_SHARE * len(tokens):
        kana = sum(1 for t in cjk if is_kana(t))
        return "ja" if kana >= KANA_MIN_SHARE * len(cjk) else "zh"
    return None


_LANGDETECT_LOCK = threading.Lock()
_langdetect_ready = False


def init_language_detection() -> None:
    """Load langdetect's profiles now, once per process, under a lock. langdetect publishes its
    factory before it has loaded the profiles into it: a thread detecting meanwhile read a half-loaded
    set (German came out as "af", the first profile loaded) - one Cleaner used from four threads right
    after it was made gave wrong languages. ``Cleaner()`` calls this; ``language`` too, for callers
    that use it alone."""
    global _langdetect_ready
    if _langdetect_ready:
        return
    with _LANGDETECT_LOCK:
        if not _langdetect_ready:
            detector_factory.init_factory()
            _langdetect_ready = True


def language(text: str, sample_chars: int, identifier: str = Settings.language_id) -> tuple[str | None, float | None]:
    """langdetect (or with ``identifier="fasttext"`` fastText, cleaner/langid.py) on the first
    ``sample_chars`` of the cleaned text (bounded cost), seeded; the script decides for Chinese,
    Japanese and Korean (probability: the identifier's for that language, None when not listed)."""
    sample = text[:sample_chars]
    script = script_language(sample)
    if len(sample.split()) < 3 and script is None:
        return None, None
    if identifier == langid.FASTTEXT:
        return langid.fasttext_language(sample, script)
    if identifier != langid.LANGDETECT:
        raise ValueError(f"unknown language identifier {identifier!r}")
    init_language_detection()
    try:
        found = detect_langs(sample)
    except LangDetectException:
        return script, None
    if script is None:
        return found[0].lang.split("-")[0], round(found[0].prob, 4)
    prob = sum(c.prob for c in found if c.lang.split("-")[0] == script)
    return script, round(prob, 4) if prob else None
