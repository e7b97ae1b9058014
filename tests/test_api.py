"""The library API: clean_text / clean_html / Cleaner and the Document they return."""

import dataclasses

import pytest

from cleaner import BadInput, Cleaner, Document, Settings, clean_html, clean_text

PAGE = """Startseite > Lokales > Witten

Lokales

Stadtbücherei verlängert Öffnungszeiten

Von Petra Lange

Die Stadtbücherei Witten öffnet ab dem kommenden Monat auch am Samstagnachmittag. Damit reagiert die Stadt auf eine Umfrage, in der sich viele Nutzerinnen und Nutzer längere Öffnungszeiten gewünscht hatten.

Für das zusätzliche Angebot stellt der Rat zwei halbe Stellen bereit. Die Leiterin der Bücherei rechnet damit, dass vor allem Familien und Berufstätige von den neuen Zeiten profitieren werden.

Anzeige

Mehr zum Thema

Neue Leseecke im Rathaus eröffnet
Bücherflohmarkt am Wochenende
"""


def test_clean_text_returns_document_with_blocks_and_reasons():
    doc = clean_text(PAGE, source="mem.txt")
    assert isinstance(doc, Document)
    assert doc.title == "Stadtbücherei verlängert Öffnungszeiten"
    assert doc.text.splitlines()[0].startswith("Die Stadtbücherei Witten öffnet")
    assert len(doc.text.splitlines()) == 2
    dropped = {b.text: (b.category, b.reason) for b in doc.blocks if b.label == "boilerplate"}
    assert dropped["Anzeige"][0] == "ad"
    assert dropped["Mehr zum Thema"][0] == "related"
    assert dropped["Bücherflohmarkt am Wochenende"][0] == "related"
    assert dropped["Von Petra Lange"][0] == "byline"
    assert all(reason for _, reason in dropped.values())
    assert doc.language == "de" and 0.5 < doc.language_prob <= 1.0


def test_record_has_fixed_keys_and_counts():
    rec = clean_text(PAGE, source="mem.txt").to_record()
    assert list(rec)[:18] == [
        "id",
        "source",
        "format",
        "url",
        "title",
        "date",
        "date_source",
        "outlet",
        "outlet_source",
        "author",
        "author_source",
        "description",
        "categories",
        "tags",
        "language",
        "language_prob",
        "text",
        "removed",
    ]
    assert rec["removed"]["related"] == 3 and rec["removed"]["ad"] == 1
    assert all(b["reason"] for b in rec["removed_blocks"])
    assert "removed_blocks" not in clean_text(PAGE).to_record(keep_removed=False)


def test_cleaner_is_reusable_and_settings_are_frozen():
    cleaner = Cleaner(Settings(language_sample_chars=500))
    a = cleaner.clean_text(PAGE)
    b = cleaner.clean_text(PAGE)
    assert a.to_record() == b.to_record()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cleaner.settings.format = "html"
    with pytest.raises(ValueError):
        Settings(format="pdf")


def test_clean_html_uses_extractor_and_block_rules():
    html = """<html><head><title>Brücke gesperrt | Beispiel-Zeitung</title>
    <meta property="og:site_name" content="Beispiel-Zeitung"></head><body>
    <nav><a href="/">Startseite</a> <a href="/lokales">Lokales</a></nav>
    <article><h1>Brücke gesperrt</h1>
    <p>Die Ruhrbrücke zwischen Hattingen und Witten bleibt wegen Bauarbeiten bis Ende Mai gesperrt. Autofahrer
    müssen eine Umleitung über die Innenstadt nehmen, wie die Stadt am Montag mitteilte.</p>
    <p>Fußgänger und Radfahrer können die Brücke weiterhin benutzen. Die Arbeiten an den Fahrbahnübergängen
    kosten nach Angaben der Stadt rund 1,2 Millionen Euro und werden vom Land gefördert.</p>
    <p>Foto: Stadt Hattingen</p>
    <p>Meistgelesen</p><p>Neuer Kreisel in Sprockhövel eröffnet</p>
    </article><footer>Impressum | Datenschutz | Kontakt</footer></body></html>"""
    doc = clean_html(html, url="https://www.beispiel-zeitung.de/lokales/bruecke")
    assert doc.format == "html"
    assert doc.title == "Brücke gesperrt"
    assert "Umleitung über die Innenstadt" in doc.text
    assert "Fußgänger und Radfahrer" in doc.text
    assert "Foto: Stadt Hattingen" not in doc.text
    assert "Kreisel" not in doc.text
    assert doc.outlet == "Beispiel-Zeitung" and doc.outlet_source == "html:sitename"
    assert doc.url == "https://www.beispiel-zeitung.de/lokales/bruecke"


