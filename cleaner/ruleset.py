"""Load the rule data files (cleaner/rules/*.toml) into compiled, immutable rule sets.

Rules are data so that a user can edit them; this module only compiles them. A rule folder given by
the user extends the packaged files (as trafilatura's ``use_config`` layers a user's file over its
defaults): a file of a packaged file's name adds its rules, replaces rules of the same id, removes those
its ``disable`` lists, and sets the keys it gives; ``replace = true`` replaces the file; a new name adds
a language. Unknown keys are errors naming the file and line (``KEYS``).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import justext

from . import blockstats
from .document import CATEGORIES
from .prefilter import LiteralGate, bits

PACKAGE_RULES = Path(__file__).parent / "rules"
FLAGS = re.IGNORECASE | re.UNICODE
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
#: a stoplist-only language must have this many times the stopword hits of the best rule-file language
BORROWED_MARGIN = 1.5
#: a rule set remembers its line and section gates for word counts below this (longer lines look theirs up again)
GATE_CACHE_WORD_COUNTS = 1024


class RuleError(ValueError):
    """A rule file is malformed; the message names the file and the rule."""


#: what a line rule's ``role`` tells the stages about the lines around its line (rules/README.md)
ROLES = {
    "credit": "a photo credit: the short line right above it is the photo's caption",
    "contact": "an address or phone line: the short name line right above it belongs to the contact",
}


@dataclass(frozen=True)
class LineRule:
    id: str
    category: str
    regex: re.Pattern
    max_words: int | None = None
    min_words: int | None = None
    #: what the rule's line means for its neighbours (``ROLES``)
    role: str | None = None
    #: lines the rule must claim and lines it must leave (the tests check them for every rule)
    examples: tuple[str, ...] = dataclasses.field(default=(), compare=False, repr=False)
    counter_examples: tuple[str, ...] = dataclasses.field(default=(), compare=False, repr=False)

    def applies(self, text: str, n_words: int) -> bool:
        if self.max_words is not None and n_words > self.max_words:
            return False
        if self.min_words is not None and n_words < self.min_words:
            return False
        return self.regex.search(text) is not None


#: stripped from both ends of a word before a widget vocabulary is looked up
_VOCAB_PUNCTUATION = ".,;:!?()[]{}\"'«»„“”…·•"


@dataclass(frozen=True)
class VocabRule:
    """A block made only of widget words ("Drucken PDF Link mailen"), with at least one anchor word."""

    id: str
    category: str
    words: frozenset[str]
    anchors: frozenset[str]
    max_words: int = 14
    role: None = None  # (widget rows have no role for their neighbours)
    examples: tuple[str, ...] = dataclasses.field(default=(), compare=False, repr=False)
    counter_examples: tuple[str, ...] = dataclasses.field(default=(), compare=False, repr=False)

    def applies(self, text: str, n_words: int) -> bool:
        # word by word, stopping at the first word that is no widget word (most lines: the first)
        count, anchored = 0, False
        for part in text.lower().split():
            t = part.strip(_VOCAB_PUNCTUATION)
            if not t:
                continue
            count += 1
            if count > self.max_words or t not in self.words:
                return False
            anchored = anchored or t in self.anchors
        return anchored


def _first_vocab_word(text: str) -> str | None:
    """The first word ``VocabRule.applies`` looks up (lowered, punctuation stripped), without
    lowering and splitting the whole text (str.split's whitespace is the same before and after
    lower(): tests/test_rules.py checks every code point)."""
    rest = text
    while True:
        parts = rest.split(None, 1)
        if not parts:
            return None
        word = parts[0].lower().strip(_VOCAB_PUNCTUATION)
        if word:
            return word
        if len(parts) == 1:
            return None
        rest = parts[1]


@dataclass(frozen=True)
class SectionRule:
    """A header that opens a boilerplate section ("Meistgelesen", "Mehr zum Thema", "Kommentare")."""

    id: str
    category: str
    regex: re.Pattern
    max_words: int = 10
    #: consecutive prose blocks that mean article text has resumed (ends the section before them)
    resume: int = 1
    #: blocks inside take the section's category even if a line rule named another one
    override: bool = True
    #: the section ends after at most this many blocks (an ad label covers the ad copy below it)
    max_blocks: int | None = None
    #: the section ends at a heading that stands right above prose (a newsletter box inside a page)
    stop_at_heading: bool = False
    #: what the section's own lines look like (ad copy: "jetzt", "Prozent"); such a line never ends it
    body: re.Pattern | None = None
    #: a teaser list ends where the page footer starts (a navigation, notice or contact line)
    ends_at_footer: bool = False
    #: prose does not end the section while a line of its own category (a comment's "Jane on May 3,
    #: 2021 at 4:47 pm said:") follows within this many blocks: a thread of long comments goes on
    own_lines_within: int = 0
    #: header lines the rule must open a section at and lines it must not
    examples: tuple[str, ...] = dataclasses.field(default=(), compare=False, repr=False)
    counter_examples: tuple[str, ...] = dataclasses.field(default=(), compare=False, repr=False)

    def applies(self, text: str, n_words: int) -> bool:
        return n_words <= self.max_words and self.regex.search(text) is not None


@dataclass(frozen=True)
class SegmentWords:
    """What the segment stage reads from the rule files' ``[segment]`` tables (the words of every
    rule language together: a dump's lines mix languages, an English byline on a German page)."""

    #: a line ending on a comma, an opening bracket or quote, a dash, or one of the words stops mid-sentence
    open_end: re.Pattern
    #: a line starting with an address or one of the words is never the rest of the line above
    no_join: re.Pattern
    #: a photo credit's label: in a wrapped dump such a line stands on its own
    credit_label: re.Pattern


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words)))


