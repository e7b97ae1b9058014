"""Stage 1 of classification: a page's text becomes blocks, one per line.

Blank lines before a block are remembered (``Block.gap_before``). A dump hard-wrapped at a fixed width
(lynx and w3m at 78-80 columns, html2text, mail at 72) is unwrapped first; then its Markdown markup or
lynx-style link numbers are taken out; a line a renderer broke mid-sentence (at a link or a bold word)
is joined with its rest; a flood of one line repeated becomes its first copy and one dropped block for
the rest. ``classify`` takes the blocks from here.
"""

from __future__ import annotations

import re
from typing import Sequence

from . import lynx
from .document import Block
from .markdown import heading_level, looks_like_markdown, strip_markdown
from .ruleset import SegmentWords, load_rules
from .tokens import LOWER, UPPER

#: this many identical lines in a row (blank lines between allowed) are a flood: one block stands
#: for all copies but the first (see collapse_floods)
FLOOD_MIN_RUN = 20
#: ... on a page of more lines than this (twice the longest benchmark rendering, 5,080 lines), where
#: the blocks' cost starts to count (~50 µs each); shorter pages keep every copy as its own block
FLOOD_PAGE_LINES = 10_000

#: list bullets: inscriptis' and lynx's "*", "+"; w3m's "•", "□", "☆", "○" and the like
_MARKER_CHARS = "•·-–*+▪►>□☆○■◎●★◦"
#: a list item's marker: symbols, and inscriptis' nested-list bullets "+ " and "o " (before a capital
#: of any script or a digit)
_MARKER = rf"(?:[{re.escape(_MARKER_CHARS)}]|o(?=\s+[{UPPER}0-9]))"
LIST_BULLET = re.compile(rf"^{_MARKER}\s")
#: list markers a renderer puts before list items ("* ", nested "+ ", "o "); rules see the item without them
_LIST_MARKER = re.compile(rf"^(?:{_MARKER}\s+)+")


def segment_text(
    text: str, flood_page_lines: int = FLOOD_PAGE_LINES, words: SegmentWords | None = None, unwrap_lines: bool = True
) -> list[Block]:
    """One block per non-blank line; blank lines before a block are counted in ``gap_before``.
    A hard-wrapped dump is unwrapped, then its Markdown markup or lynx-style link numbers are taken
    out; a line a renderer broke mid-sentence (at a link or a bold word) is joined with its rest.
    A page of more than ``flood_page_lines`` lines has its floods collapsed (see collapse_floods).
    ``words``: the rule files' words for this (``Rules.segment``; the packaged rules' by default);
    ``unwrap_lines=False`` leaves a hard-wrapped dump's lines as they are (``Settings.unwrap``)."""
    words = words if words is not None else load_rules().segment
    blocks: list[Block] = []
    gap = 0
    # a renderer wraps lines with their markup in, so markup goes after unwrapping
    markdown = looks_like_markdown(text)
    link_numbered = not markdown and lynx.looks_link_numbered(text)
    if link_numbered:
        text = lynx.drop_reference_list(text)
    numbered = list(enumerate(text.splitlines(), start=1))
    width = wrap_width([raw for _, raw in numbered]) if unwrap_lines else None
    if width:
        numbered = unwrap(numbered, width, words.credit_label)
    levels: dict[int, int] = {}  # line number -> its Markdown heading level (kept for Markdown output)
    if markdown:  # links may run over several lines: the markup is taken out of the whole text
        levels = {lineno: level for lineno, raw in numbered if (level := heading_level(raw))}
        numbered = list(
            zip(
                (lineno for lineno, _ in numbered),
                strip_markdown("\n".join(raw for _, raw in numbered), force=True).split("\n"),
            )
        )
    if link_numbered:
        numbered = [(lineno, lynx.strip_markers(raw)) for lineno, raw in numbered]
    floods: dict[int, tuple[int, int, int]] = {}
    if len(numbered) > flood_page_lines:
        numbered, floods = collapse_floods(numbered)
    for k, (lineno, raw) in enumerate(numbered):
        line = " ".join(raw.split())  # folds tabs, runs of spaces and no-break spaces
        if not line:
            gap += 1
            continue
        if k in floods:
            copies, first, last = floods[k]
            flood = Block(index=len(blocks), text=line, line=lineno, gap_before=gap)
            flood.drop(
                "duplicate", f"flood: {copies} more copies of line {first} (lines {lineno}-{last})", stage="segment"
            )
            blocks.append(flood)
            gap = 0
            continue
        if blocks and gap == 0 and blocks[-1].category is None and _continues(blocks[-1].text, line, words):
            prev = blocks[-1]
            prev.text = prev.text + ("" if line[0] in _JOIN_TIGHT else " ") + line
            continue
        blocks.append(Block(index=len(blocks), text=line, line=lineno, gap_before=gap, heading=levels.get(lineno, 0)))
        gap = 0
    return blocks


