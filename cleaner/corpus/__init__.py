"""The corpus builder: readers (sources) -> cleaning (worker, on an executor) -> templates, filters,
dedup and writers (runner). ``cleaner clean`` is a thin front end to ``run``."""

from .runner import RunConfig, RunError, RunSummary, run
from .steps import Filters

__all__ = ["Filters", "RunConfig", "RunError", "RunSummary", "run"]
