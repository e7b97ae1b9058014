"""Corpus steps that work on cleaned records: filters with quality signals, line hashing for
template learning, text hashes and MinHash signatures for deduplication."""

from __future__ import annotations

import functools
import hashlib
import re
import struct
from dataclasses import dataclass

import numpy as np

from ..classify import norm_key
from ..tokens import WORD as _WORD, count_words

_BULLET = re.compile(r"^\s*[•·\-–*▪►>]\s")
_SYMBOL = re.compile(r"#|…|\.\.\.")

# Gopher-style quality thresholds (Rae et al. 2021), applied with --quality
MEAN_WORD_LEN = (3.0, 10.0)
MAX_SYMBOL_WORD_RATIO = 0.1
MAX_BULLET_LINES = 0.9
MAX_ELLIPSIS_LINES = 0.3
MIN_ALPHA_WORDS = 0.8

#: template lines: at most this many words (longer repeated text is a duplicate, not a template)
TEMPLATE_MAX_WORDS = 30
SHINGLE_WORDS = 5
#: the first four bytes of a SHA-1 digest as a little-endian uint32 (datasketch's sha1_hash32)
_U32 = struct.Struct("<I")
MINHASH_SCHEME = "affine32"  # datasketch >= 2.0; signatures are stored as its uint32 values


@dataclass(frozen=True)
class Filters:
    languages: frozenset[str] = frozenset()  # empty: any language
    min_words: int = 0
    quality: bool = False

    def verdict(self, rec: dict) -> str | None:
        """Why the record is filtered out, or None to keep it."""
        text = rec["text"]
        words = text.split()
        if not words:
            return "empty"
        if self.languages and rec.get("language") not in self.languages:
            return "language"
        if self.min_words and count_words(text) < self.min_words:  # (Chinese and Japanese by character)
            return "min_words"
        if self.quality:
            return quality_problem(text, words)
        return None


def quality_problem(text: str, words: list[str]) -> str | None:
    mean_len = sum(len(w) for w in words) / len(words)
    if not MEAN_WORD_LEN[0] <= mean_len <= MEAN_WORD_LEN[1]:
        return "quality:mean_word_length"
    if len(_SYMBOL.findall(text)) / len(words) > MAX_SYMBOL_WORD_RATIO:
        return "quality:symbol_word_ratio"
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and sum(bool(_BULLET.match(line)) for line in lines) / len(lines) > MAX_BULLET_LINES:
        return "quality:bullet_lines"
    if lines and sum(line.rstrip().endswith(("…", "...")) for line in lines) / len(lines) > MAX_ELLIPSIS_LINES:
        return "quality:ellipsis_lines"
    if sum(any(c.isalpha() for c in w) for w in words) / len(words) < MIN_ALPHA_WORDS:
        return "quality:alphabetic_words"
    return None


def line_hash(line: str) -> str:
    """A short stable hash of a normalised line (what template learning counts)."""
    return hashlib.blake2b(norm_key(line).encode("utf-8"), digest_size=8).hexdigest()


def template_candidates(text: str) -> set[str]:
    """Hashes of the short lines of a cleaned text (each counted once per document)."""
    return {
        line_hash(line)
        for line in text.splitlines()
        if line.strip() and len(line.split()) <= TEMPLATE_MAX_WORDS and norm_key(line)
    }


def text_hash(text: str) -> str:
    """Exact-duplicate key: the text with case, punctuation and spacing normalised."""
    return hashlib.blake2b(norm_key(text).encode("utf-8"), digest_size=16).hexdigest()


def minhash_signature(text: str, num_perm: int, seed: int = 1) -> str:
    """MinHash (datasketch) of the text's word 5-gram shingles, as hex of its uint32 hash values.

    The values are datasketch's own (``MinHash(num_perm, seed).update_batch(shingles)`` with its
    SHA-1 hash): the shingles are hashed here, without a Python call per shingle into datasketch,
    and the permutations are drawn once per (num_perm, seed) instead of once per document."""
    from datasketch import MinHash

    words = [w.lower() for w in _WORD.findall(text)]
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8") for i in range(max(1, len(words) - SHINGLE_WORDS + 1))
    }
    hashes = [_U32.unpack_from(hashlib.sha1(s).digest())[0] for s in sorted(shingles)]  # datasketch's sha1_hash32
    m = MinHash(
        num_perm=num_perm, seed=seed, scheme=MINHASH_SCHEME, hashfunc=int, permutations=_permutations(num_perm, seed)
    )
    m.update_batch(hashes)
    return m.hashvalues.astype(np.uint32).tobytes().hex()


@functools.lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int):
    """datasketch's permutation parameters for (num_perm, seed), drawn once (a MinHash draws them
    from a fresh RandomState(seed) each time it is made)."""
    from datasketch import MinHash

    permutations = MinHash(num_perm=num_perm, seed=seed, scheme=MINHASH_SCHEME).permutations
    permutations.setflags(write=False)  # shared by every signature
    return permutations


def signature_from_hex(hexstr: str, num_perm: int, seed: int = 1):
    from datasketch import LeanMinHash

    values = np.frombuffer(bytes.fromhex(hexstr), dtype=np.uint32)
    return LeanMinHash(seed=seed, hashvalues=values, scheme=MINHASH_SCHEME)
