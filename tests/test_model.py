"""The learned classifier: features, loading the shipped model, train -> predict, reproducibility."""

import json

import numpy as np
import pytest

from cleaner import Cleaner, Settings
from cleaner.classify import annotate, segment_text
from cleaner.model import BlockModel, load_model
from cleaner.model.features import DOM_NAMES, FEATURE_NAMES, RULE_CODE, page_features
from cleaner.model.scorer import TEXT_THRESHOLD
from cleaner.ruleset import load_rules
from cleaner.training import LabelledPage, pages_from_annotated, pages_from_block_jsonl, train
from conftest import ROOT

SHARED = ROOT.parent / "shared" / "benchmarks"

PAGE = (
    "Startseite > Sport\n\nMeistgelesen\n\nTrainerwechsel beim VfL\nNeues Stadion geplant\n\n"
    "Handball: Derbysieg in der Nachspielzeit\n\n"
    "Die Handballer des TuS haben das Derby gegen den Nachbarn in letzter Sekunde gewonnen. Vor 1800 "
    "Zuschauern erzielte Kapitän Jonas Reuter den entscheidenden Treffer zum 27:26.\n\n"
    "Lange hatte es nach einem Unentschieden ausgesehen, doch die Gastgeber behielten die Nerven. Der "
    "Trainer lobte nach dem Spiel vor allem die Abwehrarbeit seiner jungen Mannschaft.\n\nTeilen Drucken\n"
)


def annotated(text):
    rules = load_rules().for_language("de", "de")
    blocks = segment_text(text)
    annotate(blocks, rules)
    return blocks, rules


def test_features_have_one_row_per_block_in_the_declared_order():
    blocks, rules = annotated(PAGE)
    rows = page_features(blocks, rules, "text")
    assert len(rows) == len(blocks) and all(len(r) == len(FEATURE_NAMES) for r in rows)
    col = {name: i for i, name in enumerate(FEATURE_NAMES)}
    para = next(i for i, b in enumerate(blocks) if b.text.startswith("Die Handballer"))
    menu = next(i for i, b in enumerate(blocks) if b.text.startswith("Neues Stadion"))
    assert rows[para][col["stopword_density"]] > 0.3 and rows[para][col["ends_sentence"]] == 1
    assert rows[menu][col["in_section"]] == 1 and rows[menu][col["rule"]] >= 0
    assert rows[para][col["rule@-1"]] == -1  # the title above the paragraph: no rule
    assert rows[menu][col["rule@-1"]] == RULE_CODE["most_read"]  # the list item above it
    assert rows[para + 1][col["rule@+1"]] == RULE_CODE["share"]  # the share bar below the last paragraph
    assert rows[0][col["log_chars@-1"]] == -1  # nothing above the first block
    assert len(page_features([], rules)) == 0
    # page_features takes _own's values in insertion order: its keys must be OWN, in order
    from cleaner.model.features import OWN, _own

    assert list(_own(blocks[para], rules, para, len(blocks), 0, 1, 0, False)) == OWN


def test_shipped_model_loads_without_network_and_scores_blocks():
    model = load_model()
    assert isinstance(model, BlockModel)
    meta = json.loads((ROOT / "cleaner" / "model" / "blocks.json").read_text(encoding="utf-8"))
    assert meta["command"].startswith("cleaner train") and meta["features"] == list(FEATURE_NAMES)
    assert not any(p.suffix in (".pkl", ".pickle", ".joblib") for p in (ROOT / "cleaner" / "model").iterdir())
    doc = Cleaner().clean_text(PAGE)
    scores = {b.text[:14]: b.score for b in doc.blocks}
    assert scores["Die Handballer"] > 0.5  # an article paragraph
    # the headline above it is the page's title, not a paragraph of its body (the model may give a
    # headline a middling score: the title stage judges it by title_keep_score)
    assert doc.title.startswith("Handball: Derb") and not any(
        line.startswith("Handball: Derb") for line in doc.text.splitlines()
    )
    assert scores["Neues Stadion "] is None  # claimed by the "Meistgelesen" section: not scored
    assert "Kapitän Jonas Reuter" in doc.text and "Trainerwechsel" not in doc.text