def segment_words(tables: list[dict]) -> SegmentWords:
    """The segment stage's patterns from the ``[segment]`` tables of the language files."""
    words = {
        key: [w.lower() for t in tables for w in t.get(key, [])]
        for key in ("open_end_words", "no_join_words", "credit_labels")
    }
    open_end = r"[,(\[„“\-–]" + (
        rf"|\b(?:{_alternation(words['open_end_words'])})\s*" if words["open_end_words"] else ""
    )
    no_join = r"https?://|www\.|\S+@\S+" + (
        rf"|(?:{_alternation(words['no_join_words'])})\b" if words["no_join_words"] else ""
    )
    credit = rf"^\(?(?:{_alternation(words['credit_labels'])})\s*:" if words["credit_labels"] else r"(?!x)x"
    return SegmentWords(
        re.compile(rf"(?:{open_end})$", re.IGNORECASE),
        re.compile(rf"^(?:{no_join})", re.IGNORECASE),
        re.compile(credit, re.IGNORECASE),
    )


@dataclass(frozen=True)
class Outlet:
    name: str
    domains: tuple[str, ...]
    signatures: tuple[re.Pattern, ...]
    min_hits: int = 2
    line_rules: tuple[LineRule, ...] = ()


@lru_cache(maxsize=1024)
def _line_gate(regexes: tuple[re.Pattern, ...], include: int) -> LiteralGate:
    """The literal prefilter of a rule list's rules in ``include``, built once (the languages that
    only borrow a stoplist share the common rules' gates; compiled patterns compare by pattern and
    flags)."""
    return LiteralGate(regexes, include)


