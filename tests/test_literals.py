"""The compiled literal automaton (cleaner/_literals.c) gives the reference's answer: its canonical
form is ``prefilter.canonical`` for every code point, its scan is the OR of the masks
pyahocorasick finds in the canonical text (and the repeated-prefix test is ``str.find``'s), on
random literal sets and texts, and every rule gate decides as the gate built without it."""

import os
import random
import shutil

import ahocorasick
import pytest

from cleaner import prefilter
from cleaner.ruleset import load_rules
from test_prefilter import EVERY_CHARACTER, _rule_sets, _test_lines, _variants

pytestmark = pytest.mark.skipif(not prefilter.compiled_available(), reason="cleaner._literals not built")


def _automaton(literals: dict[str, int], repeats=()):
    width = max([m.bit_length() for m in literals.values()] + [m.bit_length() for _w, m in repeats] + [1])
    items = sorted(literals.items())
    return prefilter._literals.Automaton(
        [k for k, _ in items], [m for _, m in items], width // 64 + 1, prefilter._FIX, list(repeats)
    )


def _reference(literals: dict[str, int], repeats, text: str) -> int:
    folded = prefilter.canonical(text)
    mask = 0
    if literals:
        automaton = ahocorasick.Automaton()
        for lit, m in sorted(literals.items()):
            automaton.add_word(lit, m)
        automaton.make_automaton()
        for _end, m in automaton.iter(folded):
            mask |= m
    for width, m in repeats:
        if folded.find(folded[:width], width) >= 0:
            mask |= m
    return mask


def test_canonical_form_is_prefilters_for_every_code_point():
    automaton = _automaton({"a": 1})
    assert automaton.canonical(EVERY_CHARACTER) == prefilter.canonical(EVERY_CHARACTER)
    for text in ("ΟΔΟΣ ΣΑΣ", "İSTANBUL İzmir", "STRAẞE Straße", "Kelvin \u212a", "ſ µ Ǆǅǆ", ""):
        assert automaton.canonical(text) == prefilter.canonical(text), text


#: characters the random literals and texts are drawn from: ASCII, German, Turkish and Greek case
#: pairs, look-alikes re equates (ſ, K, µ), a CJK and an astral character (the three str kinds)
ALPHABET = "abcehirsSHEIRß ẞäÄüÜ.-|@İıſ\u212aσςΣµμ文\U0001f600"


