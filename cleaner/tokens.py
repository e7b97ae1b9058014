"""Word tokens for every script.

Chinese and Japanese are written without spaces, so ``\\w+`` reads a whole CJK sentence as one
"word": word counts, stopword density and the language vote then mean nothing on such pages. Here
each Han or kana character is a token of its own (the usual unit for CJK stoplists and shingles);
every other run of word characters is one token, exactly as ``\\w+`` gives it. Hangul is left
alone: Korean separates its words with spaces.
"""

from __future__ import annotations

import re

#: hiragana, katakana (+ phonetic extensions, half-width forms)
KANA_CLASS = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
#: Han: CJK unified ideographs, extension A, compatibility ideographs
HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CLASS = KANA_CLASS + HAN_CLASS
WORD = re.compile(rf"[{CJK_CLASS}]|[^\W{CJK_CLASS}]+", re.UNICODE)

#: code point ranges without a cased character (CJK ideographs, Hangul syllables, surrogates and
#: private use, the planes above the first two): the case classes below skip them
_CASELESS = ((0x3400, 0xA000), (0xAC00, 0xF900), (0x20000, 0x110000))


def case_class(predicate) -> str:
    """The body of a regex character class of every code point ``c`` with ``predicate(chr(c))``
    (for UPPER and LOWER: Unicode's own case properties of letters, so "É", "Ł" and "Ж" are capitals
    as "Ä" is); tests/test_tokens.py checks it against every code point."""
    ranges: list[list[int]] = []
    c = 0
    for lo, hi in _CASELESS + ((0x110000, 0x110000),):
        for c in range(c, lo):
            if predicate(chr(c)):
                if ranges and ranges[-1][1] == c - 1:
                    ranges[-1][1] = c
                else:
                    ranges.append([c, c])
        c = hi
    return "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in ranges)


def _capital(ch: str) -> bool:
    return ch.isupper() and ch.isalpha()


def _small(ch: str) -> bool:
    return ch.islower() and ch.isalpha()


#: capital and small letters, as character class bodies (``[{UPPER}0-9]``); letters only, so a
#: circled "ⓘ" or a Roman numeral "Ⅻ" is neither
UPPER = case_class(_capital)
LOWER = case_class(_small)
_CJK = re.compile(rf"[{CJK_CLASS}]")
_KANA = re.compile(rf"[{KANA_CLASS}]")


def words(text: str) -> list[str]:
    """The word tokens of ``text`` (CJK characters one by one)."""
    return WORD.findall(text)


def is_cjk(token: str) -> bool:
    """``token`` is a single Han or kana character."""
    return len(token) == 1 and bool(_CJK.match(token))


def is_kana(token: str) -> bool:
    """``token`` is a single kana character (Japanese; Chinese writes none)."""
    return len(token) == 1 and bool(_KANA.match(token))


def count_words(text: str) -> int:
    """Whitespace-separated words, where a word holding Han or kana characters counts each of them
    (a Chinese paragraph is one "word" between spaces); for other scripts this is ``len(text.split())``."""
    return sum(max(1, len(_CJK.findall(t))) for t in text.split())
