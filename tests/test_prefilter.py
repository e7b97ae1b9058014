"""The literal prefilter (cleaner/prefilter.py) only ever skips a rule whose regex cannot match:
line verdicts, outlet signature counts, widget-row verdicts and the stopword vote are the plain
``re`` (word by word) results, on the rules' own test lines and on lines made to trip it up."""

import re
import shutil
import unicodedata
from pathlib import Path


from cleaner.classify import rule_text
from cleaner.prefilter import LiteralGate, anchored, canonical, canonical_char, repeated_prefix, required_literals
from cleaner.ruleset import PACKAGE_RULES, load_rules
from cleaner.tokens import WORD, is_cjk
from test_rules import CAUGHT, LEFT_ALONE

FIXTURES = Path(__file__).parent / "fixtures"
#: every code point but the surrogates, as one string: ``re`` scans it in C
EVERY_CHARACTER = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)


def _plain(rules, text: str, n_words: int):
    """The reference verdict: every line rule tried in order with plain ``re``."""
    return next((r for r in rules.line_rules if r.applies(text, n_words)), None)


def _rule_sets(rules):
    """One language per distinct line-rule list (the stoplist-only languages share one)."""
    seen, out = set(), []
    for lang in sorted(rules.languages):
        key = tuple(r.id for r in rules.languages[lang].line_rules)
        if key not in seen:
            seen.add(key)
            out.append(rules.languages[lang])
    return out


def _assert_same_verdicts(rules, lines, word_counts=(None, 1, 12, 500), only=None):
    checked = 0
    for lr in [only] if only else _rule_sets(rules):
        for line in lines:
            for n in word_counts:
                n = len(line.split()) if n is None else n
                want, got = _plain(lr, line, n), lr.match_line(line, n)
                assert got is want, (lr.language, line[:120], n, want and want.id, got and got.id)
                checked += 1
    return checked


# ------------------------------------------------------------------------------------------ case


def test_canonical_form_keeps_positions_and_follows_re_lowercasing():
    """One character in, one out, for every code point, and the same as ``re``'s own simple
    lowercase (``str.lower`` spells "İ" as two characters, which would hide "impressum")."""
    for c in range(0x110000):
        if 0xD800 <= c < 0xE000:
            continue
        ch = chr(c)
        assert canonical(ch) == canonical_char(c), hex(c)
    # context: Greek final sigma is lowercased by position, and both forms are one class in re
    for text in ("ΟΔΟΣ ΣΑΣ", "ΑΣ", "Σ", "İSTANBUL İzmir", "STRAẞE Straße", "Kelvin K", "Ǆǅǆ"):
        assert len(canonical(text)) == len(text)
        assert canonical(text) == "".join(canonical(ch) for ch in text), text


def test_every_character_of_a_literal_matches_only_its_canonical_class():
    """Exhaustive over Unicode: whatever ``re.IGNORECASE`` takes for a literal's character (alone
    or in a character class) has that character's canonical form, so the automaton finds it."""
    rules = load_rules()
    regexes = [r.regex for lr in rules.languages.values() for r in lr.line_rules]
    regexes += [sig for _, sig in rules.signatures]
    chars = {ch for rx in regexes for lits in [required_literals(rx)] if lits for lit in lits for ch in lit}
    assert {"a", "ß", "i", "s", "k", "ü", "@", "©", "»", "ş", "е"} <= chars
    for ch in sorted(chars):
        for pattern in (re.escape(ch), "[" + re.escape(ch) + "]"):
            matched = set(re.findall(pattern, EVERY_CHARACTER, re.IGNORECASE | re.UNICODE))
            assert {canonical(t) for t in matched} == {canonical(ch)}, (ch, sorted(matched))


# ------------------------------------------------------------------------------------------ literals


