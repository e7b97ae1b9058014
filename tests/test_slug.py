"""The URL slug as a title anchor (cleaner/model/slug.py) and its two feature columns."""

from cleaner.classify import annotate, segment_text
from cleaner.model.features import FEATURE_NAMES, page_features
from cleaner.model.slug import slug_columns, slug_match, slug_tokens
from cleaner.ruleset import load_rules

URL = "https://www.example-zeitung.de/lokales/2021/05/04/neues-hallenbad-oeffnet-im-sommer.html"


def test_slug_tokens_take_the_wordiest_path_segment_without_numbers_or_file_types():
    assert slug_tokens(URL) == ["neues", "hallenbad", "oeffnet", "im", "sommer"]
    assert slug_tokens("https://example.com/news/") == []  # too few words to name a headline
    assert slug_tokens("https://example.com/2021/05/04/a-b/") == []
    assert slug_tokens(None) == [] and slug_tokens("hard::some-page-key-here") == []
    # percent-encoded and accented paths are decoded and folded
    assert slug_tokens("https://x.org/blog/caf%C3%A9-am-markt-schlie%C3%9Ft") == ["cafe", "am", "markt", "schließt"]


def test_slug_match_reads_umlauts_either_way_and_ignores_lines_with_addresses():
    slug = slug_tokens(URL)
    assert slug_match(slug, "Neues Hallenbad öffnet im Sommer") == 1.0
    assert slug_match(slug, "Neues Hallenbad oeffnet im Sommer") == 1.0
    assert 0 < slug_match(slug, "Das neue Hallenbad an der Ringstraße öffnet im Sommer seine Türen") < 0.8
    assert slug_match(slug, "Mehr: " + URL) == 0.0  # a read-more link repeats the slug
    assert slug_match(slug, "Impressum") == 0.0 and slug_match([], "Neues Hallenbad") == 0.0


def test_slug_columns_mark_the_sides_of_the_best_matching_line():
    texts = [
        "Meistgelesen",
        "Neues Hallenbad öffnet im Sommer",
        "Die Stadt hat das Bad saniert.",
        "Neues Hallenbad öffnet im Sommer",
    ]  # a most-read list repeating the title below
    match, side = slug_columns(texts, [len(t.split()) for t in texts], URL)
    assert side == [-1.0, 0.0, 1.0, 1.0]  # the first of equal matches is the title
    assert match[1] == 1.0 and match[0] == 0.0
    assert slug_columns(texts, [1, 5, 6, 5], None) == ([-1.0] * 4, [-2.0] * 4)  # no address
    # an address whose slug no line matches: scores, but no side
    match, side = slug_columns(texts, [1, 5, 6, 5], "https://example.de/politik/haushalt-debatte-vertagt-worden")
    assert side == [-2.0] * 4 and max(match) < 0.5


def test_page_features_fill_the_slug_columns_from_the_url():
    rules = load_rules().for_language("de", "de")
    page = (
        "Startseite > Lokales\n\nNeues Hallenbad öffnet im Sommer\n\n"
        "Nach zwei Jahren Bauzeit ist das Hallenbad an der Ringstraße fast fertig. Die Stadt rechnet "
        "mit der Eröffnung im Juli, wenn die letzten Prüfungen bestanden sind.\n"
    )
    blocks = segment_text(page)
    annotate(blocks, rules)
    col = {name: i for i, name in enumerate(FEATURE_NAMES)}
    with_url = page_features(blocks, rules, "text", URL)
    without = page_features(blocks, rules, "text")
    assert [r[col["slug_side"]] for r in with_url] == [-1.0, 0.0, 1.0]
    assert with_url[1][col["slug_match"]] == 1.0
    assert all(r[col["slug_side"]] == -2.0 and r[col["slug_match"]] == -1.0 for r in without)


def test_folding_ascii_text_is_lower_casing_it():
    """_fold's shortcut for ASCII text gives what lower-casing, transliterating, NFKD and dropping
    combining marks give (and non-ASCII text still takes that path)."""
    import unicodedata

    from cleaner.model.slug import _TRANSLITERATE, _fold

    def full(text, transliterate):
        text = text.lower().translate(_TRANSLITERATE) if transliterate else text.lower()
        return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))

    for text in ("".join(map(chr, range(128))), "Michigan Officials EEE-Fatality 6th", "Vizepräsidentin Straße Ǆ ﬁ é"):
        for transliterate in (False, True):
            assert _fold(text, transliterate) == full(text, transliterate)
    assert _fold("Vizepräsidentin", True) == "vizepraesidentin" and _fold("Café", False) == "cafe"