@dataclass(frozen=True)
class LanguageRules:
    """Everything the classifier needs for one language: common rules plus the language's own."""

    language: str
    stopwords: frozenset[str]
    line_rules: tuple[LineRule, ...]
    vocab_rules: tuple[VocabRule, ...]
    section_rules: tuple[SectionRule, ...]
    date_regexes: tuple[re.Pattern, ...]
    months: dict
    #: False for languages that only borrow a jusText stoplist (no rule file of their own)
    own_rules: bool = True
    #: the literal prefilters (``cleaner.prefilter``), built on first use: per rule kind and block
    #: length (a long paragraph is tried only against rules that allow its length), and the dates'
    _gates: dict = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def stop_table(self):
        """The stoplist as the compiled pass looks it up (``blockstats.word_table``), built once."""
        table = self._gates.get("stop_table")
        if table is None:
            table = self._gates["stop_table"] = blockstats.word_table(self.stopwords)
        return table

    def author_rules(self) -> dict[str, LineRule]:
        """The line rules whose pattern names an author (a group ``author``), by id; built once."""
        found = self._gates.get("author_rules")
        if found is None:
            found = self._gates["author_rules"] = {r.id: r for r in self.line_rules if "author" in r.regex.groupindex}
        return found

    def match_line(self, text: str, n_words: int) -> LineRule | VocabRule | None:
        """The first line rule of this language that matches (an outlet's own rules are tried
        before it, in ``classify._context_free``, because this verdict is remembered per line).
        Rules are tried in order, but only those whose word limits allow ``n_words`` and whose
        required literals the line holds (``cleaner.prefilter``): the verdict is plain ``re``'s."""
        rules = self.line_rules
        for i in bits(self._gate("line", n_words).candidates(text)):
            if rules[i].regex.search(text) is not None:  # (the gate's length bucket is ``applies``' word test)
                return rules[i]
        return None

    def _gate(self, kind: str, n_words: int) -> LiteralGate:
        """The literal gate over the ``kind`` rules (``line`` or ``section``) whose word limits allow
        ``n_words`` (bit i of its candidates: rule i): a long paragraph meets only the few rules
        without a limit. Word counts with the same rules share one gate (``_line_gate``)."""
        found = self._gates.get((kind, n_words))
        if found is None:
            rules: tuple[LineRule | SectionRule, ...] = self.line_rules if kind == "line" else self.section_rules
            allowed = 0
            for i, r in enumerate(rules):
                min_words = getattr(r, "min_words", None)
                if (r.max_words is None or r.max_words >= n_words) and (min_words is None or min_words <= n_words):
                    allowed |= 1 << i
            found = _line_gate(tuple(r.regex for r in rules), allowed)
            if n_words < GATE_CACHE_WORD_COUNTS:  # (a bound: a page of lines of every length)
                self._gates[(kind, n_words)] = found
        return found

    def match_vocab(self, text: str, n_words: int) -> VocabRule | None:
        """The first widget-row rule that matches. A row whose first word is no rule's widget word
        matches none (each rule stops at its first word that is not its own): most lines end there."""
        words = self._gates.get("vocab")
        if words is None:
            words = self._gates["vocab"] = frozenset().union(*(v.words for v in self.vocab_rules))
        first = _first_vocab_word(text)
        if first is None or first not in words:
            return None
        for vocab in self.vocab_rules:
            if vocab.applies(text, n_words):
                return vocab
        return None

    def match_section(self, text: str, n_words: int) -> SectionRule | None:
        """The first section rule that matches a header line: ``SectionRule.applies`` in rule order,
        through the same literal gate as ``match_line``."""
        rules = self.section_rules
        for i in bits(self._gate("section", n_words).candidates(text)):
            if rules[i].regex.search(text) is not None:
                return rules[i]
        return None

    def find_dates(self, text: str) -> list[tuple[_dt.date, int]]:
        """All full dates (day, month, year) in ``text`` with their start offsets, in text order."""
        gate = self._gates.get("dates")
        if gate is None:
            gate = self._gates["dates"] = LiteralGate(self.date_regexes, every=True)
        # (most lines hold no year: no regex runs)
        return self.dates_by(text, [self.date_regexes[k] for k in bits(gate.candidates(text))])

    def dates_by(self, text: str, regexes) -> list[tuple[_dt.date, int]]:
        """The full dates that ``regexes`` (date regexes of this language, in their order) find in
        ``text``: at each offset the first regex's; month names read with this language's months."""
        found: dict[int, _dt.date] = {}
        for regex in regexes:
            for m in regex.finditer(text):
                groups = m.groupdict()
                if not groups.get("d") or m.start() in found:
                    continue
                month = groups["m"]
                month_no = int(month) if month.isdigit() else self.months.get(month.lower().rstrip("."))
                if month_no is None:
                    continue
                try:
                    found[m.start()] = _dt.date(int(groups["y"]), int(month_no), int(groups["d"]))
                except (TypeError, ValueError):
                    continue
        return sorted(((d, pos) for pos, d in found.items()), key=lambda x: x[1])


