"""Date, outlet and language extraction, including the teaser-date trap."""

import pytest

from cleaner import Cleaner, clean_text
from cleaner.extract import strip_site_suffix

ARTICLE = (
    "Der Kreistag hat am Abend den Haushalt für das kommende Jahr beschlossen. Nach langer Debatte "
    "stimmte eine breite Mehrheit für den Entwurf der Verwaltung, der Investitionen in Schulen vorsieht.\n\n"
    "Die Opposition kritisierte, dass die Kreisumlage für die Städte erneut steigen soll. Der Landrat "
    "verwies dagegen auf die gestiegenen Kosten für Energie und Personal in allen Bereichen.\n\n"
)


def page(header: str = "", footer: str = "", first: str = "") -> str:
    return f"Kreis Unna\n\n{header}Kreistag beschließt Haushalt\n\n{first}{ARTICLE}{footer}"


@pytest.mark.parametrize(
    "line, iso",
    [
        ("20.09.2018", "2018-09-20"),
        ("[24.9.2018]", "2018-09-24"),
        ("Nachricht vom 16.01.2019", "2019-01-16"),
        ("Veröffentlicht am 16. Januar 2019, 14:12 Uhr", "2019-01-16"),
        ("Stand: 03.02.2021 | 10:45 Uhr", "2021-02-03"),
        ("Mi, 7. Juli 2021", "2021-07-07"),
        ("2019-01-16", "2019-01-16"),
    ],
)
def test_date_from_header_line(line, iso):
    doc = clean_text(page(header=f"{line}\n\n"))
    assert doc.date == iso
    assert doc.date_source.startswith("text:byline")
    assert line not in doc.text


@pytest.mark.parametrize(
    "first, iso",
    [
        ("[24.9.2018] ", "2018-09-24"),
        ("Unna, 12. März 2021 – ", "2021-03-12"),
        ("UNNA (12.03.2021). ", "2021-03-12"),
    ],
)
def test_date_from_dateline_of_first_paragraph(first, iso):
    doc = clean_text(page(first=first))
    assert doc.date == iso and doc.date_source.startswith("text:dateline")


def test_english_dates():
    text = (
        "Springfield council approves budget\n\nPublished January 16, 2019\n\n"
        "The city council on Tuesday approved a budget that raises spending on parks and roads, after a "
        "debate that lasted late into the night and drew dozens of residents to the chamber.\n\n"
        "Council members said the plan would be paid for without a tax increase, relying instead on "
        "higher than expected sales tax revenue over the past two years.\n"
    )
    doc = clean_text(text)
    assert doc.language == "en"
    assert doc.date == "2019-01-16"


TEASERS = (
    "Weitere Meldungen aus dem Kreis\n"
    "Schulneubau in Kamen beginnt\n"
    "[31.3.2020] Der Bau der neuen Gesamtschule in Kamen beginnt im Sommer, teilte der Kreis mit. mehr...\n"
    "Radweg an der B1 freigegeben\n"
    "26.03.2020\n"
    "Nach zwei Jahren Bauzeit ist der Radweg zwischen Unna und Holzwickede fertig. mehr...\n"
)


def test_teaser_date_is_never_the_article_date():
    doc = clean_text(page(footer=TEASERS))
    assert doc.date is None and doc.date_source is None
    assert "Schulneubau" not in doc.text and "Radweg" not in doc.text


def test_article_date_wins_over_teaser_dates():
    doc = clean_text(page(header="05.11.2019\n\n", footer=TEASERS))
    assert doc.date == "2019-11-05"


def test_no_date_on_page_gives_null():
    doc = clean_text(page())
    assert doc.date is None and doc.date_source is None


def test_implausible_dates_are_not_used():
    doc = clean_text(page(header="01.01.1850\n\n"))
    assert doc.date is None


def test_outlet_by_text_signature_needs_enough_hits():
    signed = page(footer="Kommune21, Ausgabe 3/2020\nKommune21 berichtet seit 20 Jahren über Verwaltung.\n")
    doc = clean_text(signed)
    assert doc.outlet == "Kommune21" and doc.outlet_source == "text:signature"
    once = page(first="Wie das Fachmagazin Kommune21 berichtet, ")
    assert clean_text(once).outlet is None  # one mention is a quote, not a masthead


