"""Rule loading: user folders replace or add files, bad files fail clearly, outlet-only rules apply."""
import shutil

import pytest

from cleaner import Cleaner, Settings
from cleaner.ruleset import PACKAGE_RULES, RuleError, load_rules

PAGE = ("Gemeinderat tagt öffentlich\n\n"
        "Der Gemeinderat kommt am Donnerstag zu seiner letzten Sitzung vor der Sommerpause zusammen. Auf der "
        "Tagesordnung stehen unter anderem der Bebauungsplan für das Neubaugebiet und die Sanierung des Freibads.\n\n"
        "Unser Tipp der Woche: Sommerfest im Stadtpark\n\n"
        "Bürgerinnen und Bürger können die Sitzung im Ratssaal verfolgen. Zu Beginn gibt es eine Fragestunde, in "
        "der Anliegen direkt an die Verwaltung gerichtet werden können.\n")


def test_packaged_rules_load_with_both_languages():
    rules = load_rules()
    assert {"de", "en"} <= set(rules.languages)
    assert rules.outlets and rules.html_prune_xpath


def test_user_folder_adds_a_rule_by_replacing_a_file(tmp_path):
    assert "Unser Tipp der Woche" in Cleaner().clean_text(PAGE).text
    shutil.copy(PACKAGE_RULES / "de.toml", tmp_path / "de.toml")
    with open(tmp_path / "de.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[[line]]\nid = "local.tip"\ncategory = "related"\npattern = \'^unser tipp der woche\'\n')
    doc = Cleaner(Settings(rules_dirs=(str(tmp_path),))).clean_text(PAGE)
    assert "Unser Tipp der Woche" not in doc.text
    assert any(b.reason == "local.tip" for b in doc.blocks)


def test_outlet_specific_rules_apply_only_to_that_outlet(tmp_path):
    shutil.copy(PACKAGE_RULES / "outlets.toml", tmp_path / "outlets.toml")
    with open(tmp_path / "outlets.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[[outlet]]\nname = "Gemeindeblatt"\ndomains = ["gemeindeblatt.example"]\n'
                 '[[outlet.line]]\nid = "gemeindeblatt.tip"\ncategory = "related"\npattern = \'^unser tipp\'\n')
    cleaner = Cleaner(Settings(rules_dirs=(str(tmp_path),)))
    own = cleaner.clean_text(PAGE, url="https://gemeindeblatt.example/a")
    assert own.outlet == "Gemeindeblatt" and "Unser Tipp" not in own.text
    other = cleaner.clean_text(PAGE, url="https://anderes-blatt.example/a")
    assert "Unser Tipp" in other.text


def test_bad_rule_files_fail_with_file_and_rule_named(tmp_path):
    (tmp_path / "de.toml").write_text('language = "de"\n[[line]]\nid = "x"\ncategory = "nope"\npattern = "a"\n')
    with pytest.raises(RuleError, match=r"de.toml.*'x'"):
        load_rules((str(tmp_path),))
    (tmp_path / "de.toml").write_text('language = "de"\n[[line]]\nid = "y"\ncategory = "ad"\npattern = "(unclosed"\n')
    with pytest.raises(RuleError, match="rule y: bad pattern"):
        load_rules((str(tmp_path),))
    with pytest.raises(RuleError, match="does not exist"):
        load_rules((str(tmp_path / "missing"),))
