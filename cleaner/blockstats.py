"""Per-block counts behind the block features, from the compiled pass in ``_blockstats.c`` when it
was built, else from the pure-Python reference below.

The counts (letters, capitals, digits, punctuation, tokens, stopword hits, URL characters, ...) were
the largest Python cost per block; the compiled pass makes one loop over the str's code points with
the predicates CPython's str methods and ``re`` use, so it gives the same integers for every string
(tests/test_blockstats.py, ``bench/blockstats_check.py``). Ratios are divided and rounded by the
callers in Python, so the floats are unchanged too.

``CLEANER_NO_EXT=1`` in the environment (read at import) leaves the extension unused.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
from pathlib import Path

from collections import Counter

from .tokens import WORD, is_cjk

try:
    from . import _blockstats  # type: ignore[attr-defined]  # optional C extension, no stubs (may not be built)
except ImportError:  # built without a compiler (or the build failed): the reference below is used
    _blockstats = None

#: the ABI of _blockstats.c this module expects; an extension built from other source is not used
ABI_VERSION = 9
#: environment variable that, set to a non-empty value other than "0", disables the extension
NO_EXT_ENV = "CLEANER_NO_EXT"
_SOURCE = Path(__file__).with_name("_blockstats.c")
#: sha256 of the C source beside this module (an editable install or a checkout; None in a wheel)
_SOURCE_SHA256 = hashlib.sha256(_SOURCE.read_bytes()).hexdigest() if _SOURCE.exists() else None

# The patterns the counts stand for (classify and model.features use these same objects); the C
# pass reproduces each of them, so a change here needs the same change in _blockstats.c.
#: an address: its characters make a block's link density
URL: re.Pattern[str] = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
#: a block ending like a sentence (or a quote or a bracket after one)
SENTENCE_END = re.compile(r"[.!?…:;\"“”»«'’)]$")
#: a sentence mark followed by space or the end
SENT = re.compile(r"[.!?…](?:\s|$)")
#: a separator between menu or breadcrumb items
SEPARATOR = re.compile(r"\s[|»›•·/>]\s")
PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
DIGIT = re.compile(r"\d")
#: a run of word characters (topic words: unlike tokens.WORD, CJK runs are not split)
WORD_RUN = re.compile(r"\w+", re.UNICODE)
#: what norm_key folds into one space
NONWORD = re.compile(r"[\W_]+", re.UNICODE)
QUOTES = '"„“”«»'
#: what readers.scrub_text changes: a lone surrogate or a control character (C0 but tab, newline,
#: vertical tab, form feed and carriage return; DEL; C1)
SCRUBBED: re.Pattern[str] = re.compile("[\ud800-\udfff\x00-\x08\x0e-\x1f\x7f-\x9f]")
#: what trafilatura removes before parsing (trafilatura.utils.INVALID_XML_CHARS; tests hold them equal)
XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: how many leading characters ``own_counts`` looks at for a digit (where a dateline's date stands)
DIGIT_PREFIX = 80


def block_counts_py(text: str, stopwords) -> tuple[int, int, int, int, bool, int]:
    """(chars, words, stopword hits, URL characters, ends like a sentence, str.isdigit characters)
    of ``text``: the reference, in the expressions ``classify.block_features`` used."""
    words = WORD.findall(text.lower())  # (Han and kana characters one by one: cleaner/tokens.py)
    return (
        len(text),
        len(words),
        sum(1 for w in words if w in stopwords),
        sum(len(m) for m in URL.findall(text)),
        bool(SENTENCE_END.search(text)),
        sum(map(str.isdigit, text)),
    )


def own_counts_py(text: str) -> tuple[int, int, int, int, int, int, int, int, int, int, bool, bool]:
    """(letters, upper-case characters, punctuation, split() tokens, their total length, tokens
    starting upper-case, sentence marks, separators, quote characters, commas, a \\d in the first
    DIGIT_PREFIX characters, may hold an address: "@", "://" or "www.") of ``text``: the reference,
    in the expressions ``model.features._own`` used."""
    tokens = text.split()
    return (
        sum(map(str.isalpha, text)),
        sum(map(str.isupper, text)),
        len(PUNCT.findall(text)),
        len(tokens),
        sum(map(len, tokens)),
        sum(t[:1].isupper() for t in tokens),
        len(SENT.findall(text)),
        len(SEPARATOR.findall(text)),
        sum(text.count(q) for q in QUOTES),
        text.count(","),
        bool(DIGIT.search(text, 0, DIGIT_PREFIX)),
        "@" in text or "://" in text or "www." in text.lower(),
    )


def content_words_py(text: str, stopwords, min_chars: int) -> set[str]:
    """The word runs of ``text.lower()`` at least ``min_chars`` long, neither stopwords nor numbers:
    the reference, in the expression ``model.features.topic_overlap`` used."""
    return {w for w in WORD_RUN.findall(text.lower()) if len(w) >= min_chars and w not in stopwords and not w.isdigit()}


def norm_key_py(text: str) -> str:
    """Lower case, every run of non-alphanumerics one space, stripped: the reference of ``classify.norm_key``."""
    return NONWORD.sub(" ", text.lower()).strip()


def stopword_votes_py(text: str, index: dict) -> dict[str, int]:
    """{language: votes}: each word token of ``text.lower()`` (one-letter tokens only when Han or
    kana) votes for every language ``index`` lists for it: the reference of the rule-language vote
    (``ruleset.Rules.stopword_hits``). Each distinct word is looked up once and votes with its count."""
    votes: dict[str, int] = {}
    for t, n in Counter(WORD.findall(text.lower())).items():
        langs = index.get(t)
        if langs and (len(t) > 1 or is_cjk(t)):
            for lang in langs:
                votes[lang] = votes.get(lang, 0) + n
    return votes


def features_of(counts: tuple[int, int, int, int, bool, int]) -> dict:
    """``classify.block_features``' dict from ``block_counts``' tuple (ratios divided and rounded in Python)."""
    chars, n_words, hits, url_chars, ends_sentence, digits = counts
    return {
        "chars": chars,
        "words": n_words,
        "stopword_density": round(hits / n_words, 4) if n_words else 0.0,
        "link_density": round(url_chars / chars, 4) if chars else 0.0,
        "ends_sentence": ends_sentence,
        "digit_ratio": round(digits / chars, 4) if chars else 0.0,
    }


#: the model's heading column counts a line of at most this many words as heading-shaped (fixed: the
#: trained model reads it; the classifier's own heading test takes ``Thresholds.heading_max_words``)
MODEL_HEADING_MAX_WORDS = 15


def heading_shaped(text: str, words: int, max_words: int) -> bool:
    """A line of 1 to ``max_words`` words that does not end like a sentence or a clause: the shape
    every heading test shares (the model's ``heading_like`` column, ``classify._is_heading_like``,
    which also refuses addresses and list items; the compiled line pass computes the same)."""
    return 0 < words <= max_words and not text.endswith((".", ",", ";"))


#: the model's context-free numeric OWN columns (model.features) that ``line_pass`` measures, in its order
OWN_NUMBERS = (
    "log_chars",
    "words",
    "stopword_density",
    "link_density",
    "ends_sentence",
    "digit_ratio",
    "upper_ratio",
    "punct_ratio",
    "mean_word_len",
    "sentences",
    "separators",
    "heading_like",
    "capitalised_ratio",
    "is_question",
    "quotes",
    "comma_rate",
)


def own_numbers_py(text: str, f: dict, counts: tuple) -> tuple[float, ...]:
    """The OWN_NUMBERS of ``text`` from its block features ``f`` and ``own_counts`` ``counts``, as
    model.features._own computes them: the reference."""
    n_letters, n_upper, n_punct, n_tokens, token_chars, capitalised, sentences, separators, quotes, commas = counts[:10]
    return (
        math.log1p(f["chars"]),
        float(f["words"]),
        f["stopword_density"],
        f["link_density"],
        float(f["ends_sentence"]),
        f["digit_ratio"],
        n_upper / n_letters if n_letters else 0.0,
        n_punct / len(text) if text else 0.0,
        token_chars / n_tokens if n_tokens else 0.0,
        float(sentences),
        float(separators),
        float(heading_shaped(text, f["words"], MODEL_HEADING_MAX_WORDS)),
        capitalised / n_tokens if n_tokens else 0.0,
        float(text.endswith("?")),
        float(quotes),
        commas / n_tokens if n_tokens else 0.0,
    )


def line_pass_py(texts, stopwords) -> list[tuple[dict, tuple, str, tuple]]:
    """(block features, own counts, norm key, own numbers) of each text: what the rules stage
    measures of a page's new lines, in one call when compiled; the reference."""
    out = []
    for t in texts:
        f, c = features_of(block_counts_py(t, stopwords)), own_counts_py(t)
        out.append((f, c, norm_key_py(t), own_numbers_py(t, f, c)))
    return out