def test_scan_is_the_or_of_the_masks_aho_corasick_finds():
    rng = random.Random(29)
    for case in range(400):
        n_lits = rng.choice([1, 2, 5, 20, 80])
        literals: dict[str, int] = {}
        while len(literals) < n_lits:
            lit = prefilter.canonical("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 6))))
            literals[lit] = literals.get(lit, 0) | (1 << rng.randrange(rng.choice([8, 64, 65, 200])))
        repeats = [(rng.randint(1, 8), 1 << rng.randrange(70)) for _ in range(rng.choice([0, 0, 1, 2]))]
        automaton = _automaton(literals, repeats)
        for _ in range(10):
            text = "".join(rng.choice(ALPHABET) for _ in range(rng.choice([0, 1, 5, 40, 300])))
            if rng.random() < 0.5 and literals:  # a literal in another case inside the text
                lit = rng.choice(list(literals))
                at = rng.randint(0, len(text))
                text = text[:at] + rng.choice([lit, lit.upper(), lit.title()]) + text[at:]
            assert automaton.scan(text) == _reference(literals, repeats, text), (case, literals, repeats, text)


def test_overlapping_literals_are_all_found():
    literals = {"he": 1, "she": 2, "his": 4, "hers": 8, "s": 16, "xyz": 32}
    automaton = _automaton(literals)
    for text in ("ushers", "USHERS", "his", "she", "h", "", "xy", "ahishers", "ſhe"):
        assert automaton.scan(text) == _reference(literals, (), text), text
    assert automaton.scan("ushers") == 1 | 2 | 8 | 16


def test_repeated_prefix_is_str_find():
    repeats = [(3, 1), (1, 2)]
    automaton = _automaton({}, repeats)
    for text in ("abcabc", "abcab", "abc", "ABCabc", "aXa", "a", "", "xyzxy zxyz", "İiİ", "ab" * 50):
        assert automaton.scan(text) == _reference({}, repeats, text), text


def test_every_rule_gate_decides_as_without_the_compiled_scan():
    """Each gate's candidates (line and section rules per word count, dates, outlet signatures)
    with the compiled scan and without it, on the rules' test lines and their case variants."""
    lines = _test_lines()
    lines += [v for line in lines[::7] for v in _variants(line)]
    lines += ["x" * 5000 + line for line in lines[::50]]
    rules = load_rules()
    regex_lists = []
    for lr in _rule_sets(rules):
        regex_lists += [
            tuple(r.regex for r in lr.line_rules),
            tuple(r.regex for r in lr.section_rules),
            tuple(lr.date_regexes),
        ]
    regex_lists.append(tuple(sig for _, sig in rules.signatures))
    compared = 0
    for regexes in regex_lists:
        includes = [-1, sum(1 << i for i in range(0, len(regexes), 2)), 1 << (len(regexes) - 1)]
        for include in includes:
            for every in (False, True):
                assert prefilter.use_compiled(True)
                fast = prefilter.LiteralGate(regexes, include, every)
                prefilter.use_compiled(False)
                try:
                    slow = prefilter.LiteralGate(regexes, include, every)
                finally:
                    prefilter.use_compiled(True)
                assert fast._scan is not None or not any(fast.literals)
                for line in lines:
                    assert fast.candidates(line) == slow.candidates(line), (line[:80], include, every)
                    compared += 1
    assert compared > 100_000


def test_bad_arguments_are_errors_not_crashes():
    Automaton = prefilter._literals.Automaton
    fix = prefilter._FIX
    with pytest.raises(ValueError, match="empty"):
        Automaton([""], [1], 1, fix, [])
    with pytest.raises(ValueError, match="twice"):
        Automaton(["ab", "ab"], [1, 2], 1, fix, [])
    with pytest.raises(ValueError, match="negative"):
        Automaton(["ab"], [-1], 1, fix, [])
    with pytest.raises(ValueError, match="wider"):
        Automaton(["ab"], [1 << 64], 1, fix, [])
    with pytest.raises(ValueError, match="one mask per literal"):
        Automaton(["ab"], [], 1, fix, [])
    with pytest.raises(ValueError, match="width"):
        Automaton([], [], 1, fix, [(65, 1)])
    with pytest.raises(ValueError, match="width"):
        Automaton([], [], 1, fix, [(0, 1)])
    with pytest.raises(TypeError):
        Automaton([b"ab"], [1], 1, fix, [])
    with pytest.raises(TypeError):
        Automaton(["ab"], ["1"], 1, fix, [])
    with pytest.raises(TypeError):
        Automaton(["ab"], [1], 1, fix, [1])
    automaton = Automaton(["ab"], [1 << 100], 2, fix, [])
    assert automaton.scan("xAB") == 1 << 100 and automaton.scan("") == 0
    with pytest.raises(TypeError):
        automaton.scan(b"ab")
    uninitialised = Automaton.__new__(Automaton)
    with pytest.raises(ValueError, match="initialised"):
        uninitialised.scan("ab")


@pytest.mark.skipif(shutil.which("gcc") is None, reason="no gcc")
def test_the_checkout_uses_the_compiled_scan():
    if os.environ.get("CLEANER_NO_EXT", "") not in ("", "0"):
        pytest.skip("CLEANER_NO_EXT is set")
    assert prefilter.COMPILED
    lr = load_rules().languages["de"]
    assert lr._gate("line", 3)._scan is not None


def test_a_stale_extension_is_not_used(monkeypatch):
    monkeypatch.setattr(prefilter._literals, "SOURCE_SHA256", "0" * 64)
    assert not prefilter.compiled_available()
    try:
        assert not prefilter.use_compiled(True)
        assert prefilter.LiteralGate((prefilter.re.compile("impressum", prefilter.re.I),))._scan is None
    finally:
        monkeypatch.undo()
        prefilter.use_compiled(True)


def test_requires_digit_reads_the_pattern_structure():
    need = lambda p: prefilter.requires_digit(prefilter.re.compile(p, prefilter.re.I))  # noqa: E731
    assert need(r"\d") and need(r"tel\.?\s*\d[\d /]+") and need(r"[0-9]{2}") and need(r"(?:a|b)\d")
    assert need(r"(?:\d|[2-5]x)") and need(r"(?=.*\d)\w+") and need(r"\d{1,3} von \d{1,3}") and need("2020")
    assert not need(r"\d?x") and not need(r"[\d\s]+") and not need(r"foo|\d") and not need(r"\w+")
    assert not need(r"(?!\d)x") and not need(r"\D") and not need(r"[^\d]")


def test_the_digit_flag_is_res_digit_under_ignorecase_for_every_code_point():
    automaton = prefilter._literals.Automaton([], [], 1, prefilter._FIX, [], 1)
    digits = {ch for ch in EVERY_CHARACTER if prefilter._ANY_DIGIT.search(ch)}
    assert {"0", "9", "٣", "３"} <= digits and "x" not in digits
    for ch in EVERY_CHARACTER:
        assert automaton.scan(ch) == (ch in digits), hex(ord(ch))
    assert automaton.scan("abc" + "٣") == 1 and automaton.scan("abc") == 0


def test_rules_needing_a_digit_decide_as_plain_re_on_lines_without_one_and_with_foreign_digits():
    """The rules' test lines with their digits taken out, or written as Arabic-Indic or full-width
    digits (``\\d`` matches those too): the digit gate never drops a rule that matches."""
    from test_prefilter import _assert_same_verdicts

    lines = [line for line in _test_lines() if any(ch.isdigit() for ch in line)][::4]
    assert len(lines) > 500
    table = {ord(str(d)): ch for d, ch in zip(range(10), "٠١٢٣٤٥٦٧٨٩")}
    wide = {ord(str(d)): chr(0xFF10 + d) for d in range(10)}
    variants = []
    for line in lines:
        variants += [
            line.translate(table),
            line.translate(wide),
            "".join(ch for ch in line if not ch.isdigit()),
            line.translate({ord(str(d)): "x" for d in range(10)}),
        ]
    for use in (True, False):
        prefilter.use_compiled(use)
        try:
            rules = load_rules.__wrapped__() if hasattr(load_rules, "__wrapped__") else load_rules()
            for lang in ("de", "en", "fr"):  # (German and English rules, and a language of the common rules)
                assert (
                    _assert_same_verdicts(rules, lines + variants, word_counts=(None, 12), only=rules.languages[lang])
                    > 5_000
                )
        finally:
            prefilter.use_compiled(True)
