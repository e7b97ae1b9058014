"""Segmentation: one block per line, with lines a renderer broke mid-sentence joined again."""

import pytest

from cleaner import Cleaner, Settings
from cleaner.segment import segment_text
from cleaner.ruleset import RuleError


def texts(page):
    return [b.text for b in segment_text(page)]


def test_lines_broken_at_inline_elements_are_joined():
    page = (
        "The city council voted on Tuesday to approve the new budget for the\n"
        "public library\n, which had been closed for two years.\n\n"
        "Die Stadt hat am Dienstag beschlossen, das Freibad mit\n"
        "neuen Becken auszustatten.\n"
    )
    assert texts(page) == [
        "The city council voted on Tuesday to approve the new budget for the public library, which had been "
        "closed for two years.",
        "Die Stadt hat am Dienstag beschlossen, das Freibad mit neuen Becken auszustatten.",
    ]


def test_headings_bylines_urls_and_lists_stay_apart():
    page = (
        "Feuerwehr rettet Katze\nvon Jonas Werkmeister\n\n"
        "http://www.example.org\nhttp://www.example.com\n\n"
        "Weitere Informationen gibt es bei der Stadt und\nwww.stadt.example\n\n"
        "• erster Punkt der Liste\n• zweiter Punkt der Liste\n\n"
        "Die Wehr war mit 40 Kräften im Einsatz.\nverletzt wurde niemand.\n"
    )
    assert texts(page) == [
        "Feuerwehr rettet Katze",
        "von Jonas Werkmeister",
        "http://www.example.org",
        "http://www.example.com",
        "Weitere Informationen gibt es bei der Stadt und",
        "www.stadt.example",
        "• erster Punkt der Liste",
        "• zweiter Punkt der Liste",
        "Die Wehr war mit 40 Kräften im Einsatz.",
        "verletzt wurde niemand.",
    ]


def test_nested_list_items_stay_apart_and_rules_see_them_without_marker():
    """inscriptis marks nested list items with "+ " and "o "; an "o " item is not the rest of a
    sentence, and rules match the item itself ("o Tags: ..." -> "Tags: ...")."""
    from cleaner.classify import rule_text

    page = (
        "Die Redaktion empfiehlt die folgenden Beiträge aus der Rubrik Auto und Verkehr für\n"
        "o Neue Elektroautos im Test\no Werkstatt-Ratgeber\n+ Gebrauchtwagen\n"
    )
    assert texts(page) == [
        "Die Redaktion empfiehlt die folgenden Beiträge aus der Rubrik Auto und Verkehr für",
        "o Neue Elektroautos im Test",
        "o Werkstatt-Ratgeber",
        "+ Gebrauchtwagen",
    ]
    assert rule_text("o Tags: Auto, Verkehr") == "Tags: Auto, Verkehr"
    assert rule_text("o presidente disse que") == "o presidente disse que"  # a word, not a marker


def test_blank_lines_are_counted_and_whitespace_folded():
    blocks = segment_text("\n\n  Eins\u00a0 zwei\t drei  \n\n\nVier\n")
    assert [(b.text, b.gap_before, b.line) for b in blocks] == [("Eins zwei drei", 2, 3), ("Vier", 2, 6)]


def test_a_named_model_folder_must_hold_a_model(tmp_path):
    with pytest.raises(RuleError, match="no block model"):
        Cleaner(Settings(model=str(tmp_path)))
    assert Cleaner(Settings(model="none")).scorer is None


# ------------------------------------------------------------------ hard-wrapped dumps (lynx, w3m, mail)
ARTICLE = [
    "Lokales",
    "Feuerwehr rettet Katze aus Baum am Marktplatz",
    "Die Freiwillige Feuerwehr Neustadt ist am Dienstagnachmittag zu einem ungewöhnlichen Einsatz "
    "ausgerückt: Eine Katze war auf eine etwa zwölf Meter hohe Linde am Marktplatz geklettert und kam "
    "aus eigener Kraft nicht mehr herunter. Anwohner hatten das verängstigte Tier am Vormittag bemerkt "
    "und nach mehreren vergeblichen Versuchen die Leitstelle alarmiert.",
    "Mit der Drehleiter erreichten die Einsatzkräfte nach rund zwanzig Minuten den Ast, auf dem die Katze "
    "saß. Ein Feuerwehrmann konnte das Tier in eine Transportbox setzen und wohlbehalten an seine "
    "Besitzerin übergeben, die in einer der angrenzenden Straßen wohnt und ihr Haustier seit dem Vorabend "
    "vermisst hatte.",
    "• Einsatzbericht als PDF",
    "• Weitere Meldungen der Feuerwehr",
    "The fire brigade said that such rescues are rare but not unusual in spring, when young cats explore "
    "their neighbourhood for the first time and climb higher than they can safely come down again. "
    "Residents were asked to call the control centre rather than trying to climb trees themselves.",
]


