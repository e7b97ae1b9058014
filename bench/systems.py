"""The systems compared by the harness, each a function from a prepared page to output text."""

from __future__ import annotations

import justext
import trafilatura

from cleaner import Cleaner

#: langdetect code -> jusText stoplist name, for the languages in the benchmarks
JUSTEXT_LANG = {
    "de": "German",
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "pl": "Polish",
    "ru": "Russian",
    "ko": "Korean",
    "ja": "Japanese",
    "zh-cn": "Chinese",
    "tr": "Turkish",
    "sv": "Swedish",
    "da": "Danish",
    "no": "Norwegian_Bokmal",
    "fi": "Finnish",
    "cs": "Czech",
    "hu": "Hungarian",
    "el": "Greek",
    "ro": "Romanian",
    "uk": "Ukrainian",
    "id": "Indonesian",
    "vi": "Vietnamese",
    "ar": "Arabic",
}


def make_systems(cleaner: Cleaner, fast_cleaner: Cleaner) -> dict:
    """name -> (input kind, function). Input kind ``html`` gets the page's HTML string, ``text`` the
    page rendered to text with inscriptis."""

    def cleaner_text_of(rendering: str):
        """Text mode on one rendering of the page (a field of the prepared page): the inscriptis
        text, and the renderings whose quirks the cleaner must not depend on: bs4 (no layout, a
        line per text node), the inscriptis text wrapped at 78 columns, markdownify's Markdown, lynx
        (link numbers, address list, 74 columns), w3m (tables side by side, bullets "•", "□"),
        elinks (like lynx; a link's title and address on two lines), html2text (Markdown wrapped at
        78 columns, links and addresses broken over lines)."""

        def clean(p):
            return cleaner.clean_text(getattr(p, rendering), source=p.key, url=p.url).text

        return clean

    def cleaner_html(p):
        return cleaner.clean_html(p.html, source=p.key, url=p.url).text

    def cleaner_html_fast(p):
        return fast_cleaner.clean_html(p.html, source=p.key, url=p.url).text

    def traf(p):
        return trafilatura.extract(p.html, url=p.url) or ""

    def traf_fast(p):
        return trafilatura.extract(p.html, url=p.url, fast=True) or ""

    def jt(p):
        stoplist = justext.get_stoplist(JUSTEXT_LANG.get(p.lang, "English"))
        paras = justext.justext(p.html.encode("utf-8"), stoplist, encoding="utf-8")
        return "\n".join(x.text for x in paras if not x.is_boilerplate)

    def keep_all(p):
        return p.text

    return {
        "cleaner text": ("text", cleaner_text_of("text")),
        "cleaner text, bs4 render": ("text", cleaner_text_of("text_bs4")),
        "cleaner text, 78-column wrap": ("text", cleaner_text_of("text_wrapped")),
        "cleaner text, Markdown render": ("text", cleaner_text_of("text_markdown")),
        "cleaner text, lynx -dump": ("text", cleaner_text_of("text_lynx")),
        "cleaner text, w3m -dump": ("text", cleaner_text_of("text_w3m")),
        "cleaner text, elinks -dump": ("text", cleaner_text_of("text_elinks")),
        "cleaner text, html2text": ("text", cleaner_text_of("text_html2text")),
        "cleaner html": ("html", cleaner_html),
        "cleaner html, fast extraction": ("html", cleaner_html_fast),
        "trafilatura": ("html", traf),
        "trafilatura fast": ("html", traf_fast),
        "jusText": ("html", jt),
        "keep-all text": ("text", keep_all),
        "keep-all text, bs4 render": ("text", lambda p: p.text_bs4),
        "keep-all text, 78-column wrap": ("text", lambda p: p.text_wrapped),
        "keep-all text, Markdown render": ("text", lambda p: p.text_markdown),
        "keep-all text, lynx -dump": ("text", lambda p: p.text_lynx),
        "keep-all text, w3m -dump": ("text", lambda p: p.text_w3m),
        "keep-all text, elinks -dump": ("text", lambda p: p.text_elinks),
        "keep-all text, html2text": ("text", lambda p: p.text_html2text),
    }