@dataclass(frozen=True)
class Rules:
    """All loaded rules: per-language sets and the outlet registry."""

    languages: dict[str, LanguageRules]
    outlets: tuple[Outlet, ...]
    #: XPath expressions pruned from HTML before extraction
    html_prune_xpath: tuple[str, ...] = ()
    #: (outlet index, signature) for every outlet's signatures, in registry order
    signatures: tuple = ()
    #: the signatures' literal prefilter (``cleaner.prefilter``): one pass over a page finds the few
    #: signatures whose required literal it holds
    signature_gate: LiteralGate | None = dataclasses.field(default=None, compare=False, repr=False)
    #: stopword -> languages whose stoplist holds it: the language vote reads each word once (a
    #: dict, or its ``blockstats.word_table`` for the compiled vote)
    stop_index: dict = dataclasses.field(default_factory=dict, compare=False, repr=False)
    #: the segment stage's words (``segment_words``)
    segment: SegmentWords = dataclasses.field(default_factory=lambda: segment_words([]), compare=False, repr=False)

    def signature_counts(self, lowered_text: str) -> dict[int, int]:
        """Outlet index -> signature matches in the (lowercased) text."""
        counts: dict[int, int] = {}
        if self.signature_gate is None:
            return counts
        for k in bits(self.signature_gate.candidates(lowered_text)):  # most pages hold none
            i, sig = self.signatures[k]
            n = len(sig.findall(lowered_text))
            if n:
                counts[i] = counts.get(i, 0) + n
        return counts

    def for_language(self, language: str | None, default: str) -> LanguageRules:
        return self.languages.get(language or "", self.languages.get(default) or next(iter(self.languages.values())))

    def stopword_hits(self, text: str) -> dict[str, int]:
        """Language -> stopword tokens of ``text`` in its stoplist (one-letter tokens only when Han
        or kana): ``blockstats.stopword_votes`` over the stopword index, compiled when built."""
        hits = {lang: 0 for lang in sorted(self.languages)}
        for lang, n in blockstats.stopword_votes(text, self.stop_index).items():
            hits[lang] += n
        return hits

    def guess_language(self, text: str, default: str) -> str:
        """Stopword vote over the page: cheap, deterministic, good enough to pick a rule set.
        One-letter tokens do not vote (bullets, initials) unless they are Han or kana characters
        (the tokens of Chinese and Japanese), and a language that only borrows a stoplist must
        clearly beat the languages with rule files, since those stoplists hold many foreign words."""
        hits = self.stopword_hits(text)
        own = {lang: h for lang, h in hits.items() if self.languages[lang].own_rules}
        best = max(own, key=lambda lang: (own[lang], lang == default)) if own else default
        best_hits: float = own.get(best, 0)
        for lang, h in hits.items():
            if not self.languages[lang].own_rules and h > BORROWED_MARGIN * best_hits and h > hits.get(best, 0):
                best, best_hits = lang, h / BORROWED_MARGIN
        return best if hits.get(best, 0) > 0 else default


# ------------------------------------------------------------------------------------------ loading


