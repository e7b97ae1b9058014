"""cleaner's own HTML extraction (cleaner/dom.py), stage by stage, on markup written for these tests."""

from lxml import html as lxml_html

from cleaner import Cleaner, Settings, dom
from cleaner.extract import parse_html

PROSE = (
    "Der Gemeinderat hat am Dienstagabend mit großer Mehrheit beschlossen, die alte Turnhalle an der "
    "Schulstraße zu sanieren, statt sie abzureißen und an anderer Stelle neu zu bauen. "
)


def _el(markup: str):
    return lxml_html.fragment_fromstring(markup)


def test_discarded_names_boilerplate_by_class_id_role_and_style():
    for markup in (
        '<div class="site-navbar">x</div>',
        '<ul id="main-nav">x</ul>',
        '<div class="share-buttons">x</div>',
        '<section class="related-articles">x</section>',
        '<div role="navigation">x</div>',
        '<p style="display: none">x</p>',
        '<div aria-hidden="true">x</div>',
        '<div class="Teaser-box">x</div>',
        '<span id="cookie-layer">x</span>',
    ):
        assert dom.discarded(_el(markup)), markup


def test_discarded_leaves_content_markup_alone():
    for markup in (
        '<div class="article-body">x</div>',
        '<p class="lead">x</p>',
        '<div id="story">x</div>',
        '<section class="content">x</section>',
        # class tokens apply to containers only (trafilatura's self::div|item|list|p|section|span)
        '<h2 class="sidebar-title">x</h2>',
    ):
        assert not dom.discarded(_el(markup)), markup


def test_the_gated_token_searches_answer_as_the_alternations():
    # every attribute value of the benchmark-free markup below, and each token's own literal
    # pieces in several cases and positions: the gate may pass more, never fewer
    import re

    tests = [dom._ID, dom._CLASS, dom._CONSENT, dom._HIDDEN_CLASS, dom._HIDDEN_ID]
    tests += [t for frame in dom._FRAME_TESTS for t in frame[:2]]
    words = ["", " ", "a", "nav", "NAV", "post-nav x", "x nav", "share", "shared-box", " ad ", "my-ad-slot", "ad-top"]
    words += ["dfpAd", "dfpad", "article-body", "article__body", "Articlebody", "FullText", "fulltext", "main-content"]
    words += ["content-main", "content_main", "x hidden", "hide-me", "cookie-layer", "Cookie", "comments-title"]
    for token in tests:
        for piece in token.regex.pattern.split("|"):
            lit = re.sub(r"[\\^$()?:\[\]*+|]", "", piece)
            words += [lit, lit.upper(), lit.capitalize(), f"x {lit}", f"{lit}-y", f"a{lit}b"]
    for token in tests:
        for w in words:
            assert token.search(w) == (token.regex.search(w) is not None), (token.regex.pattern[:40], w)


def test_marked_elements_are_the_boilerplate_named_ones_nested_included():
    root = lxml_html.document_fromstring(
        f"<html><body><div><p>{PROSE * 3}</p><div class='share-bar'><div class='menu'>Teilen</div></div>"
        "danach</div></body></html>"
    ).find("body")
    assert sorted(e.get("class") for e in dom.marked_elements(root)) == ["menu", "share-bar"]


def test_main_frame_prefers_the_article_body_over_a_wider_frame():
    tree = lxml_html.document_fromstring(
        "<html><body><article><h1>Titel</h1>"
        f"<div itemprop='articleBody'><p>{PROSE * 2}</p></div><p>Kommentare</p></article></body></html>"
    )
    frame = dom.main_frame(tree.find("body"))
    assert frame.get("itemprop") == "articleBody"


def test_main_frame_passes_over_a_frame_with_too_little_text():
    tree = lxml_html.document_fromstring(
        f"<html><body><div class='article-body'>kurz</div><main><p>{PROSE * 2}</p></main></body></html>"
    )
    assert dom.main_frame(tree.find("body")).tag == "main"
    # no candidate at all: the body itself
    bare = lxml_html.document_fromstring(f"<html><body><p>{PROSE}</p></body></html>").find("body")
    assert dom.main_frame(bare) is bare


def test_render_gives_a_line_per_block_and_the_headings():
    root = _el(
        "<div><h2>Neue <b>Halle</b></h2><p>Erster <a href='#'>Satz</a>.</p><p>Zeile eins<br>Zeile zwei</p>"
        "<ul><li>eins</li><li>zwei</li></ul><table><tr><td>a</td><td>b</td></tr></table>Schluss</div>"
    )
    lines, marks, headings = dom.render(root)
    assert len(marks) == len(lines) and all(m[:2] == (0.0, 0.0) for m in marks)  # no frame, nothing marked
    assert lines == ["Neue Halle", "Erster Satz.", "Zeile eins", "Zeile zwei", "eins", "zwei", "a b", "Schluss"]
    assert headings == {"Neue Halle": 2}