def test_explain_shows_model_scores(in_root):
    from click.testing import CliRunner

    from cleaner.cli import main

    out = CliRunner().invoke(main, ["explain", "raw/000_a03daa696e6074ab.txt"]).output
    assert "model p=" in out  # a block the model dropped names its score as the reason
    rows = [line.split() for line in out.splitlines() if line.split()[:2] and line.split()[1] == "KEEP"]
    assert rows and all(0.0 <= float(r[4]) <= 1.0 for r in rows)  # line, KEEP, class, stopwords, score


def test_train_then_predict_round_trip(tmp_path):
    """A tiny labelled set: block JSONL and annotated pages -> model files -> a Cleaner using them."""
    lines = []
    for d in range(12):
        doc = f"d{d}"
        lines += [
            {"doc": doc, "text": "Home | News | Sport | Kontakt", "label": 0},
            {
                "doc": doc,
                "text": f"Artikel Nummer {d}: Die Stadt baut eine neue Brücke über den Fluss, "
                "und die Arbeiten sollen im Frühjahr beginnen, wie der Rat mitteilte.",
                "label": 1,
            },
            {
                "doc": doc,
                "text": "Die Kosten liegen nach Angaben der Verwaltung bei rund zwei Millionen "
                "Euro, das Land übernimmt einen großen Teil davon.",
                "label": 1,
            },
            {"doc": doc, "text": "Teilen auf Facebook", "label": 0},
            {"doc": doc, "text": "© 2024 Beispiel Verlag", "label": 0},
        ]
    jl = tmp_path / "blocks.jsonl"
    jl.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    cleaner = Cleaner(Settings(model="none"))
    pages = list(pages_from_block_jsonl(cleaner, str(jl)))
    pages += list(pages_from_annotated(cleaner, str(ROOT / "tests" / "fixtures" / "pages")))[:4]
    assert all(isinstance(p, LabelledPage) for p in pages) and len(pages) == 16
    meta = train(pages, str(tmp_path / "m"), "test", log=lambda m: None)
    assert meta["threshold"] == TEXT_THRESHOLD and 0.05 <= meta["oof_best_threshold"] <= 0.95
    trained = Cleaner(Settings(model=str(tmp_path / "m")))
    assert isinstance(trained.scorer, BlockModel)
    doc = trained.clean_text("\n\n".join(x["text"] for x in lines[:5]))
    assert "neue Brücke" in doc.text and "Home | News" not in doc.text
    # the model scores the blocks no rule claimed ("Teilen auf Facebook" is a share line), and only those
    assert all(b.score is not None for b in doc.blocks if b.category is None or b.reason.startswith("model p="))
    assert [b.score for b in doc.blocks if b.text == "Teilen auf Facebook"] == [None]


def _train(args: list[str]):
    """``cleaner train ARGS`` in this process (run from the repository root: see ``in_root``)."""
    from click.testing import CliRunner

    from cleaner.cli import main

    return CliRunner().invoke(main, ["train", *args])


