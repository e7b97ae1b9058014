"""The corpus record's JSON Schema (``record.schema.json``) and the ``datasets`` features derived
from it.

``datasets.load_dataset("json", ...)`` guesses each column's type from the first file it reads; a
shard whose dates, outlets or urls are all null gives a column of type null, and the next shard's
strings then fail ("Couldn't cast ... to null"). Passing ``features=features()`` fixes every type
from the schema instead, so any corpus ``cleaner clean`` writes loads, one file or shards::

    datasets.load_dataset("json", data_files="corpus/news-*.jsonl", features=features(), split="train")
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("record.schema.json")
#: the oldest ``datasets`` with the ``Json`` feature, which holds ``meta`` (any JSON object)
DATASETS_MIN_VERSION = "4.7"
#: JSON Schema scalar types -> the ``datasets.Value`` dtype that holds them
_SCALARS = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool"}


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The record schema as a dict (a copy is the caller's to change: ``copy.deepcopy``)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def features(keep_removed: bool = True):
    """``datasets.Features`` of a corpus record, in the record's key order, derived from the
    schema: strings, numbers and integers as ``Value`` (nullable, as every Arrow column is), ``date``
    (``"format": "date"``) as ``date32`` (``datetime.date`` values), ``enum`` as string, objects with properties as structs, arrays as ``List``, and an object with free
    keys (``meta``) as ``Json``. ``keep_removed=False`` for a corpus written with ``--no-removed``
    (no ``removed_blocks`` column)."""
    try:
        import datasets
    except ImportError:  # pragma: no cover - datasets is the user's choice, not a dependency
        raise ImportError("cleaner.schema.features() needs the datasets package: pip install datasets") from None
    if not hasattr(datasets, "Json"):
        raise ImportError(
            f"cleaner.schema.features() needs datasets>={DATASETS_MIN_VERSION} (its Json feature holds "
            f"'meta'); installed: {datasets.__version__}"
        )
    props = dict(schema()["properties"])
    if not keep_removed:
        props.pop("removed_blocks")
    return datasets.Features({name: _feature(spec, datasets) for name, spec in props.items()})


def _feature(spec: dict[str, Any], datasets) -> Any:
    if "enum" in spec:
        return datasets.Value("string")
    kind = spec.get("type")
    kinds = [k for k in (kind if isinstance(kind, list) else [kind]) if k != "null"]
    if len(kinds) != 1:
        raise ValueError(f"schema type {kind!r} has no single datasets feature")
    kind = kinds[0]
    if kind == "string" and spec.get("format") == "date":
        # a date as a date: Arrow's JSON reader takes "2020-05-03" for a timestamp, which as a
        # string would come back as "2020-05-03 00:00:00"
        return datasets.Value("date32")
    if kind in _SCALARS:
        return datasets.Value(_SCALARS[kind])
    if kind == "array":
        return datasets.List(_feature(spec["items"], datasets))
    if kind == "object":
        if not spec.get("properties") or spec.get("additionalProperties", True) is not False:
            return datasets.Json()  # free keys (meta): stored as JSON text, read back as the object
        return {name: _feature(sub, datasets) for name, sub in spec["properties"].items()}
    raise ValueError(f"schema type {kind!r} has no datasets feature")