def test_main_text_removes_the_prune_list_and_the_tag_lists_and_marks_the_rest():
    tree = parse_html(
        "<html><head><title>T</title></head><body><nav>Startseite Politik Sport</nav>"
        f"<article><h2>Die Halle</h2><p>{PROSE}</p><p>{PROSE}</p><div class='share-bar'>Teilen Sie <a href='#'>diesen Artikel</a></div>"
        "<figure>Foto: dpa</figure><script>var x = 1;</script><div class='x-hidden-widget'>Verborgen</div></article>"
        "<p>Mehr <a href='/a'>Nachrichten aus der Region</a></p><footer>Impressum</footer></body></html>"
    )
    text, marks, headings = dom.main_text(tree, ("//div[@class='x-hidden-widget']",))
    lines = text.split("\n")
    assert lines == [
        "Die Halle",
        PROSE.strip(),
        PROSE.strip(),
        "Teilen Sie diesen Artikel",
        "Mehr Nachrichten aus der Region",
    ]
    assert len(marks) == len(lines) and dom.MARKS == ("in_frame", "marked", "link_share", "tag")
    heading, prose, _, share, outside = marks
    assert heading == (1.0, 0.0, 0.0, 1.0)  # in the article frame, a heading
    assert prose == (1.0, 0.0, 0.0, 3.0)  # a paragraph
    assert share[:2] == (1.0, 1.0) and share[2] == 14 / 25  # named "share-bar"; "diesen Artikel" linked
    assert outside[0] == 0.0 and outside[3] == 3.0 and 0.8 < outside[2] < 1.0
    assert headings == {"Die Halle": 2}


def test_a_boilerplate_name_on_the_page_wrapper_marks_nothing():
    # a wrapper named like a bar around the whole page is layout: its text is not marked
    root = lxml_html.document_fromstring(
        f"<html><body><div class='page-bar'><p>{PROSE}</p><div class='share-box'>Teilen</div></div></body></html>"
    ).find("body")
    marked = dom.marked_elements(root)
    assert [e.get("class") for e in marked] == ["share-box"]


def test_a_wrapper_holding_most_of_the_page_is_unwrapped_not_removed():
    # an ASP.NET form around the page, the noscript text of a page built by script, a nav left open by
    # broken markup: removing them would leave an empty page; smaller ones still go with their content
    for wrapper in ("form", "noscript", "nav"):
        tree = parse_html(
            f"<html><body><nav>Startseite Politik Sport</nav><{wrapper} id='w'><h1>Die Halle</h1><p>{PROSE}</p>"
            f"<p>{PROSE}</p><form><label>Suche</label><button>Los</button></form></{wrapper}>"
            "<footer>Impressum Datenschutz</footer></body></html>"
        )
        text, _marks, _headings = dom.main_text(tree)
        assert text.split("\n") == ["Die Halle", PROSE.strip(), PROSE.strip()], wrapper
    # a wrapper holding less than half of the text still goes with its content (a third here), and so
    # does one holding most of it where the rest of the page holds more than a tenth (a mega-menu)
    tree = parse_html(f"<html><body><p>{PROSE}</p><p>{PROSE}</p><form><p>{PROSE}</p></form></body></html>")
    assert dom.main_text(tree)[0].split("\n") == [PROSE.strip()] * 2
    menu = "".join(f"<li><a href='/{i}'>Rubrik Nummer {i} mit Unterseiten</a></li>" for i in range(40))
    tree = parse_html(f"<html><body><nav><ul>{menu}</ul></nav><p>{PROSE}</p><p>{PROSE}</p></body></html>")
    assert dom.main_text(tree)[0].split("\n") == [PROSE.strip()] * 2
    # a figure goes with its caption, unless it holds a table (a table of figures is text)
    tree = parse_html(
        f"<html><body><p>{PROSE}</p><figure><img src='a.jpg'><figcaption>Foto: dpa</figcaption></figure>"
        "<figure><table><tr><td>Gebühr</td><td>1,5 %</td></tr></table></figure></body></html>"
    )
    assert dom.main_text(tree)[0].split("\n") == [PROSE.strip(), "Gebühr 1,5 %"]


def test_cleaner_with_own_extraction_end_to_end():
    page = (
        "<html><head><title>Turnhalle wird saniert | Beispielblatt</title></head><body>"
        "<nav><ul><li>Startseite</li><li>Lokales</li></ul></nav>"
        f"<article><h1>Turnhalle wird saniert</h1><p>{PROSE}</p><p>{PROSE}</p></article>"
        "<footer>© Beispielblatt</footer></body></html>"
    )
    doc = Cleaner(Settings(html_extraction="own")).clean_html(page, url="https://example.de/a")
    assert "Gemeinderat" in doc.text
    assert "Startseite" not in doc.text and "Beispielblatt" not in doc.text
    assert doc.format == "html" and all(b.dom is not None for b in doc.blocks)