def test_required_literals_read_the_pattern_structure():
    lit = lambda p: required_literals(re.compile(p, re.I))  # noqa: E731
    assert lit(r"^mehr zum thema\b") == {"mehr zum thema"}
    assert lit(r"(?:foo|bar)baz") == {"baz"}  # the longest sure literal wins
    assert lit(r"(?:foox|barx)") == {"foox", "barx"}
    assert lit(r"(?:foo)?bar") == {"bar"}  # an optional group requires nothing
    assert lit(r"(?:foo)?") is None and lit(r"ab|\d+") is None  # one branch needs no literal
    assert lit(r"x{0,3}yy") == {"yy"} and lit(r"_{8}") == {"________"}
    assert lit(r"[@]") == {"@"} and lit(r"[>»]") == {">", "»"} and lit(r"[ab]") is None  # letters: too common
    assert lit(r"STRAẞE") == {"straße"} and lit(r"İZMİR") == {"izmir"}
    assert lit(r"(?=.*kontakt)\w+") == {"kontakt"}  # a lookahead's text is in the line
    assert lit(r"(?!kontakt)\w+") is None
    assert anchored(re.compile(r"^a|^(?:b|c)")) and not anchored(re.compile(r"^a|b"))
    assert not anchored(re.compile(r"^a", re.M)) and not anchored(re.compile(r"(?m)^a"))
    assert repeated_prefix(re.compile(r"^(?P<d>\S.{10,}?)\s+(?P=d)$")) == 11
    assert repeated_prefix(re.compile(r"^(\w+) \1")) == 1 and repeated_prefix(re.compile(r"(\w+) \1")) is None


# ------------------------------------------------------------------------------------------ verdicts


def _test_lines() -> list[str]:
    lines = [rule_text(line) for line, _ in CAUGHT] + list(LEFT_ALONE)
    for page in sorted(FIXTURES.glob("*/*.txt")):
        for line in page.read_text(encoding="utf-8").splitlines():
            line = rule_text(line.partition(" | ")[2] or line).strip()
            if line and not line.startswith("# "):
                lines.append(line)
    return sorted(set(lines))


def test_line_verdicts_equal_plain_re_on_the_rules_test_lines_and_fixture_pages():
    lines = _test_lines()
    assert len(lines) > 500
    assert _assert_same_verdicts(load_rules(), lines) > 10_000


_SWAPS = [
    ("i", "İ"),
    ("i", "ı"),
    ("I", "ı"),
    ("s", "ſ"),
    ("k", "\u212a"),
    ("ss", "ß"),
    ("ß", "ẞ"),
    ("ß", "ss"),
    ("ä", "Ä"),
    ("ü", "Ü"),
    ("ö", "Ö"),
    ("σ", "ς"),
    ("μ", "µ"),
    ("fi", "ﬁ"),
    (" ", "\u00a0"),
]


def _variants(text: str) -> set[str]:
    """Case variants, and each of them with one look-alike swapped in (re equates some, not others)."""
    cases = [text, text.upper(), text.title(), text.swapcase(), text.casefold()]
    return set(cases) | {v.replace(a, b) for v in cases[:2] for a, b in _SWAPS}


def test_line_verdicts_equal_plain_re_on_adversarial_lines():
    """Case variants (German ß/ẞ and umlauts, Turkish dotted and dotless i, long s, the Kelvin
    sign, Greek final sigma, ligatures), every rule's literals alone, inside prose and inside a
    very long line, lines that hold a literal but not the pattern, doubled phrases in two cases."""
    rules = load_rules()
    base = set()
    for line, _ in CAUGHT:
        base |= _variants(rule_text(line))
    for lr in _rule_sets(rules):
        lines = set(base)
        for r in lr.line_rules:
            for k, lit in enumerate(sorted(required_literals(r.regex) or ())):
                if k < 2:
                    lines.add(lit.upper() + " Lorem ipsum dolor sit amet," * 100)
                for v in _variants(lit):
                    lines |= {v, f"Der Rat sagte am Montag: {v} und mehr.", f"{v}: Stadtrat"}
        assert len(lines) > 3_000
        _assert_same_verdicts(rules, sorted(lines), word_counts=(None, 3), only=lr)
    lines = set()
    lines |= {
        "İMPRESSUM",
        "Impreſſum",
        "IMPRESSUM | DATENSCHUTZ | KONTAKT",
        "Datenſchutz",
        "Kontakt",
        "STRAẞE 5, 12345 MUSTERSTADT",
        "Lınks: Max Muster",
        "© 2021 İZMİR TİMES",
        "(FOTO: DPA)",
        "ΦΩΤΟΓΡΑΦΊΑ: ΟΔΟΣ",
        "Feuerwehr löscht Brand FEUERWEHR LÖSCHT BRAND",
        "Feuerwehr löscht Brand",
        "İstanbul feiert İstanbul feiert",
        "Tel.: 0221 / 12 34 56",
        "Mail: presse@example.org",
        "a" * 300_000,
        "_" * 300_000 + "1",
        "http://" + "x" * 100_000,
        "Mehr zum Thema" + " und so weiter" * 30,
        unicodedata.normalize("NFD", "Über uns · Förderung"),
    }
    _assert_same_verdicts(rules, sorted(lines), word_counts=(None, 3))


