"""A user's rule folder extends the packaged rules (by id: add, replace, disable), unknown keys fail
with their file and line, and every rule's examples and counter-examples hold."""

import pytest

from cleaner import Cleaner, Settings
from cleaner.ruleset import RuleError, example_failures, load_rules

PAGE = (
    "Gemeinderat tagt öffentlich\n\n"
    "Der Gemeinderat kommt am Donnerstag zu seiner letzten Sitzung vor der Sommerpause zusammen. Auf der "
    "Tagesordnung stehen unter anderem der Bebauungsplan für das Neubaugebiet und die Sanierung des Freibads.\n\n"
    "Unser Tipp der Woche: Sommerfest im Stadtpark\n\n"
    "Foto: Stadtarchiv\n\n"
    "Bürgerinnen und Bürger können die Sitzung im Ratssaal verfolgen. Zu Beginn gibt es eine Fragestunde, in "
    "der Anliegen direkt an die Verwaltung gerichtet werden können.\n"
)

TIP = '[[line]]\nid = "local.tip"\ncategory = "related"\npattern = \'^unser tipp der woche\'\n'


def _folder(tmp_path, **files):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return (str(tmp_path),)


def _ids(rules, lang="de"):
    return [r.id for r in rules.languages[lang].line_rules]


def _reasons(doc):
    return {b.text: b.reason for b in doc.blocks if not b.kept}


def test_a_user_file_of_one_rule_extends_the_packaged_file(tmp_path):
    packaged = load_rules()
    rules = load_rules(_folder(tmp_path, **{"de.toml": TIP}))
    assert _ids(rules) == ["local.tip"] + _ids(packaged)  # a user's new rules come first
    assert rules.languages["en"] == packaged.languages["en"]
    doc = Cleaner(Settings(rules_dirs=(str(tmp_path),))).clean_text(PAGE)
    removed = _reasons(doc)
    assert removed["Unser Tipp der Woche: Sommerfest im Stadtpark"] == "local.tip"
    assert removed["Foto: Stadtarchiv"] == "caption.credit"  # the packaged rules still apply


def test_same_id_replaces_in_place_and_disable_removes(tmp_path):
    packaged = load_rules()
    user = (
        'disable = ["caption.position_marker"]\n'
        '[[line]]\nid = "caption.credit"\ncategory = "caption"\nrole = "credit"\npattern = \'^foto:\'\n'
    )
    rules = load_rules(_folder(tmp_path, **{"de.toml": user}))
    want = [i for i in _ids(packaged) if i != "caption.position_marker"]
    assert _ids(rules) == want
    credit = next(r for r in rules.languages["de"].line_rules if r.id == "caption.credit")
    assert credit.regex.pattern == "^foto:" and credit.max_words is None
    assert not credit.applies("Bildquelle: privat", 2)


def test_disable_of_an_unknown_id_is_an_error(tmp_path):
    with pytest.raises(RuleError, match=r"de\.toml: disable names no packaged rule or outlet: caption\.typo"):
        load_rules(_folder(tmp_path, **{"de.toml": 'disable = ["caption.typo"]\n'}))


def test_replace_true_replaces_the_whole_file(tmp_path):
    rules = load_rules(_folder(tmp_path, **{"de.toml": 'replace = true\nlanguage = "de"\nstoplist = "German"\n' + TIP}))
    common = [
        r.id
        for r in load_rules().languages["de"].line_rules
        if r.id.startswith(("contact.email", "contact.phone_only"))
    ]
    assert _ids(rules)[0] == "local.tip" and "caption.credit" not in _ids(rules)
    assert set(common) <= set(_ids(rules))  # (common.toml is still layered under it)
    assert rules.languages["de"].months == {}


def test_values_are_extended_and_tables_updated(tmp_path):
    packaged = load_rules().languages["de"]
    rules = load_rules(_folder(tmp_path, **{"de.toml": 'extra_stopwords = ["moin"]\n[months]\n"lenz" = 3\n'}))
    de = rules.languages["de"]
    assert de.stopwords == packaged.stopwords | {"moin"}
    assert de.months == {**packaged.months, "lenz": 3}
    assert len(de.date_regexes) == len(packaged.date_regexes)


def test_outlets_merge_by_name(tmp_path):
    packaged = load_rules().outlets
    first = packaged[0]
    user = (
        f'[[outlet]]\nname = "{first.name}"\ndomains = ["neu.example"]\n\n'
        '[[outlet]]\nname = "Gemeindeblatt"\ndomains = ["gemeindeblatt.example"]\n'
    )
    outlets = load_rules(_folder(tmp_path, **{"outlets.toml": user})).outlets
    assert [o.name for o in outlets] == ["Gemeindeblatt"] + [o.name for o in packaged]
    assert outlets[1].domains == ("neu.example",) and outlets[1].signatures == ()


