"""Command line: ``cleaner clean``, ``cleaner extract``, ``cleaner explain``, ``cleaner report``, ``cleaner regress``,
``cleaner train``, ``cleaner eval``."""

from __future__ import annotations

import math
import os
import sys
import time

import click

from .pipeline import Cleaner
from .readers import BadInput
from .ruleset import RuleError
from .settings import FORMATS, HTML_EXTRACTION, LANGUAGE_IDS, TEXT_FORMATS, Settings


def _settings(fmt: str, rules: tuple[str, ...], model: str | None = None, **kw) -> Settings:
    return Settings(format=fmt, rules_dirs=tuple(rules), model=model, **kw)


def _cleaner(settings: Settings) -> Cleaner:
    try:
        return Cleaner(settings)
    except RuleError as exc:
        raise click.ClickException(str(exc)) from None


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="Input kind; auto decides by file name, then by content.",
)
rules_option = click.option(
    "--rules",
    "rules",
    multiple=True,
    type=click.Path(file_okay=False),
    help="Extra rule folder (repeatable); a file there extends the packaged file of its name "
    "(cleaner/rules/README.md).",
)
html_option = click.option(
    "--html-extraction",
    "html_extraction",
    type=click.Choice(HTML_EXTRACTION),
    default=Settings.html_extraction,
    show_default=True,
    help="trafilatura mode for HTML pages; 'fast' skips its fallback extractors; 'own' is cleaner's "
    "own extraction (about 1.3x trafilatura's docs/s, lower F1: README).",
)
text_format_option = click.option(
    "--text-format",
    "text_format",
    type=click.Choice(TEXT_FORMATS),
    default="plain",
    show_default=True,
    help="The records' text: the kept lines, or Markdown with the page's headings written back as ## ...",
)
full_metadata_option = click.option(
    "--full-metadata",
    is_flag=True,
    help="HTML: also search the markup for an author, categories and tags the page does not declare, as "
    "trafilatura does (4.7 ms a page more on average).",
)
model_option = click.option(
    "--model",
    "model",
    default=None,
    help="Block model folder (from `cleaner train`), or 'none' for rules and heuristics only.",
)


def _check_language_id(ctx, param, value: str) -> str:
    """Fail at the start, in one line, when fastText's model is not installed (not on every document)."""
    if value == "fasttext":
        from .langid import LanguageIdError, fasttext_model_path

        try:
            fasttext_model_path()
        except LanguageIdError as exc:
            raise click.BadParameter(str(exc)) from None
    return value


language_id_option = click.option(
    "--language-id",
    "language_id",
    type=click.Choice(LANGUAGE_IDS),
    default=Settings.language_id,
    show_default=True,
    callback=_check_language_id,
    help="Language identifier: fasttext (fastText lid.176) or langdetect (15x slower).",
)


class OptionError(ValueError):
    """An option of ``clean`` has a value the run cannot use; the message names the option."""


def identifiable_languages(language_id: str) -> frozenset[str]:
    """The language codes the chosen identifier can give a record (``language``): langdetect's
    profiles (``zh-cn`` counted as ``zh``, as records have it), or the labels of fastText's model."""
    from . import langid

    if language_id == langid.FASTTEXT:  # (fasttext-predict has no get_labels: every label of one prediction)
        labels, _ = langid.fasttext_model().predict("", k=-1, threshold=-1.0)
        return frozenset(langid.code(label) for label in labels)
    from importlib.resources import files

    return frozenset(p.name.split("-")[0] for p in files("langdetect").joinpath("profiles").iterdir())


#: codes shown in the message for a --lang code the identifier does not give
SHOWN_LANGUAGES = 12


def language_codes(value: str, language_id: str) -> frozenset[str]:
    """The codes of ``--lang de,en``: comma-separated, spaces around them ignored, upper case taken as
    lower case (``DE`` is ``de``); a code the language identifier never gives (``german``, ``xx``) is
    refused, since it would drop every document."""
    codes = [c.strip().lower() for c in value.split(",") if c.strip()]
    if not codes:
        return frozenset()
    known = identifiable_languages(language_id)
    for c in codes:
        if c not in known:
            raise OptionError(
                f"--lang {value}: {c!r} is not a language code {language_id} gives (it gives "
                f"{len(known)}, ISO 639-1 where one exists: "
                f"{', '.join(sorted(known)[:SHOWN_LANGUAGES])}, ...)"
            )
    return frozenset(codes)


