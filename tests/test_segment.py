"""Segmentation: one block per line, with lines a renderer broke mid-sentence joined again."""
import pytest

from cleaner import Cleaner, Settings
from cleaner.classify import segment_text
from cleaner.ruleset import RuleError


def texts(page):
    return [b.text for b in segment_text(page)]


def test_lines_broken_at_inline_elements_are_joined():
    page = ("The city council voted on Tuesday to approve the new budget for the\n"
            "public library\n, which had been closed for two years.\n\n"
            "Die Stadt hat am Dienstag beschlossen, das Freibad mit\n"
            "neuen Becken auszustatten.\n")
    assert texts(page) == [
        "The city council voted on Tuesday to approve the new budget for the public library, which had been "
        "closed for two years.",
        "Die Stadt hat am Dienstag beschlossen, das Freibad mit neuen Becken auszustatten."]


def test_headings_bylines_urls_and_lists_stay_apart():
    page = ("Feuerwehr rettet Katze\nvon Jonas Werkmeister\n\n"
            "http://www.example.org\nhttp://www.example.com\n\n"
            "Weitere Informationen gibt es bei der Stadt und\nwww.stadt.example\n\n"
            "• erster Punkt der Liste\n• zweiter Punkt der Liste\n\n"
            "Die Wehr war mit 40 Kräften im Einsatz.\nverletzt wurde niemand.\n")
    assert texts(page) == ["Feuerwehr rettet Katze", "von Jonas Werkmeister", "http://www.example.org",
                           "http://www.example.com", "Weitere Informationen gibt es bei der Stadt und",
                           "www.stadt.example", "• erster Punkt der Liste", "• zweiter Punkt der Liste",
                           "Die Wehr war mit 40 Kräften im Einsatz.", "verletzt wurde niemand."]


def test_nested_list_items_stay_apart_and_rules_see_them_without_marker():
    """inscriptis marks nested list items with "+ " and "o "; an "o " item is not the rest of a
    sentence, and rules match the item itself ("o Tags: ..." -> "Tags: ...")."""
    from cleaner.classify import rule_text
    page = ("Die Redaktion empfiehlt die folgenden Beiträge aus der Rubrik Auto und Verkehr für\n"
            "o Neue Elektroautos im Test\no Werkstatt-Ratgeber\n+ Gebrauchtwagen\n")
    assert texts(page) == ["Die Redaktion empfiehlt die folgenden Beiträge aus der Rubrik Auto und Verkehr für",
                           "o Neue Elektroautos im Test", "o Werkstatt-Ratgeber", "+ Gebrauchtwagen"]
    assert rule_text("o Tags: Auto, Verkehr") == "Tags: Auto, Verkehr"
    assert rule_text("o presidente disse que") == "o presidente disse que"  # a word, not a marker


def test_blank_lines_are_counted_and_whitespace_folded():
    blocks = segment_text("\n\n  Eins\u00a0 zwei\t drei  \n\n\nVier\n")
    assert [(b.text, b.gap_before, b.line) for b in blocks] == [("Eins zwei drei", 2, 3), ("Vier", 2, 6)]


def test_a_named_model_folder_must_hold_a_model(tmp_path):
    with pytest.raises(RuleError, match="no block model"):
        Cleaner(Settings(model=str(tmp_path)))
    assert Cleaner(Settings(model="none")).scorer is None
