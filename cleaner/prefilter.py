"""A literal prefilter for rule regexes: only the rules that could match a line are run.

Each rule regex is read with ``re``'s own parser; from its syntax tree comes a set of literal
strings of which every match must contain at least one (a *required literal set*). One
Aho-Corasick automaton (pyahocorasick) over all rules' literals finds, in one pass over a line,
which rules are still possible; those, and the rules without a required literal, are then run
with plain ``re`` in rule order. So the verdict is the plain regex's by construction: the
automaton only ever skips a rule whose regex cannot match. A rule every match of which holds a
digit (``requires_digit``: an address, a phone number, "Foto 3 von 12") is skipped on a line
without one, in the same pass. Compiled (``_literals.c``), the pass reads the line once, in C.

Case: the rules compile with ``re.IGNORECASE``, which compares characters one at a time by their
simple lowercase plus a few extra equivalences (``re._casefix``: dotless ı ~ i, long ſ ~ s,
final ς ~ σ, ...). Literals and lines are both put in a canonical form that maps every such class
of characters to one representative and keeps the line's length (no ``casefold()``: it would turn
"ß" into "ss", which ``re`` never matches), so a literal the regex matched is found in the line.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import re._casefix as _casefix
import re._constants as _c
import re._parser as _parser
from typing import cast
from collections.abc import Sequence

from pathlib import Path

import _sre
import ahocorasick

try:
    from . import _literals  # type: ignore[attr-defined]  # optional C extension, no stubs (may not be built)
except ImportError:  # built without a compiler (or the build failed): pyahocorasick below is used
    _literals = None

#: literals shorter than this gate nothing useful (a lone "e" or " " is on most lines and only adds
#: automaton hits): a rule whose best literal set has a shorter member is always run ...
MIN_LITERAL_CHARS = 2
#: ... unless that member is one rare character: a symbol ("@", "©", "|", "»"), not a letter, digit,
#: space or one of these common punctuation marks
COMMON_PUNCTUATION = ".,:;-'\"!?"
#: a gate with at most this many literals tests each with ``in``; more go into one automaton
FEW_LITERALS = 8
#: a literal repeated at least n times ("_{8}") is required n times over, up to this many
MAX_REPEATED_LITERAL = 16

#: lowercased character -> the representative of its ``re.IGNORECASE`` class (only where it differs)
_FIX = {}
for _lo, _others in _casefix._EXTRA_CASES.items():
    _rep = min((_lo, *_others))
    if _rep != _lo:
        _FIX[_lo] = _rep
_FIX_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FIX)) + "]")
#: the one character whose full lowercase (``str.lower``) is not its simple one: "İ" -> "i̇" (two
#: characters); ``re`` compares it as "i"
_DOTTED_I = "\u0130"


def canonical(text: str) -> str:
    """``text`` with every character replaced by the representative of its ``re.IGNORECASE``
    class, position for position: two characters ``re`` takes as equal under IGNORECASE are equal
    here (checked over every code point in tests/test_prefilter.py)."""
    if text.isascii():
        return text.lower()
    if _DOTTED_I in text:
        text = text.replace(_DOTTED_I, "i")
    low = text.lower()
    return low.translate(_FIX) if _FIX_CHARS.search(low) else low


def canonical_char(code: int) -> str:
    """The canonical form of one character as ``re`` lowercases it (``_sre.unicode_tolower``)."""
    lo = _sre.unicode_tolower(code)
    return chr(_FIX.get(lo, lo))


# ------------------------------------------------------------------------------------------ the compiled scan

#: the ABI of _literals.c this module expects; an extension built from other source is not used
LITERALS_ABI_VERSION = 2
_LITERALS_SOURCE = Path(__file__).with_name("_literals.c")
_LITERALS_SHA256 = hashlib.sha256(_LITERALS_SOURCE.read_bytes()).hexdigest() if _LITERALS_SOURCE.exists() else None


def compiled_available() -> bool:
    """Whether the compiled automaton (``_literals.c``) was built, matches this module and, where
    its source is beside it, was built from that source."""
    return (
        _literals is not None
        and getattr(_literals, "ABI_VERSION", None) == LITERALS_ABI_VERSION
        and (_LITERALS_SHA256 is None or getattr(_literals, "SOURCE_SHA256", None) == _LITERALS_SHA256)
    )


def use_compiled(enabled: bool) -> bool:
    """Gates built from now on scan with the compiled automaton (when available) or with
    pyahocorasick and substring tests (the reference); returns whether the compiled one is used.
    ``CLEANER_NO_EXT=1`` (read at import) leaves it unused, as it does the other extensions."""
    global COMPILED
    COMPILED = bool(enabled) and compiled_available()
    return COMPILED


COMPILED = False
use_compiled(os.environ.get("CLEANER_NO_EXT", "") in ("", "0"))


# ------------------------------------------------------------------------------------------ literals

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT}


def _usable(literal: str) -> bool:
    if len(literal) >= MIN_LITERAL_CHARS:
        return True
    return len(literal) == 1 and not (literal.isalnum() or literal.isspace() or literal in COMMON_PUNCTUATION)


def _score(alts: frozenset[str]) -> tuple:
    """A set the gate can use first, then a longer shortest member (rarer on lines), then fewer
    members."""
    return (all(map(_usable, alts)), min(map(len, alts)), -len(alts))


def _required(items) -> frozenset[str] | None:
    """Strings of which every match of the parsed sequence ``items`` contains one, or None."""
    best: frozenset[str] | None = None
    run: list[str] = []

    def consider(alts):
        nonlocal best
        if alts and all(alts) and (best is None or _score(alts) > _score(best)):
            best = alts

    for op, av in items:
        if op is _c.LITERAL:
            run.append(canonical_char(av))
            continue
        if run:
            consider(frozenset(["".join(run)]))
            run = []
        if op is _c.SUBPATTERN:
            consider(_required(av[3]))
        elif op is _c.ATOMIC_GROUP:
            consider(_required(av))
        elif op in _REPEATS:
            low, _high, item = av
            if low >= 1 and item and all(o is _c.LITERAL for o, _ in item):
                # n consecutive copies of a literal string: the string n times over
                consider(frozenset(["".join(canonical_char(a) for _, a in item) * min(low, MAX_REPEATED_LITERAL)]))
            elif low >= 1:
                consider(_required(item))
        elif op is _c.IN and av and all(o is _c.LITERAL for o, _ in av):
            consider(frozenset(canonical_char(a) for _, a in av))  # a class of single characters
        elif op is _c.BRANCH:
            alts = [_required(branch) for branch in av[1]]
            if all(a is not None for a in alts):
                consider(frozenset().union(*cast("list[frozenset[str]]", alts)))
        elif op is _c.ASSERT:  # a positive lookaround's text is in the line too
            consider(_required(av[1]))
        # anything else (classes, ANY, categories, anchors, back references, negative
        # lookarounds, conditionals) requires no particular literal
    if run:
        consider(frozenset(["".join(run)]))
    return best


@functools.lru_cache(maxsize=4096)  # (a gate per word-length bucket reads the same regexes)
def required_literals(regex: re.Pattern) -> frozenset[str] | None:
    """Canonical strings one of which every match of ``regex`` contains; None when the regex needs
    no literal (or only too short ones) and must always be run."""
    found = _required(_parser.parse(regex.pattern, regex.flags))
    if found is None or not all(map(_usable, found)):
        return None
    return found


_DIGIT_CHARS = frozenset(range(ord("0"), ord("9") + 1))


def _digit_class(items) -> bool:
    """Whether a character class (``IN``) matches only digits: ``\\d``, ``[0-9]``, ``[2-5]``."""
    return bool(items) and all(
        (op is _c.CATEGORY and av is _c.CATEGORY_DIGIT)
        or (op is _c.LITERAL and av in _DIGIT_CHARS)
        or (op is _c.RANGE and av[0] in _DIGIT_CHARS and av[1] in _DIGIT_CHARS)
        for op, av in items
    )


def _needs_digit(items) -> bool:
    """Whether every match of the parsed sequence ``items`` holds a character ``\\d`` matches."""
    for op, av in items:
        if op is _c.IN and _digit_class(av):
            return True
        if op is _c.LITERAL and av in _DIGIT_CHARS:
            return True
        if op is _c.SUBPATTERN and _needs_digit(av[3]):
            return True
        if op is _c.ATOMIC_GROUP and _needs_digit(av):
            return True
        if op in _REPEATS and av[0] >= 1 and _needs_digit(av[2]):
            return True
        if op is _c.BRANCH and all(_needs_digit(branch) for branch in av[1]):
            return True
        if op is _c.ASSERT and _needs_digit(av[1]):  # (a positive lookaround's text is in the line)
            return True
    return False


@functools.lru_cache(maxsize=4096)
def requires_digit(regex: re.Pattern) -> bool:
    """True when every match of ``regex`` holds a digit (a character ``\\d`` matches): a text
    without one cannot match, whatever literals it holds ("Tel. 0761 ...", "Foto 3 von 12")."""
    return _needs_digit(_parser.parse(regex.pattern, regex.flags))


#: what the gate looks for when it is not compiled: a character ``\d`` matches (IGNORECASE as the rules)
_ANY_DIGIT = re.compile(r"\d", re.IGNORECASE)


# ------------------------------------------------------------------------------------------ the gate


@functools.lru_cache(maxsize=4096)
def anchored(regex: re.Pattern) -> bool:
    """True when ``regex`` can only match at the start of a text: every top-level alternative
    opens with ``^`` (or ``\\A``) and no MULTILINE flag makes ``^`` a line start."""
    parsed = _parser.parse(regex.pattern, regex.flags)
    if (regex.flags | parsed.state.flags) & re.MULTILINE:
        return False
    return _starts_at_beginning(list(parsed))


def _starts_at_beginning(items) -> bool:
    if not items:
        return False
    op, av = items[0]
    if op is _c.AT:
        return av in (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING)
    if op is _c.BRANCH:
        return all(_starts_at_beginning(list(branch)) for branch in av[1])
    if op is _c.SUBPATTERN and not av[1] and not av[2]:  # a group with no flags of its own
        return _starts_at_beginning(list(av[3]))
    return False


@functools.lru_cache(maxsize=4096)
def repeated_prefix(regex: re.Pattern) -> int | None:
    """w when ``regex`` opens with ``^`` and a group of at least w characters that a back reference
    later in the same sequence repeats ("^(?P<doubled>\\S.{10,}?)\\s+(?P=doubled)"): a text it
    matches holds its first w characters again from position w on (as ``re`` compares them)."""
    parsed = _parser.parse(regex.pattern, regex.flags)
    items = list(parsed)
    if (regex.flags | parsed.state.flags) & re.MULTILINE or len(items) < 3:
        return None
    if items[0] != (_c.AT, _c.AT_BEGINNING) or items[1][0] is not _c.SUBPATTERN:
        return None
    group, _add, _del, body = items[1][1]
    width = body.getwidth()[0]
    if group is None or width < 1:
        return None
    return width if any(op is _c.GROUPREF and av == group for op, av in items[2:]) else None


#: a numbered back reference or condition: it would point elsewhere inside a combined pattern
_NUMBERED_REFERENCE = re.compile(r"\\[1-9]|\\g<\d|\(\?\(\d")


def _combined(regexes: dict[int, re.Pattern]) -> re.Pattern | None:
    """One pattern with each of ``regexes`` as a named alternative (``_r<index>``), in index order;
    None when they do not combine (a group name used twice, a flag set inside a pattern)."""
    if not regexes or len({r.flags for r in regexes.values()}) != 1:
        return None
    flags = next(iter(regexes.values())).flags
    try:
        return re.compile("|".join(f"(?P<_r{i}>{r.pattern})" for i, r in sorted(regexes.items())), flags)
    except re.error:
        return None


@functools.lru_cache(maxsize=256)
def _shared_scan(regexes: tuple[re.Pattern, ...]):
    """(scan, repeat bits): one compiled automaton over the required literals of all ``regexes``
    (bit i: regex i), the repeated prefixes of those without, and the digit of those without that
    need one, for every gate over these regexes (a gate ANDs the scan with its own rules' bits);
    bit ``len(regexes)`` says the text holds a digit; the repeat bits say which repeats it tests
    (those not wider than ``_literals.MAX_REPEAT_WIDTH``)."""
    masks: dict[str, int] = {}
    repeats = []
    digits = 1 << len(regexes)  # (one bit past the regexes': the text holds a digit)
    for i, r in enumerate(regexes):
        lits = required_literals(r)
        for lit in lits or ():
            masks[lit] = masks.get(lit, 0) | (1 << i)
        if lits is None and (w := repeated_prefix(r)):
            if w <= _literals.MAX_REPEAT_WIDTH:
                repeats.append((w, 1 << i))
        elif lits is None and requires_digit(r):
            digits |= 1 << i
    items = sorted(masks.items())
    automaton = _literals.Automaton(
        [lit for lit, _m in items], [m for _l, m in items], len(regexes) // 64 + 1, _FIX, repeats, digits
    )
    return automaton.scan, sum(bit for _w, bit in repeats)


class LiteralGate:
    """Which of ``regexes`` could match a text: a bit mask (bit i: regex i), always a superset of
    the regexes that do match, and with a matching regex no later matching one need be listed.
    ``include`` (a bit mask) leaves the other regexes out altogether: a gate for long lines holds
    only the literals of the rules that allow long lines. With ``every`` the mask holds every
    regex that matches (to count matches of each, not to find the first).

    The regexes without a required literal are tried together, as one combined pattern: those
    anchored at the text's start as one ``match`` (its alternatives are tried in order, so the one
    that matches is the first of them that does), the others as one ``search`` (a hit sends all
    of them on). One C call instead of one per rule on most lines."""

    def __init__(self, regexes: Sequence[re.Pattern], include: int = -1, every: bool = False):
        self.literals = tuple(required_literals(r) if include >> i & 1 else None for i, r in enumerate(regexes))
        unguarded = {
            i: r for i, (r, lits) in enumerate(zip(regexes, self.literals)) if lits is None and include >> i & 1
        }
        #: regexes tried on every text one by one (they cannot be combined)
        self.always = 0
        #: (bit, w): a regex tried only when the text's first w characters recur (``repeated_prefix``)
        self._repeats = tuple((1 << i, w) for i, r in unguarded.items() if (w := repeated_prefix(r)))
        for bit, _w in self._repeats:
            del unguarded[bit.bit_length() - 1]
        #: regexes a text without a digit cannot match (``requires_digit``): cleared from the mask then
        self.digits = sum(1 << i for i, r in enumerate(regexes) if include >> i & 1 and requires_digit(r))
        #: of the regexes without a required literal, those needing a digit: tried when there is one
        self._digit_only = sum(1 << i for i in unguarded if self.digits >> i & 1)
        for i in list(unguarded):
            if self._digit_only >> i & 1:
                del unguarded[i]
        self._digit_bit = 1 << len(regexes)
        start = {
            i: r
            for i, r in unguarded.items()
            if not every and anchored(r) and not _NUMBERED_REFERENCE.search(r.pattern)
        }
        rest = {i: r for i, r in unguarded.items() if i not in start and not _NUMBERED_REFERENCE.search(r.pattern)}
        self._start = _combined(start)
        self._anywhere = _combined(rest)
        self._anywhere_mask = sum(1 << i for i in rest) if self._anywhere is not None else 0
        for i in unguarded:
            if not ((i in start and self._start is not None) or (i in rest and self._anywhere is not None)):
                self.always |= 1 << i
        masks: dict[str, int] = {}
        for i, lits in enumerate(self.literals):
            for lit in lits or ():
                masks[lit] = masks.get(lit, 0) | (1 << i)
        #: the compiled scan (``_literals.Automaton.scan``) of every literal and repeated prefix of
        #: all ``regexes`` in one pass over the text's code points, shared by the gates of every
        #: ``include``; this gate keeps the bits of its own rules (``_scan_mask``)
        self._scan = None
        self._scan_mask = 0
        if COMPILED and (masks or self._repeats or self.digits):
            self._scan, shared = _shared_scan(tuple(regexes))
            self._scan_mask = functools.reduce(int.__or__, masks.values(), self._digit_only)
            self._scan_mask |= sum(bit for bit, _w in self._repeats if bit & shared)
            self._repeats = tuple((bit, w) for bit, w in self._repeats if not bit & shared)
            masks = {}
        #: few literals: one substring test each (C's fast search) beats an automaton's walk
        self._few = tuple(sorted(masks.items())) if len(masks) <= FEW_LITERALS else ()
        self._automaton = None
        if len(masks) > FEW_LITERALS:
            automaton = ahocorasick.Automaton()
            for lit, mask in sorted(masks.items()):
                automaton.add_word(lit, mask)
            automaton.make_automaton()
            self._automaton = automaton

    def candidates(self, text: str) -> int:
        """Bit mask of the regexes that may match ``text``."""
        mask = self.always
        if self._start is not None:
            m = self._start.match(text)
            if m is not None:
                assert m.lastgroup is not None  # (every alternative is a named group: _combined)
                mask |= 1 << int(m.lastgroup[2:])
        if self._anywhere is not None and self._anywhere.search(text) is not None:
            mask |= self._anywhere_mask
        if self._scan is not None:
            found = self._scan(text)
            mask |= found & self._scan_mask
            digit = found & self._digit_bit
        else:
            digit = not self.digits or _ANY_DIGIT.search(text) is not None
            if digit:
                mask |= self._digit_only
        if not digit:
            mask &= ~self.digits
        if self._automaton is None and not self._few and not self._repeats:
            return mask
        folded = canonical(text)
        for bit, width in self._repeats:
            if folded.find(folded[:width], width) >= 0:
                mask |= bit
        for literal, found in self._few:
            if literal in folded:
                mask |= found
        if self._automaton is not None:
            for _end, found in self._automaton.iter(folded):
                mask |= found
        return mask if digit else mask & ~self.digits


def bits(mask: int):
    """The set bits of ``mask``, lowest first (rule order)."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low