def collapse_floods(
    numbered: list[tuple[int, str]], min_run: int = FLOOD_MIN_RUN
) -> tuple[list[tuple[int, str]], dict[int, tuple[int, int, int]]]:
    """A run of at least ``min_run`` identical lines (blank lines between them allowed) is a flood
    (a generator's or a broken page's repetition, never prose): its first line stays, and the rest
    of the run becomes one entry, which the segment stage turns into one block already dropped as
    "duplicate" and later stages leave alone. Without this, every copy is a block the later stages
    pay for (a 2 MB page of one short line repeated took a minute). Returns the lines and, by
    position in them, each flood entry's (copies, line number of the first line, last line number)."""
    runs = []
    key = None
    start = last = count = 0
    for i, (_, raw) in enumerate(numbered):
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped == key:
            count += 1
            last = i
            continue
        if count >= min_run:
            runs.append((start, last, count))
        key, start, last, count = stripped, i, i, 1
    if count >= min_run:
        runs.append((start, last, count))
    if not runs:
        return numbered, {}
    out: list[tuple[int, str]] = []
    floods: dict[int, tuple[int, int, int]] = {}
    done = 0
    for start, last, count in runs:
        out.extend(numbered[done : start + 1])
        # the next copy stands for the whole rest of the run (the blank lines inside it go too)
        second = next(j for j in range(start + 1, last + 1) if numbered[j][1].strip())
        floods[len(out)] = (count - 1, numbered[start][0], numbered[last][0])
        out.append(numbered[second])
        done = last + 1
    out.extend(numbered[done:])
    return out, floods


# A dump hard-wrapped at a fixed width (lynx and w3m at 78-80 columns, html2text, mail at 72) breaks
# every paragraph into lines no longer than the width; a line ends near the width exactly when the
# next line's first word would not have fitted on it. Unwrapped pages have lines far longer than
# any wrap width, or (pages of short lines) break near their longest line just as often where the
# next word would have fitted.
WRAP_MIN_WIDTH, WRAP_MAX_WIDTH = 40, 132  # widths a dump is wrapped at
WRAP_RAGGED = 15  # a wrapped line ends within this many columns of the width
WRAP_MAX_WORD = 30  # a longer "first word" is a run of unspaced script (CJK) or a URL, not a word
WRAP_MAX_OVER = 3, 0.02  # lines longer than the width (unbreakable URLs): this many, or this share
WRAP_MIN_LINES = 6  # a wrapped page has at least this many lines near the width followed by text ...
WRAP_MIN_FORCED = 0.8  # ... and after this share of them the next word would not have fitted,
WRAP_MIN_LOWER = 0.2  # ... a word in lower case after this share of those (not a list of headlines)
_HYPHEN_END = re.compile(r"\w-$")
_UNBREAKABLE = re.compile(r"\S{%d}" % (WRAP_MAX_WORD + 1))
_QUOTE = re.compile(r"^\s*(?:>[ \t]?)+")
_NO_JOIN_WORD = re.compile(r"://|^www\.|@")


def _forced_break(line: str, next_line: str, width: int) -> bool:
    """The wrapper had to break after ``line``: ``next_line``'s first word would not have fitted
    on it. A "word" longer than WRAP_MAX_WORD is a run of unspaced script (CJK), and a URL or
    e-mail address may stand on a line of its own: neither counts."""
    words = next_line.split()
    if not words or len(line) > width + 1:
        return False
    word = words[0]
    # "Dienstag](https://...": the rest of a Markdown link, which the wrapper measured whole
    text = word.split("](", 1)[0]
    # after a hyphen the wrapper would have glued the next piece on without a space
    space = 0 if _HYPHEN_END.search(line) else 1
    return (
        (len(word) <= WRAP_MAX_WORD or text != word)
        and len(line) + space + len(word) > width
        and not _NO_JOIN_WORD.search(text)
    )


def _continuation(prev: str, line: str) -> str:
    """``line`` as the rest of ``prev``: without the quote marks both carry (a wrapped quotation in
    a mail or an html2text dump: "> ... on your" / "> TV, phone ..."), else as it is."""
    if not (prev.lstrip().startswith(">") and line.lstrip().startswith(">")):
        return line
    a, b = _QUOTE.match(prev), _QUOTE.match(line)
    assert a is not None and b is not None  # (both start with ">")
    if a.group(0).replace(" ", "") == b.group(0).replace(" ", ""):
        return line[b.end() :]
    return line


def _first_letter(line: str) -> str:
    """The line's first letter ("" for none): "(siehe …", "„die …" and "[12]der …" go on in lower case."""
    return next((ch for ch in line if ch.isalpha()), "")


