"""The compiled tree evaluator (cleaner/model/_trees.c via trees.py) scores exactly as LightGBM:
on tiny models trained here with every split kind, on hostile feature values, on the shipped model
for the raw/ pages; the package falls back to LightGBM when the extension is missing or stale."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pytest

from cleaner import Cleaner
from cleaner.model import BlockModel, trees
from cleaner.model.scorer import MODEL_DIR
from conftest import ROOT

needs_compiled = pytest.mark.skipif(not trees.compiled_available(), reason="the C extension is not built")

#: values LightGBM reads in special ways: NaN, zero and near zero (|x| <= 1e-35 is 0), signed
#: zero, infinities, huge, negative and fractional categories, categories beyond any bitset
HOSTILE = [
    np.nan,
    0.0,
    -0.0,
    1e-40,
    -1e-40,
    1e-35,
    np.inf,
    -np.inf,
    1e300,
    -1e300,
    2.0**31,
    2.0**31 - 1,
    -(2.0**31),
    -1.0,
    -0.5,
    0.5,
    2.999,
    31.0,
    32.0,
    33.0,
    63.0,
    64.0,
    1000.0,
    1e9,
]


def _data(n: int, seed: int) -> np.ndarray:
    """Five features: numeric with NaN, categorical (0-39, NaN), numeric with many zeros,
    categorical with a negative value, plain numeric."""
    rng = np.random.default_rng(seed)
    X = np.column_stack(
        [
            rng.normal(size=n),
            rng.integers(0, 40, n).astype(float),
            rng.normal(size=n),
            rng.integers(-1, 6, n).astype(float),
            rng.normal(size=n),
        ]
    )
    X[rng.random(n) < 0.2, 0] = np.nan
    X[rng.random(n) < 0.1, 1] = np.nan
    X[rng.random(n) < 0.3, 2] = 0.0
    return X


def _labels(X: np.ndarray) -> np.ndarray:
    return (
        (np.nan_to_num(X[:, 0], nan=1.5) > 0.3)
        ^ np.isin(X[:, 1], [3, 7, 11, 30, 35])
        ^ (X[:, 2] == 0)
        ^ (X[:, 3] == 2)
        ^ (X[:, 4] > 1)
    ).astype(int)


def _train(tmp_path: Path, name: str, init_model=None, rounds: int = 25, **params) -> Path:
    X = _data(600, 1)
    base = {
        "objective": "binary",
        "num_leaves": 15,
        "min_data_in_leaf": 5,
        "min_data_per_group": 5,
        "cat_smooth": 1,
        "max_cat_to_onehot": 4,
        "verbose": -1,
        "num_threads": 1,
        "seed": 0,
    }
    booster = lgb.train(
        {**base, **params},
        lgb.Dataset(X, _labels(X), categorical_feature=[1, 3]),
        num_boost_round=rounds,
        init_model=init_model,
    )
    path = tmp_path / f"{name}.txt"
    booster.save_model(str(path))
    return path


def _probe_rows(n_features: int, seed: int) -> np.ndarray:
    """Held-out rows, then every hostile value in every column over a random row."""
    X = _data(400, seed)[:, :n_features]
    rng = np.random.default_rng(seed)
    hostile = _data(len(HOSTILE) * n_features, seed + 1)[:, :n_features]
    for j in range(n_features):
        hostile[j * len(HOSTILE) : (j + 1) * len(HOSTILE), j] = HOSTILE
    mixed = rng.choice(np.array(HOSTILE), size=(200, n_features))
    return np.vstack([X, hostile, mixed])


def _decision_types(path: Path) -> set[int]:
    out = set()
    for line in path.read_text().splitlines():
        if line.startswith("decision_type="):
            out.update(int(v) for v in line.split("=", 1)[1].split())
    return out


@needs_compiled
def test_tiny_models_score_exactly_as_lightgbm(tmp_path):
    """Every split kind LightGBM writes: numerical with missing type None, Zero and NaN, default left
    and right, categorical bitsets (several words), and a one-leaf tree; == on every row."""
    nan_model = _train(tmp_path, "nan")
    zero_model = _train(tmp_path, "zero", zero_as_missing=True)
    stump = _train(tmp_path, "stump", rounds=1, min_data_in_leaf=10_000)  # no split: one leaf
    grown = _train(tmp_path, "grown", init_model=str(stump), rounds=10)
    seen = _decision_types(nan_model) | _decision_types(zero_model)
    # bit 0 categorical, bit 1 default left, bits 2-3 missing type: None, Zero, NaN
    assert {2, 8, 10, 4, 6, 9} <= seen, seen
    assert "num_leaves=1\n" in grown.read_text()
    assert any(
        len(line.split()) > 1 for line in nan_model.read_text().splitlines() if line.startswith("cat_threshold=")
    )  # a bitset of more than one 32-bit word
    for path in (nan_model, zero_model, stump, grown):
        reference, compiled = lgb.Booster(model_file=str(path)), trees.load_booster(path)
        assert isinstance(compiled, trees.CompiledBooster)
        X = _probe_rows(5, 3)
        expected, got = reference.predict(X, num_threads=1), compiled.predict(X)
        assert got.dtype == np.float64 and got.shape == expected.shape
        assert (got == expected).all(), (path.name, np.flatnonzero(got != expected)[:10])
        assert (compiled.predict(X[7]) == expected[7]).all()  # one row as a vector
        assert len(compiled.predict(np.zeros((0, 5)))) == 0


@needs_compiled
def test_infinite_thresholds_score_exactly_as_lightgbm(tmp_path):
    """A column NaN on half the rows (as the DOM columns on text views) makes LightGBM write a
    threshold of inf ("every value left, NaN right"): still compiled, == on every row (inf inputs too)."""
    rng = np.random.default_rng(0)
    n = 2000
    X = np.column_stack([rng.integers(0, 2, n).astype(float), rng.normal(size=n), rng.integers(0, 3, n).astype(float)])
    missing = rng.random(n) < 0.5
    X[missing, 0] = np.nan
    X[missing, 2] = np.nan
    y = ((missing & (X[:, 1] > 0)) | (~missing & (np.nan_to_num(X[:, 0]) == 1))).astype(int)
    booster = lgb.train(
        {"objective": "binary", "num_leaves": 15, "min_data_in_leaf": 5, "verbose": -1, "num_threads": 1, "seed": 0},
        lgb.Dataset(X, y),
        num_boost_round=20,
    )
    path = tmp_path / "inf.txt"
    booster.save_model(str(path))
    thresholds = [
        v for line in path.read_text().splitlines() if line.startswith("threshold=") for v in line[10:].split()
    ]
    assert "inf" in thresholds or "-inf" in thresholds
    compiled = trees.load_booster(path)
    assert isinstance(compiled, trees.CompiledBooster)
    hostile = rng.choice(np.array(HOSTILE), size=(300, 3))
    probe = np.vstack([X, hostile])
    assert (compiled.predict(probe) == booster.predict(probe, num_threads=1)).all()


def _forest(path: Path, compact: bool):
    from cleaner.model import _trees  # type: ignore[attr-defined]

    return _trees.Forest(**trees.parse_model(path.read_text(encoding="utf-8")), compact=compact)


def _at_thresholds(path: Path, n_features: int) -> np.ndarray:
    """Rows with each numerical split's threshold, and the doubles either side of it, in its column
    (x <= t goes left: a walk that ranks a value equal to a threshold wrongly differs only here)."""
    arrays = trees.parse_model(path.read_text(encoding="utf-8"))
    rows = []
    rng = np.random.default_rng(5)
    for f, t, dt in zip(arrays["feature"], arrays["threshold"], arrays["decision_type"]):
        if not dt & 1:
            for v in (t, np.nextafter(t, -np.inf), np.nextafter(t, np.inf)):
                row = _data(1, int(rng.integers(1 << 30)))[0, :n_features]
                row[f] = v
                rows.append(row)
    return np.array(rows)


@needs_compiled
def test_the_compact_walk_and_the_node_walk_give_the_same_scores(tmp_path):
    """The compact walk (16-bit threshold ranks) takes every model that fits it, categorical splits
    with one-word bitsets included; the node walk every other (a bitset of two words) and any model
    built with compact=False. Both == LightGBM on the same held-out and hostile rows."""
    X = _data(600, 1)
    X[:, 1] = np.nan_to_num(X[:, 1], nan=-1) % 30  # categories below 32: one-word bitsets
    params = {"objective": "binary", "num_leaves": 15, "min_data_in_leaf": 5, "min_data_per_group": 5}
    params |= {"cat_smooth": 1, "max_cat_to_onehot": 4, "verbose": -1, "num_threads": 1, "seed": 0}
    fits = tmp_path / "fits.txt"
    lgb.train(params, lgb.Dataset(X, _labels(X), categorical_feature=[1, 3]), 25).save_model(str(fits))
    assert 9 in _decision_types(fits) or 1 in _decision_types(fits)  # categorical splits
    wide = _train(tmp_path, "wide")  # categories 0-39: bitsets of two words
    for path, compact in ((fits, True), (wide, False)):
        probe = np.vstack([_probe_rows(5, 4), _at_thresholds(path, 5)])
        expected = lgb.Booster(model_file=str(path)).predict(probe, num_threads=1)
        both = {}
        for want in (True, False):
            forest = _forest(path, compact=want)
            assert forest.compact == (want and compact), (path.name, want)
            both[want] = np.empty(len(probe))
            forest.predict(probe, both[want])
            assert (both[want] == expected).all(), (path.name, want)
    shipped = MODEL_DIR / "blocks.stage1.txt"
    assert _forest(shipped, compact=True).compact  # the shipped model runs on the compact walk


@needs_compiled
def test_shipped_model_scores_the_raw_pages_exactly_as_lightgbm():
    """The shipped two-stage model on every raw/ page: the rows page_features and stage2_rows give
    score == on both predictors."""
    compiled = BlockModel.load()
    reference = BlockModel.load(compiled=False)
    assert isinstance(compiled.stage1, trees.CompiledBooster) and isinstance(compiled.stage2, trees.CompiledBooster)
    assert isinstance(reference.stage1, lgb.Booster)
    seen: list[tuple[str, np.ndarray]] = []

    class Recorder:
        def __init__(self, booster, stage):
            self.booster, self.stage = booster, stage

        def predict(self, X, **kwargs):
            seen.append((self.stage, np.array(X)))
            return self.booster.predict(X, **kwargs)

    compiled.stage1, compiled.stage2 = Recorder(compiled.stage1, "stage1"), Recorder(compiled.stage2, "stage2")
    cleaner = Cleaner(scorer=compiled)
    pages = sorted((ROOT / "raw").glob("*.txt"))
    html_pages = sorted((ROOT / "raw").glob("*.htm*"))
    assert pages and html_pages
    for page in pages:
        cleaner.clean_text(page.read_text(encoding="utf-8"), source=page.name)
    for page in html_pages:
        cleaner.clean_file(str(page), fmt="html")
    rows = 0
    for stage, X in seen:
        expected = getattr(reference, stage).predict(X, num_threads=1)
        assert (getattr(compiled, stage).booster.predict(X) == expected).all(), stage
        rows += len(X)
    # every page of raw/ was scored, text and HTML mode (the blocks no rule claimed: rows > 150)
    assert sum(stage == "stage1" for stage, _ in seen) == len(pages) + len(html_pages) and rows > 150


@needs_compiled
def test_bad_input_gives_a_clear_error_not_a_crash():
    model = trees.load_booster(MODEL_DIR / "blocks.stage1.txt")
    with pytest.raises(ValueError, match="89 features"):
        model.predict(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="float64"):
        model.forest.predict(np.zeros((3, 89), dtype=np.float32), np.empty(3))
    with pytest.raises(ValueError, match="one item per row"):
        model.forest.predict(np.zeros((3, 89)), np.empty(2))


def _stump_arrays(**changes) -> dict:
    """One tree: node 0 splits on feature 0 (<= 0.5 left: node 1, right: leaf 2); node 1 is
    categorical on feature 1 (its bitset {1}: leaf 0, else leaf 1)."""
    arrays = {
        "node_offsets": [0, 2],
        "leaf_offsets": [0, 3],
        "feature": [0, 1],
        "decision_type": [2, 1],
        "threshold": [0.5, 0.0],
        "left": [1, -1],
        "right": [-3, -2],
        "cat_start": [0, 0],
        "cat_words": [0, 1],
        "leaf_value": [1.0, 2.0, 3.0],
        "cat_bits": [2],
        "n_features": 2,
        "sigmoid": None,
    }
    arrays.update(changes)
    kinds = {
        "node_offsets": np.int32,
        "leaf_offsets": np.int32,
        "feature": np.int32,
        "decision_type": np.uint8,
        "threshold": np.float64,
        "left": np.int32,
        "right": np.int32,
        "cat_start": np.uint32,
        "cat_words": np.uint32,
        "leaf_value": np.float64,
        "cat_bits": np.uint32,
    }
    return {k: np.array(v, dtype=kinds[k]) if k in kinds else v for k, v in arrays.items()}


@needs_compiled
@pytest.mark.parametrize(
    "changes, message",
    [
        ({"left": [1, 0]}, "reached twice"),  # a cycle back to the root
        ({"left": [5, -1]}, "out of range"),  # a child beyond the tree
        ({"right": [-3, -9]}, "out of range"),  # a leaf beyond the tree
        ({"feature": [0, 2]}, "feature 2 out of range"),
        ({"cat_words": [0, 2]}, "bitset out of range"),
        ({"decision_type": [2, 13]}, "decision_type"),  # missing type 3 does not exist
        ({"leaf_value": [1.0, 2.0]}, "offsets"),
    ],
)
def test_a_corrupt_forest_is_refused(changes, message):
    from cleaner.model import _trees

    forest = _trees.Forest(**_stump_arrays())
    out = np.empty(4)
    forest.predict(np.array([[0.0, 1.0], [0.0, 2.0], [1.0, 1.0], [np.nan, 1e300]]), out)
    assert out.tolist() == [1.0, 2.0, 3.0, 2.0]
    with pytest.raises(ValueError, match=message):
        _trees.Forest(**_stump_arrays(**changes))


def test_unsupported_models_fall_back_to_lightgbm(tmp_path):
    """A model the evaluator does not reproduce (here: three classes) is scored by LightGBM."""
    X = _data(300, 2)
    y = np.nan_to_num(X[:, 1], nan=0).astype(int) % 3
    booster = lgb.train(
        {"objective": "multiclass", "num_class": 3, "verbose": -1, "num_threads": 1},
        lgb.Dataset(X, y),
        num_boost_round=2,
    )
    path = tmp_path / "multi.txt"
    booster.save_model(str(path))
    with pytest.raises(trees.UnsupportedModel, match="more than one tree per iteration"):
        trees.parse_model(path.read_text(), str(path))
    if trees.compiled_available():
        with pytest.warns(UserWarning, match="LightGBM predicts this model"):
            model = trees.load_booster(path)
    else:
        model = trees.load_booster(path)
    assert isinstance(model, lgb.Booster)


def test_a_stale_or_missing_extension_falls_back_to_lightgbm(monkeypatch):
    """An extension built from other source (another ABI version), or none: LightGBM, same text."""
    page = (ROOT / "raw").glob("*.txt").__next__().read_text(encoding="utf-8")
    expected = Cleaner(scorer=BlockModel.load(compiled=False)).clean_text(page).text
    if trees._trees is not None:
        monkeypatch.setattr(trees._trees, "ABI_VERSION", trees.ABI_VERSION + 1)
    assert not trees.compiled_available()
    model = BlockModel.load()
    assert isinstance(model.stage1, lgb.Booster) and isinstance(model.stage2, lgb.Booster)
    assert Cleaner(scorer=model).clean_text(page).text == expected
    monkeypatch.setattr(trees, "_trees", None)
    assert isinstance(BlockModel.load().stage1, lgb.Booster)


def test_without_the_extension_the_package_still_cleans(tmp_path):
    """A process where the extension cannot be imported (as after an install without a compiler)
    cleans raw/ to the same records as this process."""
    script = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'cleaner.model._trees':\n"
        "            raise ImportError('no compiled evaluator')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from cleaner.cli import main\n"
        "from cleaner.model import trees\n"
        "assert trees._trees is None and not trees.compiled_available()\n"
        "sys.argv = ['cleaner', 'clean', 'raw/', '-o', sys.argv[1], '--workers', '1', '--no-progress']\n"
        "main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "fallback.jsonl")],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    from click.testing import CliRunner

    from cleaner.cli import main

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(
            main, ["clean", "raw/", "-o", str(tmp_path / "compiled.jsonl"), "--workers", "1", "--no-progress"]
        )
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "fallback.jsonl").read_bytes() == (tmp_path / "compiled.jsonl").read_bytes()


@pytest.mark.skipif(shutil.which("gcc") is None, reason="no gcc")
def test_the_c_source_compiles_without_warnings(tmp_path):
    """The install builds with setup.py's flags (-Wall -Wextra -Werror); as the extension is
    optional, a warning would quietly leave cleaner on LightGBM's slower predictor."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    flags = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "GCC_FLAGS"
    )
    assert {"-Wall", "-Wextra", "-Werror"} <= set(flags)
    result = subprocess.run(
        [
            "gcc",
            *flags,
            "-fPIC",
            "-shared",
            f"-I{sysconfig.get_paths()['include']}",
            str(ROOT / "cleaner" / "model" / "_trees.c"),
            "-o",
            str(tmp_path / "_trees.so"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and not result.stderr, result.stderr


@pytest.mark.skipif(shutil.which("gcc") is None, reason="no gcc")
def test_the_install_built_the_extension_from_this_source():
    """With a compiler present the install built the extension, from the _trees.c in the checkout
    (an edit without a reinstall is detected: LightGBM is used until the next install)."""
    assert trees._trees is not None, "run: pip install -e . (the extension is built at install)"
    assert trees.compiled_available(), "the extension is stale: run pip install -e . again"


@needs_compiled
def test_an_extension_built_from_other_source_is_not_used(monkeypatch):
    monkeypatch.setattr(trees._trees, "SOURCE_SHA256", "0" * 64)
    assert not trees.compiled_available()
    assert isinstance(trees.load_booster(MODEL_DIR / "blocks.stage2.txt"), lgb.Booster)