def test_outlet_by_url_domain_and_fallbacks():
    doc = clean_text(page(), url="https://www.ruhrnachrichten.de/unna/kreistag")
    assert doc.outlet == "Ruhr Nachrichten" and doc.outlet_source == "url:domain"
    doc = clean_text(page(), url="https://news.example.org/a/b")
    assert doc.outlet == "news.example.org" and doc.outlet_source == "url:hostname"
    assert clean_text(page()).outlet is None


def test_outlet_slogan_signature():
    doc = clean_text("Dortmund überrascht. Dich.\n\n" + page())
    assert doc.outlet == "Stadt Dortmund" and doc.outlet_source == "text:signature"


def test_input_metadata_is_used_and_passed_through():
    doc = Cleaner().clean_text(
        page(header="05.11.2019\n\n"),
        meta={"date": "2020-02-02T10:00:00Z", "outlet": "Hellweger Anzeiger", "crawl": "cc-2020-10"},
    )
    assert doc.date == "2020-02-02" and doc.date_source == "input:metadata"
    assert doc.outlet == "Hellweger Anzeiger" and doc.outlet_source == "input:metadata"
    assert doc.to_record()["meta"] == {"crawl": "cc-2020-10"}


def test_language_is_deterministic_and_bounded():
    text = page()
    results = {clean_text(text).language_prob for _ in range(3)}
    assert len(results) == 1
    assert clean_text(text).language == "de"
    assert clean_text("Nur zwei").language is None


def test_title_site_suffix_is_stripped():
    assert (
        strip_site_suffix("Autohäuser rechnen mit Flaute | MDR.DE", "MDR", "www.mdr.de")
        == "Autohäuser rechnen mit Flaute"
    )
    assert (
        strip_site_suffix("Reparaturcafé am 31. Januar: Stadt Ahlen", "Stadt Ahlen", "ahlen.de")
        == "Reparaturcafé am 31. Januar"
    )
    assert (
        strip_site_suffix("Krieg und Frieden - eine Bilanz", "Zeitung", "zeitung.de")
        == "Krieg und Frieden - eine Bilanz"
    )


def test_the_script_decides_chinese_japanese_and_korean():
    """langdetect read this Chinese encyclopaedia lead (Latin names in brackets) as Vietnamese."""
    from cleaner.metadata import language, script_language

    zh = (
        "1975年出生于新加坡，家里有一个姐姐。就读于圣尼各拉女校（CHIJ Saint Nicholas Girls' School），"
        "中学毕业后考入新加坡理工学院（Singapore Polytechnic）研读工商管理研究。"
    )
    assert language(zh, 500)[0] == "zh"
    assert language("市によると、新しい図書館は来月から一般に公開される予定です。", 500)[0] == "ja"
    assert language("시청에 따르면 새 도서관은 다음 달부터 일반에 공개될 예정이다.", 500)[0] == "ko"
    assert script_language("Der Gemeinderat tagt am Dienstag im Rathaus (市役所).") is None
    assert language("Der Gemeinderat tagt am Dienstag im Rathaus und berät über den Haushalt.", 500)[0] == "de"


# ------------------------------------------------------------------------------ author, description, tags
def test_declared_author_description_and_tags_and_the_markup_search(in_root):
    from cleaner import Cleaner, Settings

    html_pages = sorted((in_root / "raw").glob("*.html.gz"))
    plain, full = Cleaner(), Cleaner(Settings(full_metadata=True))
    declared = {p.name: plain.clean_file(str(p)).to_record() for p in html_pages}
    searched = {p.name: full.clean_file(str(p)).to_record() for p in html_pages}
    en = declared["en_156770d676ce7990.html.gz"]
    assert (en["author"], en["author_source"]) == ("Tess Bonn", "html:metadata")
    assert en["tags"] == ["Kristi Noem", "South Dakota", "Meth"]  # a keywords list split, each once
    assert en["description"].startswith("South Dakota Gov. Kristi Noem")
    found = searched["de_hildesheimer-presse_036cab412a0856fc.html.gz"]
    assert declared["de_hildesheimer-presse_036cab412a0856fc.html.gz"]["author"] is None
    assert (found["author"], found["author_source"]) == ("Hildesheimer Presse", "html:markup")
    for name in declared:  # the search adds what was missing and changes nothing else
        a, b = declared[name], searched[name]
        assert {k: v for k, v in a.items() if k not in ("author", "author_source", "categories", "tags")} == {
            k: v for k, v in b.items() if k not in ("author", "author_source", "categories", "tags")
        }
        if a["author"]:
            assert (b["author"], b["author_source"]) == (a["author"], a["author_source"])
    text = plain.clean_file(str(in_root / "raw" / "000_a03daa696e6074ab.txt")).to_record()
    assert (text["author"], text["description"], text["categories"], text["tags"]) == (None, None, [], [])
    given = plain.clean_text("Der Rat tagt am Montag. " * 20, meta={"author": "Petra Lange"}).to_record()
    assert (given["author"], given["author_source"]) == ("Petra Lange", "input:metadata")
    assert "author" not in given.get("meta", {})


