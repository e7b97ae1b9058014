"""The corpus run: plan tasks, clean them (pass 1, on an executor, resumable), then reduce in input
order (pass 2: learned templates, filters, exact and near-duplicate removal) and write the corpus.

Work folder (``OUT.work/`` unless given): ``plan.json`` (inputs, settings, tasks), ``manifest.jsonl``
(one line per finished task, appended after the task's files were renamed into place),
``tasks/`` (per-task records, errors, template-line counts), ``templates.json``, ``stats.json``,
``errors.jsonl``. A resumed run re-does only unfinished tasks; pass 2 always starts again from the
task files, so the corpus equals an uninterrupted run's byte for byte.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
import re
import shutil
import signal
import stat
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence, cast

from ..document import CATEGORIES
from ..settings import Settings
from ..writers import (
    TMP_SUFFIX,
    OutputError,
    ShardWriter,
    corpus_writer,
    dumps,
    remove_files,
    review_names,
    split_suffix,
    write_review_text,
)
from .executors import make_executor
from .sources import OwnFiles, Task, plan
from .steps import Filters, line_hash, signature_from_hex, text_hash
from .worker import Context, TaskResult, task_paths

#: a line is a template of its group when it is on this share of the group's pages ...
TEMPLATE_MIN_SHARE = 0.6
#: ... and on at least this many pages, in a group of at least TEMPLATE_MIN_GROUP pages
TEMPLATE_MIN_PAGES = 5
TEMPLATE_MIN_GROUP = 8


class RunError(RuntimeError):
    """The run cannot start (e.g. --resume with other inputs) or cannot write its output (disk
    full); the message says why, in one line, and the previous corpus is left as it was."""


class Interrupted(BaseException):
    """SIGTERM or SIGINT stopped the run. A BaseException, like KeyboardInterrupt, so that no
    "one bad document" handler takes it for a document's failure. Finished tasks are kept: the
    run can be finished with --resume."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(
            f"interrupted by {signal.Signals(signum).name}: finished tasks are kept, run again with --resume to finish"
        )


#: the work folder's lock file: one run at a time per work folder (and so per output)
LOCK_NAME = "lock"
#: what a work folder holds before its plan.json is written (a run that died at its start)
WORK_START_NAMES = frozenset({LOCK_NAME, "plan.tmp"})
#: the signals that stop a run cleanly (its workers too) and leave it resumable
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@dataclass(frozen=True)
class RunConfig:
    output: str
    work_dir: str | None = None
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    dask: str | None = None  # scheduler address, or "local" for a LocalCluster
    resume: bool = False
    task_size: int = 64
    shard_size: int | None = None  # documents per output shard; None: one file
    compression: str | None = None  # gz | zst | None (default: from the output's ending)
    dedup: bool = True
    near_dup_threshold: float = 0.8
    num_perm: int = 128
    templates: bool | None = None  # None: on for batches (more than one document), off otherwise
    filters: Filters = Filters()
    txt_dir: str | None = None
    stats_path: str | None = None
    errors_path: str | None = None
    keep_work: bool = False
    doc_timeout: float | None = 60.0  # seconds one document may take before it fails; None: no limit
    #: input path -> the source name its documents carry (the CLI spools standard input to a file: "-")
    input_names: dict[str, str] = field(default_factory=dict)
    #: JSONL field names other than cleaner's own (``--text-key content``: {"text": "content"})
    jsonl_keys: dict[str, str] = field(default_factory=dict)
    #: a plain JSONL file larger than this is split into tasks of about this many bytes (whole lines)
    task_bytes: int | None = 64 << 20


@dataclass
class RunSummary:
    stats: dict
    errors: list[dict]
    outputs: list[str]
    work_dir: str


# ------------------------------------------------------------------------------------------ run


def _fingerprint(tasks: list[Task], settings: Settings, config: RunConfig, plan_errors: Sequence[dict] = ()) -> str:
    # (a task's span only when it has one: the fingerprint of a run without big files is unchanged)
    listed = [{k: v for k, v in dataclasses.asdict(t).items() if k != "span" or v is not None} for t in tasks]
    relevant = {
        "tasks": listed,
        "settings": repr(settings),
        "task_size": config.task_size,
        "num_perm": config.num_perm,
        "dedup": config.dedup,
    }
    if plan_errors:  # (only when there are some: the fingerprint of a run without them is unchanged)
        relevant["plan_errors"] = list(plan_errors)
    if config.jsonl_keys:  # (the same: other field names read other documents)
        relevant["jsonl_keys"] = dict(sorted(config.jsonl_keys.items()))
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:16]


