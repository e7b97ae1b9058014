"""Rule ablation by cross-validation on the train halves: each rule's net effect on F1, per benchmark
and mode, so that a rule that helps only where it was written from (or hurts elsewhere) shows.

    .venv/bin/python bench/ablation.py --json /tmp/ablation.json     # every rule, ~30 min
    .venv/bin/python bench/ablation.py --rules share.widget_words copyright.line
    .venv/bin/python bench/ablation.py --set num_leaves=63 --rounds 800,300    # other fold models

Folds as bench/cv.py: a model per fold trained on the other folds' train pages of the three
benchmarks (and the annotated fixture pages); the held-out pages are cleaned in text mode
(inscriptis) and HTML mode with every rule, then, for each rule that decided a block there (its id
in a block's ``rule`` or ``section``), those pages again with that rule disabled (a rule folder with
``disable = [id]`` in each packaged file that has the id). A rule that decided nothing on a page
cannot change it, so the other pages keep their output. Δ = F1 with the rule − F1 without: positive
where the rule helps. The fold models are trained with every rule (a rule's category is a model
feature): the table measures a rule against the model as shipped, not against a model retrained
without it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tomllib
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv  # noqa: E402
import data  # noqa: E402
from cleaner import Cleaner, training  # noqa: E402
from cleaner.readers import decode  # noqa: E402
from cleaner.settings import Settings  # noqa: E402

RULES = Path(__file__).resolve().parent.parent / "cleaner" / "rules"
MODES = ("text", "html")


def rule_files() -> dict[str, list[str]]:
    """Every line, vocabulary and section rule id -> the packaged files that hold it."""
    found: dict[str, list[str]] = defaultdict(list)
    for name in ("common.toml", "de.toml", "en.toml"):
        doc = tomllib.loads((RULES / name).read_text(encoding="utf-8"))
        for kind in ("line", "vocab", "section"):
            for rule in doc.get(kind, []):
                found[rule["id"]].append(name)
    return dict(found)


def fired(doc) -> set[str]:
    return {x for b in doc.blocks for x in (b.rule, b.section) if x}


def clean(cleaner: Cleaner, page, html: str, text: str, mode: str):
    if mode == "text":
        return cleaner.clean_text(text, source=page.key, url=page.url)
    return cleaner.clean_html(html, source=page.key, url=page.url)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folds", type=int, default=4)
    ap.add_argument("--rules", nargs="*", help="only these rule ids (default: every rule)")
    ap.add_argument("--json", help="write the table here")
    ap.add_argument("--types", nargs="+", help="as bench/cv.py: train on WCXB pages of these types only")
    ap.add_argument("--weight", action="append", default=[], metavar="BENCH=W", help="as bench/cv.py")
    ap.add_argument("--set", dest="params", action="append", default=[], metavar="NAME=VALUE", help="as bench/cv.py")
    ap.add_argument("--rounds", help="as bench/cv.py: STAGE1,STAGE2 tree counts of the fold models")
    a = ap.parse_args(argv)
    config = cv.train_config(a.params, a.rounds)
    files = rule_files()
    wanted = set(a.rules) if a.rules else set(files)
    started = time.perf_counter()
    bench_pages, fixture_pages = cv.collect(cv.BENCHES)
    bench_pages = cv.select(bench_pages, a.types, a.weight)
    held = {b: [p for p in data.load(b) if p.split == "train"] for b in cv.BENCHES}
    base: dict[tuple[str, str], dict[str, str]] = {(b, m): {} for b in cv.BENCHES for m in MODES}
    # rule -> (bench, mode) -> page key -> output without the rule
    without: dict[str, dict[tuple[str, str], dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    pages_of: dict[str, set] = defaultdict(set)
    for fold in range(a.folds):
        fit = [p for p in bench_pages if cv.fold_of(p.source, a.folds) != fold] + fixture_pages
        with tempfile.TemporaryDirectory() as tmp:
            training.train(fit, tmp, "ablation", log=lambda m: None, config=config)
            full = Cleaner(Settings(model=tmp))
            inputs, hits = {}, defaultdict(list)
            for bench in cv.BENCHES:
                for page in held[bench]:
                    if not cv.held_out(page, fold, a.folds):
                        continue
                    html = decode(page.html_bytes())
                    inputs[(bench, page.key)] = (page, html, training.render_inscriptis(html))
                    for mode in MODES:
                        doc = clean(full, page, html, inputs[(bench, page.key)][2], mode)
                        base[(bench, mode)][page.key] = doc.text
                        for rule in fired(doc) & wanted:
                            hits[rule].append((bench, page.key, mode))
            for rule, where in sorted(hits.items()):
                # (a folder of its own per rule and fold: load_rules caches by folder)
                folder = Path(tmp) / "off" / rule
                folder.mkdir(parents=True)
                for name in files.get(rule, []):
                    (folder / name).write_text(f"disable = [{json.dumps(rule)}]\n", encoding="utf-8")
                if not files.get(rule):
                    continue  # an outlet's own rule: not ablated here
                off = Cleaner(Settings(model=tmp, rules_dirs=(str(folder),)), scorer=full.scorer)
                for bench, key, mode in where:
                    page, html, text = inputs[(bench, key)]
                    without[rule][(bench, mode)][key] = clean(off, page, html, text, mode).text
                    pages_of[rule].add((bench, key))
        print(f"fold {fold + 1}/{a.folds} done ({time.perf_counter() - started:.0f} s)", file=sys.stderr)

    def f1(bench, mode, replaced=None):
        out = dict(base[(bench, mode)])
        out.update(replaced or {})
        return data.score(bench, held[bench], [out[p.key] for p in held[bench]]).f1

    columns = [(b, m) for b in cv.BENCHES for m in MODES]
    full_f1 = {c: f1(*c) for c in columns}
    rows = []
    for rule in sorted(wanted):
        counts = {b: sum(1 for bb, _ in pages_of[rule] if bb == b) for b in cv.BENCHES}
        deltas = {c: full_f1[c] - f1(*c, without[rule].get(c)) if without[rule].get(c) else 0.0 for c in columns}
        rows.append({"rule": rule, "files": files.get(rule, []), "pages": counts, "delta": deltas})
    print("F1 with every rule: " + "  ".join(f"{b} {m} {full_f1[(b, m)]:.4f}" for b, m in columns))
    print("| rule | file | pages SH / TD / WCXB | " + " | ".join(f"Δ {b} {m}" for b, m in columns) + " |")
    print("|---|---|---|" + "---|" * len(columns))
    for r in rows:
        pages = " / ".join(str(r["pages"][b]) for b in cv.BENCHES)
        cells = " | ".join(f"{100 * r['delta'][c]:+.2f}" for c in columns)
        print(f"| {r['rule']} | {', '.join(f.removesuffix('.toml') for f in r['files'])} | {pages} | {cells} |")
    if a.json:
        out = {
            "full": {f"{b} {m}": v for (b, m), v in full_f1.items()},
            "rules": [{**r, "delta": {f"{b} {m}": v for (b, m), v in r["delta"].items()}} for r in rows],
        }
        Path(a.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
