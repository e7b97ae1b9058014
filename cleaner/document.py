"""The data that flows through the pipeline: a Document made of Blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # (ruleset imports this module)
    from .ruleset import SectionRule

#: white space other than newline and space that an output field must not carry (the last guard: the
#: pipeline removes control characters from its inputs, ``readers.scrub_text``)
_OUTPUT_SPACE = re.compile("[\t\r\f\v\x1c-\x1f\x85\u2028\u2029]")


def _out(value: str | None) -> str | None:
    return _OUTPUT_SPACE.sub(" ", value) if value and _OUTPUT_SPACE.search(value) else value


#: boilerplate categories; every dropped block carries one of these
CATEGORIES = (
    "navigation",  # menus, breadcrumbs, skip links, section labels, tags, header/footer lines
    "ad",  # "Anzeige", advertisement labels and their leftovers
    "most_read",  # "Meistgelesen" / most-read / popular lists
    "related",  # "Mehr zum Thema", "Das könnte Sie auch interessieren", teaser blocks
    "comments",  # comment headers, comment forms and comment bodies
    "share",  # share / print / mail widgets
    "caption",  # image credits and captions
    "notice",  # newsletter, subscription, paywall, cookie, publisher notices, legal lines
    "contact",  # press contacts, addresses, phone / e-mail lines
    "link",  # link-only lines ("Weitere Informationen: www...")
    "byline",  # date and author lines (their date may be used as metadata)
    "duplicate",  # a repeat of another block of the same page
    "template",  # a line that recurs across many pages of one outlet (corpus-level)
    "other",  # dropped by the content score, no rule named it
)

#: the stages that decide a block (cleaner/classify.py's docstring numbers them)
STAGES = (
    "segment",  # 1: a flood of one repeated line
    "context-free",  # 2: a line, widget-row or menu rule, or a neighbour's (a caption above its credit)
    "sections",  # 3: a section header and the blocks under it
    "duplicates",  # 4: a repeat or a merged copy
    "decision",  # 5: the block model's score, or jusText's context revision
    "header",  # 6: page header above the title, and the title
    "metadata",  # (HTML) the title the extractor found
)

CONTENT = "content"
BOILERPLATE = "boilerplate"
TITLE = "title"


@dataclass
class Block:
    """One line or paragraph of a page, with the decision about it and why."""

    index: int
    text: str
    line: int  # 1-based line number in the input text (or paragraph number for HTML)
    gap_before: int = 0  # blank lines before this block in the input
    label: str = CONTENT  # content | boilerplate | title
    category: str | None = None
    #: why, for people (records, ``explain``): built where the decision is made and read by no stage;
    #: the stages read the fields below
    reason: str = ""
    #: the stage that decided the label (``STAGES``); None for a block no stage has judged yet
    stage: str | None = None
    #: the id of the line, widget-row or section rule that dropped the block
    rule: str | None = None
    #: that line rule's role for its neighbours (``ruleset.ROLES``: "credit", "contact")
    role: str | None = None
    #: the id of the section rule whose header or body the block is (stage 3)
    section: str | None = None
    #: content probability from the heuristic or model (None where rules alone decided)
    score: float | None = None
    #: context-free class from the heuristic stage: good | near-good | short | bad
    cf_class: str = ""
    features: dict[str, Any] = field(default_factory=dict)
    #: the section rule (``ruleset.SectionRule``) that this line would open as a header, judged on
    #: the line alone by the rules stage; whether it opens one depends on its place (classify stage 3)
    header: SectionRule | None = field(default=None, repr=False, compare=False)
    #: the line's character and token counts (``blockstats.own_counts``), measured by the rules stage
    #: with its other counts and read by the model's features; () where no rules stage ran
    counts: tuple = field(default=(), repr=False, compare=False)
    #: the text compared for repetition (``classify.norm_key``), measured by the rules stage and read
    #: by the duplicate stage and the model's features; None where no rules stage ran
    key: str | None = field(default=None, repr=False, compare=False)
    #: the model's numeric context-free columns (``blockstats.OWN_NUMBERS``), measured by the rules
    #: stage with the counts and read by the model's features; () where no rules stage ran
    numbers: tuple = field(default=(), repr=False, compare=False)
    #: the heading level the line had in its source (an HTML ``<h2>``: 2; Markdown ``## ``: 2), 0 for
    #: none: Markdown output writes it back (``Document.markdown``)
    heading: int = field(default=0, compare=False)
    #: where the line stood in its HTML page (``dom.MARKS``: main frame, boilerplate markup, link
    #: share, tag), from cleaner's own extraction only; None elsewhere. The model reads it
    dom: tuple | None = field(default=None, repr=False, compare=False)

    @property
    def kept(self) -> bool:
        return self.label == CONTENT

    def drop(
        self,
        category: str,
        reason: str,
        *,
        stage: str,
        rule: str | None = None,
        role: str | None = None,
        section: str | None = None,
    ) -> None:
        """Drop the block as ``category``; ``stage``, ``rule``, ``role`` and ``section`` replace what an
        earlier stage recorded (a section that overrides a line rule passes the rule on)."""
        assert category in CATEGORIES, category
        assert stage in STAGES, stage
        self.label = BOILERPLATE
        self.category = category
        self.reason = reason
        self.stage, self.rule, self.role, self.section = stage, rule, role, section

    def judge(self, label: str, reason: str, *, stage: str) -> None:
        """Give the block ``label`` without a category (a title; a block the content score or
        context dropped, whose category stage 7 gives): no rule decided it."""
        assert stage in STAGES, stage
        self.label, self.category, self.reason = label, None, reason
        self.stage, self.rule, self.role, self.section = stage, None, None, None


@dataclass
class Document:
    """A cleaned page: the kept text, every block with its decision, and metadata with provenance."""

    source: str
    id: str
    format: str  # text | html
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    url: str | None = None
    date: str | None = None
    date_source: str | None = None
    outlet: str | None = None
    outlet_source: str | None = None
    #: (HTML) what the page declares, or with ``Settings.full_metadata`` what trafilatura finds in it
    author: str | None = None
    author_source: str | None = None  # html:metadata | html:markup | input:metadata
    description: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    language_prob: float | None = None
    rules_language: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # passthrough metadata from the input
    #: the record's ``text``: ``plain`` (the kept lines) or ``markdown`` (headings as ``## ``; list
    #: items keep their markers either way)
    text_format: str = "plain"

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks if b.kept)

    @property
    def markdown(self) -> str:
        """The kept text as Markdown: each heading line with its level's hashes."""
        return "\n".join(("#" * b.heading + " " + b.text) if b.heading else b.text for b in self.blocks if b.kept)

    @property
    def removed(self) -> dict[str, int]:
        counts = {c: 0 for c in CATEGORIES}
        for b in self.blocks:
            if b.label == BOILERPLATE:
                counts[b.category or "other"] += 1
        return counts

    def to_record(self, keep_removed: bool = True) -> dict[str, Any]:
        """The JSONL record; key order is fixed so output is byte-stable."""
        rec: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "format": self.format,
            "url": self.url,
            "title": _out(self.title),
            "date": self.date,
            "date_source": self.date_source,
            "outlet": self.outlet,
            "outlet_source": self.outlet_source,
            "author": _out(self.author),
            "author_source": self.author_source,
            "description": _out(self.description),
            "categories": [_out(c) for c in self.categories],
            "tags": [_out(t) for t in self.tags],
            "language": self.language,
            "language_prob": self.language_prob,
            "text": _out(self.markdown if self.text_format == "markdown" else self.text),
            "removed": self.removed,
        }
        if keep_removed:
            rec["removed_blocks"] = [
                {"line": b.line, "category": b.category, "reason": b.reason, "text": _out(b.text)}
                for b in self.blocks
                if b.label == BOILERPLATE
            ]
        if self.meta:
            rec["meta"] = dict(sorted(self.meta.items()))
        return rec