def check_numbers(**values) -> None:
    """Refuse, before any work, a numeric option of ``clean`` outside the values it takes (a
    threshold of 1.5 failed after pass 1, a size of 0 or less has no meaning). NaN is outside
    every range."""
    rules = {  # parameter: (option, test of a given value, what it must be)
        "max_bytes": ("--max-bytes", lambda v: v > 0, "must be a positive number of bytes"),
        "workers": ("--workers", lambda v: v >= 1, "must be at least 1"),
        "task_size": ("--task-size", lambda v: v >= 1, "must be at least 1 file per task"),
        "task_bytes": ("--task-bytes", lambda v: v >= 1, "must be at least 1 byte per task"),
        "shard_size": ("--shard-size", lambda v: v >= 1, "must be at least 1 document per shard"),
        "near_dup_threshold": ("--near-dup-threshold", lambda v: 0 < v <= 1, "must be a Jaccard similarity in (0, 1]"),
        "min_words": ("--min-words", lambda v: v >= 0, "must be 0 (no minimum) or more"),
        "doc_timeout": (
            "--doc-timeout",
            lambda v: math.isfinite(v) and v >= 0,
            "must be a number of seconds, 0 for no limit",
        ),
    }
    for name, value in values.items():
        option, ok, what = rules[name]
        if value is not None and not ok(value):
            raise OptionError(
                f"{option} {value:g}: {what}" if isinstance(value, float) else f"{option} {value}: {what}"
            )


def check_dask() -> None:
    """``--dask`` needs the ``dask`` extra; without it the run stops at the start, in one line."""
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        raise OptionError("--dask needs Dask, which is an extra: pip install 'cleaner[dask]'") from None


@click.group()
@click.version_option(package_name="cleaner")
def main() -> None:
    """Clean scraped news pages (text dumps or HTML) into a JSONL corpus."""


def check_output(
    output: str, shard_size: int | None, resume: bool, work_dir: str | None, compression: str | None = None
) -> None:
    """``-o`` names a corpus file, or ``-`` for standard output (one file, no shards)."""
    if output.endswith(".parquet"):
        if compression:
            raise OptionError("--compress: for JSONL output; Parquet files compress their columns")
        from .writers import parquet_missing

        missing = parquet_missing()
        if missing:
            raise OptionError(f"-o {output}: {missing}")
    if output == "-":
        if shard_size:
            raise OptionError("--shard-size: shards need a corpus file name, not -o -")
        if resume and not work_dir:
            raise OptionError("--resume with -o -: give the --work-dir of the interrupted run")
        return
    name = os.path.basename(output)
    if output.endswith(("/", os.sep)) or not name or name.startswith(".") or os.path.isdir(output):
        raise OptionError(f"-o {output}: needs a corpus file name (e.g. {os.path.join(output, 'corpus.jsonl')})")


def check_keys(**keys: str) -> dict[str, str]:
    """The JSONL field names that differ from cleaner's own (``--text-key content`` -> {"text": "content"});
    two of cleaner's fields cannot be read from one."""
    names = {}
    for ours, theirs in keys.items():
        if not theirs:
            raise OptionError(f"--{ours}-key: needs a field name")
        names[ours] = theirs
    shared = {n for n in names.values() if list(names.values()).count(n) > 1}
    if shared:
        raise OptionError(
            f"--text-key, --html-key, --id-key, --url-key: {', '.join(sorted(shared))} given for two fields"
        )
    return {ours: theirs for ours, theirs in names.items() if ours != theirs}