@pytest.mark.skipif(not (SHARED / "scrapinghub").exists(), reason="benchmarks not beside the checkout")
def test_training_on_a_small_set_is_reproducible_to_the_byte(tmp_path, in_root):
    """The shipped model's recipe on a small set (eight ScrapingHub pages, text and HTML mode, and
    the annotated fixture pages), run twice: the same model files. The full recipe is the slow test
    below."""
    pytest.importorskip("inscriptis")
    gold = json.loads((SHARED / "scrapinghub" / "ground-truth.json").read_text(encoding="utf-8"))
    small = tmp_path / "gold"
    (small / "html").mkdir(parents=True)
    keys = sorted(gold)[:8]
    for key in keys:
        (small / "html" / f"{key}.html.gz").symlink_to(SHARED / "scrapinghub" / "html" / f"{key}.html.gz")
    (small / "ground-truth.json").write_text(json.dumps({k: gold[k] for k in keys}), encoding="utf-8")
    files = {}
    for run in ("a", "b"):
        result = _train(
            [
                "-o",
                str(tmp_path / run),
                "--gold",
                str(small / "ground-truth.json"),
                "--split",
                "all",
                "--annotated",
                "tests/fixtures/pages",
            ]
        )
        assert result.exit_code == 0, result.output
        files[run] = {p.name: p.read_bytes() for p in sorted((tmp_path / run).iterdir())}
    assert set(files["a"]) >= {"blocks.stage1.txt", "blocks.stage2.txt", "blocks.json"}
    meta, again = (json.loads(files[run].pop("blocks.json")) for run in ("a", "b"))
    assert files["a"] == files["b"]  # the trees, byte for byte
    assert meta.pop("command").replace(str(tmp_path / "a"), "OUT") == again.pop("command").replace(
        str(tmp_path / "b"), "OUT"
    )
    assert meta == again
    assert meta["features"] == list(FEATURE_NAMES)
    assert isinstance(Cleaner(Settings(model=str(tmp_path / "a"))).scorer, BlockModel)
    # --weight FOLDER=W: the gold folder's pages weigh W against the fixture pages' 1, so the trees
    # change, and the recorded command repeats it; a folder no --gold names, or no number, is an error
    base = ["--gold", str(small / "ground-truth.json"), "--split", "all", "--annotated", "tests/fixtures/pages"]
    result = _train(["-o", str(tmp_path / "w"), *base, "--weight", "gold=0.25"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "w" / "blocks.stage1.txt").read_bytes() != files["a"]["blocks.stage1.txt"]
    assert "--weight gold=0.25" in json.loads((tmp_path / "w" / "blocks.json").read_text())["command"]
    # --html-extraction own: the HTML views are the own extraction's lines, so the model learns the DOM
    # columns (features.DOM_NAMES) and the recorded command repeats the option
    result = _train(["-o", str(tmp_path / "own"), *base, "--html-extraction", "own"])
    assert result.exit_code == 0, result.output
    own_meta = json.loads((tmp_path / "own" / "blocks.json").read_text())
    plain = json.loads((tmp_path / "w" / "blocks.json").read_text())
    assert "--html-extraction own" in own_meta["command"] and "--html-extraction" not in plain["command"]
    assert set(DOM_NAMES) <= set(own_meta["features"]) and not set(DOM_NAMES) & set(plain["features"])
    for bad, says in (
        ("nosuch=0.5", "names no --gold folder: nosuch"),
        ("gold=x", "not FOLDER=W"),
        ("gold=0", "above 0"),
    ):
        result = _train(["-o", str(tmp_path / "x"), *base, "--weight", bad])
        assert result.exit_code != 0 and says in result.output, result.output


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "scrapinghub").exists(), reason="benchmarks not beside the checkout")
def test_cleaner_train_reproduces_the_shipped_model(tmp_path, in_root):
    """The command recorded in blocks.json, run again, gives the same model files byte for byte
    (two minutes: run on demand with ``pytest -m slow``)."""
    pytest.importorskip("inscriptis")
    meta = json.loads((ROOT / "cleaner" / "model" / "blocks.json").read_text(encoding="utf-8"))
    args = meta["command"].split()[2:]  # after "cleaner train"
    args[args.index("-o") + 1] = str(tmp_path / "model")
    result = _train(args)
    assert result.exit_code == 0, result.output
    for name in ("blocks.stage1.txt", "blocks.stage2.txt"):
        assert (tmp_path / "model" / name).read_bytes() == (ROOT / "cleaner" / "model" / name).read_bytes(), name
    new = json.loads((tmp_path / "model" / "blocks.json").read_text(encoding="utf-8"))
    assert {k: v for k, v in new.items() if k != "command"} == {k: v for k, v in meta.items() if k != "command"}


