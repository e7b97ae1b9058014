"""Build configuration beside pyproject.toml: the optional C extensions (issue 29's compiled hot
path), cleaner.model._trees (the block model's tree evaluator), cleaner._blockstats (per-block
counts) and cleaner._literals (the rule prefilter's literal automaton).

They are compiled during ``pip install`` with warnings as errors; ``optional=True`` lets the install
finish without them (no compiler, a failed build), and cleaner then uses the pure-Python / LightGBM
code paths they replace (cleaner/model/trees.py, cleaner/blockstats.py): slower, the same results.
Each is built with the sha256 of its source, so a module whose C source changed since the build
leaves the stale extension unused.
"""

import hashlib
import sys
from pathlib import Path

from setuptools import Extension, setup

HERE = Path(__file__).resolve().parent
#: GCC and Clang flags: warnings fail the build; no contraction of a*b+c into FMA, so the
#: floating-point sums are the reference's exactly; -O3: the tree walk 14% faster than -O2 (bench/trees_identity.py)
GCC_FLAGS = ["-O3", "-std=c11", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off"]
#: (module, source, the macro that receives the source's sha256)
EXTENSIONS = [
    ("cleaner.model._trees", "cleaner/model/_trees.c", "TREES_SOURCE_SHA256"),
    ("cleaner._blockstats", "cleaner/_blockstats.c", "BLOCKSTATS_SOURCE_SHA256"),
    ("cleaner._literals", "cleaner/_literals.c", "LITERALS_SOURCE_SHA256"),
]


def _extension(name: str, source: str, macro: str) -> Extension:
    digest = hashlib.sha256((HERE / source).read_bytes()).hexdigest()
    return Extension(
        name,
        sources=[source],
        define_macros=[(macro, f'"{digest}"')],
        extra_compile_args=[] if sys.platform == "win32" else GCC_FLAGS,
        optional=True,
    )


setup(ext_modules=[_extension(*e) for e in EXTENSIONS if (HERE / e[1]).exists()])