def spool_stdin(folder: str, max_bytes: int) -> str:
    """Standard input written to a file in ``folder`` (the workers read files): ``-.jsonl`` when its
    first line is a JSON record, else ``-`` (text or HTML, told by content)."""
    import json

    from .readers import read_at_most

    data = read_at_most(sys.stdin.buffer, max_bytes + 1)
    first = data.lstrip()[:1]
    jsonl = False
    if first == b"{":
        try:
            jsonl = isinstance(json.loads(data.lstrip().split(b"\n", 1)[0]), dict)
        except ValueError:
            pass
    path = os.path.join(folder, "-.jsonl" if jsonl else "-")
    with open(path, "wb") as fh:
        fh.write(data)
    return path


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Corpus file (.jsonl, .jsonl.gz, .jsonl.zst), or - for standard output; with --shard-size, "
    "shards OUT-00000.jsonl ...",
)
@format_option
@rules_option
@model_option
@html_option
@language_id_option
@click.option("--txt-dir", type=click.Path(file_okay=False), help="Also write one <name>.txt per document here.")
@click.option(
    "--removed/--no-removed",
    default=True,
    show_default=True,
    help="Keep every removed block (text, category, reason) in the records.",
)
@click.option(
    "--max-bytes", type=int, default=Settings.max_bytes, show_default=True, help="Reject inputs larger than this."
)
@click.option("--workers", type=int, default=None, help="Worker processes (default: CPU count).")
@click.option(
    "--dask",
    "dask_address",
    default=None,
    help="Run on a Dask cluster: scheduler address (tcp://host:8786) or 'local' for a LocalCluster.",
)
@click.option("--resume", is_flag=True, help="Finish an interrupted run: only unfinished tasks are cleaned again.")
@click.option(
    "--work-dir", type=click.Path(file_okay=False), help="Work folder (default: OUT.work/ beside the output)."
)
@click.option(
    "--task-size", type=int, default=64, show_default=True, help="Files per task (unit of work and of resume)."
)
@click.option(
    "--task-bytes",
    type=int,
    default=64 << 20,
    show_default=True,
    help="A plain JSONL file or a WARC file larger than this is split into tasks of about this many bytes "
    "(whole lines, whole records), so that several workers share it.",
)
@click.option("--shard-size", type=int, default=None, help="Documents per output shard (default: one file).")
@click.option(
    "--compress",
    "compression",
    type=click.Choice(["gz", "zst"]),
    default=None,
    help="Compress the output (default: by the output's ending).",
)
@click.option(
    "--dedup/--no-dedup",
    default=True,
    show_default=True,
    help="Drop exact and near duplicates (MinHash LSH); kept records list what they absorbed.",
)
@click.option("--near-dup-threshold", type=float, default=0.8, show_default=True, help="Jaccard threshold.")
@click.option(
    "--lang", "languages", default="", help="Keep only these languages: ISO 639-1 codes, e.g. de,en (DE is de)."
)
@click.option("--min-words", type=int, default=0, show_default=True, help="Drop documents with fewer words.")
@click.option("--quality", is_flag=True, help="Drop documents failing Gopher-style quality signals.")
@click.option(
    "--templates/--no-templates",
    default=None,
    help="Learn lines recurring across an outlet's pages and remove them (default: on for batches).",
)
@click.option("--stats", "stats_path", type=click.Path(dir_okay=False), help="Stats JSON (default: WORK/stats.json).")
@click.option(
    "--errors", "errors_path", type=click.Path(dir_okay=False), help="Failures JSONL (default: WORK/errors.jsonl)."
)
@click.option("--keep-work", is_flag=True, help="Keep the per-task files in the work folder after the run.")
@click.option("--progress/--no-progress", default=None, help="Progress bar with docs/s (default: on a terminal).")
@click.option(
    "--doc-timeout",
    type=float,
    default=60.0,
    show_default=True,
    help="Seconds one document may take; a slower one fails with this reason, the batch goes on (0: no limit).",
)
@click.option("--text-key", default="text", show_default=True, help="JSONL inputs: the field holding a page's text.")
@click.option("--html-key", default="html", show_default=True, help="JSONL inputs: the field holding a page's HTML.")
@click.option("--id-key", default="id", show_default=True, help="JSONL inputs: the field holding the record's id.")
@click.option("--url-key", default="url", show_default=True, help="JSONL inputs: the field holding the page's URL.")
@full_metadata_option
@text_format_option
def clean(
    paths,
    output,
    fmt,
    rules,
    model,
    html_extraction,
    language_id,
    txt_dir,
    removed,
    max_bytes,
    workers,
    dask_address,
    resume,
    work_dir,
    task_size,
    shard_size,
    compression,
    dedup,
    near_dup_threshold,
    languages,
    min_words,
    quality,
    templates,
    stats_path,
    errors_path,
    keep_work,
    progress,
    doc_timeout,
    text_key,
    html_key,
    id_key,
    url_key,
    full_metadata,
    task_bytes,
    text_format,
) -> None:
    """Clean files, folders, globs, JSONL and WARC files into a JSONL corpus.

    A PATH of - reads standard input (one page, or JSONL records); -o - writes the corpus to standard
    output (and nothing else: messages go to standard error)."""
    import shutil
    import tempfile

    from .writers import shown

    try:  # every option checked before any work
        check_numbers(
            max_bytes=max_bytes,
            workers=workers,
            task_size=task_size,
            task_bytes=task_bytes,
            shard_size=shard_size,
            near_dup_threshold=near_dup_threshold,
            min_words=min_words,
            doc_timeout=doc_timeout,
        )
        check_output(output, shard_size, resume, work_dir, compression)
        keep_languages = language_codes(languages, language_id)
        if dask_address:
            check_dask()
            if "-" in paths:
                raise OptionError("- (standard input) with --dask: the cluster's workers cannot read it")
        if list(paths).count("-") > 1:
            raise OptionError("- (standard input) given more than once")
        jsonl_keys = check_keys(text=text_key, html=html_key, id=id_key, url=url_key)
    except OptionError as exc:
        click.echo(f"cleaner: error: {shown(str(exc))}", err=True)
        sys.exit(RUN_FAILED)
    scratch = tempfile.mkdtemp(prefix="cleaner-") if output == "-" or "-" in paths else None
    try:  # (the scratch folder of standard input and output goes, whatever happens)
        from .corpus import Filters, RunConfig, RunError, run
        from .corpus.runner import Interrupted

        names: dict[str, str] = {}
        if "-" in paths:
            assert scratch is not None  # (made for standard input and output)
            spool = spool_stdin(scratch, max_bytes)
            paths = tuple(spool if p == "-" else p for p in paths)
            names[spool] = "-"  # (the spool is "-" or "-.jsonl": documents are named "-", records "-:N")
        corpus = output
        temporary_work = output == "-" and not work_dir
        if output == "-":
            assert scratch is not None
            corpus = os.path.join(scratch, "corpus.jsonl" + {"gz": ".gz", "zst": ".zst"}.get(compression or "", ""))
            work_dir = work_dir or os.path.join(scratch, "work")
        settings = _settings(
            fmt,
            rules,
            model,
            keep_removed=removed,
            max_bytes=max_bytes,
            html_extraction=html_extraction,
            language_id=language_id,
            full_metadata=full_metadata,
            text_format=text_format,
        )
        _cleaner(settings)  # fail early, with one line, on broken rules or model
        config = RunConfig(
            output=corpus,
            work_dir=work_dir,
            workers=workers or (os.cpu_count() or 1),
            dask=dask_address,
            resume=resume,
            task_size=task_size,
            shard_size=shard_size,
            compression=compression,
            dedup=dedup,
            near_dup_threshold=near_dup_threshold,
            templates=templates,
            txt_dir=txt_dir,
            filters=Filters(keep_languages, min_words, quality),
            stats_path=stats_path,
            errors_path=errors_path,
            keep_work=keep_work,
            doc_timeout=doc_timeout or None,
            input_names=names,
            jsonl_keys=jsonl_keys,
            task_bytes=task_bytes,
        )
        if progress is None:
            progress = sys.stderr.isatty()
        bar = None
        started = time.perf_counter()
        if progress:
            from tqdm import tqdm

            # over the run's tasks (their number is known from the plan, so the bar has a total and an
            # ETA); the documents cleaned so far and their rate beside it
            bar = tqdm(unit="task", file=sys.stderr, desc="pass 1")
        docs = 0

        def on_task(result, tasks):
            nonlocal docs
            docs += result.docs + result.errors
            if bar is not None:
                if bar.total != tasks:
                    bar.total = tasks
                bar.update(1)
                bar.set_postfix_str(f"{docs} docs, {docs / max(time.perf_counter() - started, 1e-9):.1f} docs/s")

        def on_pass2():
            if bar is not None:
                bar.close()
                click.echo("pass 2: templates, filters, duplicates, writing ...", err=True)

        try:
            summary = run(list(paths), settings, config, progress=on_task, on_pass2=on_pass2)
            if output == "-":  # the corpus, and nothing else, to standard output
                with open(corpus, "rb") as fh:
                    shutil.copyfileobj(fh, sys.stdout.buffer)
                sys.stdout.buffer.flush()
        except RunError as exc:  # refused, or an output that cannot be written: nothing was replaced
            click.echo(f"cleaner: error: {shown(str(exc))}", err=True)
            sys.exit(RUN_FAILED)
        except Interrupted as exc:
            click.echo(f"cleaner: {exc}", err=True)
            sys.exit(128 + exc.signum)  # the shell's convention for a process stopped by a signal
        finally:
            if bar is not None:
                bar.close()
        for err in summary.errors[:MAX_ERROR_LINES]:  # names escaped: one line per failure, whatever the name holds
            click.echo(f"cleaner: error: {shown(str(err['source']))}: {shown(str(err['reason']))}", err=True)
        if len(summary.errors) > MAX_ERROR_LINES:
            click.echo(
                f"cleaner: ... {len(summary.errors) - MAX_ERROR_LINES} more failures in the errors file", err=True
            )
        for line in summary_lines(summary.stats):
            click.echo(line, err=True)
        written = (
            "standard output"
            if output == "-"
            else ", ".join(summary.outputs[:3])
            + (f" and {len(summary.outputs) - 3} more" if len(summary.outputs) > 3 else "")
        )
        click.echo(
            f"wrote: {written}; stats: {stats_path or os.path.join(summary.work_dir, 'stats.json')}"
            f"{' (temporary, removed)' if temporary_work and not stats_path else ''}; "
            f"{time.perf_counter() - started:.1f} s",
            err=True,
        )
        if summary.errors:
            sys.exit(1)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