def parts_in_py(key: str, parts) -> list[int]:
    """The positions of the ``parts`` shorter than ``key`` that occur in it: the reference of the
    merged-copy search (``classify._parts_inside``)."""
    return [o for o, p in enumerate(parts) if len(p) < len(key) and p in key]


def needs_scrub_py(text: str) -> bool:
    """Whether ``readers.scrub_text`` has anything to change in ``text``: the reference."""
    return SCRUBBED.search(text) is not None


def xml_invalid_py(text: str) -> bool:
    """Whether trafilatura's ``repair_faulty_html`` has characters to remove from ``text``: the reference."""
    return XML_INVALID.search(text) is not None


def word_table(words):
    """A read-only lookup of ``words`` (a set of str, or a dict of str to values) for the compiled
    pass: ``_blockstats.WordTable``, which finds a word by its code points in the text it was cut
    from, without making a substring (``in`` and ``get`` answer as the set or dict does). Without
    the extension, ``words`` itself."""
    if not COMPILED:
        return words
    return _blockstats.WordTable(words if isinstance(words, dict) else dict.fromkeys(words, True))


def compiled_available() -> bool:
    """Whether the compiled pass was built, matches this module and, where its C source is beside
    it, was built from that source (an edit without a rebuild leaves it unused)."""
    return (
        _blockstats is not None
        and getattr(_blockstats, "ABI_VERSION", None) == ABI_VERSION
        and getattr(_blockstats, "MODEL_HEADING_MAX_WORDS", None) == MODEL_HEADING_MAX_WORDS
        and (_SOURCE_SHA256 is None or getattr(_blockstats, "SOURCE_SHA256", None) == _SOURCE_SHA256)
    )