def _wrapped(lines, width):
    import textwrap

    return "\n\n".join("\n".join(textwrap.wrap(line, width=width)) for line in lines)


@pytest.mark.parametrize("width", [60, 72, 78, 100])
def test_a_hard_wrapped_dump_is_unwrapped(width):
    """Every paragraph comes back as one block, whatever the width; list items stay apart."""
    from cleaner.segment import wrap_width

    page = _wrapped(ARTICLE, width)
    assert max(len(line) for line in page.splitlines()) <= width  # the input really is wrapped
    assert wrap_width(page.splitlines()) in range(width - 3, width + 1)
    assert texts(page) == ARTICLE


def test_hyphenated_compounds_split_by_the_wrapper_are_joined_without_space():
    from cleaner.segment import unwrap

    lines = ["Die Stadt hat nach der Sitzung am Dienstagabend die neue Corona-", "Verordnung veröffentlicht."]
    assert unwrap(list(enumerate(lines, 1)), 66) == [
        (1, "Die Stadt hat nach der Sitzung am Dienstagabend die neue Corona-Verordnung veröffentlicht.")
    ]


def test_a_dash_inside_a_sentence_is_joined_but_list_items_and_repeats_stay_apart():
    from cleaner.segment import unwrap

    lines = [
        "Die Allianz hat bereits zwanzig digitale Pilotprojekte auf den Weg gebracht",
        "- von der Parkraumbewirtschaftung bis zum Ausbau der Ladeinfrastruktur.",
        "Zu den Projekten gehören unter anderem diese drei besonders großen Vorhaben",
        "- Ladesäulen an allen Schulen der Stadt",
        "Schwerer Unfall in Datteln: Mann wird aus Fahrzeug geschleudert und stirbt",
        "Schwerer Unfall in Datteln: Mann wird aus Fahrzeug geschleudert und stirbt",
    ]
    assert [text for _, text in unwrap(list(enumerate(lines, 1)), 76)] == [
        lines[0] + " " + lines[1],
        lines[2],
        lines[3],
        lines[4],
        lines[5],
    ]


def test_pages_that_are_not_wrapped_are_left_alone():
    """A list of headlines as long as each other, an unspaced script, and the real dumps in raw/."""
    from pathlib import Path

    from cleaner.segment import wrap_width

    headlines = [
        "Stadtrat beschließt Haushalt für 2024 mit knapper Mehrheit im Rat",
        "Neue Buslinie verbindet Nordstadt und Klinikum ab dem 1. März",
        "Schwimmbad bleibt wegen Sanierung bis zum Sommer geschlossen",
        "Polizei sucht Zeugen nach Einbruch in Bäckerei an der Hauptstraße",
        "Kita-Gebühren steigen im neuen Jahr um durchschnittlich fünf Prozent",
        "Weihnachtsmarkt öffnet am Freitag mit verlängerten Öffnungszeiten",
        "Sportverein feiert 100-jähriges Bestehen mit großem Festumzug",
        "Bürgermeisterin lädt zur Einwohnerversammlung in die Stadthalle",
        "Baustelle an der B 54: Umleitung über die Dorfstraße eingerichtet",
        "Musikschule sucht Lehrkräfte für Gitarre, Klavier und Schlagzeug",
    ]
    assert wrap_width(headlines) is None
    assert texts("\n".join(headlines)) == headlines
    cjk = ["数字化农业的甜头，小农户在销售产品中感受更深。" * 4, "在“益村”售卖平台上，村民只需拍几张照片。" * 5] * 4
    assert len(texts("\n".join(cjk))) == len(cjk)
    for path in sorted(Path(__file__).parent.parent.glob("raw/*.txt")):
        assert wrap_width(path.read_text(encoding="utf-8").splitlines()) is None, path.name


def test_unwrapping_is_a_setting():
    """Settings(unwrap=False) keeps a hard-wrapped dump's lines as they are (bench/wrapped.py's "off")."""
    from cleaner import Cleaner, Settings

    para = (
        "Die Stadt hat nach der Sitzung am Dienstagabend beschlossen, dass die neue Brücke über den Fluss im "
        "kommenden Frühjahr gebaut wird und die Bürger bis dahin die Fähre am alten Hafen kostenlos nutzen "
        "können, die an allen Werktagen zwischen sechs Uhr morgens und zehn Uhr abends verkehrt. "
    )
    import textwrap

    text = "\n\n".join(textwrap.fill(para * 2, 72) for _ in range(4))
    on, off = Cleaner().clean_text(text), Cleaner(Settings(unwrap=False)).clean_text(text)
    assert len(on.blocks) == 4 and len(off.blocks) > 4  # (off: the reflow step still joins some lines)
    assert len(segment_text(text, unwrap_lines=False)) == len(off.blocks)
