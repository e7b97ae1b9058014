"""Training the block model (``cleaner train``): labelled pages -> block features -> two LightGBM
stages -> model files in LightGBM's text format plus a JSON description.

Labelled data comes in four shapes:
- a gold file (ScrapingHub ``ground-truth.json`` or trafilatura ``evaldata.json``) with its ``html/``
  folder beside it: pages are rendered to text (inscriptis) and, for HTML mode, extracted with
  trafilatura; blocks are labelled by aligning them with the gold body (word 4-gram overlap), or
  with the ``with``/``without`` snippets plus silver labels from cleaner's own HTML output;
- annotated text pages (``+ |`` / ``- category |`` / ``= title |`` lines, see tests/fixtures);
- (raw page, golden clean text) pairs: a raw block is content if it is a line of the golden text;
- block-level JSONL: ``{"doc": ..., "text": ..., "label": 0|1|null, "mode": "text"|"html"}``,
  blocks of one document consecutive and in page order.

Reproducible: fixed seeds, single-threaded deterministic LightGBM, pages in sorted order.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import numpy as np

from .classify import annotate
from .document import Block
from .evaluate import load_gold, normalise_space
from .extract import extract_html
from .model.features import CATEGORICAL, dom_columns, feature_names, page_features
from .model.scorer import HTML_THRESHOLD, META_FILE, STAGE2_NAMES, TEXT_THRESHOLD, stage2_rows
from .pipeline import Cleaner
from .readers import decode
from .ruleset import LanguageRules

_TOKEN = re.compile(r"\w+", re.UNICODE)
SEED = 20261122
FOLDS = 5
LGB_PARAMS = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 63,  # (31 before WCXB's pages quadrupled the data: bench/RESULTS.md log #242, #250)
    "min_data_in_leaf": 20,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "seed": SEED,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 1,
    "verbose": -1,
}
ROUNDS = 400
STAGE2_ROUNDS = 200
#: a block is article text when this share of its word 4-grams is in the gold text
ALIGN_MIN_SHARE = 0.5


def benchmark_split(key: str) -> str:
    """The fixed split shared with bench/: test when sha256(key) starts with 0-7, else train."""
    return "test" if hashlib.sha256(key.encode("utf-8")).hexdigest()[0] in "01234567" else "train"


@dataclass
class LabelledPage:
    source: str  # what the page came from (for the training summary and CV groups)
    mode: str  # text | html
    blocks: list[Block]
    rules: LanguageRules
    labels: list[int | None]
    url: str | None = None  # the page's address (the slug features); None where unknown
    weight: float = 1.0  # the page's weight in training (its blocks' weights sum to 100 x this)


# ------------------------------------------------------------------------------ alignment


def _shingles(tokens: list[str], n: int = 4) -> set:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


class GoldText:
    """A gold text prepared for fast block alignment."""

    def __init__(self, text: str):
        self.tokens = _TOKEN.findall(text or "")
        self.shingles = _shingles(self.tokens)
        self.joined = " " + " ".join(self.tokens) + " "

    def label(self, block_text: str) -> int | None:
        tokens = _TOKEN.findall(block_text)
        if not tokens:
            return None
        if len(tokens) < 4:
            return int(" " + " ".join(tokens) + " " in self.joined)
        mine = _shingles(tokens)
        return int(len(mine & self.shingles) / len(mine) >= ALIGN_MIN_SHARE)


def _unlabel_repeats(blocks: list[Block], labels: list[int | None]) -> None:
    """A repeated block matches the gold as well as its first copy, but the scoring counts text
    once: later copies carry no label (in text mode the duplicate stage drops them anyway; labelling
    them in HTML views, where lines repeated on their own stay, was cross-validated without gain)."""
    seen = set()
    for i, b in enumerate(blocks):
        key = " ".join(_TOKEN.findall(b.text.lower()))
        if key in seen and len(key) > 20:
            labels[i] = None
        seen.add(key)


def _snippet_labels(blocks: list[Block], labels: list[int | None], with_: list[str], without: list[str]) -> None:
    """Snippets are exact human labels: they override silver labels of the blocks that hold them."""
    texts = [normalise_space(b.text) for b in blocks]
    for snippets, value in ((without, 0), (with_, 1)):
        for s in snippets:
            s = normalise_space(s)
            for i, t in enumerate(texts):
                if s and (s in t or (len(t) >= 30 and t in s)):
                    labels[i] = value


# ------------------------------------------------------------------------------ sources


def render_inscriptis(html: str) -> str:
    """The page as inscriptis renders it (layout-aware: blank lines, indentation, bullets)."""
    from inscriptis import get_text  # a training/bench dependency only

    return get_text(html)


def render_bs4(html: str) -> str:
    """The page as BeautifulSoup's get_text renders it: no layout, a line per text node (so
    paragraphs come broken at links and bold words) - a harsh second renderer."""
    import warnings

    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():  # some pages declare XML; an HTML parse is what a browser does too
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "lxml")
    for el in soup(["script", "style", "noscript", "template"]):
        el.decompose()
    return soup.get_text("\n")


#: text renderings of each training page: real text dumps come from many renderers
RENDERERS = (("inscriptis", render_inscriptis), ("bs4", render_bs4))


def pages_from_gold(
    cleaner: Cleaner, gold_path: str, split: str, modes: tuple[str, ...] = ("text", "html"), log=None
) -> Iterator[LabelledPage]:
    fmt, gold = load_gold(gold_path)
    html_dir = Path(gold_path).parent / "html"
    raw = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    for key in sorted(raw):
        entry = raw[key]
        if split != "all" and benchmark_split(key) != split:
            continue
        path = html_dir / (entry["file"] if fmt == "snippets" else f"{key}.html.gz")
        html = decode(gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes())
        url = key if key.startswith("http") else entry.get("url")
        if fmt != "snippets":  # the main content's text (ScrapingHub, WCXB)
            gold_text = GoldText(entry.get("articleBody", ""))
            with_, without = [], []
        else:  # silver labels from our own HTML output, overridden by the human snippets
            gold_text = GoldText(cleaner.clean_html(html, url=url).text)
            with_, without = entry["with"], entry["without"]
        views: list[tuple[str, str, str | None, list | None]] = []  # (mode, text, site name, DOM marks)
        if "text" in modes:
            views += [("text", render(html), None, None) for _, render in RENDERERS]
        if "html" in modes and fmt != "snippets":
            # (not for snippet golds: silver labels of our own HTML output would teach the model
            # itself, and snippet-only labels there were tried without gain)
            # the same extraction as Cleaner.clean_html (pruned markup, extraction mode)
            ext = extract_html(
                html, url=url, prune_xpath=cleaner.rules.html_prune_xpath, focus=cleaner.settings.html_extraction
            )
            views.append((ext.mode, ext.text, ext.sitename, ext.dom))
        # half of the pages train without their address, so documents that come without one
        # (text dumps, the seed pages) are judged by a branch of the trees trained as well
        feature_url = url if hashlib.sha256(("url:" + key).encode("utf-8")).digest()[0] % 2 == 0 else None
        for mode, text, sitename, marks in views:
            # (the outlet is looked up by the address the features see: a page without one is one)
            blocks, rules = cleaner.annotated(text, mode=mode, url=feature_url, sitename=sitename, dom=marks)
            labels = [gold_text.label(b.text) for b in blocks]
            _unlabel_repeats(blocks, labels)
            _snippet_labels(blocks, labels, with_, without)
            # one source name per page: both renderings of a page fall into the same CV fold
            yield LabelledPage(f"{Path(gold_path).parent.name}/{key}", mode, blocks, rules, labels, feature_url)
        if log:
            log(f"  {Path(gold_path).parent.name}: {key[:40]}")


def parse_annotated(path: Path) -> tuple[dict, str, list[tuple[str, str, str | None]]]:
    """An annotated page: (header fields, page text, [(line text, label, category)])."""
    header: dict[str, str] = {}
    lines: list[str] = []
    expected: list[tuple[str, str, str | None]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("# "):
            key, _, value = raw[2:].partition(":")
            header[key.strip()] = value.strip()
            continue
        if not raw.strip():
            lines.append("")
            continue
        tag, sep, text = raw.partition(" | ")
        if not sep:
            tag, text = raw.rstrip(" |"), ""
        tag = tag.strip()
        lines.append(text)
        if tag == "+":
            expected.append((text, "content", None))
        elif tag == "= title":
            expected.append((text, "title", None))
        else:
            expected.append((text, "boilerplate", tag.lstrip("- ").strip()))
    return header, "\n".join(lines) + "\n", expected


def pages_from_annotated(cleaner: Cleaner, folder: str) -> Iterator[LabelledPage]:
    for path in sorted(Path(folder).glob("*.txt")):
        _, page, expected = parse_annotated(path)
        blocks, rules = cleaner.annotated(page, mode="text")
        labels: list[int | None] = [int(label == "content") for _, label, _ in expected]
        if len(labels) == len(blocks):
            yield LabelledPage(f"annotated/{path.name}", "text", blocks, rules, labels)


def pages_from_pairs(cleaner: Cleaner, raw_dir: str, clean_dir: str) -> Iterator[LabelledPage]:
    from .corpus.sources import expand
    from .readers import read_bytes, sniff_format
    from .writers import review_name

    for kind, source in expand([raw_dir]):
        if kind != "files":
            continue
        golden = Path(clean_dir) / review_name(source)
        if not golden.exists():
            continue
        text = decode(read_bytes(source, cleaner.settings.max_bytes))
        if sniff_format(source, text) == "html":
            continue  # pairs are for text pages; HTML pages are labelled through gold files
        keep = {normalise_space(line) for line in golden.read_text(encoding="utf-8").splitlines() if line.strip()}
        blocks, rules = cleaner.annotated(text, mode="text")
        # (named relative to the folder: the fold of a page must not depend on how the folder was written)
        yield LabelledPage(
            f"pairs/{Path(os.path.relpath(source, raw_dir)).as_posix()}",
            "text",
            blocks,
            rules,
            [int(normalise_space(b.text) in keep) for b in blocks],
        )


def pages_from_block_jsonl(cleaner: Cleaner, path: str) -> Iterator[LabelledPage]:
    docs: dict[str, list[dict]] = {}
    order: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                if rec["doc"] not in docs:
                    docs[rec["doc"]] = []
                    order.append(rec["doc"])
                docs[rec["doc"]].append(rec)
    for doc in order:
        recs = docs[doc]
        mode = recs[0].get("mode", "text")
        blocks = [Block(index=i, text=" ".join(r["text"].split()), line=i + 1) for i, r in enumerate(recs)]
        rules = cleaner.rules_for("\n".join(b.text for b in blocks))
        annotate(blocks, rules, (), mode, cleaner.verdicts_for(rules), thresholds=cleaner.settings.thresholds)
        yield LabelledPage(f"blocks/{doc}", mode, blocks, rules, [r.get("label") for r in recs])


# ------------------------------------------------------------------------------ training


def page_weights(page: LabelledPage) -> list[float | None]:
    """Each block's training weight (None: unlabelled): its share of the page's labelled words, so
    that every page weighs the same (100 in all) whatever its length."""
    total = sum(max(1, b.features["words"]) for b, y in zip(page.blocks, page.labels) if y is not None) or 1
    scale = 100.0 * page.weight
    return [
        None if y is None else scale * max(1, b.features["words"]) / total for b, y in zip(page.blocks, page.labels)
    ]


def _with_dom(pages: list[LabelledPage]) -> bool:
    """Whether the model gets the DOM columns: when some training page has own-extraction marks."""
    return any(b.dom is not None for p in pages for b in p.blocks)


def _matrix(pages: list[LabelledPage]):
    rows: list[np.ndarray] = []  # (a feature row per labelled block)
    ys, ws, groups, page_rows = [], [], [], []
    with_dom = _with_dom(pages)
    for g, page in enumerate(pages):
        feats = page_features(page.blocks, page.rules, page.mode, page.url)
        if with_dom:
            feats = np.hstack([feats, dom_columns(page.blocks)])
        start = len(rows)
        for f, y, weight in zip(feats, page.labels, page_weights(page)):
            if y is None:
                continue
            rows.append(f)
            ys.append(y)
            ws.append(weight)
            groups.append(g)
        page_rows.append((start, len(rows), feats, page.labels))
    return np.asarray(rows, dtype=np.float64), np.asarray(ys), np.asarray(ws), np.asarray(groups), page_rows


@dataclass(frozen=True)
class TrainConfig:
    """A training run's settings, passed down (``cleaner train`` takes the defaults; bench/cv.py and
    bench/stability.py vary them): nothing module-level changes for a run."""

    #: LightGBM's parameters for every booster (``seed`` is set per booster from ``seeds``)
    params: Mapping[str, Any] = field(default_factory=lambda: dict(LGB_PARAMS))
    rounds: int = ROUNDS
    stage2_rounds: int = STAGE2_ROUNDS
    #: pages go to folds by the hash of their source, for the out-of-fold stage-1 probabilities
    folds: int = FOLDS
    #: one booster per seed in each stage, their probabilities averaged (the shipped model: one)
    seeds: tuple[int, ...] = (SEED,)


@dataclass
class Ensemble:
    """A stage: its boosters' mean probability (one booster: its own)."""

    boosters: list

    def predict(self, X) -> np.ndarray:
        if len(self.boosters) == 1:
            return self.boosters[0].predict(X)
        return np.mean([b.predict(X) for b in self.boosters], axis=0)


