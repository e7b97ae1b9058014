"""Markdown dumps (html2text, markdownify, reader services that hand pages to language models): the
markup is taken out before segmentation, so the stages see the words a reader sees. A link keeps
its text and loses its address, an image goes (its alt text is a caption at best), heading marks,
bold/italic runs and backslash escapes go; a line stays a line, so line numbers still point into
the input. Pages without Markdown are returned unchanged."""

from __future__ import annotations

import re

#: a page is Markdown when it has this many inline links or images ...
MIN_LINKS = 3
#: ... or this many ATX headings ("## Title") together with at least one link
MIN_HEADINGS = 2
#: link texts (and headings, bold runs) longer than this are not taken as one (a stray "[" far from
#: its "](", a "**" without its pair): it also bounds the work on a pathological line
MAX_LINK_TEXT = 600

# a link target: an address without spaces (one level of parentheses inside, as in Wikipedia
# addresses; html2text breaks a long one after a hyphen), optionally followed by a quoted title
_TARGET = r"\((?:[^()\s]|-\n|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
_IMAGE = re.compile(r"!\[[^\]]{0,%d}\]%s" % (MAX_LINK_TEXT, _TARGET))
_LINK = re.compile(r"\[([^\[\]]{0,%d})\]%s" % (MAX_LINK_TEXT, _TARGET))
_REF_LINK = re.compile(r"\[([^\[\]\n]{1,%d})\]\[[^\[\]\n]*\]" % MAX_LINK_TEXT)
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s+\S+.*$", re.MULTILINE)
_HEADING = re.compile(r"^( {0,3})#{1,6}[ \t]+([^\n]{0,%d}?)(?:[ \t]+#+)?[ \t]*$" % MAX_LINK_TEXT, re.MULTILINE)
_STRONG = re.compile(r"(\*\*|__)(?=\S)([^\n]{1,%d}?)(?<=\S)\1" % MAX_LINK_TEXT)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_PROBE = re.compile(r"\]\((?:https?:|/|#|mailto:|\.)")


def _line_breaks(m: re.Match) -> str:
    """What a piece of markup leaves behind: its line breaks, so every line stays where it was."""
    return "\n" * m.group(0).count("\n")


def _text_and_line_breaks(m: re.Match) -> str:
    return m.group(1) + "\n" * (m.group(0).count("\n") - m.group(1).count("\n"))


#: an ATX heading's hashes at a line's start (its level)
_HEADING_LEVEL = re.compile(r"^ {0,3}(#{1,6})[ \t]+\S")


def heading_level(line: str) -> int:
    """The level of a Markdown heading line ("## Titel": 2), 0 for any other line."""
    m = _HEADING_LEVEL.match(line)
    return len(m.group(1)) if m else 0


def looks_like_markdown(text: str) -> bool:
    links = len(_PROBE.findall(text))
    return links >= MIN_LINKS or (links >= 1 and len(_HEADING.findall(text)) >= MIN_HEADINGS)


def strip_markdown(text: str, force: bool = False) -> str:
    """The text of a Markdown page with its inline markup taken out (lines kept in place); other
    text is returned as it is, unless ``force`` (the caller has already looked)."""
    if not force and not looks_like_markdown(text):
        return text
    text = _IMAGE.sub(_line_breaks, text)
    text = _LINK.sub(_text_and_line_breaks, text)  # after images: "[![logo](a.png)](/)" is an image in a link
    text = _REF_LINK.sub(r"\1", text)
    text = _LINK_DEFINITION.sub("", text)
    text = _HEADING.sub(r"\1\2", text)
    text = _STRONG.sub(r"\2", text)
    return _ESCAPE.sub(r"\1", text)
