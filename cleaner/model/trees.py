"""LightGBM boosters evaluated by the compiled evaluator in ``_trees.c`` when it was built, else by
LightGBM itself.

The evaluator is model-independent: a text model (the shipped one, or one from ``cleaner train``)
is parsed here into flat arrays at load time, so a retrained model needs no compile step. Its
scores are bit-identical to ``lightgbm.Booster.predict`` (tests/test_compiled_trees.py and
``bench/trees_identity.py`` assert ``==``); a model using anything the evaluator does not
reproduce (linear trees, several classes, averaged output, another objective or format version)
is left to LightGBM, as is everything when the extension is missing or was built from older source.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path

import numpy as np

try:
    from . import _trees  # type: ignore[attr-defined]  # optional C extension, no stubs (may not be built)
except ImportError:  # built without a compiler (or the build failed): LightGBM's predictor is used
    _trees = None

#: the ABI of _trees.c this module expects; an extension built from other source is not used
ABI_VERSION = 1
#: the text-model format the parser knows (LightGBM 4 writes "version=v4")
MODEL_VERSION = "v4"
#: environment variable that, set to a non-empty value other than "0", leaves every compiled
#: extension unused (read at import; the same switch as cleaner/blockstats.py's)
NO_EXT_ENV = "CLEANER_NO_EXT"
if os.environ.get(NO_EXT_ENV, "") not in ("", "0"):
    _trees = None
_SOURCE = Path(__file__).with_name("_trees.c")
#: sha256 of the C source beside this module (an editable install or a checkout; None in a wheel)
_SOURCE_SHA256 = hashlib.sha256(_SOURCE.read_bytes()).hexdigest() if _SOURCE.exists() else None


class UnsupportedModel(ValueError):
    """A model the compiled evaluator does not reproduce exactly; LightGBM predicts it instead."""


def compiled_available() -> bool:
    """Whether the compiled evaluator was built, matches this module and, where its C source is
    beside it, was built from that source (an edit without a reinstall leaves it unused)."""
    return (
        _trees is not None
        and getattr(_trees, "ABI_VERSION", None) == ABI_VERSION
        and (_SOURCE_SHA256 is None or getattr(_trees, "SOURCE_SHA256", None) == _SOURCE_SHA256)
    )


def _fields(lines: list[str]) -> dict[str, str]:
    out = {}
    for line in lines:
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def _numbers(fields: dict, key: str, kind, count: int, where: str) -> list:
    values = fields.get(key, "").split()
    if len(values) != count:
        raise UnsupportedModel(f"{where}: {key} has {len(values)} values, expected {count}")
    try:
        return [kind(v) for v in values]
    except ValueError as exc:
        raise UnsupportedModel(f"{where}: {key}: {exc}") from None


def parse_model(text: str, where: str = "model") -> dict:
    """The flat arrays of a LightGBM text model, as ``_trees.Forest`` takes them.

    Doubles are read with Python's correctly rounded ``float``, as LightGBM reads them with its
    correctly rounded parser, so thresholds and leaf values are the same bits."""
    head, sep, rest = text.partition("\nTree=")
    if not sep and "end of trees" not in text:
        raise UnsupportedModel(f"{where}: not a LightGBM text model")
    header = _fields(head.splitlines())
    if header.get("version") != MODEL_VERSION:
        raise UnsupportedModel(f"{where}: model format {header.get('version')!r}, the evaluator knows {MODEL_VERSION}")
    if header.get("num_class", "1") != "1" or header.get("num_tree_per_iteration", "1") != "1":
        raise UnsupportedModel(f"{where}: more than one tree per iteration")
    if "average_output" in head.splitlines():
        raise UnsupportedModel(f"{where}: averaged output (random forest mode)")
    objective = header.get("objective", "").split()
    if not objective or objective[0] != "binary":
        raise UnsupportedModel(f"{where}: objective {' '.join(objective)!r}, the evaluator knows binary")
    sigmoid = next((float(o.split(":", 1)[1]) for o in objective[1:] if o.startswith("sigmoid:")), None)
    if sigmoid is None:
        raise UnsupportedModel(f"{where}: binary objective without a sigmoid")
    try:
        n_features = int(header["max_feature_idx"]) + 1
    except (KeyError, ValueError):
        raise UnsupportedModel(f"{where}: no max_feature_idx") from None
    body = rest.split("\nend of trees", 1)[0] if sep else ""
    arrays: dict[str, list] = {
        k: []
        for k in (
            "feature",
            "decision_type",
            "threshold",
            "left",
            "right",
            "cat_start",
            "cat_words",
            "leaf_value",
            "cat_bits",
        )
    }
    node_offsets, leaf_offsets = [0], [0]
    for block in ("Tree=" + body).split("\nTree=") if sep else []:
        lines = block.strip().splitlines()
        tree = lines[0].partition("=")[2] if lines[0].startswith("Tree=") else lines[0]
        fields = _fields(lines[1:])
        at = f"{where}: tree {tree}"
        if fields.get("is_linear", "0") != "0":
            raise UnsupportedModel(f"{at}: linear tree")
        try:
            n_leaves, n_cat = int(fields["num_leaves"]), int(fields.get("num_cat", "0"))
        except (KeyError, ValueError):
            raise UnsupportedModel(f"{at}: no num_leaves") from None
        if n_leaves < 1:
            raise UnsupportedModel(f"{at}: {n_leaves} leaves")
        n_nodes = n_leaves - 1
        arrays["leaf_value"] += _numbers(fields, "leaf_value", float, n_leaves, at)
        if n_nodes:
            dtypes = _numbers(fields, "decision_type", int, n_nodes, at)
            thresholds = _numbers(fields, "threshold", float, n_nodes, at)
            arrays["feature"] += _numbers(fields, "split_feature", int, n_nodes, at)
            arrays["left"] += _numbers(fields, "left_child", int, n_nodes, at)
            arrays["right"] += _numbers(fields, "right_child", int, n_nodes, at)
            arrays["decision_type"] += dtypes
            bounds = _numbers(fields, "cat_boundaries", int, n_cat + 1, at) if n_cat else [0]
            bits = _numbers(fields, "cat_threshold", int, bounds[-1], at) if n_cat else []
            if bounds[0] != 0 or any(b > c for b, c in zip(bounds, bounds[1:])):
                raise UnsupportedModel(f"{at}: cat_boundaries out of order")
            base = len(arrays["cat_bits"])
            arrays["cat_bits"] += bits
            for dt, thr in zip(dtypes, thresholds):
                if dt & 1:  # categorical: the threshold is the index of the node's bitset
                    if not (0 <= thr < n_cat and thr == int(thr)):  # (NaN fails the first test)
                        raise UnsupportedModel(f"{at}: categorical split {thr!r} out of range")
                    idx = int(thr)
                    arrays["cat_start"].append(base + bounds[idx])
                    arrays["cat_words"].append(bounds[idx + 1] - bounds[idx])
                    arrays["threshold"].append(0.0)
                else:
                    arrays["cat_start"].append(0)
                    arrays["cat_words"].append(0)
                    arrays["threshold"].append(thr)
        node_offsets.append(node_offsets[-1] + n_nodes)
        leaf_offsets.append(leaf_offsets[-1] + n_leaves)
    if len(node_offsets) == 1:
        raise UnsupportedModel(f"{where}: no trees")
    try:
        out = {
            "node_offsets": np.array(node_offsets, dtype=np.int32),
            "leaf_offsets": np.array(leaf_offsets, dtype=np.int32),
            "feature": np.array(arrays["feature"], dtype=np.int32),
            "decision_type": np.array(arrays["decision_type"], dtype=np.uint8),
            "threshold": np.array(arrays["threshold"], dtype=np.float64),
            "left": np.array(arrays["left"], dtype=np.int32),
            "right": np.array(arrays["right"], dtype=np.int32),
            "cat_start": np.array(arrays["cat_start"], dtype=np.uint32),
            "cat_words": np.array(arrays["cat_words"], dtype=np.uint32),
            "leaf_value": np.array(arrays["leaf_value"], dtype=np.float64),
            "cat_bits": np.array(arrays["cat_bits"], dtype=np.uint32),
        }
    except OverflowError as exc:  # a value outside its C type (numpy refuses, never wraps)
        raise UnsupportedModel(f"{where}: {exc}") from None
    return {**out, "n_features": n_features, "sigmoid": sigmoid}


class CompiledBooster:
    """A LightGBM binary model evaluated by ``_trees.Forest``; ``predict`` matches
    ``lightgbm.Booster.predict(X)`` bit for bit (``num_threads`` is accepted and ignored: one
    page's matrix is scored on the calling thread, with the GIL released)."""

    def __init__(self, forest):
        self.forest = forest

    @classmethod
    def from_file(cls, path: str | Path) -> "CompiledBooster":
        if not compiled_available():
            raise UnsupportedModel("the compiled evaluator is not built")
        arrays = parse_model(Path(path).read_text(encoding="utf-8"), str(path))
        try:
            return cls(_trees.Forest(**arrays))
        except ValueError as exc:  # an index out of range: a corrupt or unknown model
            raise UnsupportedModel(f"{path}: {exc}") from None

    def num_feature(self) -> int:
        return self.forest.n_features

    def num_trees(self) -> int:
        return self.forest.n_trees

    def predict(self, data, num_threads: int = 1) -> np.ndarray:
        del num_threads
        X = np.ascontiguousarray(data, dtype=np.float64)
        if X.ndim == 1:
            X = X.reshape(1, -1)
        if X.ndim != 2 or X.shape[1] != self.forest.n_features:
            raise ValueError(f"the model takes {self.forest.n_features} features, the data has shape {X.shape}")
        out = np.empty(X.shape[0], dtype=np.float64)
        self.forest.predict(X, out)
        return out


def load_booster(path: str | Path, compiled: bool = True):
    """A predictor for the text model at ``path``: the compiled evaluator when it is built and
    reproduces the model exactly, else ``lightgbm.Booster`` (``compiled=False`` forces it)."""
    if compiled and compiled_available():
        try:
            return CompiledBooster.from_file(path)
        except UnsupportedModel as exc:
            warnings.warn(f"cleaner: {exc}; LightGBM predicts this model", stacklevel=2)
    import lightgbm as lgb

    return lgb.Booster(model_file=str(path))


__all__ = ["CompiledBooster", "UnsupportedModel", "compiled_available", "load_booster", "parse_model"]