#: every key a rule file may hold, per table (a key not listed is a RuleError with its file and line)
_RULE_KEYS = {"id", "category", "pattern", "phrases", "examples", "counter_examples"}
KEYS = {
    "": {
        "language",
        "stoplist",
        "extra_stopwords",
        "months",
        "dates",
        "line",
        "vocab",
        "section",
        "stoplist_languages",
        "character_stoplists",
        "html",
        "segment",
        "outlet",
        "disable",
        "replace",
    },
    "line": _RULE_KEYS | {"max_words", "min_words", "role"},
    "vocab": {"id", "category", "words", "anchors", "max_words", "examples", "counter_examples"},
    "section": _RULE_KEYS
    | {
        "max_words",
        "resume",
        "override",
        "max_blocks",
        "stop_at_heading",
        "body",
        "ends_at_footer",
        "own_lines_within",
    },
    "outlet": {"name", "domains", "signatures", "min_hits", "line"},
    "outlet.line": _RULE_KEYS | {"max_words", "min_words", "role"},
    "html": {"prune_xpath"},
    "segment": {"open_end_words", "no_join_words", "credit_labels"},
}
#: tables whose items a user file merges by their key (same key: replaced in place; new: put first)
_MERGED_BY = {"line": "id", "vocab": "id", "section": "id", "outlet": "name"}
_TABLE_HEADER = re.compile(r"^\s*\[(\[)?\s*([\w.]+)\s*\]")
_KEY_LINE = re.compile(r"^\s*([\w-]+)\s*=")


def _key_lines(text: str) -> dict[tuple[str, int, str], int]:
    """(table, its item number, key) -> line number of each ``key =`` line of a TOML file (table ""
    is the top level; the items of an array of tables are numbered from 0), outside multi-line strings."""
    lines: dict[tuple[str, int, str], int] = {}
    counts: dict[str, int] = {}
    table, item, quote = "", 0, None
    for no, line in enumerate(text.splitlines(), 1):
        if quote is None:
            head = _TABLE_HEADER.match(line)
            if head:
                table = head.group(2)
                item = counts[table] = counts.get(table, -1) + 1 if head.group(1) else 0
            elif key := _KEY_LINE.match(line):
                lines.setdefault((table, item, key.group(1)), no)
        for q in ("'''", '"""'):  # (a pattern between triple quotes may span lines)
            if (quote is None or quote == q) and line.count(q) % 2:
                quote = q if quote is None else None
    return lines


def _check_keys(data: dict, path: Path, text: str) -> None:
    """Every key of ``data`` is one ``KEYS`` lists; else a RuleError naming the file and line."""
    lines = None

    def unknown(table: str, item: int, key: str, allowed: set) -> RuleError:
        nonlocal lines
        lines = _key_lines(text) if lines is None else lines
        at = lines.get((table, item, key))
        return RuleError(
            f"{path}{f':{at}' if at else ''}: unknown key {key!r}"
            f"{f' in [[{table}]]' if table else ''} (known: {', '.join(sorted(allowed))})"
        )

    for key in data:
        if key not in KEYS[""]:
            raise unknown("", 0, key, KEYS[""])
    line_items = 0  # (an outlet's [[outlet.line]] items are numbered across the file)
    for table in ("line", "vocab", "section", "outlet", "html", "segment"):
        items = data.get(table, [])
        for i, item in enumerate(items if isinstance(items, list) else [items]):
            if not isinstance(item, dict):
                raise RuleError(f"{path}: [[{table}]] item {i + 1} is not a table")
            for key in item:
                if key not in KEYS[table]:
                    raise unknown(table, i, key, KEYS[table])
            for sub in item.get("line", []) if table == "outlet" else ():
                for key in sub:
                    if key not in KEYS["outlet.line"]:
                        raise unknown("outlet.line", line_items, key, KEYS["outlet.line"])
                line_items += 1


