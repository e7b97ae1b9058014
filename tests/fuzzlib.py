"""Fuzz inputs for the cleaner and the checks run on its outputs (issue 28: nothing lost, nothing
garbled, nothing hangs), shared by the bounded run in ``tests/test_fuzz.py`` and the long run in
``bench/fuzz.py``.

Case ``i`` of seed ``s`` is built from ``random.Random(f"{s}:{i}")`` alone, so any case can be
rebuilt by its index (a worker process builds its own cases; a failure is reproduced with
``bench/fuzz.py --seed s --only i``). The pages mutated are ``raw/``, ``tests/fixtures/`` and, when
``/work/shared/benchmarks`` is there and asked for, the benchmark pages (``bench/data.py``); the
pool is part of the case definition, so a case name carries the page it came from.

Each case is ``Case(name, kind, payload, meta, fmt)``: bytes go through ``Cleaner.clean_bytes``,
a str through ``clean_text`` (fmt ``text``) or ``clean_html`` (fmt ``html``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import multiprocessing
import os
import random
import re
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing.connection import wait as wait_connections
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, NamedTuple

ROOT = Path(__file__).resolve().parent.parent

#: the largest line, attribute or flood a case builds (the long run's size; the suite passes less)
MAX_SIZE = 2_000_000
#: a case still running after this many seconds is killed with its worker and reported as a hang
CASE_TIMEOUT = 30.0
#: stray bytes put into a valid UTF-8 page by the ``stray_bytes`` mutation
STRAY_MIN, STRAY_MAX = 1, 5
#: new non-ASCII characters a stray-byte page's output may have over the unmutated page's output
#: (each stray byte may come out as one replacement or Latin-1/cp1252 character)
STRAY_NEW_CHARS = 2 * STRAY_MAX


class Case(NamedTuple):
    name: str
    kind: str
    payload: bytes | str
    meta: dict[str, Any] | None
    fmt: str | None


@dataclass(frozen=True)
class Page:
    """A real page to mutate: ``key`` names it (a path under the repository, or ``bench:NAME/KEY``)."""

    key: str
    fmt: str  # text | html
    path: str
    gz: bool = False

    def data(self) -> bytes:
        return _page_bytes(self.path, self.gz)


@lru_cache(maxsize=256)
def _page_bytes(path: str, gz: bool) -> bytes:
    raw = Path(path).read_bytes()
    return gzip.decompress(raw) if gz else raw


def _local_pages() -> list[Page]:
    pages = []
    for p in sorted((ROOT / "raw").iterdir()):
        if p.name.endswith((".txt", ".html.gz")):
            pages.append(
                Page(
                    p.relative_to(ROOT).as_posix(),
                    "html" if ".html" in p.name else "text",
                    str(p),
                    p.name.endswith(".gz"),
                )
            )
    for sub in ("pages", "heldout", "dumps"):
        for p in sorted((ROOT / "tests" / "fixtures" / sub).glob("*.txt")):
            pages.append(Page(p.relative_to(ROOT).as_posix(), "text", str(p)))
    return pages


def _benchmark_pages() -> list[Page]:
    """The benchmark pages via bench/data.py, or none when the benchmarks are not on this machine."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import data  # bench/data.py
    except Exception:
        return []
    finally:
        sys.path.remove(str(ROOT / "bench"))
    pages = []
    for bench in sorted(data.BENCHMARKS):
        try:
            loaded = data.load(bench)
        except (OSError, ValueError):
            continue
        for pg in loaded:
            if pg.path.exists():
                pages.append(Page(f"bench:{bench}/{pg.key}", "html", str(pg.path), True))
    return pages


@lru_cache(maxsize=2)
def page_pool(benchmarks: bool = False) -> tuple[Page, ...]:
    """Every page cases are made from, in a fixed order."""
    return tuple(_local_pages() + (_benchmark_pages() if benchmarks else []))