def wrap_width(lines: Sequence[str]) -> int | None:
    """The column a hard-wrapped dump is wrapped at, or None for a page that is not wrapped."""
    lines = [line.rstrip() for line in lines]
    over = max(WRAP_MAX_OVER[0], int(sum(map(bool, lines)) * WRAP_MAX_OVER[1]))
    # the width is at least the longest line but a few, not counting lines that may overflow it:
    # list items (html2text leaves them long) and lines holding a run of unspaced characters (an
    # address, unspaced script), which no wrapper can break; longest first, so that most pages are
    # decided after a few lines
    robust, seen = None, 0
    for line in sorted(filter(None, lines), key=len, reverse=True):
        if not LIST_BULLET.match(line.lstrip()) and not _UNBREAKABLE.search(line):
            seen += 1
            if seen > over:
                robust = len(line)
                break
    if robust is None or robust > WRAP_MAX_WIDTH:  # most pages: paragraphs on lines of their own
        return None
    # the width may be longer: lines that overflow it are tried first and, when they are not the
    # width, passed over
    widths = {
        len(line) for line in lines if robust <= len(line) <= robust + WRAP_RAGGED and not _UNBREAKABLE.search(line)
    }
    nexts = [_continuation(a, b) for a, b in zip(lines, lines[1:])]
    for width in sorted(widths, reverse=True):
        if WRAP_MIN_WIDTH <= width <= WRAP_MAX_WIDTH and _wrapped_at(lines, nexts, width):
            return width
    return None


def _link_after_link(line: str, nxt: str) -> bool:
    """A Markdown link ending a line and another starting the next: a list of links one per line
    (a tag cloud) as often as a wrapped sentence."""
    return line.endswith(")") and nxt.lstrip().startswith("[")


def _wrapped_at(lines: list[str], nexts: list[str], width: int) -> bool:
    """``nexts[i]``: the line after ``lines[i]`` as its continuation (see _continuation)."""
    # a line followed by a list item (which starts a line anyway), a run of unspaced script or a
    # broken address says nothing either way
    near = [
        i
        for i, nxt in enumerate(nexts)
        if width - WRAP_RAGGED < len(lines[i]) <= width
        and nxt.strip()
        and (len(nxt.split()[0]) <= WRAP_MAX_WORD or "](" in nxt.split()[0])
        and not LIST_BULLET.match(nxt.lstrip())
        and not _link_after_link(lines[i], nxt)
    ]
    forced = [i for i in near if _forced_break(lines[i], nexts[i], width)]
    lower = sum(1 for i in forced if _first_letter(nexts[i]).islower())
    return (
        len(near) >= WRAP_MIN_LINES
        and len(forced) >= WRAP_MIN_FORCED * len(near)
        and lower >= WRAP_MIN_LOWER * len(forced)
    )


def unwrap(
    numbered: list[tuple[int, str]], width: int, credit_label: re.Pattern | None = None
) -> list[tuple[int, str]]:
    """Join each line that the next line's first word would not have fitted on (so the wrapper
    broke there) with that next line. A list item starts a line of its own (a dash before a
    lower-case word is the sentence's), and so do a photo credit (``credit_label``, the rule files'
    labels: "... im Südbad Gotha" / "Bildrechte: MDR" - joined, it would hide in the line before
    it) and a line repeating the one before but for its link numbers (teaser lists, tickers)."""
    credit_label = credit_label if credit_label is not None else load_rules().segment.credit_label
    out: list[tuple[int, str]] = []
    last = ""  # the previous physical line (out[-1] may hold several joined)
    for lineno, raw in numbered:
        line = raw.rstrip()
        rest = _continuation(last, line)
        text = rest.strip()
        if out and text and last.strip():
            # "- von ...": a dash before a lower-case word is the sentence's, not a list item's
            item = LIST_BULLET.match(text) and not (text[0] in "-–" and text[1:].lstrip()[:1].islower())
            if (
                _forced_break(last, rest, width)
                and not item
                and not credit_label.match(text)
                and lynx.strip_markers(text) != lynx.strip_markers(last.strip())
            ):
                prev_no, prev = out[-1]
                glue = "" if _HYPHEN_END.search(prev) and text[0].isalpha() else " "
                out[-1] = (prev_no, prev + glue + text)
                last = line
                continue
        out.append((lineno, line))
        last = line
    return out


REFLOW_MIN_WORDS = 8  # a line this long that stops mid-sentence was broken by the renderer
_CONTINUATION_START = re.compile(rf"^(?:[{LOWER}]|[,.;:!?)\]%])")  # (a small letter of any script)
_JOIN_TIGHT = ",.;:!?)]%"


def _continues(prev: str, line: str, words: SegmentWords) -> bool:
    """``line`` is the rest of ``prev``'s sentence: prev stops mid-sentence (a long line, or one
    ending on a comma, hyphen, article or preposition: ``words.open_end``) and line goes on in lower
    case or with the sentence's punctuation. Never before a URL, an e-mail address, a list item or a
    "von"/"by" byline (``words.no_join``)."""
    if (
        prev.endswith((".", "!", "?", "…", ":", '"', "“", "”", "»"))
        or LIST_BULLET.match(line)
        or words.no_join.match(line)
    ):
        return False
    if line[0] in _JOIN_TIGHT:
        return True
    return bool(_CONTINUATION_START.match(line)) and (
        len(prev.split()) >= REFLOW_MIN_WORDS or bool(words.open_end.search(prev))
    )
