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
import hashlib
import json
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from ..document import CATEGORIES
from ..settings import Settings
from ..writers import ShardWriter, dumps, split_suffix, write_review_text
from .executors import make_executor
from .sources import Task, plan
from .steps import Filters, line_hash, signature_from_hex, text_hash
from .worker import Context, TaskResult, task_paths

#: a line is a template of its group when it is on this share of the group's pages ...
TEMPLATE_MIN_SHARE = 0.6
#: ... and on at least this many pages, in a group of at least TEMPLATE_MIN_GROUP pages
TEMPLATE_MIN_PAGES = 5
TEMPLATE_MIN_GROUP = 8


class RunError(RuntimeError):
    """The run cannot start (e.g. --resume with other inputs); the message says why."""


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


@dataclass
class RunSummary:
    stats: dict
    errors: list[dict]
    outputs: list[str]
    work_dir: str


# ------------------------------------------------------------------------------------------ run


def _fingerprint(tasks: list[Task], settings: Settings, config: RunConfig) -> str:
    relevant = {"tasks": [dataclasses.asdict(t) for t in tasks], "settings": repr(settings), "task_size": config.task_size,
                "num_perm": config.num_perm, "dedup": config.dedup}
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:16]


def _prepare_work_dir(work: Path, tasks: list[Task], fp: str, resume: bool) -> set[int]:
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
    tmp.write_text(json.dumps({"fingerprint": fp, "tasks": [dataclasses.asdict(t) for t in tasks]}, indent=1),
                   encoding="utf-8")
    os.replace(tmp, plan_path)
    return set()


def run(inputs: list[str], settings: Settings, config: RunConfig,
        progress: Callable[[TaskResult, int], None] | None = None) -> RunSummary:
    """Run the whole corpus job; returns stats, errors and the files written."""
    tasks = plan(inputs, config.task_size)
    work = Path(config.work_dir or (split_suffix(config.output)[0] + ".work"))
    fp = _fingerprint(tasks, settings, config)
    done = _prepare_work_dir(work, tasks, fp, config.resume)
    templates_on = config.templates
    if templates_on is None:
        templates_on = sum(len(t.paths) for t in tasks) > 1 or any(t.kind != "files" for t in tasks)
    ctx = Context(settings, str(work), config.num_perm, config.dedup, templates_on, config.doc_timeout or None)
    todo = [t for t in tasks if t.id not in done]
    started = time.perf_counter()
    if todo:
        executor = make_executor(min(config.workers, len(todo)) if not config.dask else config.workers, config.dask)
        try:
            with open(work / "manifest.jsonl", "a", encoding="utf-8") as manifest:
                for result in executor.map_tasks(todo, ctx):
                    manifest.write(json.dumps(dataclasses.asdict(result)) + "\n")
                    manifest.flush()
                    os.fsync(manifest.fileno())
                    if progress:
                        progress(result, len(tasks))
        finally:
            executor.close()
    pass1_seconds = time.perf_counter() - started
    summary = _reduce(tasks, work, ctx, config, templates_on)
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
    found = templates.get(rec.get("_group"))
    if not found:
        return 0
    kept, removed = [], []
    for line in rec["text"].split("\n"):
        (removed if line_hash(line) in found else kept).append(line)
    if not removed:
        return 0
    rec["text"] = "\n".join(kept)
    rec["removed"]["template"] += len(removed)
    if "removed_blocks" in rec:
        rec["removed_blocks"] += [{"line": 0, "category": "template", "reason": f"template line of {rec['_group']}",
                                   "text": line} for line in removed]
    return len(removed)


def _reduce(tasks: list[Task], work: Path, ctx: Context, config: RunConfig, templates_on: bool) -> RunSummary:
    templates = _learn_templates(tasks, work) if templates_on else {}
    (work / "templates.json").write_text(
        json.dumps({g: sorted(h) for g, h in sorted(templates.items())}, indent=1), encoding="utf-8")
    # decide: which records go (filters, duplicates) and which kept record absorbs which duplicates
    drops: dict[int, str] = {}
    dup_of: dict[int, list[dict]] = {}
    seen_exact: dict[str, int] = {}
    lsh = None
    if config.dedup:
        from datasketch import MinHashLSH

        lsh = MinHashLSH(threshold=config.near_dup_threshold, num_perm=config.num_perm)
    for order, rec in enumerate(_records(tasks, work)):
        _apply_templates(rec, templates)
        reason = config.filters.verdict(rec)
        if reason:
            drops[order] = "filter:" + reason
            continue
        if not config.dedup:
            continue
        key = text_hash(rec["text"])
        first = seen_exact.get(key)
        kind = "exact"
        if first is None and "_minhash" in rec:
            sig = signature_from_hex(rec["_minhash"], config.num_perm)
            candidates = lsh.query(sig)
            if candidates:
                first, kind = min(int(c) for c in candidates), "near"
            else:
                lsh.insert(str(order), sig)
        if first is not None:
            drops[order] = "duplicate:" + kind
            dup_of.setdefault(first, []).append({"id": rec["id"], "source": rec["source"], "kind": kind})
        else:
            seen_exact[key] = order
    # write
    stats = _new_stats()
    writer = ShardWriter(config.output, config.shard_size, config.compression)
    for order, rec in enumerate(_records(tasks, work)):
        stats["documents_cleaned"] += 1
        removed_templates = _apply_templates(rec, templates)
        stats["template_lines_removed"] += removed_templates
        if order in drops:
            stats["dropped"][drops[order]] += 1
            continue
        for k in [k for k in rec if k.startswith("_")]:
            del rec[k]
        rec["duplicates"] = dup_of.get(order, [])
        writer.write(rec)
        _count(stats, rec)
        if config.txt_dir:
            write_review_text(config.txt_dir, rec["source"], rec["text"])
    outputs = writer.close()
    errors = []
    for task in tasks:
        path = task_paths(str(work), task.id)["errors"]
        errors += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        lines_file = json.loads(task_paths(str(work), task.id)["lines"].read_text(encoding="utf-8"))
        stats["skipped"].update(lines_file.get("skipped", {}))  # inputs that are no document (not counted in)
    stats["documents_in"] = stats["documents_cleaned"] + len(errors)
    stats["failures"] = len(errors)
    stats["template_lines_learned"] = sum(len(h) for h in templates.values())
    stats = _finish_stats(stats)
    errors_path = Path(config.errors_path or work / "errors.jsonl")
    stats_path = Path(config.stats_path or work / "stats.json")
    for path, text in ((errors_path, "".join(dumps(e) + "\n" for e in errors)),
                       (stats_path, json.dumps(stats, indent=2, ensure_ascii=False) + "\n")):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return RunSummary(stats, errors, outputs, str(work))


def _new_stats() -> dict:
    return {"documents_in": 0, "documents_cleaned": 0, "documents_out": 0, "failures": 0,
            "dropped": Counter(), "skipped": Counter(), "blocks": 0, "removed_blocks": Counter(), "languages": Counter(),
            "outlets": Counter(), "months": Counter(), "template_lines_learned": 0, "template_lines_removed": 0}


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
    stats["removed_share"] = {c: round(stats["removed_blocks"][c] / blocks, 4) for c in CATEGORIES
                              if stats["removed_blocks"][c]}
    for key in ("dropped", "skipped", "removed_blocks", "languages", "outlets", "months"):
        stats[key] = dict(sorted(stats[key].items(), key=lambda kv: (-kv[1], kv[0])))
    return stats