def _page(i: int) -> tuple[str, str]:
    """A generated news page (its HTML, its article's text): the article in an ``<article>``, a
    share bar inside it, and link lists around it."""
    body = [f"Meldung {i}: " + PROSE, "Die Arbeiten beginnen im Frühjahr, sagte die Bürgermeisterin am Mittwoch."]
    html = (
        "<html><head><title>Halle</title></head><body>"
        f"<div class='top'><a href='/'>Start</a> <a href='/p'>Politik</a> <a href='/s'>Sport {i}</a></div>"
        "<article>" + "".join(f"<p>{t}</p>" for t in body) + "<div class='share-tools'><a href='#'>Teilen</a> "
        "<a href='#'>Drucken</a></div></article><ul class='more-links'>"
        + "".join(f"<li><a href='/x{k}'>Weitere Nachricht Nummer {k}</a></li>" for k in range(i % 3 + 2))
        + "</ul></body></html>"
    )
    return html, "\n".join(body)


def test_a_model_trained_on_own_extraction_reads_the_marks(tmp_path):
    """Training pages of the own extraction give a model with the DOM columns (features.DOM_NAMES),
    which the scorer then builds; the shipped model, without them, still cleans own-extraction pages."""
    import gzip
    import json

    import numpy as np

    from cleaner import training
    from cleaner.model import features

    (tmp_path / "html").mkdir()
    gold = {}
    for i in range(16):
        html, text = _page(i)
        (tmp_path / "html" / f"p{i}.html.gz").write_bytes(gzip.compress(html.encode("utf-8")))
        gold[f"p{i}"] = {"articleBody": text, "url": f"https://example.de/halle-{i}"}
    (tmp_path / "ground-truth.json").write_text(json.dumps(gold), encoding="utf-8")
    collector = Cleaner(Settings(model="none", html_extraction="own"))
    pages = list(training.pages_from_gold(collector, str(tmp_path / "ground-truth.json"), "all", modes=("html",)))
    assert pages and all(p.mode == "text" and all(b.dom is not None for b in p.blocks) for p in pages)
    config = training.TrainConfig(
        params={**training.LGB_PARAMS, "num_leaves": 7, "min_data_in_leaf": 2}, rounds=20, stage2_rounds=10
    )
    meta = training.train(pages, str(tmp_path / "m"), "test", log=lambda m: None, config=config)
    assert meta["features"] == features.FEATURE_NAMES + features.DOM_NAMES
    own = Cleaner(Settings(model=str(tmp_path / "m"), html_extraction="own"))
    assert own.scorer.with_dom
    seen = []
    original = own.scorer.stage1.predict
    own.scorer.stage1.predict = lambda rows, **kw: seen.append(rows.shape[1]) or original(rows, **kw)
    html, text = _page(99)
    doc = own.clean_html(html, url="https://example.de/halle-99")
    assert seen == [len(features.FEATURE_NAMES) + len(features.DOM_NAMES)]
    assert "Bürgermeisterin" in doc.text
    # the DOM columns: a block's marks, its neighbours' frame and markup marks, NaN past the page
    cols = features.dom_columns(doc.blocks)
    assert cols.shape == (len(doc.blocks), len(features.DOM_NAMES))
    assert np.isnan(cols[0, features.DOM_NAMES.index("dom_in_frame@-1")])
    shipped = Cleaner(Settings(html_extraction="own"))
    assert not shipped.scorer.with_dom and "Bürgermeisterin" in shipped.clean_html(html).text


def test_a_section_opened_outside_the_main_frame_ends_at_its_edge():
    """A comments link in the page header ("Kommentar hinzufügen") opens a comments section that
    only ends after three prose paragraphs: on a flattened page it eats a two-paragraph article.
    With the own extraction the section stops where the main frame begins, and one opened inside
    the frame stops where the frame ends."""
    prose = ["Meldung eins: " + PROSE, "Meldung zwei: " + PROSE]
    page = (
        "<html><head><title>Halle</title></head><body>"
        "<div class='top'><p><a href='#c'>Kommentar hinzufügen</a></p></div>"
        "<article>" + "".join(f"<p>{t}</p>" for t in prose) + "<p>Kommentare</p></article>"
        "<div class='side'><p>Ein anderer Text der Seite, Nummer eins, mit mehr Wörtern als ein Menü hat.</p></div>"
        "</body></html>"
    )
    doc = Cleaner(Settings(html_extraction="own")).clean_html(page, url="https://example.de/a")
    assert "Meldung eins" in doc.text and "Meldung zwei" in doc.text
    header = next(b for b in doc.blocks if b.text == "Kommentar hinzufügen")
    assert header.section == "section.comments" and not header.kept
    inner = next(b for b in doc.blocks if b.text == "Kommentare")
    assert inner.section == "section.comments"
    side = next(b for b in doc.blocks if b.text.startswith("Ein anderer Text"))
    assert side.section is None  # (the model judges it)
    # the same lines as a text page: the comments section opened by the first line eats the article
    flat = Cleaner().clean_text("\n\n".join(["Kommentar hinzufügen", *prose]))
    assert "Meldung eins" not in flat.text
