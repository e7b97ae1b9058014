"""Block classification: one staged algorithm, read top to bottom (after jusText's core).

1. segment      text -> blocks, in cleaner/segment.py (one line each, blank lines remembered as gaps; Markdown markup is
                taken out, a dump hard-wrapped at a fixed width is unwrapped, and a line a renderer
                broke mid-sentence is joined with its rest; a flood of one line repeated becomes
                its first copy and one dropped block for the rest)
2. context-free each block alone: rule hits (a category), menu shape, captions above credits, and
                a content class from length and stopword density (good / near-good / short / bad)
3. sections     a section header ("Meistgelesen", "Mehr zum Thema") drops what follows it until
                article text resumes, the next section starts, the footer starts, or the page ends
4. duplicates   repeats inside a flattened page are dropped after the first kept copy (an extractor's
                output keeps what the article repeats and drops only its body extracted again); a block
                that merely glues together other blocks of the page is dropped in favour of its parts
5. decision     the learned model (cleaner/model/) scores every block and decides those no rule
                decided; without a model, jusText's context revision does
6. header       (text pages) the title is found above the first article paragraph; what stands
                before it is page header
7. categories   a dropped block with no rule of its own takes the category of the dropped block
                next to it, else "other"

Rules are precise overrides: a block a rule dropped is never revived by the model or by context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Protocol, Sequence

import ahocorasick

from .document import BOILERPLATE, CONTENT, TITLE, Block
from . import lynx
from .ruleset import LanguageRules, LineRule, SectionRule
from . import blockstats
from .segment import _LIST_MARKER, _MARKER_CHARS, LIST_BULLET, segment_text
from .thresholds import DEFAULTS, Thresholds
from .tokens import UPPER

__all__ = [
    "LIST_BULLET",
    "Outcome",
    "Scorer",
    "annotate",
    "block_features",
    "classify",
    "content_class",
    "norm_key",
    "rule_text",
    "segment_text",
]


#: (the numeric thresholds: cleaner/thresholds.py, passed down as ``t``)
#: line categories that mark the page footer: a teaser or comment list ends where one starts
FOOTER_CATEGORIES = frozenset({"navigation", "notice", "contact"})
#: categories whose blocks often have an unmarked line above them that belongs to them
HEADS_CATEGORIES = frozenset({"contact", "caption"})
#: dropped blocks that interrupt an article without ending it: context looks through them
TRANSPARENT = frozenset({"byline", "caption", "ad", "duplicate", "share", "link"})
#: modes in which every later copy of a kept line is dropped; elsewhere only the body extracted
#: again is (in an extractor's output a repeated line or run is the article's: see _duplicates)
DROP_REPEATS = ("text",)
#: up to this many (key, part) pairs a page's merged copies are found pair by pair, beyond it by an automaton
MERGED_PAIRWISE_MAX = 20_000
VERDICT_CACHE_MAX_CHARS = 200  # context-free verdicts of lines up to this long are remembered ...
VERDICT_CACHE_SIZE = 20_000  # ... this many per rule set (then the memory starts afresh)

_URL: re.Pattern[str] = blockstats.URL
_PROSE_END = re.compile(r"[.!][\"“”»«'’)]?$")
#: a menu item's word: a capital (any script's, ``tokens.UPPER``) or digit first, or a separator
_MENU_TOKEN = re.compile(rf"^(?:[{UPPER}0-9][\w.&'’-]*|[&|/•·–-]+)$")


class Scorer(Protocol):
    """What the decision stage needs of a block model (``model.BlockModel`` is one): a content
    probability per block (NaN for a block a rule claimed) and the two thresholds it applies,
    ``threshold`` on text pages and ``html_threshold`` on an extractor's output."""

    threshold: float
    html_threshold: float

    def __call__(
        self, blocks: Sequence[Block], rules: LanguageRules, mode: str, url: str | None = None
    ) -> Sequence[float]: ...


@dataclass(frozen=True)
class Outcome:
    """What classification found besides the per-block labels."""

    title: str | None
    title_source: str | None


# ================================================================================ 2. context-free


def block_features(block: Block, rules: LanguageRules) -> dict:
    """Cheap per-block measurements shared by the heuristic, ``explain`` and the learned model.

    The counts come from one pass over the text (cleaner/blockstats.py: compiled when built)."""
    return blockstats.features_of(blockstats.block_counts(block.text, rules.stop_table()))