@dataclass
class Fitted:
    """Both stages of a fit, with what ``train`` records about it."""

    stage1: Ensemble
    stage2: Ensemble
    #: the best text threshold on stage 2's own out-of-fold probabilities (None: not computed)
    oof_best: float | None
    blocks: int
    content: int


def booster(X, y, w, names, rounds: int, params: Mapping[str, Any]):
    """One LightGBM booster on labelled rows ``X`` with weights ``w``."""
    import lightgbm as lgb

    cats = [n for n in CATEGORICAL if n in names]
    ds = lgb.Dataset(
        X,
        label=y,
        weight=w,
        feature_name=list(names),
        categorical_feature=cats,
        free_raw_data=False,
        params={"verbose": -1},
    )
    return lgb.train(dict(params), ds, num_boost_round=rounds)


def _ensemble(config: TrainConfig, X, y, w, names, rounds: int) -> Ensemble:
    return Ensemble([booster(X, y, w, names, rounds, {**config.params, "seed": seed}) for seed in config.seeds])


def _best_threshold(p: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    best, best_f1 = 0.5, -1.0
    for t in np.arange(0.05, 0.96, 0.01):
        pred = p >= t
        tp = float(w[pred & (y == 1)].sum())
        fp = float(w[pred & (y == 0)].sum())
        fn = float(w[~pred & (y == 1)].sum())
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(round(t, 2)), f1
    return best


def fold_of(source: str, folds: int = FOLDS) -> int:
    """The fold of a training page (by the hash of its source: the same page, the same fold)."""
    return int(hashlib.sha256(source.encode()).hexdigest(), 16) % folds


def fit(
    pages: list[LabelledPage],
    config: TrainConfig = TrainConfig(),
    left_out: frozenset[int] = frozenset(),
    oof_threshold: bool = True,
    log=print,
) -> Fitted:
    """Both stages on ``pages`` but those at the positions in ``left_out``: stage 1 out of fold first,
    so that stage 2 learns from honest probabilities; then each stage on every page used."""
    if not pages:
        raise ValueError("no labelled pages")
    X, y, w, groups, page_rows = _matrix(pages)
    names = feature_names(_with_dom(pages))
    used = np.array([g not in left_out for g in groups])
    log(
        f"training on {len(pages) - len(left_out)} pages, {int(used.sum())} labelled blocks "
        f"({int(y[used].sum())} content)"
    )
    oof_by_page: list[list[float]] = [[] for _ in pages]
    fold_of_page = [fold_of(p.source, config.folds) for p in pages]
    for fold in range(config.folds):
        train_mask = used & np.array([fold_of_page[g] != fold for g in groups])
        stage = _ensemble(config, X[train_mask], y[train_mask], w[train_mask], names, config.rounds)
        for g, (start, end, feats, labels) in enumerate(page_rows):
            if fold_of_page[g] == fold:
                oof_by_page[g] = stage.predict(np.asarray(feats, dtype=np.float64)).tolist() if len(feats) else []
        log(f"  stage 1, fold {fold + 1}/{config.folds}")
    rows2: list = []
    labels2: list = []
    weights2: list = []
    modes2: list = []
    row_pages: list[int] = []
    for g, (start, end, feats, labels) in enumerate(page_rows):
        if g in left_out:
            continue
        for r, lab, weight in zip(stage2_rows(oof_by_page[g], feats), labels, page_weights(pages[g])):
            if lab is None:
                continue
            rows2.append(r)
            labels2.append(lab)
            weights2.append(weight)
            modes2.append(pages[g].mode)
            row_pages.append(g)
    X2, y2, w2, modes = np.asarray(rows2), np.asarray(labels2), np.asarray(weights2), np.asarray(modes2)
    oof_best = None
    if oof_threshold:
        # stage 2's own out-of-fold predictions: the best text threshold on them is recorded for
        # diagnosis only (the curve is flat; the model ships with the constant TEXT_THRESHOLD)
        p2 = np.zeros(len(y2))
        for fold in range(config.folds):
            mask = np.array([fold_of_page[g] != fold for g in row_pages])
            p2[~mask] = _ensemble(config, X2[mask], y2[mask], w2[mask], STAGE2_NAMES, config.stage2_rounds).predict(
                X2[~mask]
            )
        text_rows = modes == "text"
        oof_best = _best_threshold(p2[text_rows], y2[text_rows], w2[text_rows])
    stage1 = _ensemble(config, X[used], y[used], w[used], names, config.rounds)
    stage2 = _ensemble(config, X2, y2, w2, STAGE2_NAMES, config.stage2_rounds)
    return Fitted(stage1, stage2, oof_best, int(used.sum()), int(y[used].sum()))


#: what the model's description says of training data by its source (a gold file's folder):
#: licences and the credit a source asks for
DATA_CREDITS = {
    "scrapinghub": "ScrapingHub article-extraction-benchmark (MIT licence), train half",
    "trafilatura-dev": "trafilatura's evaluation data (Apache-2.0), train half",
    "wcxb-dev": (
        "WCXB, the Web Content eXtraction Benchmark, by Murrough Foley (CC-BY-4.0, "
        "https://creativecommons.org/licenses/by/4.0/), development split, train half: Foley, M. (2026). "
        "WCXB: A Multi-Type Web Content Extraction Benchmark. https://github.com/murroughfoley/wcx. "
        "Gold drafted by an LLM and reviewed by people; labels here are its main content aligned to blocks"
    ),
    "annotated": "cleaner's annotated fixture pages (tests/fixtures/pages)",
}


def train(
    pages: list[LabelledPage], out_dir: str, command: str, log=print, config: TrainConfig = TrainConfig()
) -> dict:
    """Train both stages on ``pages`` and write the model files into ``out_dir``."""
    import lightgbm as lgb

    if len(config.seeds) != 1:
        raise ValueError("a model written to disk has one booster per stage: give one seed")
    fitted = fit(pages, config, log=log)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    fitted.stage1.boosters[0].save_model(str(out / "blocks.stage1.txt"))
    fitted.stage2.boosters[0].save_model(str(out / "blocks.stage2.txt"))
    sources = Counter(p.source.split("/")[0] + f" ({p.mode})" for p in pages)
    meta = {
        "format": "cleaner block model v1 (LightGBM text models)",
        "stage1": "blocks.stage1.txt",
        "stage2": "blocks.stage2.txt",
        "features": feature_names(_with_dom(pages)),
        "stage2_features": list(STAGE2_NAMES),
        "threshold": TEXT_THRESHOLD,
        "oof_best_threshold": fitted.oof_best,
        "html_threshold": HTML_THRESHOLD,
        "lightgbm": lgb.__version__,
        "params": {**config.params, "seed": config.seeds[0]},
        "rounds": [config.rounds, config.stage2_rounds],
        "training_pages": dict(sorted(sources.items())),
        "training_data": {
            name: DATA_CREDITS.get(name, "given by the user")
            for name in sorted({p.source.split("/")[0] for p in pages})
        },
        "training_blocks": fitted.blocks,
        "command": command,
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    log(f"thresholds: text {TEXT_THRESHOLD} (out-of-fold best {fitted.oof_best}), html {HTML_THRESHOLD}; wrote {out}")
    return meta


def parse_weight(item: str, name: str = "FOLDER") -> tuple[str, float]:
    """``NAME=W`` (``cleaner train --weight``, ``bench/cv.py --weight``) as (NAME, W), a training
    weight above 0; ValueError saying what is wrong."""
    key, _, value = item.partition("=")
    try:
        weight = float(value)
    except ValueError:
        raise ValueError(f"{item!r} is not {name}=W with a number W") from None
    if not weight > 0:
        raise ValueError(f"{item!r}: the weight must be above 0")
    return key, weight


def collect(
    cleaner: Cleaner,
    golds: Iterable[str],
    annotated: Iterable[str],
    pairs: Iterable[tuple[str, str]],
    block_files: Iterable[str],
    split: str,
    log=print,
    weights: Mapping[str, float] | None = None,
) -> list[LabelledPage]:
    """The labelled pages of every source; ``weights`` gives the pages of a gold file, by the name of
    its folder (``{"wcxb-dev": 0.5}``), a training weight other than 1."""
    weights = dict(weights or {})
    unknown = sorted(set(weights) - {Path(g).parent.name for g in golds})
    if unknown:
        raise ValueError(f"--weight names no --gold folder: {', '.join(unknown)}")
    pages: list[LabelledPage] = []
    for g in golds:
        w = weights.get(Path(g).parent.name, 1.0)
        pages += [p if w == 1.0 else replace(p, weight=w) for p in pages_from_gold(cleaner, g, split)]
        log(f"{g}: {len(pages)} labelled pages so far")
    for folder in annotated:
        pages += list(pages_from_annotated(cleaner, folder))
    for raw_dir, clean_dir in pairs:
        pages += list(pages_from_pairs(cleaner, raw_dir, clean_dir))
    for f in block_files:
        pages += list(pages_from_block_jsonl(cleaner, f))
    return pages
