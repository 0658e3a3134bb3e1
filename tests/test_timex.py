"""Time expressions: spans and TIMEX3 values on hand-written sentences, invariants, and the TimeBank gate."""

from __future__ import annotations

import importlib.util
import re
import time

import pytest
from conftest import SHARED, corpus_path
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.model import Span
from storyline.timex import find_timexes
from storyline.timex_values import is_well_formed

# Reference dates: 1998-02-09 is a Monday; 2025-12-18 is a Thursday.
MONDAY = "1998-02-09"
THURSDAY = "2025-12-18"


def only(text: str, reference: str | None = MONDAY) -> tuple[str, str, str]:
    found = find_timexes(text, reference=reference)
    assert len(found) == 1, found
    return found[0].text, found[0].type, found[0].value


@pytest.mark.parametrize(
    ("sentence", "reference", "span", "kind", "value"),
    [
        # calendar dates and their parts
        ("The talks resumed on Feb 20, 2025 in Riyadh.", THURSDAY, "Feb 20, 2025", "DATE", "2025-02-20"),
        ("The decree was signed on 18.12.2025 in Kyiv.", THURSDAY, "18.12.2025", "DATE", "2025-12-18"),
        ("The filing is dated 2024-03-05.", THURSDAY, "2024-03-05", "DATE", "2024-03-05"),
        ("Officials met on Aug. 7, 1998 in Nairobi.", MONDAY, "Aug. 7, 1998", "DATE", "1998-08-07"),
        ("The vote was held on Jan. 28.", MONDAY, "Jan. 28", "DATE", "1998-01-28"),
        ("The summit is planned for April.", "1998-12-05", "April", "DATE", "1999-04"),
        ("Prices fell in August 1988.", MONDAY, "August 1988", "DATE", "1988-08"),
        ("Sales rose in early December.", MONDAY, "early December", "DATE", "1997-12"),
        ("The company was founded in 1995.", MONDAY, "1995", "DATE", "1995"),
        ("Results for fiscal 1997 were weak.", MONDAY, "fiscal 1997", "DATE", "1997"),
        ("Inflation was high in the 1990s.", MONDAY, "the 1990s", "DATE", "199"),
        ("It changed in the 20th century.", MONDAY, "the 20th century", "DATE", "19"),
        ("Profit rose in the first quarter.", "1998-05-04", "the first quarter", "DATE", "1998-Q1"),
        ("Profit rose in Q3 2024.", THURSDAY, "Q3 2024", "DATE", "2024-Q3"),
        ("They will meet this summer.", MONDAY, "this summer", "DATE", "1998-SU"),
        ("The strike began last fall.", MONDAY, "last fall", "DATE", "1997-FA"),
        (
            "The offices are closed on Thanksgiving Day.",
            "1999-11-20",
            "Thanksgiving Day",
            "DATE",
            "1999-11-25",
        ),
        # relative to the reference
        ("The minister spoke on Thursday.", MONDAY, "Thursday", "DATE", "1998-02-05"),
        ("The minister will speak on Thursday.", MONDAY, "Thursday", "DATE", "1998-02-12"),
        # "will" belongs to what was said, not to the day it was said on.
        ("Ministers issued a statement Friday saying the talks will resume.", MONDAY, "Friday", "DATE", "1998-02-06"),
        ("The ceasefire starts this Friday.", MONDAY, "this Friday", "DATE", "1998-02-13"),
        ("The ministers met last Friday.", MONDAY, "last Friday", "DATE", "1998-02-06"),
        ("Talks resume tomorrow.", MONDAY, "tomorrow", "DATE", "1998-02-10"),
        ("He arrived yesterday.", MONDAY, "yesterday", "DATE", "1998-02-08"),
        ("Sales fell last month.", MONDAY, "last month", "DATE", "1998-01"),
        ("The plan takes effect next year.", MONDAY, "next year", "DATE", "1999"),
        ("Talks continue this week.", MONDAY, "this week", "DATE", "1998-W07"),
        ("Talks stalled last week.", MONDAY, "last week", "DATE", "1998-W06"),
        ("The deal closed ten days ago.", MONDAY, "ten days ago", "DATE", "1998-01-30"),
        ("He was shot last Oct. 23 at home.", "1999-04-19", "last Oct. 23", "DATE", "1998-10-23"),
        (
            "The Times said on Monday, Oct. 26, that it agreed.",
            "1999-01-04",
            "Monday, Oct. 26",
            "DATE",
            "1998-10-26",
        ),
        ("The offer was extended to Nov. 16.", "1989-11-01", "Nov. 16", "DATE", "1989-11-16"),
        ("The index has risen 8% since year-end.", MONDAY, "year-end", "DATE", "1997-12-31"),
        ("Net income for the year rose 5%.", MONDAY, "the year", "DURATION", "P1Y"),
        ("The rally began Friday evening.", MONDAY, "Friday evening", "TIME", "1998-02-06TEV"),
        ("The fund shrank earlier this year.", MONDAY, "earlier this year", "DATE", "1998"),
        ("He lost his 1996 campaign for re-election.", MONDAY, "1996", "DATE", "1996"),
        ("A referendum is due next year after the vote.", MONDAY, "next year", "DATE", "1999"),
        ("The March accession completes the process.", MONDAY, "March", "DATE", "1998-03"),
        ("The pact takes effect effective Feb. 1.", "1989-10-26", "Feb. 1", "DATE", "1990-02-01"),
        ("Two helicopters crashed last February.", "1998-03-01", "last February", "DATE", "1997-02"),
        (
            "Until Thursday, they had not called him a suspect.",
            "1999-05-07",
            "Thursday",
            "DATE",
            "1999-05-06",
        ),
        (
            "Net for the year-earlier nine months fell.",
            MONDAY,
            "the year-earlier nine months",
            "DURATION",
            "P9M",
        ),
        ("The offer is advertised in today's editions.", MONDAY, "today's", "DATE", "1998-02-09"),
        ("Islam will one day be the second religion.", MONDAY, "one day", "DATE", "FUTURE_REF"),
        ("Traders squared positions ahead of the weekend.", MONDAY, "the weekend", "DATE", "1998-W07-WE"),
        (
            "He spoke several months before he took office.",
            MONDAY,
            "several months before",
            "DURATION",
            "PXM",
        ),
        # clock times hang on the day named with them, else on the reference
        ("The blast came at 3 p.m. on the border.", MONDAY, "3 p.m.", "TIME", "1998-02-09T15:00"),
        (
            "The deadline expires at 10:35 a.m. Friday.",
            MONDAY,
            "10:35 a.m. Friday",
            "TIME",
            "1998-02-13T10:35",
        ),
        ("Markets fell sharply this morning.", MONDAY, "this morning", "TIME", "1998-02-09TMO"),
        (
            "The father will leave at 4 in the morning.",
            MONDAY,
            "4 in the morning",
            "TIME",
            "1998-02-09T04:00",
        ),
        # durations
        ("The three-year-long war has ruined the east.", THURSDAY, "three-year-long", "DURATION", "P3Y"),
        ("Prices rose over the past three months.", MONDAY, "the past three months", "DURATION", "P3M"),
        ("The talks lasted 16 hours.", MONDAY, "16 hours", "DURATION", "PT16H"),
        ("He served 2 1/2 years in prison.", MONDAY, "2 1/2 years", "DURATION", "P2Y6M"),
        ("The flight took several hours.", MONDAY, "several hours", "DURATION", "PTXH"),
        # sets
        ("The council meets each week.", MONDAY, "each week", "SET", "P1W"),
        ("The paper is published daily.", MONDAY, "daily", "SET", "P1D"),
        ("Exports earn $5 million a year.", MONDAY, "a year", "SET", "P1Y"),
        ("The market opens on Mondays.", MONDAY, "Mondays", "SET", "XXXX-WXX-1"),
        # reference words
        ("The alliance is now ready.", MONDAY, "now", "DATE", "PRESENT_REF"),
        ("The envoy recently visited Kyiv.", MONDAY, "recently", "DATE", "PAST_REF"),
        ("Nobody knows what the future holds.", MONDAY, "the future", "DATE", "FUTURE_REF"),
    ],
)
def test_expression_gets_its_span_type_and_value(sentence, reference, span, kind, value):
    assert only(sentence, reference) == (span, kind, value)


