"""Block features for the learned classifier: measurements that transfer across sites and languages.

Each block gets its own shape (length, stopwords, punctuation, digits, dates, links, position,
repetition), the rules' votes (category, section), the heuristic class, and the same for its
neighbours plus windowed context. Everything is computed from the blocks after the rule stages.
"""
from __future__ import annotations

import math
import re
from typing import Sequence

from ..classify import norm_key
from ..document import CATEGORIES, Block
from ..ruleset import LanguageRules

CF_CODE = {"bad": 0, "short": 1, "near-good": 2, "good": 3}
RULE_CODE = {c: i for i, c in enumerate(CATEGORIES)}
NEIGHBOURS = (-3, -2, -1, 1, 2, 3)
WINDOW = 3

_SENT = re.compile(r"[.!?…](?:\s|$)")
_URL_MAIL = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.]+", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s[|»›•·/>]\s")
_BULLET = re.compile(r"^[•·\-–*▪►>]\s")
_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)

OWN = ["log_chars", "words", "stopword_density", "link_density", "ends_sentence", "digit_ratio", "upper_ratio",
       "punct_ratio", "mean_word_len", "sentences", "has_date", "starts_with_date", "has_url_or_email", "bullet",
       "separators", "rel_pos", "rel_char_pos", "repeats", "heading_like", "cf_class", "rule", "in_section",
       "gap_before", "capitalised_ratio", "is_question", "quotes", "comma_rate", "mode_html", "region",
       "context_good"]
CONTEXT = ["log_chars", "stopword_density", "cf_class", "rule", "ends_sentence", "link_density", "context_good"]
WINDOWED = ["win_stopword_density", "win_log_chars", "win_rule_share", "win_good_share", "page_good_share",
            "page_log_blocks", "good_chars_before", "good_chars_after"]
FEATURE_NAMES = (OWN + [f"{name}@{o:+d}" for o in NEIGHBOURS for name in CONTEXT] + WINDOWED)
CATEGORICAL = ["rule"] + [f"rule@{o:+d}" for o in NEIGHBOURS]


def _own(b: Block, rules: LanguageRules, i: int, n: int, chars_before: int, total_chars: int, repeats: int,
         mode_html: bool) -> dict:
    text = b.text
    f = b.features
    n_letters = sum(map(str.isalpha, text))
    tokens = text.split()
    dates = rules.find_dates(text[:80]) if any(c.isdigit() for c in text[:80]) else []
    return {
        "log_chars": math.log1p(f["chars"]),
        "words": f["words"],
        "stopword_density": f["stopword_density"],
        "link_density": f["link_density"],
        "ends_sentence": float(f["ends_sentence"]),
        "digit_ratio": f["digit_ratio"],
        "upper_ratio": sum(map(str.isupper, text)) / n_letters if n_letters else 0.0,
        "punct_ratio": len(_PUNCT.findall(text)) / len(text) if text else 0.0,
        "mean_word_len": sum(map(len, tokens)) / len(tokens) if tokens else 0.0,
        "sentences": len(_SENT.findall(text)),
        "has_date": float(bool(dates)),
        "starts_with_date": float(bool(dates) and dates[0][1] <= 2),
        "has_url_or_email": float(bool(_URL_MAIL.search(text))),
        "bullet": float(bool(_BULLET.match(text))),
        "separators": len(_SEPARATOR.findall(text)),
        "rel_pos": i / (n - 1) if n > 1 else 0.0,
        "rel_char_pos": chars_before / total_chars if total_chars else 0.0,
        "repeats": repeats,
        "heading_like": float(0 < f["words"] <= 15 and not text.endswith((".", ",", ";"))),
        "cf_class": CF_CODE.get(b.cf_class, 1),
        "rule": RULE_CODE[b.category] if b.category is not None else -1,
        "in_section": float(b.reason.startswith("in section") or b.reason.endswith("(section header)")),
        "gap_before": min(b.gap_before, 3),
        "capitalised_ratio": sum(t[:1].isupper() for t in tokens) / len(tokens) if tokens else 0.0,
        "is_question": float(text.endswith("?")),
        "quotes": sum(text.count(q) for q in "\"„“”«»"),
        "comma_rate": text.count(",") / len(tokens) if tokens else 0.0,
        "mode_html": float(mode_html),
        "region": 0.0,  # filled in below: before / inside / after the run of good blocks
        "context_good": float(f.get("context_good", False)),  # jusText's revised verdict
    }


def page_features(blocks: Sequence[Block], rules: LanguageRules, mode: str = "text") -> list[list[float]]:
    """One feature row per block, in FEATURE_NAMES order."""
    n = len(blocks)
    if n == 0:
        return []
    keys = [norm_key(b.text) for b in blocks]
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    total_chars = sum(b.features["chars"] for b in blocks) or 1
    own, before = [], 0
    for i, b in enumerate(blocks):
        own.append(_own(b, rules, i, n, before, total_chars, counts[keys[i]] - 1, mode == "html"))
        before += b.features["chars"]
    good = [b.cf_class == "good" and b.category is None for b in blocks]
    good_idx = [i for i, g in enumerate(good) if g]
    first, last = (good_idx[0], good_idx[-1]) if good_idx else (n, -1)
    good_chars = [b.features["chars"] if g else 0 for b, g in zip(blocks, good)]
    total_good = sum(good_chars) or 1
    cum = 0
    rows = []
    for i, o in enumerate(own):
        o["region"] = -1.0 if i < first else (1.0 if i > last else 0.0)
        row = [o[name] for name in OWN]
        for off in NEIGHBOURS:
            j = i + off
            if 0 <= j < n:
                row += [own[j][name] for name in CONTEXT]
            else:
                row += [-1.0] * len(CONTEXT)
        lo, hi = max(0, i - WINDOW), min(n, i + WINDOW + 1)
        win = own[lo:hi]
        good_before = cum
        cum += good_chars[i]
        row += [
            sum(w["stopword_density"] for w in win) / len(win),
            sum(w["log_chars"] for w in win) / len(win),
            sum(w["rule"] >= 0 for w in win) / len(win),
            sum(good[max(0, i - 5):i + 6]) / len(good[max(0, i - 5):i + 6]),
            len(good_idx) / n,
            math.log1p(n),
            good_before / total_good,
            (total_good - cum) / total_good,
        ]
        rows.append(row)
    return rows