MAX_ERROR_LINES = 50
#: exit code of a run that wrote no corpus (refused, or its output could not be written); 1 is a
#: corpus written with some documents failed
RUN_FAILED = 2


def summary_lines(stats: dict) -> list[str]:
    out = [f"documents in: {stats['documents_in']}, out: {stats['documents_out']}, failed: {stats['failures']}"]
    if stats["dropped"]:
        out.append("dropped: " + ", ".join(f"{k} {v}" for k, v in stats["dropped"].items()))
    if stats.get("skipped"):
        out.append("skipped: " + ", ".join(f"{k} {v}" for k, v in stats["skipped"].items()))
    total = sum(stats["removed_blocks"].values())
    out.append(f"blocks: {stats['blocks']}, removed: {total}")
    for cat, n in stats["removed_blocks"].items():
        out.append(f"  {cat:<11} {n:>6}  ({stats['removed_share'][cat]:.1%})")
    if stats["template_lines_learned"]:
        out.append(
            f"template lines learned: {stats['template_lines_learned']}, removed: {stats['template_lines_removed']}"
        )
    top = list(stats["languages"].items())[:5]
    out.append("languages: " + ", ".join(f"{k} {v}" for k, v in top))
    return out


def explained_document(cleaner: Cleaner, name: str, url: str | None):
    """(the document ``name`` names, its input as read): a file, ``FEED.jsonl:LINE`` (a record) or
    ``CRAWL.warc.gz@URL`` (a response); BadInput for a JSONL or WARC file named whole (it holds many
    documents) or a record that is not there."""
    from .readers import read_bytes

    from .corpus.sources import Task, items, kind_of, split_source
    from .corpus.worker import clean_item

    path, record_kind, _record = split_source(name)
    if record_kind and os.path.isfile(path):
        selector, kind = name, record_kind
    else:
        path, selector, kind = name, None, kind_of(name)
        if kind in ("jsonl", "warc"):
            how = "FILE:LINE (a record's line number)" if kind == "jsonl" else "FILE@URL (a response's target URI)"
            raise BadInput(f"a {kind.upper()} file holds many documents: name one, {how}")
    if selector is None:
        data = read_bytes(name, cleaner.settings.max_bytes)
        return cleaner.clean_bytes(data, source=name, meta={"url": url} if url else None), data
    for item in items(Task(0, kind, (path,)), cleaner.settings.max_bytes):
        if item.source == selector:
            if item.error is not None:
                raise BadInput(item.error)
            if url:
                item.meta["url"] = url
            return clean_item(cleaner, item), item.data
    raise BadInput(f"no such {'record' if kind == 'jsonl' else 'response'} in {path}")