def test_repeated_paragraphs_kept_in_html_dropped_in_text():
    """In an extractor's output a repeated paragraph is the article's own (the same question to
    each guest of an interview); in a flattened page it is usually a teaser copy, dropped."""
    question = "Was war für Sie der schönste Moment der vergangenen Saison im Verein?"
    answers = [
        "Der Aufstieg am letzten Spieltag, als die ganze Halle gesungen hat und keiner mehr saß.",
        "Für mich war es das Pokalspiel gegen den Tabellenführer, das wir in der Verlängerung gewannen.",
        "Ganz klar die Jugendarbeit: Drei unserer Nachwuchsspieler stehen jetzt im Kader der ersten Mannschaft.",
    ]
    body = "".join(f"<h2>Spielerin {i + 1}</h2><p>{question}</p><p>{a}</p>" for i, a in enumerate(answers))
    html = (
        "<html><head><title>Drei Fragen an drei Spielerinnen</title></head><body><article>"
        "<h1>Drei Fragen an drei Spielerinnen</h1><p>Zum Saisonende haben wir drei Spielerinnen des TuS "
        f"dieselben Fragen gestellt. Hier sind ihre Antworten, die sie uns nach dem Training gaben.</p>{body}"
        "</article></body></html>"
    )
    doc = clean_html(html)
    assert doc.text.count(question) == 3
    assert not any(b.category == "duplicate" for b in doc.blocks)
    # the same article body extracted twice is a copied passage: its second copy goes
    twice = html.replace("</article>", f"{body}</article>")
    doc = clean_html(twice)
    assert all(doc.text.count(a) == 1 for a in answers) and doc.text.count(question) == 3
    assert sum(b.category == "duplicate" for b in doc.blocks) >= len(answers)
    # a run of lines the article itself repeats (a meal plan's recurring meals) is not a copied body
    meals = [
        "Frühstück: Haferflocken mit Beeren, dazu ein Glas Milch und ein Löffel Nussmus",
        "Zwischenmahlzeit: ein Apfel und eine Handvoll Mandeln, dazu ungesüßter Tee",
    ]
    days = "".join(
        f"<h2>Tag {d}</h2><p>{meals[0]}</p><p>{meals[1]}</p><p>{lunch}</p>"
        for d, lunch in enumerate(
            [
                "Mittagessen: Linsensuppe mit Karotten, Sellerie und einem Stück Vollkornbrot",
                "Mittagessen: Ofengemüse mit Kichererbsen und einem Klecks Joghurtsoße",
                "Mittagessen: Vollkornnudeln mit Tomatensoße, Zucchini und geriebenem Parmesan",
                "Mittagessen: Reispfanne mit Paprika, Erbsen und Rührei vom Vortag",
            ],
            1,
        )
    )
    plan = (
        "<html><head><title>Vier Tage gesund essen</title></head><body><article><h1>Vier Tage gesund essen</h1>"
        "<p>Unsere Ernährungsberaterin hat einen einfachen Plan für vier Tage zusammengestellt. Frühstück und "
        f"Zwischenmahlzeit bleiben gleich, nur das Mittagessen wechselt jeden Tag.</p>{days}</article></body></html>"
    )
    doc = clean_html(plan)
    assert all(doc.text.count(m) == 4 for m in meals), doc.text
    text = clean_text("\n\n".join([question, answers[0], question, answers[1]]) + "\n")
    repeat = [b for b in text.blocks if b.text == question][1]
    assert repeat.category == "duplicate" and repeat.reason.startswith("repeats line")