def content_class(f: dict, t: Thresholds = DEFAULTS) -> str:
    """jusText's context-free class from length, link and stopword density."""
    if f["link_density"] > t.max_link_density:
        return "bad"
    if f["chars"] < t.length_low:
        return "short"
    if f["stopword_density"] >= t.stopwords_high:
        return "good" if f["chars"] > t.length_high else "near-good"
    if f["stopword_density"] >= t.stopwords_low:
        return "near-good"
    return "bad"


def _context_free(
    blocks: list[Block],
    rules: LanguageRules,
    extra_rules: Sequence[LineRule],
    verdicts: dict | None = None,
    t: Thresholds = DEFAULTS,
) -> None:
    """``verdicts``: a memory of line verdicts under ``rules`` (``Cleaner.verdicts_for``), filled here."""
    cache = verdicts if verdicts is not None else {}
    page: dict[str, tuple] = {}  # the verdicts of the page's lines
    fresh: dict[str, Block] = {}  # the lines without a remembered verdict (the first block of each)
    for b in blocks:
        if b.text not in page and b.text not in fresh:
            verdict = cache.get(b.text)
            if verdict is None:
                fresh[b.text] = b
            else:
                page[b.text] = verdict
    if fresh:
        for text, verdict in zip(fresh, _verdicts(list(fresh.values()), rules, t=t)):
            page[text] = verdict
            if len(text) <= VERDICT_CACHE_MAX_CHARS:
                if len(cache) >= VERDICT_CACHE_SIZE:
                    cache.clear()
                cache[text] = verdict
    for b in blocks:
        verdict = page[b.text]
        features, b.cf_class, vocab, line_rule, menu, b.header, b.counts, b.key, b.numbers = verdict
        b.features = dict(features)  # later stages add to a block's own features
        if b.category is not None:  # dropped on arrival (the segment stage's floods)
            continue
        if menu:
            b.drop("navigation", "menu shape (capitalised words, no stopword)", stage="context-free")
            continue
        rule = vocab
        if rule is None and extra_rules:  # an outlet's own line rules come before the language's
            item = rule_text(b.text)
            rule = next((r for r in extra_rules if r.applies(item, features["words"])), None)
        rule = rule or line_rule
        if rule is not None:
            b.drop(rule.category, rule.id, stage="context-free", rule=rule.id, role=rule.role)
    _captions_above_credits(blocks, t=t)
    _names_above_contacts(blocks, t=t)


def _verdicts(blocks: list[Block], rules: LanguageRules, t: Thresholds = DEFAULTS) -> list[tuple]:
    """(features, content class, widget-row rule, line rule, menu?, section header rule, own
    counts, norm key, the model's numeric own columns) of each line on its own: a pure function of the text and the rule set, so it
    is computed once per distinct line. Computed test by test over the page's new lines, not line
    by line (each test's patterns and automata stay in the CPU's caches); the counts in one call
    (``blockstats.line_pass``: block_features' dict, the model's own counts, the duplicate key,
    the model's numeric columns)."""
    measured = blockstats.line_pass([b.text for b in blocks], rules.stop_table())
    for b, (features, _counts, _key, _numbers) in zip(blocks, measured):
        b.features = features
    headers = [_section_header(b, rules) for b in blocks]
    items = [rule_text(b.text) for b in blocks]
    # most specific first: a row of widget words is a share bar; then a row of capitalised
    # words is a menu ("Sport Kultur Service E-Paper" is not a notice); then keyword rules
    vocabs = [rules.match_vocab(item, b.features["words"]) for b, item in zip(blocks, items)]
    menus = [vocab is None and _menu_shaped(b, t=t) for b, vocab in zip(blocks, vocabs)]
    lines = [
        None if vocab is not None or menu else rules.match_line(item, b.features["words"])
        for b, item, vocab, menu in zip(blocks, items, vocabs, menus)
    ]
    return [
        (b.features, content_class(b.features, t=t), vocab, line, menu, header, counts, key, numbers)
        for b, vocab, line, menu, header, (_f, counts, key, numbers) in zip(
            blocks, vocabs, lines, menus, headers, measured
        )
    ]