def test_rules_that_do_not_combine_still_decide_as_plain_re(tmp_path):
    """A user's rules with numbered back references or the same group name twice: the rules with
    no literal are tried as one combined pattern, which must never change what they mean (a
    numbered reference would point at another rule's group) nor fail to compile."""
    shutil.copy(PACKAGE_RULES / "de.toml", tmp_path / "de.toml")
    with open(tmp_path / "de.toml", "a", encoding="utf-8") as fh:
        fh.write(
            '\n[[line]]\nid = "local.echo"\ncategory = "other"\npattern = \'(\\w+) \\1$\'\n'
            '\n[[line]]\nid = "local.one"\ncategory = "other"\npattern = \'^(?P<n>\\d\\d\\d)\\s*$\'\n'
            '\n[[line]]\nid = "local.two"\ncategory = "other"\npattern = \'^(?P<n>\\d\\d)\\d*\\s\\d$\'\n'
        )
    rules = load_rules((str(tmp_path),))
    de = rules.languages["de"]
    lines = ["hallo hallo", "Ja, hallo HALLO", "hallo welt", "123", "12 3", "1234 5", "Dies ist ein Satz."]
    _assert_same_verdicts(rules, lines)
    assert de.match_line("Ja, hallo HALLO", 3).id == "local.echo" and de.match_line("12 3", 2).id == "local.two"


def test_gate_lists_every_match_for_counting():
    """``every=True`` (signature counts) lists all matching regexes, anchored ones included."""
    regexes = [re.compile(p, re.I) for p in (r"^\d+$", r"^\d", r"\d$", r"ab", r"^(\w+) \1")]
    for text in ("123", "ab 1", "ab ab", "x", "1 ab"):
        gate = LiteralGate(regexes, every=True)
        matching = {i for i, rx in enumerate(regexes) if rx.search(text)}
        assert matching <= {i for i in range(len(regexes)) if gate.candidates(text) >> i & 1}, text


# ------------------------------------------------------------------------------------------ outlets


def _plain_counts(rules, lowered: str) -> dict[int, int]:
    counts: dict[int, int] = {}
    for i, sig in rules.signatures:
        n = len(sig.findall(lowered))
        if n:
            counts[i] = counts.get(i, 0) + n
    return counts


def test_signature_counts_equal_plain_findall(tmp_path):
    """Also for a user's signatures whose longest word is not required ("kurier|abendzeitung": a
    page naming only the "Kurier" is still counted) and for case variants such as a long s."""
    shutil.copy(PACKAGE_RULES / "outlets.toml", tmp_path / "outlets.toml")
    with open(tmp_path / "outlets.toml", "a", encoding="utf-8") as fh:
        fh.write(
            "\n[[outlet]]\nname = \"Kurier\"\nsignatures = ['\\bkurier\\b|\\babendzeitung\\b', "
            "'(?:morgen|abend)post']\nmin_hits = 1\n"
        )
    pages = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*/*.txt"))]
    pages += [
        "Aus dem Kurier vom Montag. Kurier-Leser wissen mehr.",
        "Die Morgenpost und die ABENDPOST",
        "Quelle: ſpiegel.de und SPIEGEL.DE, tagesschau.de",
        "(İDR) Ruhr Nachrichten",
        "NBC DFW / nbcdfw",
        "sz.de sz.de SZ.DE",
        "the hill " * 5000,
    ]
    for rules in (load_rules(), load_rules((str(tmp_path),))):
        for page in pages:
            lowered = page.lower()
            assert rules.signature_counts(lowered) == _plain_counts(rules, lowered), page[:80]
    kurier = load_rules((str(tmp_path),))
    assert _plain_counts(kurier, "aus dem kurier vom montag.")


# ------------------------------------------------------------------------------------------ vote, vocab


def _plain_vote_hits(rules, text: str) -> dict[str, int]:
    hits = {lang: 0 for lang in sorted(rules.languages)}
    for t in WORD.findall(text.lower()):
        if len(t) > 1 or is_cjk(t):
            for lang in rules.stop_index.get(t, ()):
                hits[lang] += 1
    return hits


def test_stopword_vote_counts_as_word_by_word():
    """The vote counts each distinct word once with its count: the same sums as word by word, on
    the fixture pages and on pages mixing scripts and one-letter words."""
    rules = load_rules()
    pages = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*/*.txt"))]
    pages += [
        "a b c d e f der die das",
        "这是一个测试的文章，我们的城市",
        "これはテストの記事です",
        "I a O y e",
        "the the the der der",
        "",
        "!!! ???",
        "Ve a je to, ale v tom je",
        "и в на с по",
        "DER Die dAs ΚΑΙ και",
    ]
    for page in pages:
        assert rules.stopword_hits(page) == _plain_vote_hits(rules, page), page[:60]
    assert sum(rules.stopword_hits(pages[-1]).values()) > 0


