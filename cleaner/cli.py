"""Command line: ``cleaner clean``, ``cleaner explain``, ``cleaner regress``."""
from __future__ import annotations

import sys

import click

from .batch import Summary, clean_paths
from .pipeline import Cleaner
from .readers import BadInput, find_inputs
from .ruleset import RuleError
from .settings import FORMATS, Settings
from .writers import AtomicWriter, write_review_text


def _settings(fmt: str, rules: tuple[str, ...], model: str | None = None, **kw) -> Settings:
    return Settings(format=fmt, rules_dirs=tuple(rules), model=model, **kw)


def _cleaner(settings: Settings) -> Cleaner:
    try:
        return Cleaner(settings)
    except RuleError as exc:
        raise click.ClickException(f"rules: {exc}") from None


format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True,
                             help="Input kind; auto decides by file name, then by content.")
rules_option = click.option("--rules", "rules", multiple=True, type=click.Path(file_okay=False),
                            help="Extra rule folder (repeatable); files there replace packaged ones of the same name.")
model_option = click.option("--model", "model", default=None,
                            help="Block model folder (from `cleaner train`), or 'none' for rules and heuristics only.")


@click.group()
@click.version_option(package_name="cleaner")
def main() -> None:
    """Clean scraped news pages (text dumps or HTML) into a JSONL corpus."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="JSONL file to write.")
@format_option
@rules_option
@model_option
@click.option("--txt-dir", type=click.Path(file_okay=False), help="Also write one <name>.txt per document here.")
@click.option("--removed/--no-removed", default=True, show_default=True,
              help="Keep every removed block (text, category, reason) in the records.")
@click.option("--max-bytes", type=int, default=Settings.max_bytes, show_default=True,
              help="Reject inputs larger than this.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def clean(paths, output, fmt, rules, model, txt_dir, removed, max_bytes, progress) -> None:
    """Clean files and folders (recursive; .txt/.html/.htm, optionally .gz) into OUTPUT."""
    cleaner = _cleaner(_settings(fmt, rules, model, keep_removed=removed, max_bytes=max_bytes))
    inputs = list(find_inputs(list(paths)))
    if progress is None:
        progress = sys.stderr.isatty() and len(inputs) > 1
    summary = Summary()
    results = clean_paths(inputs, cleaner)
    if progress:
        from tqdm import tqdm

        results = tqdm(results, total=len(inputs), unit="doc", file=sys.stderr)
    with AtomicWriter(output) as writer:
        for result in results:
            summary.add(result)
            if result.error:
                click.echo(f"cleaner: error: {result.source}: {result.error}", err=True)
                continue
            writer.write(result.record)
            if txt_dir:
                write_review_text(txt_dir, result.source, result.record["text"])
    for line in summary.lines():
        click.echo(line, err=True)
    if summary.failures:
        sys.exit(1)


@main.command()
@click.argument("file", type=click.Path())
@format_option
@rules_option
@model_option
@click.option("--width", type=int, default=90, show_default=True, help="Characters of block text shown.")
def explain(file, fmt, rules, model, width) -> None:
    """Show every block of FILE with keep/drop, category, the deciding rule and its scores."""
    cleaner = _cleaner(_settings(fmt, rules, model))
    try:
        doc = cleaner.clean_file(file)
    except BadInput as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    click.echo(f"source:   {doc.source} ({doc.format}, rules: {doc.rules_language})")
    click.echo(f"title:    {doc.title}")
    click.echo(f"date:     {doc.date} [{doc.date_source}]")
    click.echo(f"outlet:   {doc.outlet} [{doc.outlet_source}]")
    click.echo(f"language: {doc.language} ({doc.language_prob})")
    click.echo("")
    click.echo(f"{'line':>5} {'decision':<5} {'category':<10} {'class':<9} {'stop':>5} {'score':>5}  text / reason")
    for b in doc.blocks:
        decision = {"content": "KEEP", "title": "TITLE"}.get(b.label, "DROP")
        score = "" if b.score is None else f"{b.score:.2f}"
        text = b.text if len(b.text) <= width else b.text[: width - 1] + "…"
        click.echo(f"{b.line:>5} {decision:<5} {b.category or '':<10} {b.cf_class:<9} "
                   f"{b.features.get('stopword_density', 0):>5.2f} {score:>5}  {text}")
        if b.reason:
            click.echo(f"{'':>47}  └ {b.reason}")


@main.command()
@click.argument("raw", default="raw", type=click.Path(exists=True, file_okay=False))
@click.argument("clean_dir", default="clean", type=click.Path(file_okay=False))
@rules_option
@click.option("--update", is_flag=True, help="Rewrite the golden outputs from the current cleaner.")
def regress(raw, clean_dir, rules, update) -> None:
    """Re-clean RAW and diff against the golden outputs in CLEAN_DIR."""
    from . import regress as regress_mod

    cleaner = _cleaner(_settings("auto", rules))
    diffs, errors = regress_mod.run(raw, clean_dir, cleaner, update=update)
    for err in errors:
        click.echo(f"cleaner: error: {err}", err=True)
    for d in diffs:
        click.echo(f"{'updated' if update else 'DIFF'} {d.source}")
        for line in d.lines:
            click.echo(line)
    if update:
        click.echo(f"golden outputs rewritten in {clean_dir} ({len(diffs)} changed)")
        sys.exit(1 if errors else 0)
    click.echo(f"{len(diffs)} document(s) differ" if diffs else "golden outputs match")
    sys.exit(1 if diffs or errors else 0)


@main.command()
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for the model files (the shipped model lives in cleaner/model/).")
@click.option("--gold", "golds", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="ScrapingHub ground-truth.json or trafilatura evaldata.json, with html/ beside it (repeatable).")
@click.option("--split", type=click.Choice(["train", "test", "all"]), default="train", show_default=True,
              help="Pages of a gold file to use, by the benchmark's fixed hash split.")
@click.option("--annotated", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Folder of annotated text pages (+ | / - category | / = title | lines).")
@click.option("--pairs", nargs=2, multiple=True, type=click.Path(exists=True, file_okay=False),
              help="RAW_DIR CLEAN_DIR: raw text pages and their golden clean texts (<name>.txt).")
@click.option("--blocks", "block_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Block-level JSONL labels: {doc, text, label, mode}.")
@rules_option
def train(out_dir, golds, split, annotated, pairs, block_files, rules) -> None:
    """Train the block model from labelled pages (fixed seeds: the same data gives the same model)."""
    from . import training

    cleaner = _cleaner(_settings("auto", rules, "none"))
    pages = training.collect(cleaner, golds, annotated, pairs, block_files, split, log=lambda m: click.echo(m, err=True))
    command = "cleaner train " + " ".join(
        [f"-o {out_dir}"] + [f"--gold {g}" for g in golds] + [f"--split {split}"]
        + [f"--annotated {a}" for a in annotated] + [f"--pairs {r} {c}" for r, c in pairs]
        + [f"--blocks {b}" for b in block_files] + [f"--rules {r}" for r in rules])
    try:
        training.train(pages, out_dir, command, log=lambda m: click.echo(m, err=True))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@main.command(name="eval")
@click.argument("output", type=click.Path(exists=True, dir_okay=False))
@click.option("--gold", required=True, type=click.Path(exists=True, dir_okay=False),
              help="ScrapingHub-style ground-truth.json (articleBody) or trafilatura-style evaldata.json (with/without).")
def eval_(output, gold) -> None:
    """Score a JSONL output against gold annotations with the benchmark's published method."""
    import json

    from .evaluate import score_records

    with open(output, encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    try:
        fmt, score, missing = score_records(records, gold)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    method = {"shingles": "word 4-gram shingles, macro-averaged", "snippets": "snippets, micro-averaged"}[fmt]
    click.echo(f"{score.docs} documents scored ({method}); gold documents without a record: {missing}")
    click.echo(f"F1 {score.f1:.4f}  precision {score.precision:.4f}  recall {score.recall:.4f}")
