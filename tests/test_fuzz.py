"""Fuzzing the library (issue 28): a bounded run of the generator of ``tests/fuzzlib.py`` (the long
run is ``bench/fuzz.py``) and Hypothesis-driven inputs. Whatever the input: only BadInput is raised,
no output string holds a control character but newline, a page with a few stray bytes is not
turned into mojibake, the same input gives the same bytes, and no case runs for ever.

The bounded run uses raw/ and tests/fixtures/ only (the same cases on every machine) with huge
lines and floods capped at SUITE_MAX_SIZE; cases run in two worker processes under a watchdog
that fails a case after fuzzlib.CASE_TIMEOUT seconds. Nothing here is timed otherwise.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fuzzlib

from cleaner import BadInput

#: cases of the bounded run, and their largest huge line / attribute / flood
SUITE_CASES = 300
SUITE_MAX_SIZE = 100_000
SUITE_SEED = 0
#: Hypothesis examples per property (derandomized: the suite draws the same examples every run)
EXAMPLES = 60

HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def results():
    pool = fuzzlib.page_pool(False)
    name = lambda i: fuzzlib.generate(SUITE_SEED, i, pool=pool, max_size=SUITE_MAX_SIZE).name  # noqa: E731
    return list(
        fuzzlib.run_pool(
            range(SUITE_CASES),
            SUITE_SEED,
            workers=2,
            max_size=SUITE_MAX_SIZE,
            benchmarks=False,
            determinism_every=5,
            names=name,
        )
    )


def _listing(items) -> str:
    return "\n".join(str(x) for x in items[:40]) + (f"\n... {len(items) - 40} more" if len(items) > 40 else "")


def test_fuzz_run_covers_every_kind(results):
    """The run is what it claims: every case came back and every mutation kind was exercised."""
    assert len(results) == SUITE_CASES
    assert {r["kind"] for r in results if "kind" in r} == set(fuzzlib.KINDS)


def test_fuzz_only_bad_input(results):
    s = fuzzlib.summarise(results)
    groups = [f"{len(v)} x {k}: {', '.join(v[:3])}" for k, v in s["exceptions"].items()]
    assert not groups, "exceptions other than BadInput:\n" + _listing(groups)


def test_fuzz_nothing_hangs(results):
    hung = [(r["name"], r["status"], round(r["seconds"], 1)) for r in results if r["status"] == "timeout"]
    assert not hung, f"cases killed by the {fuzzlib.CASE_TIMEOUT:g} s watchdog:\n" + _listing(hung)


def test_fuzz_no_control_characters(results):
    found = fuzzlib.summarise(results)["control"]
    assert not found, "control characters in output records:\n" + _listing(found)


def test_fuzz_stray_bytes_not_garbled(results):
    stray = [r for r in results if r.get("kind") == "stray_bytes"]
    assert len(stray) >= 10
    garbled = fuzzlib.summarise(results)["garbled"]
    assert not garbled, "pages with stray bytes came out garbled:\n" + _listing(garbled)


def test_fuzz_deterministic_and_one_line_errors(results):
    s = fuzzlib.summarise(results)
    assert not s["nondeterministic"], _listing(s["nondeterministic"])
    assert not s["bad_messages"], _listing(s["bad_messages"])


def test_garbling_check_detects_mojibake():
    """The garbling check itself: UTF-8 read as cp1252 is caught, the page's own text is not."""
    original = "Die Bürger der Straße fordern größere Übergänge – „sofort“."
    assert fuzzlib.garbling(original, original) is None
    assert fuzzlib.garbling(original + "\ufffd", original) is None
    assert "mojibake" in fuzzlib.garbling(original.encode("utf-8").decode("cp1252", "replace"), original)
    assert fuzzlib.control_chars({"text": "a\nb", "meta": {"k": ["x\x85"]}}) == [(".meta.k[0]", "'\\x85'")]


# ------------------------------------------------------------------------------------------ Hypothesis

#: any code point, lone surrogates included (st.text leaves them out unless asked)
ANY_CHAR = st.characters(exclude_categories=())
PIECES = st.sampled_from(fuzzlib.WORDS + fuzzlib.LONE_SURROGATES + fuzzlib.CONTROL_CHARS + ["\n", " ", "<p>", "</p>"])
TEXT = st.text(ANY_CHAR, max_size=400) | st.lists(PIECES, max_size=200).map("".join)
SHORT = st.text(ANY_CHAR, max_size=30) | st.lists(PIECES, max_size=8).map("".join)


def _check_record(cleaner, case):
    """Clean one case: BadInput or a record without control characters that is written in UTF-8."""
    try:
        line, rec = fuzzlib.clean_case(cleaner, case)
    except BadInput as exc:
        assert str(exc).strip() and "\n" not in str(exc)
        return None
    assert fuzzlib.control_chars(rec) == []
    return line


@HYPOTHESIS
@given(data=st.binary(max_size=3000), fmt=st.sampled_from([None, "text", "html"]))
def test_hypothesis_clean_bytes(cleaner, data, fmt):
    case = fuzzlib.Case("hypothesis-bytes", "hypothesis", data, None, fmt)
    first = _check_record(cleaner, case)
    assert _check_record(cleaner, case) == first  # same input, same bytes


@HYPOTHESIS
@given(text=TEXT, fmt=st.sampled_from(["text", "html"]))
def test_hypothesis_clean_str(cleaner, text, fmt):
    _check_record(cleaner, fuzzlib.Case("hypothesis-str", "hypothesis", text, None, fmt))


@HYPOTHESIS
@given(
    meta=st.dictionaries(
        st.sampled_from(["url", "title", "date", "outlet", "id"]) | SHORT,
        SHORT | st.integers() | st.lists(SHORT, max_size=3),
        max_size=5,
    )
)
def test_hypothesis_meta(cleaner, meta):
    page = fuzzlib.page_pool(False)[2]
    _check_record(cleaner, fuzzlib.Case("hypothesis-meta", "hypothesis", page.data(), meta, page.fmt))


@pytest.fixture(scope="module")
def own_cleaner():
    from cleaner import Cleaner, Settings

    return Cleaner(Settings(html_extraction="own"))


@HYPOTHESIS
@given(text=TEXT)
def test_hypothesis_own_extraction(own_cleaner, text):
    """cleaner's own HTML extraction (cleaner/dom.py) on hostile markup: a record or one BadInput line,
    the same bytes twice."""
    case = fuzzlib.Case("hypothesis-own", "hypothesis", text, None, "html")
    first = _check_record(own_cleaner, case)
    assert _check_record(own_cleaner, case) == first


def test_own_extraction_on_fuzz_cases(own_cleaner):
    """200 cases of the fuzz run's generator (flips, truncations, tag and script floods, deep nesting,
    huge attributes...) read as HTML through the own extraction: a record or one BadInput line each."""
    for case in fuzzlib.cases(200, seed=31, max_size=200_000):
        _check_record(own_cleaner, case._replace(fmt="html"))