@pytest.mark.parametrize(
    ("sentence", "reference", "values"),
    [
        (
            "Allies must reach 5% of GDP by 2035, tomorrow, or soon after tomorrow.",
            THURSDAY,
            ["2035", "2025-12-19", "2025-12-19"],
        ),
        # an earnings report: "a year earlier" and "the quarter" hang on the quarter just named
        (
            "Profit rose in the first quarter from a year earlier; the quarter was strong.",
            "1998-05-04",
            ["1998-Q1", "1997-Q1", "1998-Q1"],
        ),
        ("Between 1994 and 1997 the company grew.", THURSDAY, ["1994", "1997"]),
        # "the previous Friday" counts back from the Friday just named, not from the reference
        (
            "Stocks crashed Friday and closed down 4.5% from the previous Friday.",
            "1989-10-30",
            ["1989-10-27", "1989-10-20"],
        ),
        # an indefinite quarter is an aside: "the year-earlier period" still compares with the third quarter
        (
            "Profit rose in the third quarter from a year ago. After a flat second quarter, charges "
            "in the year-earlier period helped.",
            "1989-11-01",
            ["1989-Q3", "1988-Q3", "1989-Q2", "1988-Q3"],
        ),
        # "April 24 and 25": the second day is an expression of its own
        ("The summit is held on April 24 and 25.", "1999-02-10", ["1999-04-24", "1999-04-25"]),
        # the day that closes a quarter leaves the quarter as the anchor of "a year ago"
        (
            "Net fell in the fiscal first quarter ended Sept. 30, from a year ago.",
            "1989-10-26",
            ["1989-Q1", "1989-09-30", "1988-Q1"],
        ),
    ],
)
def test_several_expressions_resolve_in_reading_order(sentence, reference, values):
    assert [t.value for t in find_timexes(sentence, reference=reference)] == values


