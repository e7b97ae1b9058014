"""The shipped block model: two LightGBM boosters in LightGBM's text format, plus a JSON file with
feature names, thresholds and the command that trained them. No pickle, no network.

Stage 1 scores each block from its own features and its neighbours'. Stage 2 smooths along the page:
it sees stage-1 probabilities of the surrounding blocks (a lone "content" line inside a teaser list
is not content; a short line between two article paragraphs usually is). Around a block no rule
claimed, it looks through the blocks rules claimed (an ad or a caption inside the article).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from ..document import Block
from ..ruleset import LanguageRules
from .features import CATEGORICAL, FEATURE_NAMES, dom_columns, feature_names, page_features, window_sum
from .trees import load_booster

MODEL_DIR = Path(__file__).parent
META_FILE = "blocks.json"
#: HTML mode drops an extracted block only below this probability (training records it in the model
#: file). Chosen by cross-validation on the train halves of the three benchmarks (`bench/cv.py
#: --html-sweep`, the model trained on all three: 0.01 / 0.02 / 0.03 / 0.05 / 0.10 give ScrapingHub
#: and trafilatura-dev HTML the same F1 to four places, WCXB HTML 0.8089 / 0.8089 / 0.8088 / 0.8077 /
#: 0.8076; the older two alone had put it at 0.05). The block-F1 optimum of the HTML views lies far
#: above it (0.5-0.6): on extractor output a lost article line costs more than a kept menu line,
#: which the rules catch anyway.
HTML_THRESHOLD = 0.02
#: Text mode keeps a block the model scores at or above this. A constant, not the arg-max of the
#: out-of-fold F1 curve: that curve is flat from 0.35 to 0.55, so the arg-max jumped between 0.37
#: and 0.58 for near-identical training sets and any retraining could move every text output.
#: Cross-validated (`bench/cv.py --sweep`, shipped features, seeds 0 and 7), a fixed 0.5 scored
#: ScrapingHub text 0.912 / 0.912 and trafilatura-dev text 0.895 / 0.894 against 0.904 / 0.908 and
#: 0.894 / 0.894 for each fold's chosen threshold.
TEXT_THRESHOLD = 0.5
STAGE2_OFFSETS = (-4, -3, -2, -1, 1, 2, 3, 4)
#: stage-2 inputs besides the probabilities: a few own features, by name
STAGE2_OWN = [
    "log_chars",
    "stopword_density",
    "cf_class",
    "rule",
    "ends_sentence",
    "heading_like",
    "region",
    "link_density",
    "in_section",
    "mode_html",
    "rel_pos",
    "context_good",
]
STAGE2_NAMES = (
    ["p"]
    + [f"p@{o:+d}" for o in STAGE2_OFFSETS]
    + ["p_win2", "p_win5", "p_max_before", "p_max_after", "p_page_mean"]
    + STAGE2_OWN
)
_STAGE2_IDX = [FEATURE_NAMES.index(name) for name in STAGE2_OWN]
_RULE_IDX = FEATURE_NAMES.index("rule")


def _smoothing_columns(P: np.ndarray) -> np.ndarray:
    """The probability columns of stage 2 for a sequence of blocks (sums run left to right)."""
    n = len(P)
    mean = float(sum(P.tolist()) / n)
    reach = max(abs(o) for o in STAGE2_OFFSETS)
    padded = np.concatenate([np.full(reach, -1.0), P, np.full(reach, -1.0)])
    pos = np.arange(n)
    # the highest probability before / after each block, -1 where there is none
    prefix_max = np.maximum.accumulate(np.concatenate([[-1.0], P]))[:-1]
    suffix_max = np.maximum.accumulate(np.concatenate([[-1.0], P[::-1]]))[:-1][::-1]
    cols = [P] + [padded[reach + o : reach + o + n] for o in STAGE2_OFFSETS]
    for w in (2, 5):
        lo, hi = np.maximum(0, pos - w), np.minimum(n, pos + w + 1)
        cols.append(window_sum(P, w) / (hi - lo))
    cols += [prefix_max, suffix_max, np.full(n, mean)]
    return np.column_stack(cols)


def stage2_rows(p: Sequence[float], rows: np.ndarray) -> np.ndarray:
    """Stage-2 features of every block of one page from stage-1 probabilities ``p``.

    For a block no rule claimed, the neighbours are the page's other unclaimed blocks: an ad,
    caption, gallery link or share line inside the article is looked through, so an article
    paragraph after it is smoothed with the paragraphs around it, not with the interruption."""
    n = len(p)
    if n == 0:
        return np.zeros((0, len(STAGE2_NAMES)))
    rows = np.asarray(rows)
    P = np.asarray(p, dtype=np.float64)
    cols = _smoothing_columns(P)
    unclaimed = rows[:, _RULE_IDX] < 0
    if unclaimed.any() and not unclaimed.all():  # (all unclaimed: the page order is theirs)
        cols[unclaimed] = _smoothing_columns(P[unclaimed])
    return np.hstack([cols, rows[:, _STAGE2_IDX]])


class BlockModel:
    """Scores blocks; ``threshold`` decides text pages, ``html_threshold`` filters extractor output."""

    def __init__(self, stage1, stage2, meta: dict):
        self.stage1 = stage1
        self.stage2 = stage2
        self.meta = meta
        self.threshold = float(meta.get("threshold", TEXT_THRESHOLD))
        self.html_threshold = float(meta.get("html_threshold", HTML_THRESHOLD))
        names = list(meta.get("features", []))
        #: a model trained on own-extraction pages reads their DOM marks too (features.DOM_NAMES)
        self.with_dom = names == feature_names(True)
        if names != feature_names(self.with_dom):
            raise ValueError("model was trained with other features; retrain with `cleaner train`")

    @classmethod
    def load(cls, directory: str | Path = MODEL_DIR, compiled: bool = True) -> "BlockModel | None":
        """The model in ``directory`` (None without its JSON file). The boosters run on the compiled
        evaluator when it is built (the same scores, faster), else on LightGBM; ``compiled=False``
        forces LightGBM."""
        directory = Path(directory)
        meta_path = directory / META_FILE
        if not meta_path.exists():
            return None
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        stage1 = load_booster(directory / meta["stage1"], compiled)
        stage2 = load_booster(directory / meta["stage2"], compiled) if meta.get("stage2") else None
        return cls(stage1, stage2, meta)

    def __call__(self, blocks: Sequence[Block], rules: LanguageRules, mode: str, url: str | None = None) -> list[float]:
        """Each block's probability of being content; NaN for a block a rule already claimed: its
        verdict is the rule's, and an unclaimed block's stage-2 features are built from the
        unclaimed blocks alone (stage2_rows), so scoring only those gives the same scores for
        them at about two thirds of the cost."""
        if not blocks:
            return []
        rows = np.asarray(page_features(blocks, rules, mode, url), dtype=np.float64)
        if self.with_dom:
            rows = np.hstack([rows, dom_columns(blocks)])
        open_ = rows[:, _RULE_IDX] < 0
        p = np.full(len(rows), np.nan)
        if open_.any():
            rows = rows[open_]
            # one page is a small matrix: OpenMP threads would cost more than they save
            q = self.stage1.predict(rows, num_threads=1)
            if self.stage2 is not None:
                q = self.stage2.predict(np.asarray(stage2_rows(q, rows), dtype=np.float64), num_threads=1)
            p[open_] = q
        return p.tolist()


@lru_cache(maxsize=4)
def load_model(directory: str = str(MODEL_DIR)) -> BlockModel | None:
    """The model in ``directory``, loaded once per process."""
    return BlockModel.load(directory)


__all__ = ["BlockModel", "CATEGORICAL", "FEATURE_NAMES", "STAGE2_NAMES", "load_model", "stage2_rows"]