def test_topic_overlap_separates_the_article_from_a_teaser_for_another_story():
    """A line that shares the article's content words scores high; a teaser for another story, low;
    a block's own words do not count for itself; a page with too little prose gets -1 throughout."""
    from cleaner.model.features import TOPIC_MIN_PROSE, topic_overlap

    more = (
        "\nIn der zweiten Halbzeit setzten sich die Handballer des TuS zunächst mit drei Toren ab, weil "
        "Kapitän Reuter immer wieder die Lücken in der Abwehr des Nachbarn fand.\n\n"
        "Der Nachbar kämpfte sich mit einer offensiven Abwehr zurück und glich vier Minuten vor dem Ende "
        "aus, ehe Reuter in der Nachspielzeit zum Derbysieg traf.\n\n"
        "Für die Handballer des TuS war es der dritte Derbysieg in Folge, und die Mannschaft feierte den "
        "Kapitän nach dem Abpfiff lange vor der eigenen Kurve.\n"
    )
    page = PAGE.replace(
        "\nTeilen Drucken\n",
        more + "\nTrainerwechsel beim Nachbarn: Vorstand entlässt Coach "
        "nach Niederlagenserie\n\nReuter lobt die Abwehrarbeit der jungen Handballer\n\nTeilen Drucken\n",
    )
    blocks, rules = annotated(page)
    prose = [b.cf_class in ("good", "near-good") and b.category is None for b in blocks]
    assert sum(prose) >= TOPIC_MIN_PROSE
    over = topic_overlap(blocks, prose, rules.stopwords)
    by_text = {b.text[:12]: o for b, o in zip(blocks, over)}
    assert by_text["Reuter lobt "] > 0.5 > by_text["Trainerwechs"]
    assert by_text["Teilen Druck"] == 0.0  # no content word of the article
    assert (topic_overlap(blocks[:3], [True] * 3, rules.stopwords) == -1.0).all()  # too little prose
    assert topic_overlap([], [], rules.stopwords).size == 0


def test_stage2_looks_through_blocks_a_rule_claimed():
    """Stage 2 smooths an unclaimed block with the unclaimed blocks around it: an ad or caption
    between two article paragraphs is not the paragraph's neighbour. Claimed blocks keep the
    page order (their own verdict comes from the rule)."""
    import numpy as np

    from cleaner.model.scorer import STAGE2_NAMES, stage2_rows

    page = (
        "Die Handballer des TuS haben das Derby gegen den Nachbarn in letzter Sekunde gewonnen, vor "
        "1800 Zuschauern in der ausverkauften Halle.\n\nAnzeige\n\nJetzt Probeabo sichern: 4 Wochen digital "
        "für 0,99 Euro\n\nDer Trainer lobte nach dem Spiel vor allem die Abwehrarbeit seiner jungen "
        "Mannschaft, die am Ende die Nerven behielt.\n"
    )
    blocks, rules = annotated(page)
    assert [b.category for b in blocks] == [None, "ad", "ad", None]
    rows = page_features(blocks, rules, "text")
    p = [0.9, 0.1, 0.2, 0.8]
    col = {name: i for i, name in enumerate(STAGE2_NAMES)}
    out = stage2_rows(p, rows)
    assert out[3, col["p@-1"]] == 0.9 and out[0, col["p@+1"]] == 0.8  # the ad is looked through
    assert out[3, col["p@-2"]] == -1 and out[3, col["p_page_mean"]] == pytest.approx(0.85)
    assert out[1, col["p@-1"]] == 0.9 and out[1, col["p@+1"]] == 0.2  # the ad itself: page order
    assert np.array_equal(out[:, len(STAGE2_NAMES) - 1], np.asarray(rows)[:, FEATURE_NAMES.index("context_good")])
    assert stage2_rows([], rows[:0]).shape == (0, len(STAGE2_NAMES))


def _own_rows(blocks, rules, mode_html):
    """The OWN columns block by block, as the reference ``_own`` gives them."""
    from cleaner.classify import norm_key
    from cleaner.model.features import _own

    keys = [norm_key(b.text) for b in blocks]
    total, before, rows = sum(b.features["chars"] for b in blocks) or 1, 0, []
    for i, b in enumerate(blocks):
        rows.append(list(_own(b, rules, i, len(blocks), before, total, keys.count(keys[i]) - 1, mode_html).values()))
        before += b.features["chars"]
    return rows


