"""Block features for the learned classifier: measurements that transfer across sites and languages.

Each block gets its own shape (length, stopwords, punctuation, digits, dates, links, position,
repetition), the rules' votes (category, section), the heuristic class, and the same for its
neighbours plus windowed context. Everything is computed from the blocks after the rule stages.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import chain
from typing import Sequence

import numpy as np

from .. import blockstats, dom
from ..classify import LIST_BULLET, keys_of
from ..document import CATEGORIES, Block
from ..ruleset import LanguageRules
from .slug import slug_columns

CF_CODE = {"bad": 0, "short": 1, "near-good": 2, "good": 3}
RULE_CODE = {c: i for i, c in enumerate(CATEGORIES)}
NEIGHBOURS = (-3, -2, -1, 1, 2, 3)
WINDOW = 3
#: topic overlap needs this many prose blocks on the page, else it is left unknown (-1)
TOPIC_MIN_PROSE = 5
#: a topic word has at least this many characters ("Hund", not "und")
TOPIC_MIN_WORD_CHARS = 4

#: an address or an e-mail address. Only whether it occurs is used, so the mail part looks behind the
#: "@" for one character of the local part instead of matching all of it: ``[\w.+-]+@`` retried the
#: whole word run from every start position (quadratic: a 1 MB word before an "@" ran minutes)
_URL_MAIL = re.compile(r"(?:https?://|www\.)\S+|(?<=[\w.+-])@[\w-]+\.[\w.]+", re.IGNORECASE)

OWN = [
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
    "has_date",
    "starts_with_date",
    "has_url_or_email",
    "bullet",
    "separators",
    "rel_pos",
    "rel_char_pos",
    "repeats",
    "heading_like",
    "cf_class",
    "rule",
    "in_section",
    "gap_before",
    "capitalised_ratio",
    "is_question",
    "quotes",
    "comma_rate",
    "mode_html",
    "region",
    "context_good",
    "topic_overlap",
    "slug_match",
    "slug_side",
]
CONTEXT = [
    "log_chars",
    "stopword_density",
    "cf_class",
    "rule",
    "ends_sentence",
    "link_density",
    "context_good",
    "topic_overlap",
]
WINDOWED = [
    "win_stopword_density",
    "win_log_chars",
    "win_rule_share",
    "win_good_share",
    "page_good_share",
    "page_log_blocks",
    "good_chars_before",
    "good_chars_after",
]
FEATURE_NAMES = OWN + [f"{name}@{o:+d}" for o in NEIGHBOURS for name in CONTEXT] + WINDOWED
CATEGORICAL = ["rule"] + [f"rule@{o:+d}" for o in NEIGHBOURS]
#: columns of a model trained on pages of the own HTML extraction (cleaner/dom.py), after
#: FEATURE_NAMES: each block's marks and its neighbours' frame and markup marks; NaN on other pages
DOM_NEIGHBOURS = (-1, 1)
DOM_NAMES = [f"dom_{m}" for m in dom.MARKS] + [
    f"dom_{m}@{o:+d}" for o in DOM_NEIGHBOURS for m in ("in_frame", "marked")
]
_COL = {name: i for i, name in enumerate(OWN)}
#: the OWN columns the rules stage measures per line (``blockstats.OWN_NUMBERS``, ``Block.numbers``)
_NUMBER_COLS = [_COL[name] for name in blockstats.OWN_NUMBERS]


def _own(
    b: Block, rules: LanguageRules, i: int, n: int, chars_before: int, total_chars: int, repeats: int, mode_html: bool
) -> dict:
    """One block's OWN features by name, in OWN order: the readable reference that ``own_matrix``
    (what page_features runs) is tested against, and what to read for what a column means."""
    text = b.text
    f = b.features
    # the character and token counts in one pass (cleaner/blockstats.py: compiled when built)
    (
        n_letters,
        n_upper,
        n_punct,
        n_tokens,
        token_chars,
        capitalised,
        sentences,
        separators,
        quotes,
        commas,
        digit_early,
        maybe_link,
    ) = blockstats.own_counts(text)
    dates = rules.find_dates(text[: blockstats.DIGIT_PREFIX]) if digit_early else []
    # a line without "@", "://" or "www." (maybe_link) cannot match the URL/e-mail pattern: skip the search
    url_or_mail = maybe_link and bool(_URL_MAIL.search(text))
    return {
        "log_chars": math.log1p(f["chars"]),
        "words": f["words"],
        "stopword_density": f["stopword_density"],
        "link_density": f["link_density"],
        "ends_sentence": float(f["ends_sentence"]),
        "digit_ratio": f["digit_ratio"],
        "upper_ratio": n_upper / n_letters if n_letters else 0.0,
        "punct_ratio": n_punct / len(text) if text else 0.0,
        "mean_word_len": token_chars / n_tokens if n_tokens else 0.0,
        "sentences": sentences,
        "has_date": float(bool(dates)),
        "starts_with_date": float(bool(dates) and dates[0][1] <= 2),
        "has_url_or_email": float(url_or_mail),
        "bullet": float(bool(LIST_BULLET.match(text))),
        "separators": separators,
        "rel_pos": i / (n - 1) if n > 1 else 0.0,
        "rel_char_pos": chars_before / total_chars if total_chars else 0.0,
        "repeats": repeats,
        "heading_like": float(blockstats.heading_shaped(text, f["words"], blockstats.MODEL_HEADING_MAX_WORDS)),
        "cf_class": CF_CODE.get(b.cf_class, 1),
        "rule": RULE_CODE[b.category] if b.category is not None else -1,
        "in_section": float(b.section is not None),
        "gap_before": min(b.gap_before, 3),
        "capitalised_ratio": capitalised / n_tokens if n_tokens else 0.0,
        "is_question": float(text.endswith("?")),
        "quotes": quotes,
        "comma_rate": commas / n_tokens if n_tokens else 0.0,
        "mode_html": float(mode_html),
        "region": 0.0,  # filled in below: before / inside / after the run of good blocks
        "context_good": float(f.get("context_good", False)),  # jusText's revised verdict
        "topic_overlap": 0.0,  # filled in below: share of its content words the page's prose uses too
        "slug_match": 0.0,  # filled in below: how well the line matches the URL's slug
        "slug_side": 0.0,  # filled in below: above / at / below the line that matches it best
    }


def own_matrix(blocks: Sequence[Block], rules: LanguageRules, repeats: Sequence[int], mode_html: bool) -> np.ndarray:
    """The OWN columns of every block (an n x len(OWN) array): ``_own``'s values, computed column by
    column instead of one dict per block (tests/test_model.py holds the two equal bit for bit).
    Ratios of two integers are divided in float64 as Python divides them (both exact below 2**53,
    one correctly rounded division), logarithms by ``math.log1p`` as ``_own`` takes them."""
    n = len(blocks)
    texts = [b.text for b in blocks]
    fs = [b.features for b in blocks]
    own_counts = blockstats.own_counts  # (measured by the rules stage: Block.counts, Block.numbers)
    counts = [b.counts or own_counts(b.text) for b in blocks]
    chars = [f["chars"] for f in fs]
    A = np.zeros((n, len(OWN)))
    col = _COL
    numbers = [b.numbers or blockstats.own_numbers_py(b.text, b.features, c) for b, c in zip(blocks, counts)]
    A[:, _NUMBER_COLS] = np.array(numbers, dtype=np.float64).reshape(n, len(_NUMBER_COLS))
    for i, (text, c) in enumerate(zip(texts, counts)):
        if c[10]:  # a digit early on: maybe a date
            dates = rules.find_dates(text[: blockstats.DIGIT_PREFIX])
            if dates:
                A[i, col["has_date"]] = 1.0
                A[i, col["starts_with_date"]] = float(dates[0][1] <= 2)
        if c[11] and _URL_MAIL.search(text):
            A[i, col["has_url_or_email"]] = 1.0
    A[:, col["bullet"]] = [LIST_BULLET.match(t) is not None for t in texts]
    A[:, col["rel_pos"]] = np.arange(n) / (n - 1) if n > 1 else 0.0
    before = np.cumsum([0] + chars[:-1])
    total_chars = sum(chars) or 1
    A[:, col["rel_char_pos"]] = before / total_chars
    A[:, col["repeats"]] = repeats
    A[:, col["cf_class"]] = [CF_CODE.get(b.cf_class, 1) for b in blocks]
    A[:, col["rule"]] = [RULE_CODE[b.category] if b.category is not None else -1 for b in blocks]
    A[:, col["in_section"]] = [b.section is not None for b in blocks]
    A[:, col["gap_before"]] = [min(b.gap_before, 3) for b in blocks]
    A[:, col["mode_html"]] = float(mode_html)
    A[:, col["context_good"]] = [float(f.get("context_good", False)) for f in fs]
    return A  # region, topic_overlap, slug_match, slug_side: 0, filled in by page_features


def page_features(
    blocks: Sequence[Block], rules: LanguageRules, mode: str = "text", url: str | None = None
) -> np.ndarray:
    """One feature row per block, in FEATURE_NAMES order (an n x len(FEATURE_NAMES) array).

    Neighbour and window columns are built column-wise; sums run in the same order as a plain
    left-to-right sum, so the values are the same as block-by-block code would give."""
    n = len(blocks)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    keys = keys_of(blocks)
    counts = Counter(keys)
    A = own_matrix(blocks, rules, [counts[k] - 1 for k in keys], mode == "html")
    good = np.array([b.cf_class == "good" and b.category is None for b in blocks])
    good_idx = np.flatnonzero(good)
    first, last = (good_idx[0], good_idx[-1]) if len(good_idx) else (n, -1)
    pos = np.arange(n)
    A[:, _COL["region"]] = np.where(pos < first, -1.0, np.where(pos > last, 1.0, 0.0))
    # prose: jusText's good and near-good blocks no rule claimed (short pages may have no "good" one)
    prose = [b.cf_class in ("good", "near-good") and b.category is None for b in blocks]
    A[:, _COL["topic_overlap"]] = topic_overlap(blocks, prose, rules.stop_table())
    match, side = slug_columns([b.text for b in blocks], [b.features["words"] for b in blocks], url)
    A[:, _COL["slug_match"]], A[:, _COL["slug_side"]] = match, side

    # neighbours: the CONTEXT columns of the blocks around, -1 beyond the page
    ctx = A[:, [_COL[name] for name in CONTEXT]]
    reach = max(abs(o) for o in NEIGHBOURS)
    padded = np.vstack([np.full((reach, len(CONTEXT)), -1.0), ctx, np.full((reach, len(CONTEXT)), -1.0)])
    parts = [A] + [padded[reach + off : reach + off + n] for off in NEIGHBOURS]

    # windows of +-WINDOW blocks (+-5 for the good share), clipped at the page ends
    lo, hi = np.maximum(0, pos - WINDOW), np.minimum(n, pos + WINDOW + 1)
    size = (hi - lo).astype(np.float64)
    lo5, hi5 = np.maximum(0, pos - 5), np.minimum(n, pos + 6)
    good_chars = np.array([b.features["chars"] if g else 0 for b, g in zip(blocks, good)], dtype=np.int64)
    total_good = int(good_chars.sum()) or 1
    cum = np.cumsum(good_chars)
    good_count = np.concatenate([[0], np.cumsum(good)])
    windowed = np.column_stack(
        [
            window_sum(A[:, _COL["stopword_density"]], WINDOW) / size,
            window_sum(A[:, _COL["log_chars"]], WINDOW) / size,
            window_sum((A[:, _COL["rule"]] >= 0).astype(np.float64), WINDOW) / size,
            (good_count[hi5] - good_count[lo5]) / (hi5 - lo5),
            np.full(n, len(good_idx) / n),
            np.full(n, math.log1p(n)),
            (cum - good_chars) / total_good,
            (total_good - cum) / total_good,
        ]
    )
    return np.hstack(parts + [windowed])


def dom_columns(blocks: Sequence[Block]) -> np.ndarray:
    """The DOM_NAMES columns: each block's ``dom`` marks (NaN without), its neighbours' first two
    (NaN beyond the page)."""
    n, k = len(blocks), len(dom.MARKS)
    own = np.array([b.dom if b.dom is not None else (math.nan,) * k for b in blocks], dtype=np.float64).reshape(n, k)
    padded = np.vstack([np.full((1, 2), math.nan), own[:, :2], np.full((1, 2), math.nan)])
    return np.hstack([own] + [padded[1 + o : 1 + o + n] for o in DOM_NEIGHBOURS])


def feature_names(with_dom: bool) -> list[str]:
    """The columns of a model: FEATURE_NAMES, and DOM_NAMES for one trained on own-extraction pages."""
    return FEATURE_NAMES + DOM_NAMES if with_dom else list(FEATURE_NAMES)


def topic_overlap(blocks: Sequence[Block], prose: Sequence[bool], stopwords) -> np.ndarray:
    """For each block, the share of its content words (4+ letters, not stopwords) that the page's
    prose blocks (``prose``, the block itself left out) also use; -1 for a block without such words.
    Article lines share the article's topic; a teaser for another story, an ad or a menu does not.
    On a page with fewer than ``TOPIC_MIN_PROSE`` prose blocks every block gets -1: there the next
    paragraph of a short article shares as few words with the rest as a teaser does."""
    out = np.full(len(blocks), -1.0)
    if sum(map(bool, prose)) < TOPIC_MIN_PROSE:
        return out  # too little prose to tell the article's words from chance overlap
    words = [blockstats.content_words(b.text, stopwords, TOPIC_MIN_WORD_CHARS) for b in blocks]
    # core: how many prose blocks use each word. A word counts for a block when prose other than
    # the block uses it: for a prose block a word of two or more prose blocks, else any prose word
    core = Counter(chain.from_iterable(ws for ws, g in zip(words, prose) if g))
    shared = {w for w, c in core.items() if c > 1}
    for i, (ws, g) in enumerate(zip(words, prose)):
        if ws:
            out[i] = len(ws & shared if g else ws & core.keys()) / len(ws)
    return out


def window_sum(col: np.ndarray, radius: int) -> np.ndarray:
    """sum(col[max(0, i - radius):i + radius + 1]) for every i, adding left to right like Python's
    sum: the same bits. Each window is summed over a zero-padded copy of ``col``, so a window
    clipped at a page end adds +0.0 before (left end) or after (right end) its values; a sum that
    starts from +0.0 is never -0.0, and x + 0.0 == x for every other double (NaN and inf included),
    so those additions change nothing. One vector addition per window position, not a loop per block."""
    n = len(col)
    padded = np.concatenate([np.zeros(radius), np.asarray(col, dtype=np.float64), np.zeros(radius)])
    acc = np.zeros(n)
    for k in range(2 * radius + 1):
        acc += padded[k : k + n]
    return acc