def _decisions(doc) -> dict:
    """The record's metadata and every block's decision with its provenance (``explain --json``)."""
    rec = doc.to_record(keep_removed=False)
    rec.pop("removed", None)
    rec["rules_language"] = doc.rules_language
    rec["blocks"] = [
        {
            "line": b.line,
            "label": b.label,
            "category": b.category,
            "stage": b.stage,
            "rule": b.rule,
            "role": b.role,
            "section": b.section,
            "score": b.score,
            "class": b.cf_class,
            "stopword_density": b.features.get("stopword_density"),
            "reason": b.reason,
            "text": b.text,
        }
        for b in doc.blocks
    ]
    return rec


@main.command()
@click.argument("file", type=click.Path())
@format_option
@rules_option
@model_option
@html_option
@language_id_option
@click.option("--width", type=int, default=90, show_default=True, help="Characters of block text shown.")
@click.option("--url", default=None, help="The page's URL (its host names the outlet; its slug helps find the title).")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the decisions as JSON: the record's metadata and every block with its provenance.",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False),
    help="Also write a self-contained HTML page of the decisions here: blocks coloured by decision, "
    "category, stage, rule and score on hover, a filter by category.",
)
@full_metadata_option
def explain(
    file, fmt, rules, model, html_extraction, language_id, width, url, as_json, html_path, full_metadata
) -> None:
    """Show every block of FILE with keep/drop, category, the deciding rule and its scores. FILE may
    name one record of a corpus input: FEED.jsonl:LINE or CRAWL.warc.gz@URL."""
    from .writers import dumps, shown

    cleaner = _cleaner(
        _settings(
            fmt, rules, model, html_extraction=html_extraction, language_id=language_id, full_metadata=full_metadata
        )
    )
    try:
        doc, data = explained_document(cleaner, file, url)
    except BadInput as exc:
        click.echo(f"cleaner: error: {shown(file)}: {shown(str(exc))}", err=True)
        sys.exit(1)
    if html_path:
        from .report import explain_page, extracted_away

        try:
            with open(html_path, "w", encoding="utf-8") as fh:
                fh.write(explain_page(doc, extracted_away(doc, data)))
        except OSError as exc:
            click.echo(f"cleaner: error: {shown(html_path)}: cannot write: {exc.strerror or exc}", err=True)
            sys.exit(2)
        click.echo(f"wrote {shown(html_path)}", err=True)
    if as_json:
        click.echo(dumps(_decisions(doc)))
        return
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
        click.echo(
            f"{b.line:>5} {decision:<5} {b.category or '':<10} {b.cf_class:<9} "
            f"{b.features.get('stopword_density', 0):>5.2f} {score:>5}  {text}"
        )
        if b.reason:
            click.echo(f"{'':>47}  └ {b.reason}")


