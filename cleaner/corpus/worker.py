"""Pass 1, run by any executor: clean every item of one task and write the task's outputs
atomically (records with their MinHash signatures, errors, and template-line counts per group with
the counts of the inputs the readers skipped as no document, by reason)."""

from __future__ import annotations

import ctypes
import heapq
import json
import os
import signal
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from ..document import Document
from ..metadata import hostname
from ..pipeline import Cleaner
from ..readers import BadInput
from ..settings import Settings
from ..writers import dumps
from .sources import Item, Task, is_html_name, items
from .steps import minhash_signature, template_candidates


@dataclass(frozen=True)
class Context:
    """Everything a worker needs, small enough to ship to another machine."""

    settings: Settings
    work_dir: str
    num_perm: int = 128
    near_dedup: bool = True
    templates: bool = True
    doc_timeout: float | None = None  # seconds one document may take; None: no limit
    #: input path -> the name its documents carry (standard input is spooled to a file named "-" here)
    names: dict[str, str] = field(default_factory=dict)
    #: JSONL field names other than cleaner's own (``sources.JSONL_KEYS``): {"text": "content"}
    jsonl_keys: dict[str, str] = field(default_factory=dict)


def shown_source(source: str, names: dict[str, str]) -> str:
    """``source`` with an input path of ``names`` replaced by its name (``spool:3`` -> ``-:3``)."""
    for path, name in names.items():
        if source == path or (source.startswith(path) and source[len(path)] in ":@"):
            return name + source[len(path) :]
    return source


class DocumentTimeout(BaseException):
    """A document took longer than the run's per-document time limit. A BaseException, like
    KeyboardInterrupt: the libraries a document passes through (trafilatura, its fallbacks) and our
    own ``except Exception`` guards must not catch it and carry on with the document."""

    def __init__(self, message: str = "took longer than the per-document time limit"):
        super().__init__(message)


class _Watchdog:
    """Raises DocumentTimeout in one thread after ``seconds``, asynchronously (the exception is
    raised at the thread's next Python instruction; a long call into C code finishes first), for
    threads that no timer signal reaches: a Dask worker runs tasks in threads."""

    def __init__(self, seconds: float):
        self.thread_id = threading.get_ident()
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.fired = False
        self.timer = threading.Thread(target=self._run, args=(seconds,), name="cleaner-doc-timeout", daemon=True)
        self.timer.start()

    def _run(self, seconds: float) -> None:
        if self.done.wait(seconds):
            return
        with self.lock:
            if not self.done.is_set():
                self.fired = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(
                    ctypes.c_ulong(self.thread_id), ctypes.py_object(DocumentTimeout)
                )

    def stop(self) -> None:
        with self.lock:
            self.done.set()
            if self.fired:  # fired as the block ended: take back the exception if it is still pending
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread_id), None)


class _Alarm:
    """The same with a timer signal, for the main thread: the signal also stops a regular expression
    in the middle of its matching, which checks for signals."""

    def __init__(self, seconds: float):
        self.done = False
        self.fired = False
        self.previous = signal.signal(signal.SIGALRM, self._on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)

    def _on_alarm(self, signum, frame) -> None:
        if not self.done:
            self.fired = True
            raise DocumentTimeout

    def stop(self) -> None:
        self.done = True
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)


@contextmanager
def time_limit(seconds: float | None):
    """Interrupt the block after ``seconds`` with DocumentTimeout, so one pathological document (a
    rule that backtracks without end, a parser stuck on a monster page) cannot stall a worker for
    ever. In the main thread of a process (the serial run, the local pool's worker processes) a
    timer signal interrupts it, elsewhere (a Dask worker's threads) a watchdog thread does. A block
    that outlived its limit but swallowed the interruption still fails when it ends."""
    if not seconds:
        yield
        return
    message = f"took longer than the per-document time limit ({seconds:g} s)"
    main = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    limit = _Alarm(seconds) if main else _Watchdog(seconds)
    try:
        yield
    except DocumentTimeout:
        raise DocumentTimeout(message) from None
    finally:
        while True:  # the interruption may arrive while the limit is being taken down: finish that
            try:
                limit.stop()
                break
            except DocumentTimeout:
                continue
    if limit.fired:
        raise DocumentTimeout(message)


#: the slowest documents a task names in its manifest line (for `cleaner report`)
SLOWEST_PER_TASK = 10


@dataclass(frozen=True)
class TaskResult:
    task: int
    docs: int
    errors: int
    seconds: float
    #: the task's slowest documents, [source, seconds] pairs, slowest first (failed ones included)
    slowest: tuple = ()


_CLEANERS: dict[Settings, Cleaner] = {}