@pytest.mark.parametrize("mode_html", [False, True])
def test_the_column_wise_own_matrix_equals_own_block_by_block(mode_html):
    """``own_matrix`` (what page_features uses) against ``_own`` per block, bit for bit, on the raw/
    pages, the fixture pages and edge pages (one block, empty and digit-only lines, dates, addresses)."""
    from cleaner.classify import norm_key
    from cleaner.model.features import own_matrix

    pages = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "raw").glob("*.txt"))]
    pages += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "fixtures" / "pages").glob("*.txt"))]
    pages += [
        "Nur eine Zeile.",
        "12.03.2024 Polizei meldet\n\n...\n\n***\n\nMail: a@b.de www.x.de\n\n1\n\n„Zitat“, sagt er?",
        "A\n\nA\n\nA\n\n" + "x" * 5000,
        "Wort " * 300_000 + "?",
        "Wer?\n\nJa;\n\nNein,\n\n" + "ab. " * 4,
    ]
    checked = 0
    for text in pages:
        rules = Cleaner().rules_for(text)
        blocks = segment_text(text)
        annotate(blocks, rules)
        keys = [norm_key(b.text) for b in blocks]
        got = own_matrix(blocks, rules, [keys.count(k) - 1 for k in keys], mode_html)
        want = np.array(_own_rows(blocks, rules, mode_html), dtype=np.float64)
        assert got.shape == want.shape and got.tobytes() == want.tobytes()
        assert all(b.numbers for b in blocks)  # (measured by the rules stage) ...
        for b in blocks:  # ... and the same when own_matrix computes them itself
            b.numbers, b.counts = (), ()
        again = own_matrix(blocks, rules, [keys.count(k) - 1 for k in keys], mode_html)
        assert again.tobytes() == want.tobytes()
        checked += len(blocks)
    assert checked > 500


def test_a_pairs_folder_trains_the_same_model_however_its_path_is_written(tmp_path, in_root):
    """The fold of a (raw, clean) pair is named relative to its folder: ``raw`` and its absolute
    path give the same trees."""
    runs = {"rel": ["--pairs", "raw", "clean"], "abs": ["--pairs", str(in_root / "raw"), str(in_root / "clean")]}
    trees = {}
    for name, args in runs.items():
        result = _train(["-o", str(tmp_path / name), "--annotated", "tests/fixtures/pages"] + args)
        assert result.exit_code == 0, result.output
        trees[name] = [(tmp_path / name / f).read_bytes() for f in ("blocks.stage1.txt", "blocks.stage2.txt")]
    assert trees["rel"] == trees["abs"]


def test_a_train_config_is_passed_down_not_patched_in(in_root):
    """bench/cv.py and bench/stability.py vary a TrainConfig; the module's defaults stay as they are,
    and a stage of several seeds predicts its boosters' mean."""
    from cleaner import training

    cleaner = Cleaner(Settings(model="none"))
    pages = list(training.pages_from_annotated(cleaner, "tests/fixtures/pages"))
    defaults = dict(training.LGB_PARAMS)
    config = training.TrainConfig(
        params={**training.LGB_PARAMS, "num_leaves": 7}, rounds=20, stage2_rounds=10, seeds=(1, 2)
    )
    fitted = training.fit(pages, config, oof_threshold=False, log=lambda m: None)
    assert training.LGB_PARAMS == defaults
    assert len(fitted.stage1.boosters) == 2 and fitted.oof_best is None
    assert all(b.params["num_leaves"] == 7 for b in fitted.stage1.boosters)
    X = np.random.RandomState(0).rand(5, len(FEATURE_NAMES))
    mean = np.mean([b.predict(X) for b in fitted.stage1.boosters], axis=0)
    assert np.array_equal(fitted.stage1.predict(X), mean)
    with pytest.raises(ValueError, match="one seed"):
        training.train(pages, "unused", "x", config=config)


class _Recorder:
    """A scorer that keeps what the decision stage shows it: each block's rule category."""

    threshold = 0.5
    html_threshold = 0.5

    def __init__(self):
        self.seen: list[list[tuple[str, str | None]]] = []

    def __call__(self, blocks, rules, mode, url=None):
        self.seen.append([(b.text, b.category) for b in blocks])
        return [1.0] * len(blocks)


