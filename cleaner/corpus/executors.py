"""Executors run pass-1 tasks; they know nothing about cleaning (datatrove's separation).

- ``SerialExecutor``: in this process (one worker).
- ``LocalExecutor``: a pool of worker processes on this machine.
- ``DaskExecutor``: an existing dask.distributed cluster (``--dask tcp://host:8786``) or a
  LocalCluster started for the run (``--dask local``). Workers need cleaner installed and the
  input and work folders at the same paths (a shared file system), as on any Dask cluster.

Results come back as tasks finish (any order); the runner records them and orders the corpus.
"""

from __future__ import annotations

import multiprocessing
import signal
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Iterable, Iterator

from .sources import Task
from .worker import Context, TaskResult, run_task

#: tasks in flight per worker: enough to keep workers busy, few enough to keep memory flat
IN_FLIGHT_PER_WORKER = 2
#: seconds a stopped worker process gets to exit on SIGTERM before it is killed
WORKER_STOP_SECONDS = 5.0


def _worker_init() -> None:
    """Worker processes leave SIGINT (Ctrl-C reaches the whole process group) to the main
    process, which stops them; so one Ctrl-C gives one message, not a traceback per worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class SerialExecutor:
    def map_tasks(self, tasks: Iterable[Task], ctx: Context) -> Iterator[TaskResult]:
        for task in tasks:
            yield run_task(task, ctx)

    def close(self, abort: bool = False) -> None:
        pass


class LocalExecutor:
    def __init__(self, workers: int):
        self.workers = workers
        # spawn, not fork: a forked child inherits the parent's OpenMP state (LightGBM) and can hang
        self.pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_init
        )

    def map_tasks(self, tasks: Iterable[Task], ctx: Context) -> Iterator[TaskResult]:
        pending: set[Future[TaskResult]] = set()
        it = iter(tasks)
        while True:
            while len(pending) < self.workers * IN_FLIGHT_PER_WORKER:
                task = next(it, None)
                if task is None:
                    break
                pending.add(self.pool.submit(run_task, task, ctx))
            if not pending:
                return
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for f in finished:
                yield f.result()

    def close(self, abort: bool = False) -> None:
        """Shut the pool down; with ``abort`` (a signal, a failed write) stop the running tasks too,
        so no worker process outlives the run."""
        processes = list((self.pool._processes or {}).values()) if abort else []
        for proc in processes:
            if proc.is_alive():
                proc.terminate()
        for proc in processes:
            proc.join(WORKER_STOP_SECONDS)
            if proc.is_alive():
                proc.kill()
                proc.join()
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    def __init__(self, address: str, workers: int):
        from dask.distributed import Client, LocalCluster

        if address == "local":
            self.cluster: LocalCluster | None = LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            self.client = Client(self.cluster)
        else:
            self.cluster = None
            self.client = Client(address)
        self.slots = max(1, sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values()))

    def map_tasks(self, tasks: Iterable[Task], ctx: Context) -> Iterator[TaskResult]:
        from dask.distributed import as_completed

        it = iter(tasks)
        window = as_completed()
        for _ in range(self.slots * IN_FLIGHT_PER_WORKER):
            task = next(it, None)
            if task is None:
                break
            window.add(self.client.submit(run_task, task, ctx, pure=False, key=f"cleaner-task-{task.id}-{id(ctx)}"))
        for future in window:
            yield future.result()
            future.release()
            task = next(it, None)
            if task is not None:
                window.add(self.client.submit(run_task, task, ctx, pure=False, key=f"cleaner-task-{task.id}-{id(ctx)}"))

    def close(self, abort: bool = False) -> None:
        # (the client's futures go with it, so the scheduler drops the tasks not yet started; a
        # LocalCluster's worker processes are stopped by its close)
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(workers: int, dask: str | None):
    if dask:
        return DaskExecutor(dask, workers)
    if workers <= 1:
        return SerialExecutor()
    return LocalExecutor(workers)