def rule_text(text: str) -> str:
    """The text rules match against: a list item without its marker ("* Tags: ..." -> "Tags: ...")."""
    return _LIST_MARKER.sub("", text, count=1) if text[:1] in _MARKER_CHARS + "o" else text


def _menu_shaped(b: Block, t: Thresholds = DEFAULTS) -> bool:
    """'Home News Sport Kultur Kontakt', 'Latest Hardware AI Policy Reviews': menu items in a row."""
    f = b.features
    if f["stopword_density"] > t.menu_max_stopwords or f["digit_ratio"] != 0 or f["ends_sentence"]:
        return False  # (the cheap tests first: most lines fail one)
    tokens = b.text.split()
    shouting = sum(t.isupper() for t in tokens) >= 0.6 * len(tokens)  # an ALL-CAPS headline, not a menu
    return len(tokens) >= t.menu_min_tokens and not shouting and all(_MENU_TOKEN.match(t) for t in tokens)


def _captions_above_credits(blocks: list[Block], t: Thresholds = DEFAULTS) -> None:
    """'So soll die Schule aussehen: ...' / 'Visualisierung: Büro X': the line right above a photo
    credit is the photo's caption."""
    for prev, b in zip(blocks, blocks[1:]):
        if (
            b.role == "credit"
            and prev.category is None
            and prev.cf_class != "good"
            and prev.features["words"] <= t.caption_max_words
        ):
            prev.drop("caption", f"above photo credit line {b.line}", stage="context-free")


def _names_above_contacts(blocks: list[Block], t: Thresholds = DEFAULTS) -> None:
    """'Stadtwerke Musterstadt GmbH' / 'Hauptstraße 5': a short name line right above an address or
    phone line is the contact block's first line."""
    for prev, b in zip(blocks, blocks[1:]):
        if (
            b.role == "contact"
            and prev.category is None
            and prev.features["words"] <= t.contact_name_max_words
            and not prev.features["ends_sentence"]
            and prev.cf_class != "good"
        ):
            prev.drop("contact", f"above contact line {b.line}", stage="context-free")


# ================================================================================ 3. sections


def _is_prose(b: Block, lenient: bool = False, t: Thresholds = DEFAULTS) -> bool:
    """Article text: a long, stopword-rich block that no rule claimed. Where a section needs several
    prose blocks to end (notices, comments), a full sentence of near-good length counts too."""
    if b.category is not None:
        return False
    if b.cf_class == "good":
        return True
    return (
        lenient
        and b.cf_class == "near-good"
        and b.features["words"] >= t.lenient_prose_min_words
        and bool(_PROSE_END.search(b.text))
    )


def _sections(blocks: list[Block], rules: LanguageRules, t: Thresholds = DEFAULTS) -> None:
    n, i = len(blocks), 0
    # sidebars rendered above the article: sections opening before the first prose give back the
    # title and dek that stand right above the article's first paragraphs
    first_prose = next((k for k, b in enumerate(blocks) if _is_prose(b, lenient=True, t=t)), n)
    while i < n:
        header = blocks[i]
        rule = header.header
        if rule is None:
            i += 1
            continue
        end = _section_end(blocks, i + 1, rule, rules, give_back=i < first_prose, t=t)
        header.drop(rule.category, f"{rule.id} (section header)", stage="sections", section=rule.id)
        for b in blocks[i + 1 : end]:
            # the section's category wins over a line rule's: a byline inside a teaser list is the
            # teaser's, and must never date the article
            if b.category is None:
                b.drop(rule.category, f"in section {rule.id} (line {header.line})", stage="sections", section=rule.id)
            elif rule.override:
                b.drop(
                    rule.category,
                    f"in section {rule.id} (line {header.line}); {b.reason}",
                    stage="sections",
                    rule=b.rule,
                    role=b.role,
                    section=rule.id,
                )
        i = end


def _section_header(b: Block, rules: LanguageRules) -> SectionRule | None:
    """The section rule ``b`` would open as a header, on its own (``Block.header``)."""
    if b.features["link_density"] > 0:  # "Weitere Informationen: www..." is a link line, not a header
        return None
    text = b.text
    if text[:1] == "o" and LIST_BULLET.match(text):
        # inscriptis' and lynx's nested-list bullet "o " is a marker like "* ", not a word: a menu
        # entry "o Kontakt" must not pass for the header "Pressestelle Kontakt" (pattern "\w+ kontakt")
        text = "*" + text[1:]
    return rules.match_section(text, b.features["words"])  # a list item is not a section header