def test_bad_input_raises_clear_error(tmp_path):
    cleaner = Cleaner()
    with pytest.raises(BadInput, match="empty"):
        cleaner.clean_bytes(b"   \n", source="x.txt")
    with pytest.raises(BadInput, match="binary"):
        cleaner.clean_bytes(b"\x00\x01\x02PK\x03\x04" * 50, source="x.bin")
    with pytest.raises(BadInput, match="oversized"):
        Cleaner(Settings(max_bytes=10)).clean_bytes(b"a" * 11, source="x.txt")
    with pytest.raises(BadInput, match="no such file"):
        cleaner.clean_file(str(tmp_path / "missing.txt"))


def test_thresholds_are_one_value_passed_down_from_the_settings():
    """Settings(thresholds=...) reaches the stages (here the menu test's word count); the module
    holds no threshold to patch, and another cleaner keeps the defaults."""
    from cleaner import Cleaner, Settings, classify
    from cleaner.thresholds import Thresholds

    page = "Startseite Lokales Sport Kultur Kontakt\n\n" + PAGE
    menu = "Startseite Lokales Sport Kultur Kontakt"
    reasons = lambda doc: {b.text: b.reason for b in doc.blocks}  # noqa: E731
    assert reasons(Cleaner().clean_text(page))[menu].startswith("menu shape")
    strict = Cleaner(Settings(thresholds=Thresholds(menu_min_tokens=6)))
    assert not reasons(strict.clean_text(page))[menu].startswith("menu shape")
    assert reasons(Cleaner().clean_text(page))[menu].startswith("menu shape")
    assert not any(
        name.isupper()
        and isinstance(getattr(classify, name), (int, float))
        and name not in ("MERGED_PAIRWISE_MAX", "VERDICT_CACHE_MAX_CHARS", "VERDICT_CACHE_SIZE")
        for name in dir(classify)
    )  # (the three left are a speed switch and the memory's size)


def test_input_fields_are_taken_from_the_metadata_and_never_passed_through():
    from cleaner.pipeline import INPUT_FIELDS

    text = PAGE
    given = {
        "id": 42,
        "url": "https://www.example.de/a",
        "date": "2024-03-05",
        "outlet": "",  # empty: not given (the page's own outlet stands), and not passed through
        "title": 7,  # (another JSON value: its str)
        "author": "Anna Beispiel",
        "section": "Lokales",
    }
    for doc in (
        Cleaner().clean_text(text, meta=given),
        Cleaner().clean_html(
            "<html><body><article><p>" + "</p><p>".join(text.split("\n\n")) + "</p></article></body></html>", meta=given
        ),
    ):
        rec = doc.to_record()
        assert rec["meta"] == {"section": "Lokales"} and not set(INPUT_FIELDS) & set(rec["meta"])
        assert (rec["id"], rec["url"], rec["date"], rec["title"]) == (
            "42",
            "https://www.example.de/a",
            "2024-03-05",
            "7",
        )
        assert (rec["author"], rec["author_source"], rec["date_source"]) == ("Anna Beispiel",) + ("input:metadata",) * 2
        assert rec["outlet_source"] != "input:metadata"
    with pytest.raises(BadInput, match="record 'id' must be a non-empty string or an integer"):
        Cleaner().clean_text(text, meta={"id": 1.5})
    assert Cleaner().clean_text(text, url="https://x.de/b", meta={"url": "https://x.de/a"}).url == "https://x.de/b"


def test_the_version_is_written_once():
    """pyproject.toml takes the version from cleaner.__version__ (dynamic); the installed metadata
    says the same."""
    import importlib.metadata
    import re
    import tomllib

    import cleaner
    from conftest import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "cleaner.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", cleaner.__version__)
    assert importlib.metadata.version("cleaner") == cleaner.__version__