def use_compiled(enabled: bool) -> bool:
    """Switch ``block_counts``, ``own_counts``, ``content_words``, ``norm_key``, ``stopword_votes``, ``line_pass``, ``parts_in``, ``needs_scrub`` and ``xml_invalid`` to the compiled pass (when available) or to the
    reference; returns whether the compiled pass is now in use. (For tests and benchmarks: callers
    look the functions up on this module at each call.)"""
    global \
        block_counts, \
        own_counts, \
        content_words, \
        norm_key, \
        stopword_votes, \
        line_pass, \
        parts_in, \
        needs_scrub, \
        xml_invalid, \
        COMPILED
    COMPILED = bool(enabled) and compiled_available()
    block_counts = _blockstats.block_counts if COMPILED else block_counts_py
    own_counts = _blockstats.own_counts if COMPILED else own_counts_py
    content_words = _blockstats.content_words if COMPILED else content_words_py
    norm_key = _blockstats.norm_key if COMPILED else norm_key_py
    stopword_votes = _blockstats.stopword_votes if COMPILED else stopword_votes_py
    line_pass = _blockstats.line_pass if COMPILED else line_pass_py
    parts_in = _blockstats.parts_in if COMPILED else parts_in_py
    needs_scrub = _blockstats.needs_scrub if COMPILED else needs_scrub_py
    xml_invalid = _blockstats.xml_invalid if COMPILED else xml_invalid_py
    return COMPILED


COMPILED = False
block_counts = block_counts_py
own_counts = own_counts_py
content_words = content_words_py
norm_key = norm_key_py
stopword_votes = stopword_votes_py
line_pass = line_pass_py
parts_in = parts_in_py
needs_scrub = needs_scrub_py
xml_invalid = xml_invalid_py
use_compiled(os.environ.get(NO_EXT_ENV, "") in ("", "0"))