def _read_rule_file(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"{path}: {exc}") from None
    _check_keys(data, path, text)
    for table, by in _MERGED_BY.items():
        seen = set()
        for item in data.get(table, []):
            key = item.get(by)
            if not isinstance(key, str) or not key:
                raise RuleError(f"{path}: every [[{table}]] needs a {by}")
            if key in seen:
                raise RuleError(f"{path}: two [[{table}]] items have the {by} {key!r}")
            seen.add(key)
            item["_where"] = str(path)  # (messages name the file a rule came from)
    return data


def _layer(base: dict, user: dict, path: Path) -> dict:
    """``user`` over ``base``: rules merged by id (outlets by name), ``disable`` removes packaged rules
    or outlets, lists of values are extended, tables of values updated, other keys replaced."""
    if user.get("replace"):
        return {k: v for k, v in user.items() if k not in ("replace", "disable")}
    out = dict(base)
    for key, value in user.items():
        if key in ("replace", "disable"):
            continue
        if key in _MERGED_BY:
            by = _MERGED_BY[key]
            mine = {item.get(by): item for item in value}
            kept = [mine.pop(item.get(by), item) for item in base.get(key, [])]
            out[key] = [item for item in value if item.get(by) in mine] + kept
        elif isinstance(value, list) and isinstance(base.get(key), list):
            out[key] = base[key] + [v for v in value if v not in base[key]]
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = _layer(base[key], value, path) if key in ("html", "segment") else {**base[key], **value}
        else:
            out[key] = value
    disable = user.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(d, str) for d in disable):
        raise RuleError(f"{path}: disable must be a list of rule ids or outlet names")
    gone = set(disable)
    for key, by in _MERGED_BY.items():
        if key in out:
            present = {item.get(by) for item in out[key]}
            out[key] = [item for item in out[key] if item.get(by) not in gone]
            gone -= present
    if gone:
        raise RuleError(f"{path}: disable names no packaged rule or outlet: {', '.join(sorted(gone))}")
    return out


def _rule_data(rules_dirs: tuple[str, ...]) -> dict[str, tuple[Path, dict]]:
    """File name -> (the file that names it in messages, its data with every user folder layered over it)."""
    files = {p.name: (p, _read_rule_file(p)) for p in sorted(PACKAGE_RULES.glob("*.toml"))}
    for d in rules_dirs:
        folder = Path(d)
        if not folder.is_dir():
            raise RuleError(f"{d}: rules folder does not exist")
        for p in sorted(folder.glob("*.toml")):
            data = _read_rule_file(p)
            files[p.name] = (p, _layer(files[p.name][1], data, p) if p.name in files else data)
    return files


def _compile(pattern: str, where: str, subst: dict[str, str]) -> re.Pattern:
    for key, value in subst.items():
        pattern = pattern.replace("{" + key + "}", value)
    try:
        return re.compile(pattern, FLAGS)
    except re.error as exc:
        raise RuleError(f"{where}: bad pattern: {exc}") from None


def _examples(item: dict, where: str) -> dict:
    """A rule's ``examples`` and ``counter_examples``: lists of strings."""
    out = {}
    for key in ("examples", "counter_examples"):
        value = item.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RuleError(f"{where}: {key} must be a list of strings")
        out[key] = tuple(value)
    return out


def _rule_pattern(item: dict, where: str, subst: dict[str, str]) -> re.Pattern:
    """The rule's ``pattern``, its ``{phrases}`` the rule's ``phrases`` list as one alternation (in order)."""
    if "pattern" not in item:
        raise RuleError(f"{where}: needs a pattern")
    phrases = item.get("phrases")
    if phrases is not None:
        if not isinstance(phrases, list) or not phrases or not all(isinstance(p, str) and p for p in phrases):
            raise RuleError(f"{where}: phrases must be a list of non-empty patterns")
        if "{phrases}" not in item["pattern"]:
            raise RuleError(f"{where}: has phrases but its pattern has no {{phrases}}")
        subst = {**subst, "phrases": "(?:" + "|".join(phrases) + ")"}
    return _compile(item["pattern"], where, subst)