@pytest.mark.skipif(not (SHARED / "scrapinghub").exists(), reason="benchmarks not beside the checkout")
def test_training_pages_are_annotated_as_inference_sees_them(tmp_path):
    """Each training view (text renderings and the HTML extraction) carries the rule categories that
    clean_text / clean_html hand the model: the same mode (HTML keeps lines repeated on their own),
    outlet rules and scrubbing. Before, HTML views were annotated as text (94 of 2,625 ScrapingHub
    train blocks differed)."""
    pytest.importorskip("inscriptis")
    from cleaner.readers import decode
    from cleaner.training import pages_from_gold, render_bs4, render_inscriptis

    gold = json.loads((SHARED / "scrapinghub" / "ground-truth.json").read_text(encoding="utf-8"))
    small = tmp_path / "gold"
    (small / "html").mkdir(parents=True)
    # pages whose extracted text repeats a line (the duplicate stage differs between the modes)
    keys = [
        "0dd1357045727799a447563fd8851f4ebe79f042073ea16991a9b67aa595f81a",
        "3c6d3381ef52ca26be2fbde19c1b0fe17d85682b726dfecf5e300c1ca34546b1",
    ]
    for key in keys:
        (small / "html" / f"{key}.html.gz").symlink_to(SHARED / "scrapinghub" / "html" / f"{key}.html.gz")
    (small / "ground-truth.json").write_text(json.dumps({k: gold[k] for k in keys}), encoding="utf-8")
    collector = Cleaner(Settings(model="none"))
    views = list(pages_from_gold(collector, str(small / "ground-truth.json"), "all"))
    assert [v.mode for v in views] == ["text", "text", "html"] * len(keys)
    recorder = _Recorder()
    inference = Cleaner(Settings(model="none"), scorer=recorder)
    import gzip

    for i, key in enumerate(keys):
        html = decode(gzip.decompress((small / "html" / f"{key}.html.gz").read_bytes()))
        url = views[3 * i + 2].url  # the address the features saw (None for half the pages)
        inference.clean_text(render_inscriptis(html), url=url)
        inference.clean_text(render_bs4(html), url=url)
        inference.clean_html(html, url=url)
    trained = [[(b.text, b.category) for b in v.blocks] for v in views]
    assert trained == recorder.seen


class _FixedScorer:
    """A block model that calls prose content (0.9), a headline ``p`` and everything else 0.1."""

    threshold, html_threshold = 0.5, 0.05

    def __init__(self, headline: str, p: float):
        self.headline, self.p = headline, p

    def __call__(self, blocks, rules, mode, url=None):
        return [self.p if b.text == self.headline else 0.9 if b.features["words"] >= 15 else 0.1 for b in blocks]


@pytest.mark.parametrize("p, keep_score, is_title", [(0.6, 0.5, False), (0.6, 0.7, True), (0.4, 0.5, True)])
def test_a_headline_is_the_title_unless_the_model_is_surer_than_title_keep_score(p, keep_score, is_title):
    """The heading right above the first paragraph is the page's title unless the model scores it
    content at ``title_keep_score`` or more (a page's title often stands in its gold body too, so
    the model gives headlines middling scores); the page header above it is judged by
    ``header_keep_score`` alone."""
    from cleaner.classify import classify
    from cleaner.thresholds import Thresholds

    headline = "Handball: Derbysieg in der Nachspielzeit"
    rules = load_rules().for_language("de", "de")
    blocks = segment_text(PAGE)
    t = Thresholds(title_keep_score=keep_score)
    outcome = classify(blocks, rules, scorer=_FixedScorer(headline, p), thresholds=t)
    (block,) = [b for b in blocks if b.text == headline]
    assert (outcome.title == headline) is is_title
    assert block.kept is not is_title  # a title leaves the body for the record's title field
    assert not any(b.kept for b in blocks if b.text == "Startseite > Sport")


def test_window_sums_add_left_to_right_bit_for_bit():
    """features.window_sum over a zero-padded column gives the bits of a left-to-right sum of each
    clipped window (huge and tiny magnitudes, signed zeros, pages shorter than a window)."""
    from cleaner.model.features import window_sum

    rng = np.random.default_rng(0)
    for n in (1, 2, 3, 7, 50):
        for radius in (2, 3, 5):
            col = rng.normal(size=n) * 10.0 ** rng.integers(-300, 300, n)
            col[rng.random(n) < 0.3] = -0.0
            expected = []
            for i in range(n):
                acc = 0.0
                for v in col[max(0, i - radius) : i + radius + 1].tolist():
                    acc += v
                expected.append(acc)
            got = window_sum(col, radius)
            assert got.tobytes() == np.array(expected).tobytes(), (n, radius)