def test_widget_rows_decide_as_the_whole_token_list():
    """A widget-row (vocab) rule stops at the first word that is no widget word; the verdict is
    the one over the whole token list."""
    rules = load_rules()

    def plain(v, text):
        tokens = [t.strip(".,;:!?()[]{}\"'«»„“”…·•") for t in text.lower().split()]
        tokens = [t for t in tokens if t]
        return (
            bool(tokens)
            and len(tokens) <= v.max_words
            and all(t in v.words for t in tokens)
            and any(t in v.anchors for t in tokens)
        )

    lines = _test_lines() + [
        "Drucken PDF Link mailen",
        "Teilen: Facebook Twitter WhatsApp",
        "( Drucken )",
        "… · •",
        "Teilen " * 14,
        "Teilen " * 15,
        "E-Mail Facebook",
        "Facebook",
    ]
    lines += ["  ( Teilen )", "\u0130nstagram Facebook", "\u00a0Drucken\u2003PDF", "..., Teilen", "", "  ", "Teilen\n"]
    matched = 0
    for lr in _rule_sets(rules):
        for v in lr.vocab_rules:
            for line in lines:
                assert v.applies(line, 0) == plain(v, line), (v.id, line)
        for line in lines:  # the first-word shortcut: the first rule whose applies holds
            want = next((v for v in lr.vocab_rules if v.applies(line, 0)), None)
            assert lr.match_vocab(line, 0) is want, (lr.language, line)
            matched += want is not None
    assert matched > 10


def test_whitespace_is_the_same_before_and_after_lower():
    """match_vocab splits before lowering: no code point changes whether it is str.split()
    whitespace when lowered, and none lowers to a string holding whitespace."""
    for c in map(chr, range(0x110000)):
        low = c.lower()
        assert (c.isspace() and low == c) or not any(x.isspace() for x in low), hex(ord(c))


def test_section_header_verdicts_equal_plain_re():
    """``match_section`` goes through the same gate: its rule is the first whose ``applies`` holds,
    on the rules' test lines, the fixture pages and every section rule's own header words."""
    rules = load_rules()
    lines = _test_lines() + [
        "Meistgelesen",
        "Mehr zum Thema",
        "Most read",
        "Kommentare (3)",
        "* Related stories",
        "Das könnte Sie auch interessieren:",
        "Anzeige",
        "Leave a reply",
        "Comments",
    ]
    checked = 0
    distinct = {tuple(r.id for r in lr.section_rules): lr for lr in rules.languages.values()}  # one per rule list
    for lr in distinct.values():
        for line in lines:
            for n in (len(line.split()), 1, 6, 7, 10, 11, 30, 31):
                want = next((r for r in lr.section_rules if r.applies(line, n)), None)
                assert lr.match_section(line, n) is want, (lr.language, line[:80], n)
                checked += 1
    hits = sum(
        lr.match_section(line, len(line.split())) is not None for lr in [rules.languages["de"]] for line in lines
    )
    assert checked > 10_000 and hits > 20


def test_dates_found_through_the_gate_equal_every_date_regex_run():
    rules = load_rules()
    lines = _test_lines() + [
        "12.03.2024",
        "3. März 2021, 14:05 Uhr",
        "March 3rd, 2019",
        "Sept. 9 2001",
        "2020-1-31",
        "am 31.02.2020",
        "MÄRZ 2022",
        "1.1.1999 und 2.2.2000",
        "Am 5. Jänner 2023",
        "1999",
    ]
    distinct = {tuple(r.pattern for r in lr.date_regexes): lr for lr in rules.languages.values()}
    hits = 0
    for lr in distinct.values():
        for line in lines:
            want = lr.dates_by(line, lr.date_regexes)  # every date regex run, no gate
            assert lr.find_dates(line) == want, (lr.language, line[:80])
            hits += bool(want)
    assert len(distinct) >= 3 and hits > 50