def _section_end(
    blocks: list[Block],
    start: int,
    rule: SectionRule,
    rules: LanguageRules,
    give_back: bool = False,
    t: Thresholds = DEFAULTS,
) -> int:
    """Index of the first block after the section: where a run of ``rule.resume`` prose blocks
    starts, or where the next section header stands, or (own HTML extraction) where the lines
    cross the main frame's edge, or the end of the page."""
    run_start, run, strict = start, 0, False
    last = len(blocks) if rule.max_blocks is None else min(len(blocks), start + rule.max_blocks)
    # (own HTML extraction) whether the header (the block before ``start``) stands in the main frame
    marks = blocks[start - 1].dom
    frame = marks[0] if marks is not None else None
    for j in range(start, last):
        b = blocks[j]
        if b.header is not None:
            return j
        if frame is not None and b.dom is not None and b.dom[0] != frame:
            return j  # a section does not cross the main frame's edge (a comments link in the header)
        # a list does not run into the page footer ("Zum Seitenanfang", "© 2024 ..."); the bare
        # number of a lynx or elinks image link ("[52]") is part of the teaser it stands above
        if rule.ends_at_footer and b.category in FOOTER_CATEGORIES and not lynx.BARE_NUMBER.match(b.text):
            return j
        # a heading above prose ends a box - but not a lead-in ("... eine Bitte an Sie:"), which belongs to it
        if (
            rule.stop_at_heading
            and b.category is None
            and _is_heading_like(b, t=t)
            and not b.text.endswith(":")
            and _prose_follows(blocks, j, t=t)
            and not (rule.body is not None and rule.body.search(b.text))
        ):
            return j
        if _is_prose(b, lenient=True, t=t) and not _teaser_shaped(b, rules, t=t):
            if rule.body is not None and not rule.body.search(b.text):
                return j  # an ad label covers ad copy, not the article sentence below it
            if run == 0:
                run_start, strict = j, False
            run += 1
            strict = strict or _is_prose(b, t=t)
            # one long paragraph ends a list; short news paragraphs need company; notices and
            # comments (resume > 1) need several
            if (
                (rule.resume == 1 and strict) or run >= max(rule.resume, t.short_paragraph_run)
            ) and not _own_line_ahead(blocks, j, last, rule):
                # the article's own title and dek stand right above its first paragraph
                floor = max(start, run_start - t.give_back_headings) if give_back else run_start
                while (
                    run_start > floor
                    and blocks[run_start - 1].category is None
                    and _is_heading_like(blocks[run_start - 1], t.title_max_words, t=t)
                ):
                    run_start -= 1
                return run_start
        elif b.category is None or (rule.own_lines_within and b.category == rule.category):
            run = 0  # other blocks a line rule dropped neither count nor break the run
    return last


def _own_line_ahead(blocks: list[Block], j: int, last: int, rule: SectionRule) -> bool:
    """A line rule of the section's own category claims a block within ``rule.own_lines_within``
    blocks after ``j`` (before any other section header): the section is not over yet."""
    for b in blocks[j + 1 : min(last, j + 1 + rule.own_lines_within)]:
        if b.header is not None:
            return False
        if b.category == rule.category:
            return True
    return False


def _prose_follows(blocks: list[Block], i: int, t: Thresholds = DEFAULTS) -> bool:
    """The next block that is not an article interruption is prose."""
    for b in blocks[i + 1 :]:
        if b.category in TRANSPARENT:
            continue
        return _is_prose(b, lenient=True, t=t)
    return False


def _teaser_shaped(b: Block, rules: LanguageRules, t: Thresholds = DEFAULTS) -> bool:
    """A teaser snippet opens with its own date ("[31.3.2020] Die App ...")."""
    dates = rules.find_dates(b.text[: t.dateline_window])
    return bool(dates) and dates[0][1] <= 2


# ================================================================================ 4. duplicates


def norm_key(text: str) -> str:
    """Text compared for repetition: lower case, punctuation and spacing folded (cleaner/blockstats.py:
    compiled when built)."""
    return blockstats.norm_key(text)


