"""The classifier's thresholds as one frozen value, passed down through the stages like trafilatura's
options (``Settings(thresholds=Thresholds(length_high=250))`` varies them for a run). The defaults
are jusText's where jusText has one and tuned on the benchmarks' train halves otherwise; a change
changes outputs (the block model was trained with these)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    # ------------------------------------------------------------------ jusText's
    length_low: int = 70  # characters: shorter blocks are "short" and take their class from neighbours
    length_high: int = 200  # characters: longer blocks with enough stopwords are "good"
    stopwords_low: float = 0.30  # stopword density below this: "bad"
    stopwords_high: float = 0.32  # stopword density at or above this: "good" (if long) or "near-good"
    max_link_density: float = 0.2  # share of characters inside URLs above which a block is "bad"
    max_heading_distance: int = 200  # characters: a heading this close above good text is near-good
    # ------------------------------------------------------------------ our own
    heading_max_words: int = 15  # a heading or title line has at most this many words ...
    title_max_words: int = 30  # ... a title a few more
    title_merge_max_words: int = 6  # a short "Ort:" line directly above the title line joins it ("Dortmund:")
    menu_min_tokens: int = 4  # a line of this many capitalised words, nearly no stopwords, is a menu
    menu_max_stopwords: float = 0.2  # ("Lokales Region Sport": German stoplists hold some nouns)
    caption_max_words: int = 25  # a line right above a photo credit this short is the photo's caption
    contact_name_max_words: int = 6  # a line right above an address or phone line this short names the contact
    lenient_prose_min_words: int = 12  # near-good sentences this long count as prose where a section needs several
    short_paragraph_run: int = (
        2  # ... and this many of them in a row end even a list section (news paragraphs are short)
    )
    header_keep_score: float = 0.5  # a line the model calls content is not page header
    title_keep_score: float = 0.7  # ... nor the title (WCXB: a page's title is often in its gold body too)
    give_back_headings: int = (
        1  # a section that ends where an article starts returns the heading (dek or title) above it
    )
    dup_min_chars: int = 40  # shorter repeats ("mehr", "Teilen", a name line) are left to the other stages
    copied_min_share: float = 1 / 3  # (HTML) a copied run of lines this share of the page is the body extracted again
    merged_min_part_chars: int = 60  # parts of a glued-together block must be at least this long ...
    merged_min_coverage: float = 0.7  # ... and together cover this share of it
    dateline_window: int = 40  # characters: a date this close to a paragraph's start is its dateline


#: the shipped thresholds
DEFAULTS = Thresholds()