def _line_rules(items: list, where: str, subst: dict[str, str]) -> list[LineRule]:
    rules = []
    for item in items:
        where = item.get("_where", where)
        rid, cat = item.get("id"), item.get("category")
        if not rid or cat not in CATEGORIES:
            raise RuleError(f"{where}: rule {rid!r} needs an id and a category from {CATEGORIES}")
        role = item.get("role")
        if role is not None and role not in ROLES:
            raise RuleError(f"{where}: rule {rid!r} has role {role!r}; roles: {', '.join(sorted(ROLES))}")
        rules.append(
            LineRule(
                rid,
                cat,
                _rule_pattern(item, f"{where} rule {rid}", subst),
                item.get("max_words"),
                item.get("min_words"),
                role,
                **_examples(item, f"{where} rule {rid}"),
            )
        )
    return rules


def _month_alternation(months: dict) -> str:
    names = sorted(months, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(n) for n in names) + ")"


def _language(path: Path, data: dict, common: dict) -> LanguageRules:
    where = str(path)  # (each rule names the file it came from: ``_where``)
    lang = data.get("language") or path.stem
    months = {k.lower(): int(v) for k, v in data.get("months", {}).items()}
    month_alt = _month_alternation(months) if months else r"(?!x)x"
    date_sources = [p.replace("{month}", month_alt) for p in common.get("dates", []) + data.get("dates", [])]
    date_regexes = tuple(re.compile(r"(?<![\w.])" + p + r"(?!\d)", FLAGS) for p in date_sources)
    any_date = "(?:" + "|".join(_NAMED_GROUP.sub("(?:", p) for p in date_sources) + ")"
    subst = {"date": any_date, "month": month_alt}
    # the language's own rules first: they are more specific (a date line is a byline, not a phone number)
    line = _line_rules(data.get("line", []), where, subst) + _line_rules(common.get("line", []), "common.toml", subst)
    vocab = []
    for item in common.get("vocab", []) + data.get("vocab", []):
        at = item.get("_where", where)
        if item.get("category") not in CATEGORIES or "id" not in item or "words" not in item:
            raise RuleError(f"{at}: vocab rule {item.get('id')!r} needs an id, words and a category from {CATEGORIES}")
        vocab.append(
            VocabRule(
                item["id"],
                item["category"],
                frozenset(w.lower() for w in item["words"]),
                frozenset(w.lower() for w in item.get("anchors", item["words"])),
                item.get("max_words", 14),
                **_examples(item, f"{at} vocab rule {item['id']}"),
            )
        )
    sections = []
    for item in common.get("section", []) + data.get("section", []):
        at = item.get("_where", where)
        if item.get("category") not in CATEGORIES or "id" not in item:
            raise RuleError(f"{at}: section rule {item.get('id')!r} needs an id and a category from {CATEGORIES}")
        sections.append(
            SectionRule(
                item["id"],
                item["category"],
                _rule_pattern(item, f"{at} section {item['id']}", subst),
                item.get("max_words", 10),
                item.get("resume", 1),
                item.get("override", True),
                item.get("max_blocks"),
                item.get("stop_at_heading", False),
                _compile(item["body"], f"{at} section {item['id']} body", subst) if item.get("body") else None,
                item.get("ends_at_footer", False),
                item.get("own_lines_within", 0),
                **_examples(item, f"{at} section {item['id']}"),
            )
        )
    stoplist = data.get("stoplist")
    try:
        stopwords = frozenset(w.lower() for w in justext.get_stoplist(stoplist)) if stoplist else frozenset()
    except ValueError:
        raise RuleError(f"{where}: unknown jusText stoplist {stoplist!r}") from None
    stopwords |= frozenset(w.lower() for w in data.get("extra_stopwords", []))
    return LanguageRules(lang, stopwords, tuple(line), tuple(vocab), tuple(sections), date_regexes, months)