@pytest.mark.parametrize(
    "sentence",
    [
        "The 6-year-old boy was 52 years old.",  # ages are not time expressions
        "Iraq imports about three-quarters of its food.",
        "He had 2000 troops and 1500 tanks.",
        "A second group of three companies may follow.",
        "We watched High Noon again.",
        "Shares of Fall River Corp. rose.",
        # spans TimeBank never tags (measured on TBAQ; see docs/timex.md)
        "Now, he says, the plan is dead.",
        "Revenue should rise 8.5% annually.",
        "The board raised its quarterly dividend.",
        "Average daily volume was 133 million shares.",
        "Many of today's personal computers use it.",
        "He said so on CBS's 60 Minutes program.",
        "This is VOA Today.",
        "Troops will stay for the foreseeable future.",
    ],
)
def test_non_temporal_numbers_and_words_are_left_alone(sentence):
    assert find_timexes(sentence, reference=MONDAY) == []


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("The minister spoke on Thursday.", "XXXX-WXX-4"),
        ("Talks resume tomorrow.", "FUTURE_REF"),
        ("He arrived yesterday.", "PAST_REF"),
        ("Sales fell last month.", "PAST_REF"),
        ("The vote was held on Jan. 28.", "XXXX-01-28"),
        ("Officials met on Aug. 7, 1998 in Nairobi.", "1998-08-07"),
    ],
)
def test_without_a_reference_relative_values_stay_unresolved(sentence, value):
    assert only(sentence, None)[2] == value


def test_spans_limit_the_search_and_offsets_stay_in_the_full_text():
    text = "Menu Home Tuesday\n\nThe envoy arrived on Friday and left on Sunday.\n\nShare on Monday"
    body = Span(text.index("The envoy"), text.index("\n\nShare"))
    found = find_timexes(text, reference=MONDAY, spans=[body])
    assert [t.text for t in found] == ["Friday", "Sunday"]
    assert all(text[t.start : t.end] == t.text for t in found)


def test_spans_past_the_end_of_the_text_are_clipped():
    assert [t.value for t in find_timexes("On Friday.", reference=MONDAY, spans=[Span(0, 500)])] == [
        "1998-02-06"
    ]


_WORDS = st.sampled_from(
    "the on in of last next this early late ago earlier a few three 1998 2035 10:35 a.m. p.m. "
    "Friday Monday March May Aug. 7, 18.12.2025 12/31/99 quarter first year years week month day days "
    "now recently future 1990s century fiscal Christmas every each daily , . - 's 99999999999".split()
)


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(_WORDS | st.text(max_size=6), max_size=30),
    reference=st.none() | st.dates().map(lambda d: d.isoformat()) | st.text(max_size=10),
    bounds=st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300)), max_size=3),
)
def test_any_text_gives_well_formed_timexes_inside_the_text(words, reference, bounds):
    text = " ".join(words)
    spans = [Span(min(a, b), max(a, b)) for a, b in bounds] or None
    for timex in find_timexes(text, reference=reference, spans=spans):
        assert 0 <= timex.start < timex.end <= len(text)
        assert text[timex.start : timex.end] == timex.text
        assert timex.type in ("DATE", "TIME", "DURATION", "SET")
        assert is_well_formed(timex.value), timex
        if spans is not None:
            assert any(s.start <= timex.start and timex.end <= s.end for s in spans)


def _scorer():
    path = SHARED / "eval" / "score_dates.py"
    if not path.exists():
        pytest.skip(f"needs the shared scorer at {path}")
    spec = importlib.util.spec_from_file_location("score_dates", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_timebank_value_f1_stays_above_the_floor():
    """The scorer's own matching over TBAQ (TimeBank + AQUAINT gold), run on our function in process."""
    scorer = _scorer()
    docs = scorer.load(corpus_path("timebank", "tbaq"))
    started = time.perf_counter()
    results = {
        d["id"]: {"timex": [_row(t) for t in find_timexes(d["text"], reference=d["dct"])]} for d in docs
    }
    elapsed = time.perf_counter() - started
    _, value_f1, summary = scorer.score_timex(docs, results)
    date_f1 = float(re.search(r"DATE value F1 ([\d.]+)", summary).group(1))
    # Measured 2026-11-22: value F1 0.837, DATE value F1 0.845 on all 256 TBAQ documents.
    assert value_f1 >= 0.832, summary
    assert date_f1 >= 0.84, summary
    assert elapsed < 60, f"{len(docs)} documents took {elapsed:.1f} s"


def _row(timex):
    return {
        "start": timex.start,
        "end": timex.end,
        "text": timex.text,
        "type": timex.type,
        "value": timex.value,
    }