def _is_work_dir(work: Path) -> bool:
    """True when ``work`` is missing, empty, or a cleaner work folder (its plan.json is ours): only
    such a folder may have its tasks/ and manifest removed."""
    try:
        names = set(os.listdir(work))
    except FileNotFoundError:
        return True
    except NotADirectoryError:
        return False
    if names <= WORK_START_NAMES:
        return True
    try:
        old = json.loads((work / "plan.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(old, dict) and "fingerprint" in old and "tasks" in old


@contextmanager
def _locked(work: Path):
    """Hold an exclusive lock on the work folder for the whole run, so a second run on the same
    work folder (the same output, by default) is refused instead of garbling the first one's files.
    The lock is the kernel's (flock): it goes with the process, however the process ends."""
    import fcntl

    work.mkdir(parents=True, exist_ok=True)
    fd = os.open(work / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise RunError(
                    f"{work}: another cleaner run is using this work folder (and its output); wait for it to finish"
                ) from None
            raise
        yield
    finally:
        os.close(fd)


class _StopSignals:
    """SIGTERM and SIGINT raise Interrupted in the main thread, so the run stops its workers,
    removes its temporary files and leaves a resumable state, instead of dying with its worker
    processes left running. Inside ``deferred()`` (a manifest line, the final renames) a signal
    waits until the block is done."""

    def __init__(self) -> None:
        self.pending: int | None = None
        self.deferring = False
        self.previous: dict[int, object] = {}

    def _handler(self, signum, frame):
        if self.deferring:
            self.pending = signum
            return
        raise Interrupted(signum)

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            for signum in STOP_SIGNALS:
                self.previous[signum] = signal.signal(signum, self._handler)
        return self

    def __exit__(self, *exc):
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        return False

    @contextmanager
    def deferred(self):
        self.deferring = True
        try:
            yield
        finally:
            self.deferring = False
        if self.pending is not None:
            raise Interrupted(self.pending)


_NO_STOP = _StopSignals()  # for _reduce called without a run (nothing to defer to)


def _own_files(config: RunConfig, work: Path) -> OwnFiles:
    """The run's own outputs (see OwnFiles): never its inputs."""
    folders = [str(work)] + ([config.txt_dir] if config.txt_dir else [])
    names = [
        (os.path.dirname(config.output), ShardWriter(config.output, config.shard_size, config.compression).own_name())
    ]
    for path in (config.stats_path, config.errors_path):
        if path:
            names.append(
                (
                    os.path.dirname(path),
                    re.compile(re.escape(os.path.basename(path)) + "(?:" + re.escape(TMP_SUFFIX) + ")?$"),
                )
            )
    return OwnFiles.of(folders, names)


def _refuse_own_inputs(inputs: list[str], own: OwnFiles, config: RunConfig, work: Path) -> None:
    """An input named on the command line that is one of the run's outputs (it would be
    overwritten), or lies in its work folder or --txt-dir (whose files the run deletes or
    writes), stops the run before any work, with one line."""
    for given in inputs:
        try:
            st = os.stat(given)
        except (OSError, ValueError):
            continue  # missing (or a glob): the planner reports it
        if stat.S_ISREG(st.st_mode):
            try:
                folder_st = os.stat(os.path.dirname(given) or ".")
            except OSError:
                folder_st = None
            if own.has_file(folder_st, os.path.basename(given), st):
                raise RunError(
                    f"{given}: is an output of this run (-o, --stats or --errors) and would be "
                    f"overwritten; write the output elsewhere"
                )
        real = Path(os.path.realpath(given))
        for folder in (real, *real.parents):
            try:
                if own.has_folder(os.stat(folder)):
                    raise RunError(
                        f"{given}: is inside this run's work folder or --txt-dir, whose files the run "
                        f"replaces; read it from elsewhere"
                    )
            except OSError:
                continue


def _stop_pass1(executor, work: Path) -> None:
    """Stop the workers and remove the task files they left half-written (``*.tmp-PID``: on a
    full disk they hold the space; a resumed run does those tasks again anyway)."""
    executor.close(abort=True)
    remove_files(str(p) for p in (work / "tasks").glob("*.tmp-*"))


def _prepare_work_dir(
    work: Path, tasks: list[Task], fp: str, resume: bool, plan_errors: Sequence[dict] = ()
) -> set[int]:
    plan_path, manifest = work / "plan.json", work / "manifest.jsonl"
    if resume and plan_path.exists():
        old = json.loads(plan_path.read_text(encoding="utf-8"))
        if old.get("fingerprint") != fp:
            raise RunError(f"{work}: --resume needs the same inputs and settings as the interrupted run")
        done = set()
        if manifest.exists():
            for line in manifest.read_text(encoding="utf-8").splitlines():
                try:
                    task_id = json.loads(line)["task"]
                except (json.JSONDecodeError, KeyError):
                    continue  # a line cut short by a crash: that task is simply done again
                if all(p.exists() for p in task_paths(str(work), task_id).values()):
                    done.add(task_id)  # (a finished run removed its task files: those are done again)
        return done
    if work.exists():
        shutil.rmtree(work / "tasks", ignore_errors=True)
        if manifest.exists():
            manifest.unlink()
    work.mkdir(parents=True, exist_ok=True)
    tmp = plan_path.with_suffix(".tmp")
    tmp.write_text(
        json.dumps(
            {"fingerprint": fp, "tasks": [dataclasses.asdict(t) for t in tasks], "errors": list(plan_errors)}, indent=1
        ),
        encoding="utf-8",
    )
    os.replace(tmp, plan_path)
    return set()


def run(
    inputs: list[str],
    settings: Settings,
    config: RunConfig,
    progress: Callable[[TaskResult, int], None] | None = None,
    on_pass2: Callable[[], None] | None = None,
) -> RunSummary:
    """Run the whole corpus job; returns stats, errors and the files written. ``progress(result,
    tasks)`` is called as each task of pass 1 ends (``tasks``: how many this run cleans, those a
    resumed run finished before not counted); ``on_pass2()`` when pass 2 starts.

    Raises RunError (one line: refused, or an output that cannot be written; the previous corpus
    stays) and Interrupted (SIGTERM/SIGINT: workers stopped, temporary files removed, resumable)."""
    work = Path(config.work_dir or (split_suffix(config.output)[0] + ".work"))
    _refuse_own_inputs(inputs, _own_files(config, work), config, work)
    if not _is_work_dir(work):
        raise RunError(
            f"{work}: exists and is not a cleaner work folder (no plan.json of a run); its tasks/ would "
            f"be deleted: choose another --work-dir"
        )
    try:
        with _locked(work), _StopSignals() as stop:
            return _run_locked(inputs, settings, config, progress, work, stop, on_pass2)
    except OutputError as exc:
        raise RunError(str(exc)) from None


def _run_locked(
    inputs: list[str],
    settings: Settings,
    config: RunConfig,
    progress: Callable[[TaskResult, int], None] | None,
    work: Path,
    stop: _StopSignals,
    on_pass2: Callable[[], None] | None = None,
) -> RunSummary:
    plan_errors: list[dict] = []
    plan_skipped: Counter = Counter()  # files of folders and globs that are no document, by ending
    tasks = plan(inputs, config.task_size, _own_files(config, work), plan_errors, plan_skipped, config.task_bytes)
    fp = _fingerprint(tasks, settings, config, plan_errors)
    done = _prepare_work_dir(work, tasks, fp, config.resume, plan_errors)
    templates_on = config.templates
    if templates_on is None:
        templates_on = sum(len(t.paths) for t in tasks) > 1 or any(t.kind != "files" for t in tasks)
    ctx = Context(
        settings,
        str(work),
        config.num_perm,
        config.dedup,
        templates_on,
        config.doc_timeout or None,
        dict(config.input_names),
        dict(config.jsonl_keys),
    )
    todo = [t for t in tasks if t.id not in done]
    started = time.perf_counter()
    if todo:
        executor = make_executor(min(config.workers, len(todo)) if not config.dask else config.workers, config.dask)
        manifest_path = work / "manifest.jsonl"
        try:
            with open(manifest_path, "a", encoding="utf-8") as manifest:
                for result in executor.map_tasks(todo, ctx):
                    with stop.deferred():  # a line is written whole (a cut one only costs its task again)
                        try:
                            manifest.write(json.dumps(dataclasses.asdict(result)) + "\n")
                            manifest.flush()
                            os.fsync(manifest.fileno())
                        except OSError as exc:
                            raise OutputError(str(manifest_path), exc) from None
                    if progress:
                        progress(result, len(todo))
        except OutputError:
            _stop_pass1(executor, work)
            raise
        except OSError as exc:  # a worker could not write its task files (disk full)
            _stop_pass1(executor, work)
            raise OutputError(exc.filename or str(work / "tasks"), exc) from None
        except BaseException:
            _stop_pass1(executor, work)
            raise
        else:
            executor.close()
    pass1_seconds = time.perf_counter() - started
    if on_pass2:
        on_pass2()
    summary = _reduce(tasks, work, ctx, config, templates_on, plan_errors, stop, plan_skipped)
    summary.stats["seconds_pass1"] = round(pass1_seconds, 3)
    if not config.keep_work:
        shutil.rmtree(work / "tasks", ignore_errors=True)
    return summary


# ------------------------------------------------------------------------------------------ pass 2


def _records(tasks: list[Task], work: Path) -> Iterator[dict]:
    for task in tasks:
        with open(task_paths(str(work), task.id)["records"], encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)


def _learn_templates(tasks: list[Task], work: Path) -> dict[str, set[str]]:
    docs: Counter = Counter()
    lines: dict[str, Counter] = {}
    for task in tasks:
        data = json.loads(task_paths(str(work), task.id)["lines"].read_text(encoding="utf-8"))
        docs.update(data["docs"])
        for group, counts in data["lines"].items():
            lines.setdefault(group, Counter()).update(counts)
    templates = {}
    for group, n in sorted(docs.items()):
        if n < TEMPLATE_MIN_GROUP:
            continue
        need = max(TEMPLATE_MIN_PAGES, TEMPLATE_MIN_SHARE * n)
        found = {h for h, c in lines.get(group, {}).items() if c >= need}
        if found:
            templates[group] = found
    return templates


def _apply_templates(rec: dict, templates: dict[str, set[str]]) -> int:
    """Drop learned template lines from the record's text; returns how many went."""
    found = templates.get(cast(str, rec.get("_group")))  # (a record without a group: None, found in no dict)
    if not found:
        return 0
    kept: list[str] = []
    removed: list[str] = []
    for line in rec["text"].split("\n"):
        (removed if line_hash(line) in found else kept).append(line)
    if not removed:
        return 0
    rec["text"] = "\n".join(kept)
    rec["removed"]["template"] += len(removed)
    if "removed_blocks" in rec:
        rec["removed_blocks"] += [
            {"line": 0, "category": "template", "reason": f"template line of {rec['_group']}", "text": line}
            for line in removed
        ]
    return len(removed)


def _write_text(path: Path, text: str) -> None:
    """Write a small output file (templates, stats, errors) whole or not at all."""
    tmp = path.with_name(path.name + TMP_SUFFIX)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
    except OSError as exc:
        remove_files([str(tmp)])
        raise OutputError(str(path), exc) from None


def _commit_text(path: Path) -> None:
    try:
        os.replace(path.with_name(path.name + TMP_SUFFIX), path)
    except OSError as exc:
        raise OutputError(str(path), exc) from None


@dataclass
class _Decisions:
    """What pass 2 decided before writing: the records that go and why (input order -> reason), the
    duplicates each kept record absorbs, the new ids of records whose id came before, and the
    --txt-dir review file of each kept record."""

    drops: dict[int, str]
    dup_of: dict[int, list[dict]]
    new_ids: dict[int, str]
    review: list[str]


def _reduce(
    tasks: list[Task],
    work: Path,
    ctx: Context,
    config: RunConfig,
    templates_on: bool,
    plan_errors: Sequence[dict] = (),
    stop: _StopSignals = _NO_STOP,
    plan_skipped: Counter | None = None,
) -> RunSummary:
    """Pass 2: learn the templates, decide what goes, then write every output."""
    templates = _learn_templates(tasks, work) if templates_on else {}
    _write_text(work / "templates.json", json.dumps({g: sorted(h) for g, h in sorted(templates.items())}, indent=1))
    _commit_text(work / "templates.json")
    decided = _decide(tasks, work, config, templates)
    # write: every file under a temporary name, renamed into place together at the end, so that a
    # failure (disk full) or a signal leaves the previous corpus, stats and errors as they were
    writer = corpus_writer(config.output, config.shard_size, config.compression, ctx.settings.keep_removed)
    errors_path = Path(config.errors_path or work / "errors.jsonl")
    stats_path = Path(config.stats_path or work / "stats.json")
    try:
        return _write(
            tasks, work, config, templates, decided, plan_errors, writer, errors_path, stats_path, stop, plan_skipped
        )
    except BaseException:
        writer.abort()
        remove_files(str(p.with_name(p.name + TMP_SUFFIX)) for p in (errors_path, stats_path))
        raise


def _decide(tasks: list[Task], work: Path, config: RunConfig, templates: dict) -> _Decisions:
    """Which records go (filters, exact and near duplicates, in input order: the first copy stays),
    which kept record absorbs which duplicates, and which ids must change to be unique."""
    drops: dict[int, str] = {}
    dup_of: dict[int, list[dict]] = {}
    dedup = _Dedup(config) if config.dedup else None
    seen_ids: set[str] = set()
    repeated_ids: list[tuple[int, str]] = []  # (order, id) of every record whose id came before
    kept: list[tuple[int, str, str]] = []  # (order, source, id) of the records written (for --txt-dir)
    for order, rec in enumerate(_records(tasks, work)):
        if rec["id"] in seen_ids:
            repeated_ids.append((order, rec["id"]))
        else:
            seen_ids.add(rec["id"])
        _apply_templates(rec, templates)
        reason = config.filters.verdict(rec)
        if reason:
            drops[order] = "filter:" + reason
            continue
        if dedup is not None:
            found = dedup.first_copy(order, rec)
            if found is not None:
                first, kind = found
                drops[order] = "duplicate:" + kind
                dup_of.setdefault(first, []).append(
                    {"id": rec["id"], "source": rec["source"], "kind": kind, "_order": order}
                )
                continue
        if config.txt_dir:
            kept.append((order, rec["source"], rec["id"]))
    new_ids = _unique_ids(seen_ids, repeated_ids)
    for entries in dup_of.values():
        for entry in entries:
            entry["id"] = new_ids.get(entry.pop("_order"), entry["id"])
    review = review_names([(source, new_ids.get(order, doc_id)) for order, source, doc_id in kept])
    return _Decisions(drops, dup_of, new_ids, review)


class _Dedup:
    """Exact duplicates by the text's hash, near duplicates by MinHash LSH over the records kept so far."""

    def __init__(self, config: RunConfig):
        from datasketch import MinHashLSH

        self.num_perm = config.num_perm
        self.lsh = MinHashLSH(threshold=config.near_dup_threshold, num_perm=config.num_perm)
        self.seen_exact: dict[str, int] = {}

    def first_copy(self, order: int, rec: dict) -> tuple[int, str] | None:
        """(order of the kept record ``rec`` repeats, "exact" or "near"), or None for a new text (then
        remembered)."""
        key = text_hash(rec["text"])
        first = self.seen_exact.get(key)
        if first is not None:
            return first, "exact"
        if "_minhash" in rec:
            sig = signature_from_hex(rec["_minhash"], self.num_perm)
            candidates = self.lsh.query(sig)
            if candidates:
                return min(int(c) for c in candidates), "near"
            self.lsh.insert(str(order), sig)
        self.seen_exact[key] = order
        return None


def _write(
    tasks: list[Task],
    work: Path,
    config: RunConfig,
    templates: dict[str, set[str]],
    decided: _Decisions,
    plan_errors: Sequence[dict],
    writer: ShardWriter,
    errors_path: Path,
    stats_path: Path,
    stop: _StopSignals,
    plan_skipped: Counter | None = None,
) -> RunSummary:
    stats = _new_stats()
    stats["skipped"].update(plan_skipped or {})  # files of folders and globs that are no document
    drops, dup_of, new_ids, review = decided.drops, decided.dup_of, decided.new_ids, decided.review
    written = 0
    for order, rec in enumerate(_records(tasks, work)):
        stats["documents_cleaned"] += 1
        removed_templates = _apply_templates(rec, templates)
        stats["template_lines_removed"] += removed_templates
        if order in drops:
            stats["dropped"][drops[order]] += 1
            continue
        for k in [k for k in rec if k.startswith("_")]:
            del rec[k]
        if order in new_ids:
            rec["id"] = new_ids[order]
        rec["duplicates"] = dup_of.get(order, [])
        writer.write(rec)
        _count(stats, rec)
        if config.txt_dir:
            write_review_text(config.txt_dir, rec["source"], rec["text"], review[written])
        written += 1
    errors = list(plan_errors)  # inputs found unreadable while planning come first, in input order
    for task in tasks:
        path = task_paths(str(work), task.id)["errors"]
        errors += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        lines_file = json.loads(task_paths(str(work), task.id)["lines"].read_text(encoding="utf-8"))
        stats["skipped"].update(lines_file.get("skipped", {}))  # inputs that are no document (not counted in)
    stats["documents_in"] = stats["documents_cleaned"] + len(errors)
    stats["failures"] = len(errors)
    stats["template_lines_learned"] = sum(len(h) for h in templates.values())
    stats = _finish_stats(stats)
    _write_text(errors_path, "".join(dumps(e) + "\n" for e in errors))
    _write_text(stats_path, json.dumps(stats, indent=2, ensure_ascii=False) + "\n")
    with stop.deferred():
        outputs = writer.close()
        _commit_text(errors_path)
        _commit_text(stats_path)
    return RunSummary(stats, errors, outputs, str(work))


def _unique_ids(seen: set[str], repeated: list[tuple[int, str]]) -> dict[int, str]:
    """New ids for the records whose id an earlier record has (the same bytes twice, or a JSONL
    input giving one id twice): ``ID-2``, ``ID-3``, ... in input order, skipping every id a
    record of the run has, so the corpus's ids are unique and the first keeps its own. By order."""
    taken = set(seen)
    next_n: dict[str, int] = {}
    out: dict[int, str] = {}
    for order, doc_id in repeated:
        n = next_n.get(doc_id, 2)
        while f"{doc_id}-{n}" in taken:
            n += 1
        out[order] = f"{doc_id}-{n}"
        taken.add(out[order])
        next_n[doc_id] = n + 1
    return out


def _new_stats() -> dict:
    return {
        "documents_in": 0,
        "documents_cleaned": 0,
        "documents_out": 0,
        "failures": 0,
        "dropped": Counter(),
        "skipped": Counter(),
        "blocks": 0,
        "removed_blocks": Counter(),
        "languages": Counter(),
        "outlets": Counter(),
        "months": Counter(),
        "template_lines_learned": 0,
        "template_lines_removed": 0,
    }


def _count(stats: dict, rec: dict) -> None:
    stats["documents_out"] += 1
    removed = rec["removed"]
    stats["blocks"] += sum(removed.values()) + (len(rec["text"].split("\n")) if rec["text"] else 0)
    stats["removed_blocks"].update({k: v for k, v in removed.items() if v})
    stats["languages"][rec.get("language") or "unknown"] += 1
    stats["outlets"][rec.get("outlet") or "unknown"] += 1
    stats["months"][(rec.get("date") or "unknown")[:7]] += 1


def _finish_stats(stats: dict) -> dict:
    blocks = stats["blocks"] or 1
    stats["removed_share"] = {
        c: round(stats["removed_blocks"][c] / blocks, 4) for c in CATEGORIES if stats["removed_blocks"][c]
    }
    for key in ("dropped", "skipped", "removed_blocks", "languages", "outlets", "months"):
        stats[key] = dict(sorted(stats[key].items(), key=lambda kv: (-kv[1], kv[0])))
    return stats