def _outlets(data: dict) -> tuple[Outlet, ...]:
    out = []
    for item in data.get("outlet", []):
        name, path = item.get("name"), item.get("_where", "outlets.toml")
        if not name:
            raise RuleError(f"{path}: every outlet needs a name")
        sigs = tuple(_compile(s, f"{path} outlet {name}", {}) for s in item.get("signatures", []))
        lines = tuple(_line_rules(item.get("line", []), f"{path} outlet {name}", {}))
        out.append(
            Outlet(name, tuple(d.lower() for d in item.get("domains", [])), sigs, int(item.get("min_hits", 2)), lines)
        )
    return tuple(out)


def example_failures(rules: Rules) -> list[str]:
    """Every rule's ``examples`` it does not claim and ``counter_examples`` it does, one line each
    (language, rule, line): a line is judged as written, with its word count as the rules stage counts it."""
    checks = [
        (lang, kind, rule, rules.languages[lang].stop_table())
        for lang in sorted(rules.languages)
        for kind, group in (
            ("line", rules.languages[lang].line_rules),
            ("vocab", rules.languages[lang].vocab_rules),
            ("section", rules.languages[lang].section_rules),
        )
        for rule in group
    ]
    if rules.languages:  # (an outlet's rules hold for every language; word counts need no stoplist)
        checks += [
            ("outlet " + o.name, "line", r, blockstats.word_table(frozenset()))
            for o in rules.outlets
            for r in o.line_rules
        ]
    failures = []
    for where, kind, rule, table in checks:
        for wanted, lines in ((True, rule.examples), (False, rule.counter_examples)):
            for line in lines:
                words = blockstats.features_of(blockstats.block_counts(line, table))["words"]
                if rule.applies(line, words) != wanted:
                    what = "does not claim its example" if wanted else "claims its counter-example"
                    failures.append(f"{where}: {kind} rule {rule.id} {what} {line!r}")
    return failures


@lru_cache(maxsize=8)
def load_rules(rules_dirs: tuple[str, ...] = ()) -> Rules:
    """Load and compile every rule file once per folder list (cached: rules are immutable)."""
    files = _rule_data(tuple(rules_dirs))
    common_path, common = files.get("common.toml", (PACKAGE_RULES / "common.toml", {}))
    languages = {}
    segment_tables = [common.get("segment", {})]
    for name, (path, data) in files.items():
        if name in ("common.toml", "outlets.toml"):
            continue
        lr = _language(path, data, common)
        languages[lr.language] = lr
        segment_tables.append(data.get("segment", {}))
    if not languages:
        raise RuleError("no language rule files found")
    for lang, stoplist in sorted(common.get("stoplist_languages", {}).items()):
        if lang not in languages:
            borrowed = _language(common_path, {"language": lang, "stoplist": stoplist}, common)
            languages[lang] = dataclasses.replace(borrowed, own_rules=False)
    for lang, chars in sorted(common.get("character_stoplists", {}).items()):
        if lang not in languages:  # (a rule file of the language's own brings its own stoplist)
            borrowed = _language(common_path, {"language": lang, "extra_stopwords": list(chars)}, common)
            languages[lang] = dataclasses.replace(borrowed, own_rules=False)
    prune = tuple(common.get("html", {}).get("prune_xpath", []))
    outlets = _outlets(files["outlets.toml"][1]) if "outlets.toml" in files else ()
    signatures = tuple((i, sig) for i, o in enumerate(outlets) for sig in o.signatures)
    gate = LiteralGate([sig for _, sig in signatures], every=True) if signatures else None
    index: dict[str, list[str]] = {}
    for lang in sorted(languages):
        for w in languages[lang].stopwords:
            index.setdefault(w, []).append(lang)
    return Rules(
        languages,
        outlets,
        prune,
        signatures,
        gate,
        blockstats.word_table({w: tuple(v) for w, v in index.items()}),
        segment_words(segment_tables),
    )