def keys_of(blocks: Sequence[Block]) -> list[str]:
    """Each block's ``norm_key``: the one the rules stage measured (``Block.key``), else computed."""
    key_of = blockstats.norm_key  # (norm_key, without a Python call per block)
    return [b.key if b.key is not None else key_of(b.text) for b in blocks]


def _duplicates(blocks: list[Block], mode: str, t: Thresholds = DEFAULTS) -> None:
    """In a flattened page every later copy of a kept line goes. In an extractor's output a line or
    a run of lines repeated by the article itself stays (the same question to each guest of an
    interview, a meal plan's recurring day); only the body extracted again goes: a line repeated
    right after itself, or a copied run of lines as long as a third of the page."""
    keys = keys_of(blocks)
    _merged_copies(blocks, keys, t=t)
    # compared: blocks long enough that no rule claimed (a copy inside a dropped section does not
    # make a kept copy a duplicate, and a dropped block never becomes the first kept copy)
    seq = [b for b, key in zip(blocks, keys) if len(key) >= t.dup_min_chars and b.category is None]
    seq_keys = [keys[b.index] for b in seq]
    seen: dict[str, int] = {}  # key -> its first line in seq
    copied = _in_copied_run(seq_keys, max(2, t.copied_min_share * len(seq))) if mode not in DROP_REPEATS else None
    for j, (b, key) in enumerate(zip(seq, seq_keys)):
        first = seen.setdefault(key, j)
        if first < j and (copied is None or seq_keys[j - 1] == key or copied[j]):
            b.drop("duplicate", f"repeats line {seq[first].line}", stage="duplicates")


