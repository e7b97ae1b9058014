"""Markdown dumps: the markup goes before segmentation, the words and the lines stay."""

from cleaner import Cleaner
from cleaner.markdown import looks_like_markdown, strip_markdown
from conftest import ROOT


PAGE = """[![Stadtanzeiger](/img/logo.png)](https://www.example.de/)

* [Lokales](https://www.example.de/lokales/)
* [Sport](https://www.example.de/sport/ "Alle Sportmeldungen")

## Feuerwehr rettet Katze aus der Linde am Marktplatz ##

Die **Freiwillige Feuerwehr** ist am Dienstag zu einem Einsatz am [Marktplatz](https://de.wikipedia.org/wiki/Markt_(Platz)) ausgerückt.

![Die Drehleiter am Marktplatz](https://www.example.de/img/leiter.jpg)

Mehr dazu im [Einsatzbericht][1] der Wehr, Stichwort 3\\_B\\_Tier.

[Die Feuerwehr im
Porträt](https://www.example.de/portraet/)

[1]: https://www.example.de/bericht.pdf
"""


def test_markup_goes_and_lines_stay():
    out = strip_markdown(PAGE)
    assert len(out.splitlines()) == len(PAGE.splitlines())
    assert out.splitlines() == [
        "",
        "",
        "* Lokales",
        "* Sport",
        "",
        "Feuerwehr rettet Katze aus der Linde am Marktplatz",
        "",
        "Die Freiwillige Feuerwehr ist am Dienstag zu einem Einsatz am Marktplatz ausgerückt.",
        "",
        "",
        "",
        "Mehr dazu im Einsatzbericht der Wehr, Stichwort 3_B_Tier.",
        "",
        "Die Feuerwehr im",
        "Porträt",
        "",
        "",
    ]


def test_text_without_markdown_is_left_as_it_is():
    """Brackets, stars and hashes in an ordinary dump are not markup to take out."""
    text = (
        "[Anzeige] Sommerfest am **Samstag**\n# 3 der Tabelle\n"
        "Der Verein (gegründet 1920) lädt ein [mehr](https://example.de/fest).\n"
    )
    assert not looks_like_markdown(text)
    assert strip_markdown(text) == text


def test_a_markdown_dump_of_a_page_cleans_like_its_text():
    """Each golden text page in raw/, turned into Markdown the way converters write it (menu and
    teaser lines as links, the title as a heading, bold runs), keeps exactly the same text."""
    cleaner = Cleaner()
    pages = sorted(ROOT.glob("raw/*.txt"))
    assert pages
    for path in pages:
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        md, first = [], True
        for i, line in enumerate(lines):
            words = line.split()
            if first and len(words) >= 4:
                md.append("## " + line.strip())
                first = False
            elif 0 < len(words) <= 6:
                md.append(f"[{line.strip()}](https://www.example.de/{i}.html)")
            elif len(words) > 6:
                md.append(" ".join(words[:2]) + " **" + " ".join(words[2:4]) + "** " + " ".join(words[4:]))
            else:
                md.append(line)
        markdown = "\n".join(md)
        assert looks_like_markdown(markdown), path.name
        assert cleaner.clean_text(markdown).text == cleaner.clean_text(text).text, path.name


def test_a_link_broken_over_lines_goes_and_its_lines_stay():
    """html2text breaks a long address after a hyphen and a long image text anywhere: the markup
    still goes, and the page keeps its number of lines (line numbers point into the input)."""
    page = (
        "Mehr im [Bericht der\nWehr](https://www.example.de/berichte/einsatz-\nkatze.html) und hier.\n"
        "![Die Drehleiter am\nMarktplatz](https://www.example.de/img/leiter-\ngross.jpg)Text danach\n"
        "[a](https://x.de/1) [b](https://x.de/2) [c](https://x.de/3)\n"
    )
    out = strip_markdown(page)
    assert out.split("\n") == ["Mehr im Bericht der", "Wehr", " und hier.", "", "", "Text danach", "a b c", ""]