def cleaner_for(settings: Settings) -> Cleaner:
    """One Cleaner per process and settings: rules and model are loaded once, not per task."""
    if settings not in _CLEANERS:
        _CLEANERS[settings] = Cleaner(settings)
    return _CLEANERS[settings]


def task_paths(work_dir: str, task_id: int) -> dict[str, Path]:
    base = Path(work_dir) / "tasks" / f"task-{task_id:06d}"
    return {
        "records": base.with_suffix(".jsonl"),
        "errors": base.with_suffix(".errors.jsonl"),
        "lines": base.with_suffix(".lines.json"),
    }


def template_group(doc: Document) -> str:
    """Pages of one outlet or site share templates; without either, pages of one folder do."""
    if doc.outlet:
        return "outlet:" + doc.outlet
    host = hostname(doc.url)
    if host:
        return "host:" + host
    path = doc.source.split("@")[0].rsplit(":", 1)[0] if doc.source.count(":") else doc.source
    return "dir:" + os.path.dirname(path)


def clean_item(cleaner: Cleaner, item: Item) -> Document:
    meta = dict(item.meta)  # (its input fields, the id among them, are taken by the cleaner)
    fmt = None if item.fmt == "auto" else item.fmt
    if fmt is None and cleaner.settings.format == "auto" and is_html_name(item.source):
        fmt = "html"  # .shtml, .php, ...: pages a server wrote, whatever their first bytes look like
    if isinstance(item.data, bytes):
        doc = cleaner.clean_bytes(item.data, source=item.source, fmt=fmt, meta=meta)
    elif item.fmt == "html":  # (a str; a None the cleaner refuses as BadInput)
        doc = cleaner.clean_html(cast(str, item.data), source=item.source, meta=meta)
    else:
        doc = cleaner.clean_text(cast(str, item.data), source=item.source, meta=meta)
    return doc


def run_task(task: Task, ctx: Context) -> TaskResult:
    start = time.perf_counter()
    cleaner = cleaner_for(ctx.settings)
    paths = task_paths(ctx.work_dir, task.id)
    paths["records"].parent.mkdir(parents=True, exist_ok=True)
    tmp = {k: p.with_name(p.name + f".tmp-{os.getpid()}") for k, p in paths.items()}
    lines: dict[str, Counter] = {}
    group_docs: Counter = Counter()
    skipped: Counter = Counter()  # inputs the readers passed over as no document, by reason
    docs = errors = 0
    # the task's slowest documents so far, a min-heap of (seconds, -order, source): bounded, however
    # many documents the task holds (an earlier document ranks first among equal times)
    slowest: list[tuple[float, int, str]] = []
    timed = 0
    with open(tmp["records"], "w", encoding="utf-8") as out, open(tmp["errors"], "w", encoding="utf-8") as err:
        for item in items(task, ctx.settings.max_bytes, ctx.jsonl_keys):
            if ctx.names:
                item.source = shown_source(item.source, ctx.names)
            if item.skip is not None and item.error is None:
                skipped[item.skip] += 1
                continue
            if item.error is None:
                began = time.perf_counter()
                try:
                    with time_limit(ctx.doc_timeout):
                        doc = clean_item(cleaner, item)
                except (BadInput, DocumentTimeout) as exc:
                    item.error = str(exc)
                except Exception as exc:  # one bad document never stops the batch
                    item.error = f"internal error: {type(exc).__name__}: {exc}".splitlines()[0]
                entry = (time.perf_counter() - began, -timed, item.source)
                timed += 1
                (heapq.heappush if len(slowest) < SLOWEST_PER_TASK else heapq.heappushpop)(slowest, entry)
            if item.error is not None:
                err.write(dumps({"source": item.source, "reason": item.error}) + "\n")
                errors += 1
                continue
            rec = doc.to_record(ctx.settings.keep_removed)
            group = template_group(doc)
            rec["_group"] = group
            if ctx.near_dedup:
                rec["_minhash"] = minhash_signature(doc.text, ctx.num_perm)
            if ctx.templates:
                group_docs[group] += 1
                lines.setdefault(group, Counter()).update(template_candidates(doc.text))
            out.write(dumps(rec) + "\n")
            docs += 1
    with open(tmp["lines"], "w", encoding="utf-8") as fh:
        json.dump(
            {
                "docs": dict(sorted(group_docs.items())),
                "lines": {g: dict(sorted(c.items())) for g, c in sorted(lines.items())},
                "skipped": dict(sorted(skipped.items())),
            },
            fh,
        )
    for key, p in tmp.items():
        os.replace(p, paths[key])
    return TaskResult(
        task.id,
        docs,
        errors,
        round(time.perf_counter() - start, 3),
        tuple((source, round(t, 4)) for t, _, source in sorted(slowest, reverse=True)),
    )
