"""Language identification: fastText (lid.176.ftz, cleaner/langid.py) against langdetect, the reference.

    .venv/bin/python bench/langid.py
    .venv/bin/python bench/langid.py --cleaned bench/out/base-text.jsonl --show 20

Both identifiers run through ``cleaner.metadata.language`` (the same sample: the first
``language_sample_chars`` of the text; the script deciding for Chinese, Japanese and Korean; short
texts None), in one process, on:
- the gold article text of every benchmark page (ScrapingHub and WCXB ``articleBody``,
  trafilatura-dev's ``with`` snippets joined);
- cleaner's outputs on those pages, from JSONL files such as the ones ``bench/corpus_hash.py --out``
  writes (default: bench/out/base-text.jsonl and base-html.jsonl when present; the records'
  stored langdetect verdict is checked against the recomputed one);
- the cleaned raw/ pages.

Per set: agreement of the two labels (None = None counts as agreement), agreement on the documents
langdetect gives prob >= CONFIDENT, accuracy against WCXB's ``lang`` gold field, and ms per document
of each identifier (the whole ``metadata.language`` call, after a warm-up; CPU time of this
process, so that other processes on the machine disturb it less than wall-clock time would).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import data  # noqa: E402

from cleaner import langid, metadata  # noqa: E402
from cleaner.settings import Settings  # noqa: E402

#: langdetect's probability from which a verdict counts as confident
CONFIDENT = 0.9
#: fastText probability under which a verdict is counted as unsure (a line of the summary)
UNSURE = 0.5
#: texts each identifier reads before timing starts (langdetect loads its profiles on first use)
WARM_UP = 20
DEFAULT_CLEANED = [HERE / "out" / "base-text.jsonl", HERE / "out" / "base-html.jsonl"]


def gold_sets() -> dict[str, list[tuple[str, str, str | None]]]:
    """{set name: [(source, text, gold language or None)]} from the benchmarks' gold annotations."""
    sets: dict[str, list[tuple[str, str, str | None]]] = {}
    wcxb_lang = wcxb_langs()
    for bench in sorted(data.BENCHMARKS):
        rows = []
        for p in data.load(bench):
            text = p.body if p.body else "\n".join(p.with_)
            rows.append((f"{bench}/{p.key}", text or "", wcxb_lang.get(p.key) if bench == "wcxb" else None))
        sets[f"{bench} gold"] = rows
    return sets


def wcxb_langs() -> dict[str, str]:
    gold = json.loads((data.SHARED / "wcxb-dev" / "ground-truth.json").read_text(encoding="utf-8"))
    return {k: v["lang"] for k, v in gold.items() if v.get("lang")}


def cleaned_sets(paths: list[Path]) -> tuple[dict[str, list[tuple[str, str, str | None]]], dict[str, tuple]]:
    """Records of cleaner outputs, by file and benchmark; and each record's stored (language, prob)."""
    wcxb_lang = wcxb_langs()
    sets: dict[str, list[tuple[str, str, str | None]]] = {}
    stored: dict[str, tuple] = {}
    for path in paths:
        mode = path.stem.rsplit("-", 1)[-1]
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if "text" not in rec:  # a page the cleaner rejected
                    continue
                bench, _, key = rec["source"].partition("/")
                sets.setdefault(f"{bench} {mode}", []).append(
                    (rec["source"], rec["text"], wcxb_lang.get(key) if bench == "wcxb" else None)
                )
                stored[f"{mode}:{rec['source']}"] = (rec.get("language"), rec.get("language_prob"))
    return sets, stored


def raw_set() -> list[tuple[str, str, str | None]]:
    from cleaner.pipeline import Cleaner

    cleaner = Cleaner()
    return [(p.name, cleaner.clean_file(str(p)).text, None) for p in sorted((ROOT / "raw").iterdir()) if p.is_file()]