@pytest.mark.parametrize(
    "text, message",
    [
        (
            '[[line]]\nid = "a"\ncategory = "ad"\npattern = "x"\nmax_word = 5\n',
            r"de\.toml:5: unknown key 'max_word' in \[\[line\]\] \(known: .*max_words",
        ),
        ('stoplists = "German"\n', r"de\.toml:1: unknown key 'stoplists' \(known: "),
        (
            "[[section]]\nid = \"s\"\ncategory = \"related\"\npattern = '''\nsiehe\n'''\n\n[[section]]\nid = \"t\"\n"
            'category = "ad"\npattern = "y"\nresumes = 2\n',
            r"de\.toml:12: unknown key 'resumes' in \[\[section\]\]",
        ),
        ('[[line]]\ncategory = "ad"\npattern = "x"\n', r"de\.toml: every \[\[line\]\] needs a id"),
        (TIP + TIP, r"de\.toml: two \[\[line\]\] items have the id 'local\.tip'"),
        (
            '[[line]]\nid = "a"\ncategory = "ad"\npattern = "x"\nexamples = "one line"\n',
            r"de\.toml rule a: examples must be a list of strings",
        ),
        (
            '[[line]]\nid = "a"\ncategory = "ad"\npattern = "^x$"\nphrases = ["a"]\n',
            r"rule a: has phrases but its pattern",
        ),
    ],
)
def test_bad_keys_name_the_file_and_line(tmp_path, text, message):
    with pytest.raises(RuleError, match=message):
        load_rules(_folder(tmp_path, **{"de.toml": text}))


def test_unknown_key_in_an_outlets_line_rule(tmp_path):
    user = (
        '[[outlet]]\nname = "A"\n[[outlet.line]]\nid = "a.x"\ncategory = "ad"\npattern = "x"\n\n'
        '[[outlet]]\nname = "B"\n[[outlet.line]]\nid = "b.x"\ncategory = "ad"\npattern = "x"\nrol = "credit"\n'
    )
    with pytest.raises(RuleError, match=r"outlets\.toml:14: unknown key 'rol' in \[\[outlet\.line\]\]"):
        load_rules(_folder(tmp_path, **{"outlets.toml": user}))


def test_phrases_are_one_alternation_in_order(tmp_path):
    user = (
        '[[line]]\nid = "local.phrases"\ncategory = "navigation"\npattern = \'^{phrases}$\'\n'
        'phrases = ["zur? startseite", "nach oben"]\n'
    )
    rule = load_rules(_folder(tmp_path, **{"de.toml": user})).languages["de"].line_rules[0]
    assert rule.regex.pattern == "^(?:zur? startseite|nach oben)$"
    # the packaged phrase lists: the long section and menu alternations
    de = {r.id: r for r in load_rules().languages["de"].section_rules}
    assert de["section.related"].regex.match("Mehr zum Thema") and not de["section.related"].regex.match("Thema")


def test_every_packaged_rule_holds_its_examples():
    rules = load_rules()
    assert example_failures(rules) == []
    with_examples = [r for lr in rules.languages.values() for r in lr.line_rules + lr.section_rules if r.examples]
    assert len({r.id for r in with_examples}) >= 6


def test_a_wrong_example_is_reported(tmp_path):
    user = (
        '[[line]]\nid = "local.tip"\ncategory = "related"\npattern = \'^unser tipp\'\nmax_words = 4\n'
        'examples = ["Unser Tipp: Kino", "Unser Tipp der Woche: Sommerfest im Stadtpark"]\n'
        'counter_examples = ["Tipp: unser Kino", "Unser Tipp"]\n'
    )
    failures = example_failures(load_rules(_folder(tmp_path, **{"de.toml": user})))
    assert failures == [
        "de: line rule local.tip does not claim its example 'Unser Tipp der Woche: Sommerfest im Stadtpark'",
        "de: line rule local.tip claims its counter-example 'Unser Tipp'",
    ]


def test_the_readme_rule_example_loads_and_holds(tmp_path):
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    rules = load_rules(_folder(tmp_path, **{"de.toml": block}))
    assert _ids(rules)[0] == "local.tip" and "caption.position_marker" not in _ids(rules)
    assert example_failures(rules) == []


def test_segment_words_come_from_the_rule_files(tmp_path):
    from cleaner.ruleset import segment_words
    from cleaner.segment import segment_text

    french = "Le conseil vote le projet et\nla ville commence les travaux lundi."
    german = "Der Rat lobt das Projekt und\ndie Stadt beginnt am Montag."
    comma = "Der Rat lobt das Projekt,\ndie Stadt beginnt am Montag."
    joined = lambda text, words=None: len(segment_text(text, words=words)) == 1  # noqa: E731
    assert joined(german) and joined(comma) and not joined(french)  # the packaged words: de and en
    # no words at all (a language without a [segment] table): punctuation still joins, words do not
    bare = segment_words([])
    assert joined(comma, bare) and not joined(german, bare)
    # a user's French file adds its words to the others'
    rules = load_rules(_folder(tmp_path, **{"fr.toml": 'stoplist = "French"\n[segment]\nopen_end_words = ["et"]\n'}))
    assert joined(french, rules.segment) and joined(german, rules.segment)
    doc = Cleaner(Settings(rules_dirs=(str(tmp_path),))).clean_text(french + "\n")
    assert doc.blocks[0].text == "Le conseil vote le projet et la ville commence les travaux lundi."