def _in_copied_run(keys: list[str], min_run: float) -> list[bool]:
    """For each line, whether some earlier copy ``f`` of it has at least ``min_run`` consecutive lines
    around it repeated around ``j`` -
    without walking the run of every earlier copy (quadratic in A B A B ...: 8,000 lines took 8
    minutes). Such a run holds a window of ``L`` lines around ``j``, starting after ``f``, equal to the
    window ``d = j - f`` lines before it. So for each window start ``a`` whose window occurred first
    at ``b < a``, the lines ``a .. a + min(L, a - b) - 1`` are marked (the first occurrence gives the
    widest reach). Windows are compared exactly, by ranks of power-of-two windows (prefix doubling)."""
    n, length = len(keys), -int(-min_run // 1)  # a run of at least min_run lines: ceil(min_run)
    if length > n:
        return [False] * n
    ids: dict = {}
    rank = [ids.setdefault(k, len(ids)) for k in keys]  # rank[a]: class of the window of `span` lines at a
    span = 1
    while 2 * span <= length:
        ids = {}
        rank = [ids.setdefault((rank[a], rank[a + span]), len(ids)) for a in range(n - 2 * span + 1)]
        span *= 2
    first: dict[tuple[int, int], int] = {}
    marks = [0] * (n + 1)  # +1 where a marked stretch starts, -1 after it ends
    for a in range(n - length + 1):
        b = first.setdefault((rank[a], rank[a + length - span]), a)  # two overlapping windows cover L lines
        if b < a:
            marks[a] += 1
            marks[a + min(length, a - b)] -= 1
    out, depth = [], 0
    for m in marks[:n]:
        depth += m
        out.append(depth > 0)
    return out


def _merged_copies(
    blocks: list[Block], keys: list[str], t: Thresholds = DEFAULTS, pairwise_max: int = MERGED_PAIRWISE_MAX
) -> None:
    """Drop a block that is other blocks of the page glued together (a summary or teaser copy)."""
    candidates = [
        i for i, key in enumerate(keys) if len(key) >= 2 * t.merged_min_part_chars and blocks[i].category is None
    ]
    if not candidates:
        return
    parts = [(i, k) for i, k in enumerate(keys) if len(k) >= t.merged_min_part_chars]
    found_in = _parts_inside(keys, parts, pairwise=len(candidates) * len(parts) <= pairwise_max)
    for i in candidates:
        key = keys[i]
        inside = [parts[o][0] for o in found_in(i)]
        covered = sum(len(keys[j]) for j in inside)
        if len(inside) >= 2 and covered >= t.merged_min_coverage * len(key):
            lines = ", ".join(str(blocks[j].line) for j in inside)
            blocks[i].drop("duplicate", f"merged copy of lines {lines}", stage="duplicates")


def _parts_inside(keys: list[str], parts: list[tuple[int, str]], pairwise: bool = False) -> Callable[[int], list[int]]:
    """``found_in(i)``: the positions in ``parts`` of the parts (other than block i, shorter than its
    key) that occur in block i's key, in order. ``pairwise``: each part is tested against the key
    (a substring search in C; quick on a normal page, quadratic on a long one: 5,000 lines of prose
    took a minute). Else one Aho-Corasick automaton over the distinct part texts finds every part a
    key holds in one pass over the key (building it costs more than a page's pairs)."""
    if pairwise:
        texts = [k for _, k in parts]
        # (block i's own part is never shorter than its key: blockstats.parts_in leaves it out)
        return lambda i: blockstats.parts_in(keys[i], texts)
    by_text: dict[str, list[int]] = {}
    for o, (_, k) in enumerate(parts):
        by_text.setdefault(k, []).append(o)
    automaton = ahocorasick.Automaton()
    for k, positions in by_text.items():
        automaton.add_word(k, (len(k), positions))
    automaton.make_automaton()

    def found_in(i: int) -> list[int]:
        key = keys[i]
        found: set[int] = set()
        for _end, (length, positions) in automaton.iter(key):
            if length < len(key):
                found.update(o for o in positions if parts[o][0] != i)
        return sorted(found)

    return found_in


# ================================================================================ 5. context


def _is_heading_like(b: Block, max_words: int | None = None, t: Thresholds = DEFAULTS) -> bool:
    """A short line not ending like a sentence, without an address or a list marker: at most
    ``max_words`` words (default ``t.heading_max_words``)."""
    text = b.text
    max_words = t.heading_max_words if max_words is None else max_words
    return (
        blockstats.heading_shaped(text, b.features["words"], max_words)
        and not _URL.search(text)
        and not LIST_BULLET.match(text)
    )


def _context(blocks: list[Block], t: Thresholds = DEFAULTS) -> None:
    """jusText's revision, applied: blocks it calls bad are dropped."""
    for b, c in zip(blocks, _context_classes(blocks, t=t)):
        if b.category is None and c in ("bad", "skip"):
            b.judge(
                BOILERPLATE, f"content class {b.cf_class}, neighbours not content", stage="decision"
            )  # (category: stage 7)


def _context_classes(blocks: list[Block], t: Thresholds = DEFAULTS) -> list[str]:
    """jusText's revision: short and near-good blocks follow their neighbours. Blocks dropped as
    article interruptions (bylines, captions, ad labels, duplicates) are looked through."""
    cls = ["skip" if b.category in TRANSPARENT else "bad" if b.category is not None else b.cf_class for b in blocks]
    if "good" not in cls:
        # a short article (no paragraph over t.length_high) would vanish entirely: its near-good
        # paragraphs are the best the page has, so they anchor the revision instead
        cls = ["good" if c == "near-good" else c for c in cls]
    # headings directly above good text are at least near-good: the next good or bad block (blocks
    # passed over: "skip") is good, and the blocks between hold at most t.max_heading_distance characters
    n = len(blocks)
    next_gb = _nearest(cls, +1, ("good", "bad"), default=None)
    chars_before = [0] * (n + 1)  # characters of the blocks before each index, "skip" blocks left out
    for i, (b, c) in enumerate(zip(blocks, cls)):
        chars_before[i + 1] = chars_before[i] + (0 if c == "skip" else b.features["chars"])
    for i, b in enumerate(blocks):
        if cls[i] == "short" and _is_heading_like(b, t=t):
            j = next_gb[i]
            if j is not None and cls[j] == "good" and chars_before[j] - chars_before[i + 1] <= t.max_heading_distance:
                cls[i] = "near-good"
    final = list(cls)
    prev_gb, next_gb = _nearest_class(cls, -1, True), _nearest_class(cls, +1, True)
    prev_any, next_any = _nearest_class(cls, -1, False), _nearest_class(cls, +1, False)
    for i, c in enumerate(cls):
        if c != "short":
            continue
        if prev_gb[i] == next_gb[i]:
            final[i] = prev_gb[i]
        elif "bad" in (prev_any[i], next_any[i]):
            final[i] = "bad"
        else:
            final[i] = "good"
    # near-good blocks in page order: the one before is already revised, those after are not yet
    after = _nearest_class(final, +1, True)
    before = "bad"
    for i, c in enumerate(cls):
        if c == "near-good":
            final[i] = "bad" if before == "bad" and after[i] == "bad" else "good"
        if final[i] in ("good", "bad"):
            before = final[i]
    return final


def _nearest(cls: list[str], step: int, stop: tuple[str, ...], default=None) -> list:
    """For every index, the index of the nearest block in direction ``step`` (not the block itself)
    whose class is in ``stop``, else ``default``: one pass, where a scan per block was quadratic in a
    run of short lines (20,000 short lines took 47 s)."""
    out = [default] * len(cls)
    found = default
    order = range(len(cls)) if step < 0 else range(len(cls) - 1, -1, -1)
    for i in order:
        out[i] = found
        if cls[i] in stop:
            found = i
    return out


def _nearest_class(cls: list[str], step: int, ignore_neargood: bool) -> list[str]:
    """jusText's neighbour of every block: the class of the nearest good or bad block in direction
    ``step`` (near-good too unless ``ignore_neargood``; "short" and "skip" are passed over), "bad"
    beyond the page."""
    stop = ("good", "bad") if ignore_neargood else ("good", "bad", "near-good")
    return [cls[j] if j is not None else "bad" for j in _nearest(cls, step, stop)]


# ================================================================================ 6. header / title


def _title_and_header(blocks: list[Block], t: Thresholds = DEFAULTS) -> Outcome:
    """The title is the heading line(s) right above the first article paragraph (datelines and
    bylines may stand between). Kept lines above the title are page header: kicker, menus, slogans."""
    start = next(
        (
            b.index
            for b in blocks
            if b.kept
            and not _is_heading_like(b, t.title_max_words, t=t)
            and (b.cf_class in ("good", "near-good") or (b.score or 0) >= 0.5)
        ),
        None,
    )
    if start is None:
        return Outcome(None, None)
    title_idx: list[int] = []
    j = start - 1
    while j >= 0 and blocks[j].category in ("byline", "duplicate", "caption"):
        j -= 1
    if (
        j >= 0
        and blocks[j].category in (None, "other")
        and _is_heading_like(blocks[j], t.title_max_words, t=t)
        and _below_keep_score(blocks[j], t.title_keep_score)
    ):
        title_idx = [j]
        k = j
        while (
            k > 0
            and blocks[k].gap_before == 0
            and blocks[k - 1].category in (None, "other")
            and blocks[k - 1].text.endswith(":")
            and _is_heading_like(blocks[k - 1], t.title_merge_max_words, t=t)
        ):
            k -= 1
            title_idx.insert(0, k)
    header_end = title_idx[0] if title_idx else start
    for b in blocks[:header_end]:
        if b.category is None and _below_keep_score(b, t.header_keep_score):
            b.drop("navigation", "page header above the title" + (f" ({b.reason})" if b.reason else ""), stage="header")
    for idx in title_idx:
        blocks[idx].judge(TITLE, "title above first paragraph", stage="header")
    if not title_idx:
        return Outcome(None, None)
    return Outcome(" ".join(blocks[i].text for i in title_idx), "text:heading")


def _below_keep_score(b: Block, level: float) -> bool:
    """The model does not call the block content at ``level`` (or did not score it)."""
    return b.score is None or b.score < level


def _mark_known_title(blocks: list[Block], title: str | None, t: Thresholds = DEFAULTS) -> None:
    """HTML pages: the extractor knows the title; drop its repeat from the body."""
    if not title:
        return
    key = norm_key(title)
    for b in blocks[:3]:
        block_key = norm_key(b.text)
        # the body's title line may carry a kicker ("Nach Corona-Lockerungen ...") or lack a prefix
        if block_key and b.features["words"] <= t.title_max_words and (block_key in key or key in block_key):
            b.judge(TITLE, "title from HTML metadata", stage="metadata")
            return


# ================================================================================ 7. categories


def _categorise(blocks: list[Block]) -> None:
    for i, b in enumerate(blocks):
        if b.label != BOILERPLATE or b.category is not None:
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        prev = blocks[i - 1] if i > 0 else None
        if nxt is not None and nxt.label == BOILERPLATE and nxt.category in HEADS_CATEGORIES:
            # a name line above an address, a caption above its credit
            b.category, b.reason = nxt.category, f"{b.reason}; heads {nxt.category} line {nxt.line}"
        elif prev is not None and prev.label == BOILERPLATE and prev.category not in (None, "other", "duplicate"):
            b.category, b.reason = prev.category, f"{b.reason}; follows {prev.category} line {prev.line}"
        else:
            b.category = "other"


# ================================================================================ driver


def annotate(
    blocks: list[Block],
    rules: LanguageRules,
    extra_rules: Sequence[LineRule] = (),
    mode: str = "text",
    verdicts: dict | None = None,
    thresholds: Thresholds = DEFAULTS,
) -> None:
    """Stages 2-4: what the rules say about each block (the model's input as well). ``verdicts``
    remembers context-free line verdicts across pages of the same ``rules`` and ``thresholds``
    (``Cleaner.verdicts_for``)."""
    t = thresholds
    _context_free(blocks, rules, extra_rules, verdicts, t=t)
    _sections(blocks, rules, t=t)
    _duplicates(blocks, mode, t=t)
    for b, c in zip(blocks, _context_classes(blocks, t=t)):  # the heuristic's verdict, a model feature
        b.features["context_good"] = c == "good"


def _model_decision(
    blocks: list[Block],
    rules: LanguageRules,
    mode: str,
    scorer: Scorer,
    url: str | None = None,
    t: Thresholds = DEFAULTS,
) -> None:
    """Stage 5 with a model: rules stay precise overrides; the model decides every other block. On
    HTML the extractor already chose content, so only blocks the model is confident about go."""
    threshold = scorer.threshold if mode == "text" else scorer.html_threshold
    scores = scorer(blocks, rules, mode, url)
    keep = [b.category is None and b.label == CONTENT and p >= threshold for b, p in zip(blocks, scores)]
    if mode == "text" and not any(keep):
        # the model keeps nothing: a page unlike its training pages; the heuristic's verdict stands
        keep = [b.category is None and b.features["context_good"] for b in blocks]
    if mode == "text":
        _keep_subheadings(blocks, keep, t=t)
    for b, p, k in zip(blocks, scores, keep):
        b.score = None if p != p else round(float(p), 4)  # NaN: a block a rule claimed is not scored
        if b.category is None and b.label == CONTENT and not k:
            b.judge(BOILERPLATE, f"model p={p:.2f} < {threshold:.2f}", stage="decision")


def _keep_subheadings(blocks: list[Block], keep: list[bool], t: Thresholds = DEFAULTS) -> None:
    """A short heading between two kept paragraphs is the article's subheading (interruptions such
    as an ad label or a caption between them are looked through)."""
    n = len(blocks)
    for i, b in enumerate(blocks):
        if keep[i] or b.category is not None or not _is_heading_like(b, t=t):
            continue
        prev = next((j for j in range(i - 1, -1, -1) if blocks[j].category not in TRANSPARENT), None)
        nxt = next((j for j in range(i + 1, n) if blocks[j].category not in TRANSPARENT), None)
        if (
            prev is not None
            and nxt is not None
            and keep[prev]
            and keep[nxt]
            and not _is_heading_like(blocks[prev], t=t)
            and not _is_heading_like(blocks[nxt], t=t)
        ):
            keep[i] = True


def classify(
    blocks: list[Block],
    rules: LanguageRules,
    *,
    mode: str = "text",
    known_title: str | None = None,
    extra_rules: Sequence[LineRule] = (),
    scorer: Scorer | None = None,
    url: str | None = None,
    verdicts: dict | None = None,
    thresholds: Thresholds = DEFAULTS,
) -> Outcome:
    """Label every block in place; return the title found. ``mode`` is ``text`` (a flattened page:
    all stages) or ``html`` (an extractor's output: the extractor already judged content, so only
    rules, sections, copied passages and confident model drops apply). ``thresholds``: the
    stages' thresholds (cleaner/thresholds.py), passed down to each as ``t``."""
    t = thresholds
    annotate(blocks, rules, extra_rules, mode, verdicts, thresholds=t)
    if scorer is not None:
        _model_decision(blocks, rules, mode, scorer, url, t=t)
    elif mode == "text":
        _context(blocks, t=t)
    if mode == "text":
        outcome = _title_and_header(blocks, t=t)
    else:
        _mark_known_title(blocks, known_title, t=t)
        outcome = Outcome(known_title, "html:metadata" if known_title else None)
    _categorise(blocks)
    return outcome
