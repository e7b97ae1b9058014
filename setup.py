"""Build configuration beside pyproject.toml: the optional C extensions of the hot path.

- ``cleaner.model._trees``: the compiled evaluator of the block model's trees (cleaner/model/trees.py);
- ``cleaner._blockstats``: the per-block counts behind the block features (cleaner/blockstats.py).

Both are compiled during ``pip install`` with warnings as errors; ``optional=True`` lets the install
finish without them (no compiler, a failed build), and cleaner then uses LightGBM's own predictor
and the pure-Python counts: slower, with the same results. Each build carries the sha256 of its C
source, so a build older than the source beside it is not used.
"""
import hashlib
import sys
from pathlib import Path

from setuptools import Extension, setup

HERE = Path(__file__).resolve().parent

#: GCC and Clang flags: warnings fail the build; no contraction of a*b+c into FMA, so the
#: floating-point sums are LightGBM's exactly
GCC_FLAGS = ["-O2", "-std=c11", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off"]


def extension(name: str, source: str, sha_macro: str) -> Extension:
    digest = hashlib.sha256((HERE / source).read_bytes()).hexdigest()
    return Extension(name, sources=[source], define_macros=[(sha_macro, '"%s"' % digest)],
                     extra_compile_args=[] if sys.platform == "win32" else GCC_FLAGS, optional=True)


setup(
    ext_modules=[
        extension("cleaner.model._trees", "cleaner/model/_trees.c", "TREES_SOURCE_SHA256"),
        extension("cleaner._blockstats", "cleaner/_blockstats.c", "BLOCKSTATS_SOURCE_SHA256"),
    ]
)
