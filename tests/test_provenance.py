"""Structured provenance: stages read a block's fields (stage, rule, role, section), never its
reason text; rules declare their role for the neighbours in the TOML, not by their id."""

import re
from pathlib import Path

import pytest

from cleaner import Cleaner, Settings
from cleaner.classify import annotate, segment_text
from cleaner.model.features import FEATURE_NAMES, page_features
from cleaner.document import STAGES, Block
from cleaner.ruleset import PACKAGE_RULES, RuleError, load_rules

from conftest import ROOT

PAGES = sorted((ROOT / "raw").glob("*")) + sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.txt"))

#: a German page with a photo caption above its credit and a contact block under a name line
PAGE = """Neue Grundschule am Stadtpark wird im Herbst eröffnet

Die Stadt hat am Montag die Pläne für die neue Grundschule vorgestellt, die im Herbst am Rand des Stadtparks eröffnet werden soll und in der dann mehr als dreihundert Kinder lernen.
So soll die neue Schule einmal aussehen
Visualisierung: Architekturbüro Beispiel
Nach den Worten der Bürgermeisterin ist der Bau bisher im Zeitplan geblieben, und auch die Kosten liegen nach dem jetzigen Stand noch unter der Summe, die der Rat im vergangenen Jahr bewilligt hat.
Die Eltern können ihre Kinder ab dem kommenden Monat anmelden, und für die ersten Klassen gibt es dann auch eine Betreuung am Nachmittag, die der Förderverein der Schule mit der Stadt organisiert.
Stadtverwaltung Musterstadt
Hauptstraße 5
Telefon: 01234 56789
"""


def _decisions(doc):
    return [(b.label, b.category, b.score, b.stage, b.rule, b.role, b.section) for b in doc.blocks]


def _scrambled(method):
    def scrambled(self, label_or_category, reason, **kw):
        return method(self, label_or_category, "#" + reason[::-1], **kw)

    return scrambled


def test_no_stage_reads_the_reason_text(monkeypatch):
    """Every decision, score and field is the same when every reason is written backwards."""
    cleaner = Cleaner()
    texts = [p for p in PAGES if p.suffix == ".txt"]
    plain = [_decisions(cleaner.clean_text(p.read_text(encoding="utf-8"))) for p in texts] + [
        _decisions(cleaner.clean_text(PAGE))
    ]
    html = [_decisions(cleaner.clean_file(str(p))) for p in PAGES if p.name.endswith(".html.gz")]
    monkeypatch.setattr(Block, "drop", _scrambled(Block.drop))
    monkeypatch.setattr(Block, "judge", _scrambled(Block.judge))
    cleaner = Cleaner()
    assert [_decisions(cleaner.clean_text(p.read_text(encoding="utf-8"))) for p in texts] + [
        _decisions(cleaner.clean_text(PAGE))
    ] == plain
    assert [_decisions(cleaner.clean_file(str(p))) for p in PAGES if p.name.endswith(".html.gz")] == html
    # (the pages exercise what reasons used to carry: sections, credits and contacts)
    found = {(d[3], d[5], d[6] is not None) for page in plain + html for d in page}
    assert ("sections", None, True) in found and ("context-free", "credit", False) in found
    assert ("context-free", "contact", False) in found


def _feature_rows(cleaner, texts):
    rows = []
    for text in texts:
        blocks = segment_text(text)
        rules = cleaner.rules_for(text)
        annotate(blocks, rules)
        rows.append(page_features(blocks, rules))
    return rows


def test_the_model_features_do_not_read_the_reason_text(monkeypatch):
    """The feature rows of annotated pages (sections, rules, duplicates) with every reason written
    backwards are the same, bit for bit (the in-section column came from the reason once)."""
    cleaner = Cleaner()
    texts = [p.read_text(encoding="utf-8") for p in PAGES if p.suffix == ".txt"] + [PAGE]
    plain = _feature_rows(cleaner, texts)
    monkeypatch.setattr(Block, "drop", _scrambled(Block.drop))
    scrambled = _feature_rows(cleaner, texts)
    assert all(a.tobytes() == b.tobytes() for a, b in zip(plain, scrambled))
    column = FEATURE_NAMES.index("in_section")
    assert sum(int(a[:, column].sum()) for a in plain) > 0  # (set on these pages)


