"""Link-numbered dumps (``lynx -dump``, ``elinks -dump``): the
renderer writes "[12]" before every link's text and appends a "References" list of the numbered
addresses. The segment stage drops the list first, so the unwrapping stage sees a page without
address lines longer than its wrap width; then it unwraps (the renderer wrapped the lines with the
markers in them); then it takes the markers out, so the later stages see the words a reader sees
(a marker glued to a word breaks both the word and every snippet around it). A line stays a line,
so line numbers still point into the input."""

from __future__ import annotations

import re

#: a page is link-numbered when it has this many markers ...
MIN_MARKERS = 5
#: ... whose numbers rise from one marker to the next at least this often (renderers number links
#: in page order; hidden links and form fields take numbers too, so steps may skip)
MIN_RISING = 0.8
#: the lines after a "References" heading are the reference list when this share of them are
#: numbered addresses (the rest: addresses with a line break in them)
MIN_REFERENCE_SHARE = 0.9

# a marker stands right before its link's text; a citation mark "[3]" stands after a word and is
# followed by a space or punctuation, so it does not count
_MARKER = re.compile(r"\[(\d{1,5})\](?=[^\s.,;:!?)\]])")
# a marker whose link has no text (an image link) ends the line; when the renderer wrapped it onto
# a line of its own, unwrapping glued it to the text before, after a space (a citation mark follows
# its word directly)
_TRAILING_MARKER = re.compile(r"(?<=\S)\s+\[\d{1,5}\]\s*$")
#: an image link without text, as lynx and elinks print it on a line of its own: its bare number
BARE_NUMBER = re.compile(r"^\[\d{1,5}\]$")
# what a link-numbered renderer prints for an image without alt text: its file name or a placeholder
_IMAGE = re.compile(
    r"\[(?:[^\[\]\s/]{1,200}\.(?:png|jpe?g|gif|svg|webp|bmp|ico)|IMG|INLINE|LINK|image)\]", re.IGNORECASE
)
_REFERENCES = re.compile(r"^\s*References\s*$")
# what the reference list holds: its two headings and "  12. https://…" lines (any scheme:
# "javascript: void(0);", "mailto:", "whatsapp://send?text=…" with spaces in it)
_REFERENCE_LINE = re.compile(r"^\s*(?:(?:Visible|Hidden) links:?|\d{1,5}\.\s+[A-Za-z][\w+.-]{0,30}:.*)\s*$")
_NUMBERED = re.compile(r"^\s*\d{1,5}\.\s")
_ADDRESS = re.compile(r"^\s+[A-Za-z][\w+.-]{0,30}:\S*\s*$")


def looks_link_numbered(text: str) -> bool:
    numbers = [int(m) for m in _MARKER.findall(text)]
    if len(numbers) < MIN_MARKERS:
        return False
    rising = sum(1 for a, b in zip(numbers, numbers[1:]) if b > a)
    return rising >= MIN_RISING * (len(numbers) - 1)


def drop_reference_list(text: str) -> str:
    """The dump without its closing reference list (its lines kept in place, emptied)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _REFERENCES.match(line):
            rest = [r for r in lines[i + 1 :] if r.strip()]
            # an address with a line break in it (a mailto body, a share text) goes on unnumbered;
            # elinks writes a link's title after its number and the address on the next line
            listed = sum(
                1
                for r, after in zip(rest, rest[1:] + [""])
                if _REFERENCE_LINE.match(r) or _ADDRESS.match(r) or (_NUMBERED.match(r) and _ADDRESS.match(after))
            )
            if rest and _REFERENCE_LINE.match(rest[0]) and listed >= MIN_REFERENCE_SHARE * len(rest):
                return "\n".join(lines[:i] + [""] * (len(lines) - i))
    return text


def strip_markers(line: str) -> str:
    """A line of a link-numbered dump without its link numbers and address-only images."""
    return _IMAGE.sub("", _TRAILING_MARKER.sub("", _MARKER.sub("", line)))