def identify(rows, identifier: str, sample_chars: int) -> tuple[list[tuple], float]:
    """Verdicts and CPU ms per document."""
    for _, text, _ in rows[:WARM_UP]:
        metadata.language(text, sample_chars, identifier)
    out, clock = [], time.process_time
    t0 = clock()
    for _, text, _ in rows:
        out.append(metadata.language(text, sample_chars, identifier))
    return out, (clock() - t0) * 1000 / max(len(rows), 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--cleaned",
        action="append",
        type=Path,
        help="JSONL of cleaner records (repeatable; default: bench/out/base-{text,html}.jsonl if present)",
    )
    ap.add_argument("--show", type=int, default=10, help="disagreements to list")
    args = ap.parse_args()
    sample_chars = Settings().language_sample_chars
    sets = gold_sets()
    cleaned, stored = cleaned_sets(args.cleaned or [p for p in DEFAULT_CLEANED if p.exists()])
    sets.update(sorted(cleaned.items()))
    sets["raw/ cleaned"] = raw_set()

    head = (
        f"{'set':<22} {'docs':>5} {'agree':>7} {'conf n':>6} {'conf agree':>10} {'gold n':>6} "
        f"{'acc ld':>7} {'acc ft':>7} {'ms ld':>6} {'ms ft':>6} {'x':>5}"
    )
    print(f"sample: first {sample_chars} characters; confident: langdetect prob >= {CONFIDENT}")
    print(head)
    print("-" * len(head))
    total = Counter()
    pairs, examples, stale, prob_changed, ft_unsure = Counter(), [], 0, 0, Counter()
    for name, rows in sets.items():
        ld, ms_ld = identify(rows, langid.LANGDETECT, sample_chars)
        ft, ms_ft = identify(rows, langid.FASTTEXT, sample_chars)
        n = len(rows)
        agree = sum(a[0] == b[0] for a, b in zip(ld, ft))
        conf = [(a, b) for a, b in zip(ld, ft) if a[1] is not None and a[1] >= CONFIDENT]
        conf_agree = sum(a[0] == b[0] for a, b in conf)
        gold = [(g, a[0], b[0]) for (_, _, g), a, b in zip(rows, ld, ft) if g]
        acc_ld = sum(g == a for g, a, _ in gold)
        acc_ft = sum(g == b for g, _, b in gold)
        prob_changed += sum(a != b for a, b in zip(ld, ft))
        for a, b in zip(ld, ft):
            if b[1] is not None and b[1] < UNSURE:
                ft_unsure["docs"] += 1
                ft_unsure["differ"] += a[0] != b[0]
        for (src, text, _), a, b in zip(rows, ld, ft):
            if a[0] != b[0]:
                pairs[(a[0], b[0])] += 1
                examples.append((name, src, a, b, " ".join(text[:100].split())))
        mode = name.rsplit(" ", 1)[-1]
        if mode in ("text", "html"):
            stale += sum(stored.get(f"{mode}:{src}") != tuple(a) for (src, _, _), a in zip(rows, ld))
        for key, v in (
            ("docs", n),
            ("agree", agree),
            ("conf", len(conf)),
            ("conf_agree", conf_agree),
            ("gold", len(gold)),
            ("acc_ld", acc_ld),
            ("acc_ft", acc_ft),
            ("t_ld", ms_ld * n),
            ("t_ft", ms_ft * n),
        ):
            total[key] += v
        print(_row(name, n, agree, len(conf), conf_agree, len(gold), acc_ld, acc_ft, ms_ld, ms_ft))
    print("-" * len(head))
    print(
        _row(
            "all",
            total["docs"],
            total["agree"],
            total["conf"],
            total["conf_agree"],
            total["gold"],
            total["acc_ld"],
            total["acc_ft"],
            total["t_ld"] / total["docs"],
            total["t_ft"] / total["docs"],
        )
    )
    print(
        "\nlabel pairs where they differ (langdetect -> fasttext): "
        + ", ".join(f"{a}->{b} {c}" for (a, b), c in pairs.most_common())
    )
    print(
        f"records whose (language, language_prob) changes: {prob_changed} of {total['docs']}; "
        f"fastText prob < {UNSURE}: {ft_unsure['docs']} documents, {ft_unsure['differ']} of them with another label"
    )
    if stored:
        print(f"cleaned records whose stored language/prob differs from langdetect recomputed: {stale}")
    for name, src, a, b, text in examples[: args.show]:
        print(f"  {name:<18} {src[:40]:<40} ld {a[0]} {a[1]}  ft {b[0]} {b[1]}  {text}")


def _row(name, n, agree, conf_n, conf_agree, gold_n, acc_ld, acc_ft, ms_ld, ms_ft) -> str:
    pct = lambda a, b: f"{100 * a / b:6.2f}%" if b else "      -"  # noqa: E731
    return (
        f"{name:<22} {n:>5} {pct(agree, n)} {conf_n:>6} {pct(conf_agree, conf_n):>10} {gold_n:>6} "
        f"{pct(acc_ld, gold_n)} {pct(acc_ft, gold_n)} {ms_ld:6.3f} {ms_ft:6.3f} {ms_ld / ms_ft:5.1f}"
    )


if __name__ == "__main__":
    main()