def read_stdin(max_bytes: int) -> bytes:
    """Standard input's bytes (gzip-compressed or plain), at most ``max_bytes``: BadInput beyond."""
    import gzip
    import zlib

    from .readers import read_at_most

    data = read_at_most(sys.stdin.buffer, max_bytes + 1)
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise BadInput(f"broken gzip data: {exc}") from None
    if len(data) > max_bytes:
        raise BadInput(f"oversized: more than {max_bytes} bytes")
    return data


@main.command()
@click.argument("file", type=click.Path(allow_dash=True))
@format_option
@rules_option
@model_option
@html_option
@language_id_option
@click.option("--url", default=None, help="The page's URL (its host names the outlet; its slug helps find the title).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole record (JSON) instead of the text.")
@click.option(
    "--removed/--no-removed",
    default=False,
    show_default=True,
    help="With --json: also the removed blocks (text, category, reason).",
)
@click.option(
    "--max-bytes", type=int, default=Settings.max_bytes, show_default=True, help="Reject inputs larger than this."
)
@full_metadata_option
@text_format_option
@click.option("--markdown", is_flag=True, help="Print Markdown: the same as --text-format markdown.")
def extract(
    file,
    fmt,
    rules,
    model,
    html_extraction,
    language_id,
    url,
    as_json,
    removed,
    max_bytes,
    full_metadata,
    text_format,
    markdown,
) -> None:
    """Print the cleaned text of one page: FILE, or - for standard input (like `trafilatura`).

    Text, HTML, gzip-compressed or not; --format decides when the content cannot (auto looks at the
    file name, then the content). Nothing but the text (or with --json the record) goes to stdout."""
    from .writers import dumps, shown

    if max_bytes < 1:
        raise click.BadParameter("must be at least 1", param_hint="--max-bytes")
    cleaner = _cleaner(
        _settings(
            fmt,
            rules,
            model,
            html_extraction=html_extraction,
            language_id=language_id,
            max_bytes=max_bytes,
            full_metadata=full_metadata,
            text_format="markdown" if markdown else text_format,
        )
    )
    source = "-" if file == "-" else file
    try:
        if file == "-":
            doc = cleaner.clean_bytes(read_stdin(max_bytes), source="-", meta={"url": url} if url else None)
        else:
            doc = cleaner.clean_file(file, meta={"url": url} if url else None)
    except BadInput as exc:
        click.echo(f"cleaner: error: {shown(source)}: {shown(str(exc))}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(dumps(doc.to_record(keep_removed=removed)))
    elif doc.text:
        click.echo(doc.markdown if doc.text_format == "markdown" else doc.text)
    else:
        click.echo(f"cleaner: {shown(source)}: no article text found", err=True)


@main.command()
@click.argument("run", type=click.Path(exists=True))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The report page to write.")
def report(run, output) -> None:
    """Write a corpus run's report (RUN: its work folder or its stats.json) as one self-contained HTML
    page: removed share per category, documents per language, outlet and month, drops by filter and
    reason, the slowest tasks and documents and the failed documents, as charts."""
    import json

    from .report import corpus_report
    from .writers import shown

    folder = run if os.path.isdir(run) else os.path.dirname(run) or "."
    stats_path = os.path.join(run, "stats.json") if os.path.isdir(run) else run
    try:
        with open(stats_path, encoding="utf-8") as fh:
            stats = json.load(fh)
        if not isinstance(stats, dict) or "documents_in" not in stats:
            raise ValueError("not the stats.json of a cleaner run")
        extra = []
        for name in ("errors.jsonl", "manifest.jsonl"):
            path = os.path.join(folder, name)
            lines = open(path, encoding="utf-8").read().splitlines() if os.path.exists(path) else []
            extra.append([json.loads(line) for line in lines if line.strip()])
    except (OSError, ValueError) as exc:
        click.echo(f"cleaner: error: {shown(stats_path)}: {shown(str(exc).splitlines()[0])}", err=True)
        sys.exit(1)
    try:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(corpus_report(stats, extra[0], extra[1], run))
    except OSError as exc:
        click.echo(f"cleaner: error: {shown(output)}: cannot write: {exc.strerror or exc}", err=True)
        sys.exit(2)
    click.echo(f"wrote {shown(output)}", err=True)


@main.command()
@click.argument("raw", default="raw", type=click.Path(exists=True, file_okay=False))
@click.argument("clean_dir", default="clean", type=click.Path(file_okay=False))
@rules_option
@model_option
@language_id_option
@click.option("--update", is_flag=True, help="Rewrite the golden outputs from the current cleaner.")
def regress(raw, clean_dir, rules, model, language_id, update) -> None:
    """Re-clean RAW and diff against the golden outputs in CLEAN_DIR (documents matched by their path
    inside RAW, however RAW is written)."""
    from . import regress as regress_mod

    cleaner = _cleaner(_settings("auto", rules, model, language_id=language_id))
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
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for the model files (the shipped model lives in cleaner/model/).",
)
@click.option(
    "--gold",
    "golds",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="ScrapingHub or WCXB ground-truth.json or trafilatura evaldata.json, with html/ beside it (repeatable).",
)
@click.option(
    "--split",
    type=click.Choice(["train", "test", "all"]),
    default="train",
    show_default=True,
    help="Pages of a gold file to use, by the benchmark's fixed hash split.",
)
@click.option(
    "--annotated",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="Folder of annotated text pages (+ | / - category | / = title | lines).",
)
@click.option(
    "--pairs",
    nargs=2,
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="RAW_DIR CLEAN_DIR: raw text pages and their golden clean texts (<name>.txt).",
)
@click.option(
    "--blocks",
    "block_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Block-level JSONL labels: {doc, text, label, mode}.",
)
@click.option(
    "--weight",
    "weights",
    multiple=True,
    metavar="FOLDER=W",
    help="Training weight of each page of the --gold file in FOLDER (its folder's name, e.g. "
    "wcxb-dev=0.5; default 1: every page weighs the same).",
)
@rules_option
@html_option
def train(out_dir, golds, split, annotated, pairs, block_files, weights, rules, html_extraction) -> None:
    """Train the block model from labelled pages (fixed seeds: the same data gives the same model).
    A gold page's HTML view is extracted with ``--html-extraction``: a model for ``own`` learns the
    lines' DOM marks (the model's DOM columns)."""
    from . import training

    cleaner = _cleaner(_settings("auto", rules, "none", html_extraction=html_extraction))
    try:
        weight_of = dict(training.parse_weight(item) for item in weights)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--weight") from None
    try:
        pages = training.collect(
            cleaner,
            golds,
            annotated,
            pairs,
            block_files,
            split,
            log=lambda m: click.echo(m, err=True),
            weights=weight_of,
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    command = "cleaner train " + " ".join(
        [f"-o {out_dir}"]
        + [f"--gold {g}" for g in golds]
        + [f"--weight {w}" for w in weights]
        + [f"--split {split}"]
        + [f"--annotated {a}" for a in annotated]
        + [f"--pairs {r} {c}" for r, c in pairs]
        + [f"--blocks {b}" for b in block_files]
        + [f"--rules {r}" for r in rules]
        + ([f"--html-extraction {html_extraction}"] if html_extraction != Settings.html_extraction else [])
    )
    try:
        training.train(pages, out_dir, command, log=lambda m: click.echo(m, err=True))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


def read_records(path: str) -> list[dict]:
    """The records of a corpus file (plain, .gz or .zst), read line by line as the corpus reader reads
    JSONL; a line that is not a JSON record is a one-line BadInput naming the file and line."""
    import json

    from .corpus.sources import _lines
    from .readers import open_binary

    records = []
    try:
        fh = open_binary(path)
    except OSError as exc:
        raise BadInput(f"{path}: cannot read: {exc.strerror or exc}") from None
    with fh:
        for lineno, line, error in _lines(fh, sys.maxsize):
            if line is None:
                raise BadInput(f"{path}:{lineno}: {error}")
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise BadInput(f"{path}:{lineno}: not a JSON record ({exc})".splitlines()[0]) from None
            if not isinstance(rec, dict):
                raise BadInput(f"{path}:{lineno}: not a JSON record (a {type(rec).__name__})")
            records.append(rec)
    return records


@main.command(name="eval")
@click.argument("outputs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--gold",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="ScrapingHub-style ground-truth.json (articleBody; WCXB's has page_type too) or "
    "trafilatura-style evaldata.json (with/without).",
)
@click.option(
    "--metric",
    type=click.Choice(["shingles", "words", "snippets"]),
    help="scoring method (default: the gold's own: words for WCXB, shingles for ScrapingHub, snippets "
    "for trafilatura's); WCXB's gold also carries snippets",
)
def eval_(outputs, gold, metric) -> None:
    """Score JSONL output (one file or its shards; .jsonl, .jsonl.gz, .jsonl.zst) against gold
    annotations with the benchmark's published method."""
    from .evaluate import METHODS, score_records

    try:
        records = [rec for output in outputs for rec in read_records(output)]
        fmt, score, missing = score_records(records, gold, metric)
    except (BadInput, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{score.docs} documents scored ({METHODS[fmt]}); gold documents without a record: {missing}")
    click.echo(f"F1 {score.f1:.4f}  precision {score.precision:.4f}  recall {score.recall:.4f}")