def test_a_text_dumps_author_comes_from_its_byline_not_from_a_teasers():
    from cleaner import clean_text

    prose = (
        "Der Gemeinderat hat am Dienstag den neuen Haushalt beschlossen, nachdem die Fraktionen lange über die "
        "Kosten der Schulsanierung und die Zukunft des Hallenbads gestritten hatten.\n\n"
        "Die Verwaltung will die Arbeiten an der Grundschule im Sommer beginnen und bis zum Herbst abschließen, "
        "sofern die Zuschüsse des Landes rechtzeitig bewilligt werden.\n\n"
    )
    doc = clean_text("Haushalt beschlossen\n\nVon Anna Beispiel, Redaktion Musterstadt\n\n" + prose)
    assert (doc.author, doc.author_source) == ("Anna Beispiel", "text:byline (line 3)")
    teaser = prose + "Mehr zum Thema\n\nNeue Radwege für die Innenstadt\n\nVon Otto Anders\n\n"
    assert clean_text(teaser).author is None  # a byline in a teaser list is the teaser's
    english = clean_text(
        "By Jane Doe and John Roe, Staff Writers\n\nThe council approved the new budget on Tuesday "
        "after a long debate about schools, roads and the future of the public library in the town "
        "centre.\n\nThe vote was close, and several members said they would return to the question "
        "of the library next year."
    )
    assert english.author == "Jane Doe and John Roe"
    assert clean_text(prose).author is None


def test_a_bylines_name_stops_before_its_date_and_needs_a_capital():
    from cleaner.metadata import _name
    from cleaner.ruleset import load_rules

    en, de = load_rules().languages["en"], load_rules().languages["de"]
    assert _name("Michael David Smith on November 19", en) == "Michael David Smith"
    assert _name("Kyle Howells 15 min read", en) == "Kyle Howells" and _name("Tatyana Turner.", en) == "Tatyana Turner"
    assert _name("Sofia Gonzalez December 2", en) == "Sofia Gonzalez"
    assert _name("Jan Müller am 3. Mai", de) == "Jan Müller"  # (a first name that is a month's abbreviation)
    assert _name("manually extracting the data", en) is None


HIDDEN_BODY = (
    "<html><head><title>Bridge works start in spring - Example Times</title>"
    '<meta property="article:published_time" content="2025-01-08T09:00:00Z"></head>'
    "<body><main hidden><article><h1>Bridge works start in spring</h1>"
    + "".join(
        f"<p>Paragraph {i}: the council said the works on the old river bridge will start in spring and "
        "last about two years, with one lane open to traffic for most of that time.</p>"
        for i in range(6)
    )
    + "</article></main><script>document.querySelector('main').hidden = false</script></body></html>"
)


def test_an_article_hidden_until_a_script_shows_it_is_not_pruned_away():
    """The prune list removes ``[hidden]`` widgets; when that leaves no text at all, the page is
    extracted again without it (WCXB pages wrap their whole body in ``<main hidden>``)."""
    doc = Cleaner().clean_html(HIDDEN_BODY, url="https://example.com/bridge")
    assert "Paragraph 3: the council said" in doc.text
    assert doc.date == "2025-01-08" and doc.title == "Bridge works start in spring"


def test_a_page_without_extractable_text_keeps_its_declared_metadata():
    """A single-page app's shell: no text, but the title and date it declares are not thrown away."""
    shell = (
        "<html><head><title>Pricing plans for teams - Example</title>"
        '<meta property="article:published_time" content="2025-03-02"></head>'
        '<body><div id="root"></div><script src="/app.js"></script></body></html>'
    )
    doc = Cleaner().clean_html(shell, url="https://example.com/pricing")
    assert doc.text == "" and doc.date == "2025-03-02" and doc.title == "Pricing plans for teams"