def _is_german_utf8(page: Page) -> bool:
    name = page.key.rsplit("/", 1)[-1]
    if not (name.startswith("de_") or page.key.startswith("raw/00")):
        return False
    try:
        text = page.data().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(c in text for c in "äöüÄÖÜß")


@lru_cache(maxsize=2)
def german_pages(benchmarks: bool = False) -> tuple[Page, ...]:
    """Valid UTF-8 German pages with umlauts: what the stray-byte mutation starts from."""
    return tuple(p for p in page_pool(benchmarks) if _is_german_utf8(p))


def page_by_key(key: str) -> Page:
    for p in page_pool(key.startswith("bench:")):
        if p.key == key:
            return p
    raise KeyError(key)


# ------------------------------------------------------------------------------------------ mutations

INVALID_UTF8 = [
    b"\x80",
    b"\xbf",
    b"\xc0\xaf",
    b"\xc1\xbf",
    b"\xe0\x80\xaf",
    b"\xed\xa0\x80",
    b"\xed\xbf\xbf",
    b"\xf4\x90\x80\x80",
    b"\xf5\x80\x80\x80",
    b"\xfe",
    b"\xff",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
    b"\xc3",
    b"\xc3\x28",
    b"\xa0\xa1",
]
CONTROL_CHARS = [chr(c) for c in range(32) if c != 10] + [chr(c) for c in range(0x7F, 0xA0)]
LINE_SEPARATORS = ["\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
LONE_SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff", "\udc80", "\udcff", "\ud83d"]
LYING_CHARSETS = [
    "windows-1252",
    "iso-8859-1",
    "shift_jis",
    "utf-16",
    "utf-16le",
    "iso-2022-jp",
    "euc-kr",
    "koi8-r",
    "gb18030",
    "x-no-such-charset",
    "utf-7",
    "ebcdic-cp-us",
    "",
]
WORDS = [
    "Stadt",
    "Rat",
    "Schule",
    "the",
    "council",
    "und",
    "die",
    "Fußgängerzone",
    "Übergang",
    "news",
    "über",
    "Straße",
    "and",
    "Bürger",
    "Größe",
    "data",
    "www.example.de",
]


def _insert(data: bytes, piece: bytes, at: int) -> bytes:
    return data[:at] + piece + data[at:]


def _inserts(r: random.Random, data: bytes, pieces: list[bytes]) -> bytes:
    for piece in pieces:
        data = _insert(data, piece, r.randint(0, len(data)))
    return data


def _text_of(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _as_html(r: random.Random, page: Page) -> bytes:
    """The page as HTML: an HTML page as it is, a text page wrapped paragraph by paragraph."""
    data = page.data()
    if page.fmt == "html":
        return data
    paras = "".join(f"<p>{line}</p>\n" for line in _text_of(data).split("\n") if line.strip())
    return f"<!DOCTYPE html><html><head><title>t</title></head><body><article>{paras}</article></body></html>".encode()


def _body_at(data: bytes) -> int:
    m = re.search(rb"<body[^>]*>", data, re.I)
    return m.end() if m else 0


def _head_at(data: bytes) -> int:
    m = re.search(rb"<head[^>]*>", data, re.I)
    return m.end() if m else 0


def m_random_bytes(r, pool, size):
    n = r.choice([0, 1, 2, 16, 512, 4096, 65536, r.randint(0, min(size, 300_000))])
    style = r.random()
    if style < 0.5:
        payload = r.randbytes(n)
    elif style < 0.8:  # mostly printable ASCII with some high bytes: looks like text to a sniffer
        payload = bytes(r.choice(b' etaoinshrdlu\n<>/="ETAOIN.,;' + bytes([r.randint(0x80, 0xFF)])) for _ in range(n))
    else:  # random tags and words
        payload = "".join(
            r.choice(
                [
                    "<div>",
                    "</div>",
                    "<p>",
                    "</p>",
                    "<a href='x'>",
                    "</a>",
                    "<script>",
                    "</script>",
                    "<!--",
                    "-->",
                    "<![CDATA[",
                    "]]>",
                    "&amp;",
                    "&#0;",
                    "&#xD800;",
                    "&#1114112;",
                    " ",
                    "\n",
                ]
                + WORDS
            )
            for _ in range(n // 6)
        ).encode()
    return payload, None, r.choice([None, "text", "html"]), "random"


def m_valid(r, pool, size):
    page = r.choice(pool)
    return page.data(), None, page.fmt, page.key


def m_flip(r, pool, size):
    page = r.choice(pool)
    data = bytearray(page.data())
    for _ in range(r.randint(1, 64)):
        if data:
            data[r.randrange(len(data))] ^= 1 << r.randrange(8)
    return bytes(data), None, r.choice([page.fmt, None]), page.key


def m_truncate(r, pool, size):
    page = r.choice(pool)
    data = page.data()
    if r.random() < 0.5:  # inside a multi-byte character where there is one
        starts = [i for i in range(len(data)) if data[i] >= 0xC0]
        cut = r.choice(starts) + 1 if starts else r.randint(0, len(data))
    else:
        cut = r.randint(0, len(data))
    return data[:cut], None, r.choice([page.fmt, None]), page.key


def m_splice(r, pool, size):
    a, b = r.choice(pool), r.choice(pool)
    da, db = a.data(), b.data()
    return (
        da[: r.randint(0, len(da))] + db[r.randint(0, len(db)) :],
        None,
        r.choice([a.fmt, b.fmt, None]),
        f"{a.key}+{b.key}",
    )


def m_huge_line(r, pool, size):
    page = r.choice(pool)
    n = r.randint(size // 2, size)
    unit = r.choice(
        [
            "x",
            "ä",
            "Wort ",
            "Stadt, ",
            "a" * 63 + " ",
            "https://www.example.de/",
            "-",
            "=",
            " ",
            "\t",
            "[",
            "(",
            "*",
            "<",
            "&amp;",
            "ä ",
            "1.",
            "#",
        ]
    )
    line = (unit * (n // len(unit) + 1)).encode()[:n].decode("utf-8", "ignore").encode()
    data = page.data()
    lines = data.split(b"\n")
    at = r.randint(0, len(lines))
    lines.insert(at, line)
    return b"\n".join(lines), None, page.fmt, page.key


def m_huge_attr(r, pool, size):
    page = r.choice(pool)
    data = _as_html(r, page)
    n = r.randint(size // 2, size)
    name = r.choice(["data-x", "class", "style", "href", "title", "content", "alt", "onclick"])
    value = r.choice(["a", "a b ", "ä", "x;", "&quot;", "'"]) * n
    tag = r.choice([b"div", b"p", b"a", b"meta", b"img", b"span"])
    value = value.encode()[:n].decode("utf-8", "ignore").encode()
    piece = b"<" + tag + b" " + name.encode() + b'="' + value + b'">' + b"Text</" + tag + b">"
    return _insert(data, piece, _body_at(data)), None, "html", page.key


def m_nul(r, pool, size):
    page = r.choice(pool)
    data = page.data()
    where = r.random()
    if where < 0.4 and len(data) > 5000:  # after the part a binary sniffer looks at
        pieces = [b"\x00" * r.randint(1, 3) for _ in range(r.randint(1, 10))]
        for piece in pieces:
            data = _insert(data, piece, r.randint(4100, len(data)))
        return data, None, r.choice([page.fmt, None]), page.key
    if where < 0.6:  # a UTF-16 byte-order mark that lies, so the NUL check is skipped
        return (
            r.choice([b"\xff\xfe", b"\xfe\xff"]) + _inserts(r, data, [b"\x00"] * r.randint(1, 20)),
            None,
            r.choice([page.fmt, None]),
            page.key,
        )
    return (
        _inserts(r, data, [b"\x00" * r.randint(1, 4) for _ in range(r.randint(1, 20))]),
        None,
        r.choice([page.fmt, None]),
        page.key,
    )


def m_invalid_utf8(r, pool, size):
    page = r.choice(pool)
    return (
        _inserts(r, page.data(), [r.choice(INVALID_UTF8) for _ in range(r.randint(1, 40))]),
        None,
        r.choice([page.fmt, None]),
        page.key,
    )


def m_charset_lie(r, pool, size):
    page = r.choice(pool)
    data = _as_html(r, page)
    declared = r.choice(LYING_CHARSETS)
    style = r.random()
    if style < 0.4:  # UTF-8 bytes, another charset declared
        meta = f'<meta charset="{declared}">'.encode()
    elif style < 0.6:
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">'.encode()
    elif style < 0.7:
        data = re.sub(rb"^\s*(<\?xml[^>]*>)?", b"", data)
        meta = b""
        data = f'<?xml version="1.0" encoding="{declared}"?>'.encode() + data
    else:  # the bytes re-encoded into another charset, UTF-8 declared
        target = r.choice(["latin-1", "cp1252", "utf-16-le", "utf-16-be", "cp1250", "mac_roman", "utf-32"])
        data = _text_of(data).encode(target, "replace")
        meta = '<meta charset="utf-8">'.encode(target)
    return _insert(data, meta, _head_at(data)), None, "html" if r.random() < 0.8 else None, page.key


def m_control_chars(r, pool, size):
    page = r.choice(pool)
    text = _text_of(page.data())
    chars = CONTROL_CHARS + LINE_SEPARATORS + ["\x1b[31m", "\x1b]0;title\x07", "\ufeff", "\ufffe", "\uffff"]
    for _ in range(r.randint(1, r.choice([5, 40, 400]))):
        at = r.randint(0, len(text))
        text = text[:at] + r.choice(chars) * r.randint(1, 3) + text[at:]
    if r.random() < 0.4:  # a str input skips decoding
        return text, None, page.fmt, page.key
    return text.encode("utf-8"), None, r.choice([page.fmt, None]), page.key


def m_tag_flood(r, pool, size):
    page = r.choice(pool)
    data = _as_html(r, page)
    unit = r.choice(
        [
            b"<span>",
            b"<br>",
            b"<p>x</p>",
            b"<a href='#'>x</a>",
            b"<script>var a=1;</script>",
            b"<style>p{}</style>",
            b"<!-- c -->",
            b"<img src=x>",
            b"<li>",
            b"<td>",
            b"</div>",
            b"<script>",
            b"<noscript>",
            b"<![CDATA[x]]>",
            b"<p>",
            b"<option>x",
            b"&nbsp;",
            b"<script>document.write('<p>x</p>')</script>",
        ]
    )
    n = r.randint(size // (8 * len(unit)) + 1, size // len(unit) + 1)
    return _insert(data, unit * n, _body_at(data)), None, "html", page.key


def m_script_flood(r, pool, size):
    page = r.choice(pool)
    data = _as_html(r, page)
    n = r.randint(size // 2, size)
    body = r.choice([b"var a = '", b"<!--", b"if (a < b) {", b"</scr' + 'ipt>", b"x"])
    piece = b"<script>" + body + b"a" * n + b"</script>"
    if r.random() < 0.3:
        piece = b"<script>" + body + b"a" * n  # never closed
    return _insert(data, piece, _body_at(data)), None, "html", page.key


def m_deep_nesting(r, pool, size):
    page = r.choice(pool)
    depth = r.choice([300, 1000, 5000, 20000, min(size // 10, 200_000)])
    if page.fmt == "text" and r.random() < 0.5:  # nesting a text dump can have: quotes, lists, brackets
        unit = r.choice(["> ", "  * ", "[", "(", "**", "- ", "    "])
        line = unit * depth + "Text" + ("](x)" * depth if unit == "[" else ")" * depth if unit == "(" else "")
        text = _text_of(page.data())
        at = r.randint(0, len(text))
        return (text[:at] + "\n" + line + "\n" + text[at:]).encode(), None, "text", page.key
    data = _as_html(r, page)
    open_tag, close_tag = r.choice(
        [
            (b"<div>", b"</div>"),
            (b"<b><i>", b"</i></b>"),
            (b"<table><tr><td>", b""),
            (b"<ul><li>", b"</li></ul>"),
            (b"<blockquote>", b"</blockquote>"),
            (b"<span>", b""),
            (b"<p><a href='#'>", b"</a></p>"),
        ]
    )
    piece = open_tag * depth + b"Text im Kern" + close_tag * depth
    return _insert(data, piece, _body_at(data)), None, "html", page.key


def _surrogated(r: random.Random, text: str, k: int) -> str:
    for _ in range(k):
        at = r.randint(0, len(text))
        text = text[:at] + r.choice(LONE_SURROGATES) + text[at:]
    return text


def m_surrogate_str(r, pool, size):
    page = r.choice(pool)
    return _surrogated(r, _text_of(page.data()), r.randint(1, 30)), None, page.fmt, page.key


def m_surrogate_meta(r, pool, size):
    page = r.choice(pool)
    s = lambda base: _surrogated(r, base, r.randint(1, 3))  # noqa: E731
    meta = {"id": s("doc-1"), "custom": s("Wert"), "nested": {"k": [s("a"), 1, None, {"x": s("b")}]}}
    for field in ("url", "title", "date", "outlet"):
        if r.random() < 0.5:
            meta[field] = s(
                {"url": "https://www.example.de/a", "title": "Titel", "date": "2020-05-03", "outlet": "Bote"}[field]
            )
    if r.random() < 0.5:
        meta[s("key")] = "value"
    payload: bytes | str = page.data()
    if r.random() < 0.5:
        payload = _text_of(payload)
    return payload, meta, page.fmt, page.key


def m_stray_bytes(r, pool, size):
    """1-5 bytes 0x80-0xFF put into a valid UTF-8 German page: a real crawl's damage; the page must
    not come out as mojibake ("Ã¼" for "ü")."""
    de = [p for p in pool if _is_german_utf8(p)]
    page = r.choice(de)
    data = page.data()
    for _ in range(r.randint(STRAY_MIN, STRAY_MAX)):
        data = _insert(data, bytes([r.randint(0x80, 0xFF)]), r.randint(0, len(data)))
    return data, None, r.choice([page.fmt, None]), page.key


#: kind -> (builder, weight)
KINDS: dict[str, tuple[Callable, int]] = {
    "random_bytes": (m_random_bytes, 6),
    "valid": (m_valid, 3),
    "flip": (m_flip, 8),
    "truncate": (m_truncate, 6),
    "splice": (m_splice, 6),
    "huge_line": (m_huge_line, 3),
    "huge_attr": (m_huge_attr, 2),
    "nul": (m_nul, 5),
    "invalid_utf8": (m_invalid_utf8, 8),
    "charset_lie": (m_charset_lie, 7),
    "control_chars": (m_control_chars, 8),
    "tag_flood": (m_tag_flood, 3),
    "script_flood": (m_script_flood, 2),
    "deep_nesting": (m_deep_nesting, 3),
    "surrogate_str": (m_surrogate_str, 6),
    "surrogate_meta": (m_surrogate_meta, 5),
    "stray_bytes": (m_stray_bytes, 12),
}


def generate(seed: int, index: int, *, pool: tuple[Page, ...] | None = None, max_size: int = MAX_SIZE) -> Case:
    """Case ``index`` of ``seed``: always the same case for the same pool and size."""
    pool = pool if pool is not None else page_pool(False)
    r = random.Random(f"{seed}:{index}")
    kind = r.choices(list(KINDS), weights=[w for _, w in KINDS.values()])[0]
    payload, meta, fmt, origin = KINDS[kind][0](r, pool, max_size)
    return Case(f"{seed}-{index:06d}-{kind}@{origin}", kind, payload, meta, fmt)


def cases(n: int, seed: int = 0, **kwargs) -> Iterator[Case]:
    for i in range(n):
        yield generate(seed, i, **kwargs)


def kind_of(case_name: str) -> str | None:
    """The mutation kind of a case, from its name (``0-000012-flip@raw/x.txt`` -> ``flip``)."""
    parts = case_name.split("@", 1)[0].split("-", 2)
    return parts[2] if len(parts) == 3 and parts[2] in KINDS else None


def origin_of(case_name: str) -> str:
    """The page key a case was made from (``raw/x.txt``), from its name."""
    return case_name.split("@", 1)[1]


# ------------------------------------------------------------------------------------------ checks

_CONTROL_RE = re.compile("[\x00-\x09\x0b-\x1f\x80-\x9f]")
#: UTF-8 read as cp1252 / Latin-1: "Ã¼" for "ü", "â€ž" for "„", "Â " for a no-break space
_MOJIBAKE_RE = re.compile(
    "Ã[\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    "\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]|â€|Â[\xa0-\xbf]"
)


def control_chars(record: Any, path: str = "") -> list[tuple[str, str]]:
    """(field path, character) for every C0/C1 control character but newline in any string of an
    output record (keys included)."""
    found = []
    if isinstance(record, str):
        found += [(path or ".", repr(m.group())) for m in _CONTROL_RE.finditer(record)]
    elif isinstance(record, dict):
        for k, v in record.items():
            found += control_chars(k, f"{path}.<key>")
            found += control_chars(v, f"{path}.{k}")
    elif isinstance(record, list):
        for i, v in enumerate(record):
            found += control_chars(v, f"{path}[{i}]")
    return found


def mojibake(text: str) -> Counter:
    return Counter(m.group() for m in _MOJIBAKE_RE.finditer(text))


def garbling(text: str, original: str) -> str | None:
    """Why the output of a page with stray bytes is garbled compared with the unmutated page's
    output, or None: mojibake the original does not have, or many non-ASCII characters it has not."""
    extra = mojibake(text) - mojibake(original)
    if extra:
        return "mojibake " + ", ".join(f"{k!r}x{v}" for k, v in sorted(extra.items()))
    known = set(original)
    new = [c for c in text if ord(c) > 127 and c not in known]
    if len(new) > STRAY_NEW_CHARS:
        return f"{len(new)} new non-ASCII characters, e.g. {''.join(sorted(set(new))[:10])!r}"
    return None


def _frame(tb) -> str:
    """Where an exception was raised, and the innermost frame in the cleaner package."""
    frames = traceback.extract_tb(tb)
    if not frames:
        return "?"
    last = frames[-1]
    where = f"{Path(last.filename).name}:{last.lineno} {last.name}"
    ours = [f for f in frames if f"{os.sep}cleaner{os.sep}" in f.filename]
    if ours and ours[-1] is not last:
        where += f" (via {Path(ours[-1].filename).name}:{ours[-1].lineno} {ours[-1].name})"
    return where


def clean_case(cleaner, case: Case):
    """The record of a case as JSONL bytes (written as the corpus writes it), and the document."""
    from cleaner.writers import dumps

    meta = dict(case.meta) if case.meta is not None else None
    if isinstance(case.payload, bytes):
        doc = cleaner.clean_bytes(case.payload, source=case.name, fmt=case.fmt, meta=meta)
    elif case.fmt == "html":
        doc = cleaner.clean_html(case.payload, source=case.name, meta=meta)
    else:
        doc = cleaner.clean_text(case.payload, source=case.name, meta=meta)
    rec = doc.to_record()
    return (dumps(rec) + "\n").encode("utf-8"), rec


def run_case(
    cleaner, case: Case, *, determinism: bool = False, originals: dict[str, str] | None = None
) -> dict[str, Any]:
    """Clean one case and check it: status ok / bad_input / exception, seconds, control characters,
    garbling (stray-byte cases), determinism (cleaned twice when asked), a one-line BadInput."""
    from cleaner import BadInput

    res: dict[str, Any] = {"name": case.name, "kind": case.kind, "size": len(case.payload)}
    start = time.perf_counter()
    try:
        line, rec = clean_case(cleaner, case)
    except BadInput as exc:
        res["seconds"] = time.perf_counter() - start
        res["status"] = "bad_input"
        msg = str(exc)
        if not msg.strip() or "\n" in msg or "\r" in msg:
            res["bad_message"] = repr(msg[:200])
        return res
    except Exception as exc:  # what the fuzz run exists to find
        res["seconds"] = time.perf_counter() - start
        res["status"] = "exception"
        res["error"] = type(exc).__name__
        res["message"] = str(exc).splitlines()[0][:200] if str(exc) else ""
        res["frame"] = _frame(exc.__traceback__)
        return res
    res["seconds"] = time.perf_counter() - start
    res["status"] = "ok"
    res["sha"] = hashlib.sha256(line).hexdigest()[:16]
    found = control_chars(rec)
    if found:
        res["control"] = found[:5]
        res["control_count"] = len(found)
    if case.kind == "stray_bytes" and originals is not None:
        key = origin_of(case.name)
        if key not in originals:
            page = page_by_key(key)
            try:
                originals[key] = clean_case(cleaner, Case(key, "valid", page.data(), None, case.fmt))[1]["text"]
            except Exception as exc:  # the unmutated page fails: nothing to compare with
                originals[key] = None
                res["original_error"] = f"{type(exc).__name__}: {exc}"[:200]
        if originals[key] is not None:
            why = garbling(rec["text"], originals[key])
            if why:
                res["garbled"] = why
    if determinism:
        try:
            again = clean_case(cleaner, case)[0]
            if hashlib.sha256(again).hexdigest()[:16] != res["sha"]:
                res["nondeterministic"] = True
        except Exception as exc:
            res["nondeterministic"] = f"second run raised {type(exc).__name__}"
    return res


# ------------------------------------------------------------------------------------------ worker pool


def _worker(conn, seed: int, max_size: int, benchmarks: bool) -> None:
    """A worker process: builds the cases it is sent by index, cleans them, sends the results back."""
    sys.path.insert(0, str(ROOT))
    from cleaner import Cleaner

    cleaner = Cleaner()
    pool = page_pool(benchmarks)
    originals: dict[str, str] = {}
    for fmt in ("text", "html"):  # warm up (lazy loads: language profiles, parsers) so no case pays for them
        first = next(p for p in pool if p.fmt == fmt)
        cleaner.clean_bytes(first.data(), source=first.key, fmt=fmt)
    conn.send("ready")
    while True:
        msg = conn.recv()
        if msg is None:
            return
        index, determinism = msg
        case = generate(seed, index, pool=pool, max_size=max_size)
        res = run_case(cleaner, case, determinism=determinism, originals=originals)
        res["index"] = index
        conn.send(res)


class _Slot:
    def __init__(self, ctx, seed, max_size, benchmarks):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, seed, max_size, benchmarks), daemon=True)
        self.proc.start()
        child.close()
        self.ready = False
        self.index: int | None = None
        self.started = 0.0

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                pass
        self.proc.join(10)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def run_pool(
    indices: Iterable[int],
    seed: int,
    *,
    workers: int = 2,
    timeout: float = CASE_TIMEOUT,
    max_size: int = MAX_SIZE,
    benchmarks: bool = False,
    determinism_every: int = 10,
    names: Callable[[int], str] | None = None,
) -> Iterator[dict[str, Any]]:
    """Run cases in worker processes with a hard wall-clock watchdog: a case running longer than
    ``timeout`` seconds gets its worker killed (status ``timeout``) and a fresh worker goes on; a
    worker that dies (a crash in C code, the OOM killer) gives status ``crashed``. Results come in
    the order cases finish. Every ``determinism_every``-th case is cleaned twice (0: none)."""
    ctx = multiprocessing.get_context("spawn")  # as the corpus runner: no forked OpenMP state
    todo = iter(indices)
    slots = [_Slot(ctx, seed, max_size, benchmarks) for _ in range(max(1, workers))]
    exhausted = False
    name_of = names or (lambda i: f"{seed}-{i:06d}")

    def feed(slot: _Slot) -> None:
        nonlocal exhausted
        index = None if exhausted else next(todo, None)
        if index is None:
            exhausted = True
            slot.index = None
            return
        slot.index, slot.started = index, time.monotonic()
        slot.conn.send((index, bool(determinism_every) and index % determinism_every == 0))

    try:
        while True:
            busy = [s for s in slots if s.index is not None or not s.ready]
            if not busy:
                return
            now = time.monotonic()
            waits = [timeout - (now - s.started) for s in busy if s.index is not None]
            ready = wait_connections([s.conn for s in busy], timeout=max(0.05, min(waits)) if waits else 120)
            for i, slot in enumerate(slots):
                if slot.conn not in ready:
                    continue
                try:
                    msg = slot.conn.recv()
                except (EOFError, OSError):
                    if not slot.ready:
                        raise RuntimeError(f"a fuzz worker died while starting (exit code {slot.proc.exitcode})")
                    index = slot.index
                    code = slot.proc.exitcode
                    slot.stop(kill=True)
                    slots[i] = _Slot(ctx, seed, max_size, benchmarks)
                    if index is not None:
                        yield {
                            "index": index,
                            "name": name_of(index),
                            "kind": kind_of(name_of(index)),
                            "status": "crashed",
                            "error": f"worker died (exit code {code})",
                            "seconds": time.monotonic() - slot.started,
                        }
                        slots[i].index = None
                    continue
                if msg == "ready":
                    slot.ready = True
                else:
                    slot.index = None
                    yield msg
                feed(slot)
            now = time.monotonic()
            for i, slot in enumerate(slots):
                if slot.index is not None and now - slot.started > timeout:
                    index = slot.index
                    slot.stop(kill=True)
                    slots[i] = _Slot(ctx, seed, max_size, benchmarks)
                    yield {
                        "index": index,
                        "name": name_of(index),
                        "kind": kind_of(name_of(index)),
                        "status": "timeout",
                        "seconds": now - slot.started,
                    }
    finally:
        for slot in slots:
            slot.stop(kill=slot.index is not None)


def summarise(results: list[dict[str, Any]], *, slow: float = 5.0) -> dict[str, Any]:
    """The figures the fuzz run reports, from the per-case results."""
    exceptions: dict[str, list[str]] = {}
    for r in results:
        if r["status"] in ("exception", "crashed"):
            key = f"{r.get('error')} at {r.get('frame', '-')}"
            exceptions.setdefault(key, []).append(r["name"])
    return {
        "cases": len(results),
        "status": dict(sorted(Counter(r["status"] for r in results).items())),
        "exceptions": exceptions,
        "timeouts": [(r["name"], round(r["seconds"], 1)) for r in results if r["status"] == "timeout"],
        "slow": sorted(
            (
                (r["name"], round(r["seconds"], 2))
                for r in results
                if r["status"] != "timeout" and r.get("seconds", 0) > slow
            ),
            key=lambda x: -x[1],
        ),
        "garbled": [(r["name"], r["garbled"]) for r in results if r.get("garbled")],
        "control": [(r["name"], r["control_count"], r["control"][:3]) for r in results if r.get("control")],
        "nondeterministic": [(r["name"], r["nondeterministic"]) for r in results if r.get("nondeterministic")],
        "bad_messages": [(r["name"], r["bad_message"]) for r in results if r.get("bad_message")],
        "slowest": sorted(((r["name"], round(r.get("seconds", 0), 2)) for r in results), key=lambda x: -x[1])[:10],
    }


def dump_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=True, indent=1)