def test_fields_of_every_decision():
    cleaner = Cleaner()
    seen = set()
    for p in PAGES:
        doc = (
            cleaner.clean_file(str(p))
            if p.name.endswith(".html.gz")
            else cleaner.clean_text(p.read_text(encoding="utf-8"))
        )
        for b in doc.blocks:
            if b.label == "content" and b.stage is None:
                continue  # kept, and no stage dropped it
            assert b.stage in STAGES, (p.name, b)
            seen.add(b.stage)
            if b.section is not None:
                assert b.stage == "sections" and (
                    b.reason.startswith(f"in section {b.section} ") or b.reason == f"{b.section} (section header)"
                )
            elif b.rule is not None:
                assert b.reason == b.rule and b.stage == "context-free"
            if b.stage == "decision" and b.reason.startswith("model"):
                assert b.score is not None
            if b.label == "title":
                assert b.category is None and b.rule is None and b.section is None
    assert {"context-free", "sections", "decision", "header"} <= seen


def _german_rules(tmp_path: Path, edit) -> Settings:
    """A user rule folder with the packaged German and common rules, edited."""
    tmp_path.mkdir()
    (tmp_path / "de.toml").write_text(edit((PACKAGE_RULES / "de.toml").read_text(encoding="utf-8")), encoding="utf-8")
    (tmp_path / "common.toml").write_text(
        edit((PACKAGE_RULES / "common.toml").read_text(encoding="utf-8")), encoding="utf-8"
    )
    return Settings(rules_dirs=(str(tmp_path),))


def _by_line(doc):
    return {b.text: (b.category, b.reason) for b in doc.blocks}


def test_neighbour_stages_follow_the_role_not_the_rule_id(tmp_path):
    base = _by_line(Cleaner().clean_text(PAGE))
    assert base["So soll die neue Schule einmal aussehen"] == ("caption", "above photo credit line 5")
    assert base["Stadtverwaltung Musterstadt"][0] == "contact"
    # renamed rules with their roles: the same neighbours are claimed
    renamed = _german_rules(
        tmp_path / "renamed",
        lambda s: re.sub(r'id = "(caption\.credit|contact\.[\w]+)"', lambda m: 'id = "x' + m.group(1)[3:] + '"', s),
    )
    got = _by_line(Cleaner(renamed).clean_text(PAGE))
    assert got["So soll die neue Schule einmal aussehen"] == base["So soll die neue Schule einmal aussehen"]
    assert got["Stadtverwaltung Musterstadt"] == base["Stadtverwaltung Musterstadt"]
    assert got["Visualisierung: Architekturbüro Beispiel"][1].startswith("x")
    # the same ids without roles: neither neighbour is claimed
    roleless = _german_rules(tmp_path / "roleless", lambda s: re.sub(r'^role = "\w+"\n', "", s, flags=re.M))
    got = _by_line(Cleaner(roleless).clean_text(PAGE))
    assert got["Visualisierung: Architekturbüro Beispiel"] == base["Visualisierung: Architekturbüro Beispiel"]
    assert got["So soll die neue Schule einmal aussehen"][1] != "above photo credit line 5"
    assert not (got["Stadtverwaltung Musterstadt"][1] or "").startswith("above contact line")


def test_an_unknown_role_names_the_file_and_rule(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "de.toml").write_text(
        (PACKAGE_RULES / "de.toml").read_text(encoding="utf-8").replace('role = "credit"', 'role = "caption"', 1),
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match=r"de\.toml: rule 'caption\.credit' has role 'caption'; roles: contact, credit"):
        load_rules((str(folder),))
