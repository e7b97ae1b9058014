"""Grouped cross-validation on the train halves: choose model settings without touching the test halves.

Each train page of the three benchmarks falls into one of K folds by sha256 of its source name (both
renderings of a page stay together). For every fold a model is trained, exactly as `cleaner train`
does, on the other folds plus the annotated fixture pages, and the held-out pages are cleaned with
it in text mode (inscriptis render) and HTML mode, then scored with the published methods. Every
train page is scored once, by a model that never saw it.

    .venv/bin/python bench/cv.py                                # the shipped settings
    .venv/bin/python bench/cv.py --set num_leaves=15 --rounds 200,100 --set learning_rate=0.1
    .venv/bin/python bench/cv.py --dumps                        # also lynx, w3m, elinks, html2text dumps
    .venv/bin/python bench/cv.py --html-extraction precision    # HTML mode with trafilatura's precision mode
    .venv/bin/python bench/cv.py --train-on scrapinghub trafilatura-dev   # WCXB scored, never learnt from

Settings are LightGBM parameters over ``cleaner.training.LGB_PARAMS`` (``--set name=value``) and the
tree counts of both stages (``--rounds``), passed to training as a ``training.TrainConfig``. Takes about K x 50 s plus page collection.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import data  # noqa: E402
import run  # noqa: E402
from cleaner import Cleaner, training  # noqa: E402
from cleaner.evaluate import normalise_space  # noqa: E402
from cleaner.readers import decode  # noqa: E402
from cleaner.settings import HTML_EXTRACTION, Settings  # noqa: E402
from cleaner.thresholds import Thresholds  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "pages"
BENCHES = ("scrapinghub", "trafilatura-dev", "wcxb")
#: each benchmark's gold file (its folder's name is the training pages' source prefix)
GOLD = {
    "scrapinghub": data.SHARED / "scrapinghub" / "ground-truth.json",
    "trafilatura-dev": data.SHARED / "trafilatura-dev" / "evaldata.json",
    "wcxb": data.SHARED / "wcxb-dev" / "ground-truth.json",
}


fold_of = training.fold_of  # (pages are held out by the fold training uses for their source)


def snippet_errors(page, doc, mode: str) -> list[str]:
    """One line per missed `with` (FN) or found `without` (FP) snippet: the block that holds it decides."""
    out = normalise_space(doc.text)
    lines = []
    for kind, snippets in (("FN", page.with_), ("FP", page.without)):
        for s in map(normalise_space, snippets):
            if (s in out) != (kind == "FP"):
                continue
            holder = next((b for b in doc.blocks if s[:40] in normalise_space(b.text)), None)
            why = f"{holder.reason or 'kept'} | p={holder.score}" if holder else "not one block"
            lines.append(f"{mode} | {kind} | {why} | {s[:90]} | {page.key[:70]}")
    return lines


def block_errors(page, doc, mode: str) -> list[str]:
    """One line per ScrapingHub block on the wrong side (aligned with the gold body as in training)."""
    gold = training.GoldText(page.body)
    lines = []
    for b in doc.blocks:
        label = gold.label(b.text)
        if label is None or bool(label) == b.kept:
            continue
        kind = "LOST" if label else "LEAKED"
        lines.append(
            f"{mode} | {kind} | {b.reason or 'kept'} | p={b.score} | {b.features.get('words', 0)} words"
            f" | {b.text[:90]} | {page.key[:12]}"
        )
    return lines


#: fixed text thresholds of ``--sweep``
SWEEP = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
#: HTML mode's confident-drop thresholds of ``--html-sweep``
HTML_SWEEP = (0.01, 0.02, 0.03, 0.05, 0.1)


def collect(train_on, html_extraction: str = Settings.html_extraction) -> tuple[list, list]:
    """The labelled views of the train halves of ``train_on`` and the annotated fixture pages, HTML
    views by ``html_extraction`` (the extraction the held-out pages are cleaned with)."""
    collector = Cleaner(Settings(model="none", html_extraction=html_extraction))
    bench_pages = []
    for b in train_on:
        bench_pages += list(training.pages_from_gold(collector, str(GOLD[b]), "train"))
    return bench_pages, list(training.pages_from_annotated(collector, str(FIXTURES)))


def select(bench_pages: list, types=None, weights=()) -> list:
    """Training views of WCXB pages of ``types`` only (None: all), each benchmark's pages weighted as
    ``weights`` says (``["wcxb=0.36"]``)."""
    if types:
        wcxb_types = {p.key: p.page_type for p in data.load("wcxb")}
        prefix = GOLD["wcxb"].parent.name + "/"
        bench_pages = [
            p for p in bench_pages if not p.source.startswith(prefix) or wcxb_types[p.source[len(prefix) :]] in types
        ]
    for item in weights:
        bench, w = training.parse_weight(item, "BENCH")
        prefix = GOLD[bench].parent.name + "/"
        bench_pages = [dataclasses.replace(p, weight=w) if p.source.startswith(prefix) else p for p in bench_pages]
    return bench_pages


def in_share(source: str, share: float) -> bool:
    """Whether a training page is in the first ``share`` of pages by a hash of its source (nested)."""
    return share >= 1 or int(hashlib.sha256(("share:" + source).encode()).hexdigest(), 16) % 10_000 < share * 10_000


def held_out(page, fold: int, folds: int) -> bool:
    """Whether a benchmark page is held out in ``fold`` (by its training views' source name)."""
    return fold_of(f"{GOLD[page.bench].parent.name}/{page.key}", folds) == fold


def _thresholds(spec: str) -> Thresholds:
    """``"title_keep_score=0.8,header_keep_score=0.6"`` over the default thresholds."""
    changes = {}
    for item in spec.split(","):
        name, _, value = item.partition("=")
        changes[name] = type(getattr(Thresholds(), name))(_value(value))
    return dataclasses.replace(Thresholds(), **changes)


def _at_thresholds(cleaner: Cleaner, attr: str, values, clean):
    """(value, ``clean()``'s text) with the model's ``attr`` threshold set to each of ``values`` in
    turn, then set back: one fold model scored at several decision thresholds."""
    chosen = getattr(cleaner.scorer, attr)
    try:
        for t in values:
            setattr(cleaner.scorer, attr, t)
            yield t, clean().text
    finally:
        setattr(cleaner.scorer, attr, chosen)


def _score(bench: str, pages, out: dict[str, str]):
    return data.score(bench, pages, [out[p.key] for p in pages])


def train_config(settings: list[str], rounds: str | None) -> training.TrainConfig:
    """The training config of ``--set NAME=VALUE`` (LightGBM parameters over the shipped ones) and
    ``--rounds STAGE1,STAGE2`` (default: the shipped tree counts)."""
    params = dict(training.LGB_PARAMS)
    for item in settings:
        name, _, value = item.partition("=")
        params[name] = _value(value)
    counts = tuple(int(x) for x in rounds.split(",")) if rounds else (training.ROUNDS, training.STAGE2_ROUNDS)
    return training.TrainConfig(
        params=params, rounds=counts[0], stage2_rounds=counts[1], seeds=(int(params.get("seed", training.SEED)),)
    )


def _value(text: str):
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument(
        "--set",
        dest="params",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a LightGBM parameter (repeatable)",
    )
    ap.add_argument("--rounds", help="STAGE1,STAGE2 tree counts (default: the shipped ones)")
    ap.add_argument("--json", help="also write the scores to this file")
    ap.add_argument(
        "--sweep",
        action="store_true",
        help="also score text mode at fixed thresholds (0.30-0.60), not only at the shipped 0.5: "
        "compares how well variants rank blocks across thresholds",
    )
    ap.add_argument(
        "--html-sweep",
        action="store_true",
        help="also score HTML mode at fixed confident-drop thresholds (%s), by the same fold models"
        % ", ".join(map(str, HTML_SWEEP)),
    )
    ap.add_argument(
        "--dumps",
        action="store_true",
        help="also score text mode on the pages' lynx, w3m, elinks and html2text dumps (where installed)",
    )
    ap.add_argument(
        "--errors",
        help="write every held-out error here, for diagnosis: trafilatura-dev snippets "
        "missed or leaked, ScrapingHub blocks lost or leaked, with the deciding "
        "block's reason and score",
    )
    ap.add_argument(
        "--outputs",
        help="write every held-out output text here (JSON: benchmark, mode, page key -> text), "
        "to compare or post-process variants page by page",
    )
    ap.add_argument(
        "--html-extraction",
        default=Settings.html_extraction,
        choices=HTML_EXTRACTION,
        help="trafilatura extraction mode of HTML mode on the held-out pages (training as `cleaner train`)",
    )
    ap.add_argument(
        "--train-on",
        nargs="+",
        default=list(BENCHES),
        choices=BENCHES,
        help="benchmarks whose train halves the fold models learn from (all are scored; a benchmark "
        "left out is scored by models that saw none of its pages)",
    )
    ap.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="NAME=V[,NAME=V]",
        help="also score text mode (and HTML mode with --html-extraction own, whose lines are judged as "
        "text) with these classifier thresholds (cleaner/thresholds.py) changed, by the same fold models "
        "(inference-only settings: the models are trained once)",
    )
    ap.add_argument("--bench", nargs="+", default=list(BENCHES), choices=BENCHES, help="benchmarks scored")
    ap.add_argument(
        "--types",
        nargs="+",
        help="train only on WCXB pages of these page types (article, service, forum, listing, product, "
        "collection, documentation); every type is still scored",
    )
    ap.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="BENCH=W",
        help="weight of each training page of a benchmark (default 1: every page weighs the same)",
    )
    ap.add_argument(
        "--share",
        type=float,
        default=1.0,
        help="train each fold on this share of its benchmark train pages (the learning curve; chosen "
        "by a hash of the page, so a smaller share's pages are in every larger one); scoring unchanged",
    )
    a = ap.parse_args(argv)
    config = train_config(a.params, a.rounds)
    started = time.perf_counter()

    bench_pages, fixture_pages = collect(a.train_on, a.html_extraction)
    bench_pages = select(bench_pages, a.types, a.weight)
    print(
        f"collected {len(bench_pages)} benchmark views, {len(fixture_pages)} fixture pages "
        f"({time.perf_counter() - started:.0f} s)",
        file=sys.stderr,
    )

    held = {b: [p for p in data.load(b) if p.split == "train"] for b in a.bench}
    dumps = [f"text, {name}" for name in (run.dumpers() if a.dumps else [])]
    also = {f"text, {v}": _thresholds(v) for v in a.also}
    # the own extraction's lines are judged as a text page's: its HTML mode varies with them too
    also_html = {f"html, {v}": _thresholds(v) for v in a.also} if a.html_extraction == "own" else {}
    outputs: dict[tuple[str, str], dict[str, str]] = {
        (b, m): {} for b in a.bench for m in ("text", "html", *dumps, *also, *also_html)
    }
    errors: list[str] = []
    swept: dict[tuple[str, float], dict[str, str]] = {(b, t): {} for b in a.bench for t in SWEEP}
    html_swept: dict[tuple[str, float], dict[str, str]] = {(b, t): {} for b in a.bench for t in HTML_SWEEP}
    for fold in range(a.folds):
        fit = [p for p in bench_pages if fold_of(p.source, a.folds) != fold and in_share(p.source, a.share)]
        fit += fixture_pages
        with tempfile.TemporaryDirectory() as tmp:
            meta = training.train(fit, tmp, "cv", log=lambda m: None, config=config)
            cleaner = Cleaner(Settings(model=tmp, html_extraction=a.html_extraction))
            variants = {mode: Cleaner(Settings(model=tmp, thresholds=t)) for mode, t in also.items()}
            html_variants = {
                mode: Cleaner(Settings(model=tmp, thresholds=t, html_extraction=a.html_extraction))
                for mode, t in also_html.items()
            }
            for bench in a.bench:
                for page in held[bench]:
                    if not held_out(page, fold, a.folds):
                        continue
                    html = decode(page.html_bytes())
                    text = training.render_inscriptis(html)
                    for mode, doc in (
                        ("text", cleaner.clean_text(text, source=page.key, url=page.url)),
                        ("html", cleaner.clean_html(html, source=page.key, url=page.url)),
                    ):
                        outputs[(bench, mode)][page.key] = doc.text
                        if a.errors:
                            errors += (
                                snippet_errors(page, doc, mode)
                                if bench == "trafilatura-dev"
                                else block_errors(page, doc, mode)
                            )
                    for mode, cl in variants.items():
                        outputs[(bench, mode)][page.key] = cl.clean_text(text, source=page.key, url=page.url).text
                    for mode, cl in html_variants.items():
                        outputs[(bench, mode)][page.key] = cl.clean_html(html, source=page.key, url=page.url).text
                    for mode in dumps:
                        dump = run.render_dump(html, mode.split(", ")[1])
                        outputs[(bench, mode)][page.key] = cleaner.clean_text(dump, source=page.key, url=page.url).text
                    if a.sweep:
                        for t, out in _at_thresholds(
                            cleaner, "threshold", SWEEP, lambda: cleaner.clean_text(text, source=page.key, url=page.url)
                        ):
                            swept[(bench, t)][page.key] = out
                    if a.html_sweep:
                        for t, out in _at_thresholds(
                            cleaner,
                            "html_threshold",
                            HTML_SWEEP,
                            lambda: cleaner.clean_html(html, source=page.key, url=page.url),
                        ):
                            html_swept[(bench, t)][page.key] = out
        print(
            f"fold {fold + 1}/{a.folds} done ({time.perf_counter() - started:.0f} s); thresholds: text "
            f"{meta['threshold']} (out-of-fold best {meta.get('oof_best_threshold')}), html {meta['html_threshold']}",
            file=sys.stderr,
        )

    scores, sweep = {}, {}
    if a.sweep:
        for bench in a.bench:
            f1s = [_score(bench, held[bench], swept[(bench, t)]).f1 for t in SWEEP]
            sweep[f"{bench} text"] = {str(t): round(f, 4) for t, f in zip(SWEEP, f1s)}
            print(
                f"{bench} text at fixed thresholds: "
                + "  ".join(f"{t:.2f}: {f:.3f}" for t, f in zip(SWEEP, f1s))
                + f"  | mean {sum(f1s) / len(f1s):.3f}"
            )
    if a.html_sweep:
        for bench in a.bench:
            f1s = [_score(bench, held[bench], html_swept[(bench, t)]).f1 for t in HTML_SWEEP]
            sweep[f"{bench} html"] = {str(t): round(f, 4) for t, f in zip(HTML_SWEEP, f1s)}
            print(
                f"{bench} html at fixed thresholds: " + "  ".join(f"{t:.2f}: {f:.4f}" for t, f in zip(HTML_SWEEP, f1s))
            )
    for (bench, mode), out in outputs.items():
        s = _score(bench, held[bench], out)
        scores[f"{bench} {mode}"] = {"f1": round(s.f1, 4), "p": round(s.precision, 4), "r": round(s.recall, 4)}
    label = " ".join(a.params + ([f"rounds={a.rounds}"] if a.rounds else [])) or "shipped settings"
    if a.types:
        label += " (WCXB types: " + ", ".join(a.types) + ")"
    if a.weight:
        label += " (weights " + ", ".join(a.weight) + ")"
    if a.share < 1:
        label += f" (share {a.share:g} of the train pages)"
    if set(a.train_on) != set(BENCHES):
        label += " (trained on " + ", ".join(a.train_on) + ")"
    print(f"| {label} | " + " | ".join(f"{v['f1']:.3f}" for v in scores.values()) + " |")
    print("columns: " + ", ".join(scores))
    if a.errors:
        Path(a.errors).write_text("\n".join(sorted(errors)) + "\n", encoding="utf-8")
    if a.outputs:
        dump = {f"{bench} {mode}": dict(sorted(out.items())) for (bench, mode), out in outputs.items()}
        Path(a.outputs).write_text(json.dumps(dump, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if a.json:
        Path(a.json).write_text(
            json.dumps({"settings": label, "scores": scores, **({"sweep": sweep} if sweep else {})}, indent=2) + "\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
