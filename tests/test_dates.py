"""Publication dates: given dates, wire datelines, header date lines, dates inferred from the text."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SHARED, corpus_path
from hypothesis import given
from hypothesis import strategies as st

from storyline import offices
from storyline.clean import clean_article
from storyline.date_formats import find_dates
from storyline.dates import date_article, date_batch, parse_given_date, reference_date
from storyline.model import Article
from storyline.settings import DEFAULT

TODAY = dt.date(2026, 1, 15)


def dated(text: str, *, meta: dict[str, object] | None = None, reference: dt.date | None = None) -> Article:
    article = Article(id="t", source="t", text=text, meta=dict(meta or {}))
    article = clean_article(article, settings=DEFAULT)
    return date_article(article, settings=DEFAULT, today=TODAY, reference=reference)


# --- explicit dates in text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Thu Feb 20 2025", "2025-02-20"),
        ("Feb 20, 2025", "2025-02-20"),
        ("by August 22, 2025", "2025-08-22"),
        ("18.12.2025 - Update : 18.12.2025", "2025-12-18"),
        ("MOSCOW, April 1 , 1997 (AFP)", "1997-04-01"),
        ("NEW YORK, Nov. 7 , 2005 (Xinhua)", "2005-11-07"),
        ("Thursday, 20 February 2025", "2025-02-20"),
        ("2025-02-20", "2025-02-20"),
        ("2025/02/20", "2025-02-20"),
        ("12/18/2025", "2025-12-18"),
        ("18/12/2025", "2025-12-18"),
        ("Sept. 4, 2025", "2025-09-04"),
    ],
)
def test_find_dates_reads_the_formats_of_our_sources(text: str, iso: str) -> None:
    (found, *_) = find_dates(text)
    assert found.iso() == iso


@pytest.mark.parametrize(
    "text", ["31.02.2025", "Feb 30, 2025", "in 2025 alone", "version 1.2.3", "May I help"]
)
def test_find_dates_refuses_non_dates(text: str) -> None:
    assert [d for d in find_dates(text) if d.year] == []


def test_find_dates_without_year_and_offsets() -> None:
    text = "a summit scheduled for September 4, or shortly after"
    (found,) = find_dates(text)
    assert (found.year, found.month, found.day) == (None, 9, 4)
    assert found.span.text(text) == "September 4"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_written_dates_read_back(day: dt.date) -> None:
    for text in (
        day.isoformat(),
        day.strftime("%b %d, %Y"),
        day.strftime("%B %d , %Y"),
        day.strftime("%a %b %d %Y"),
        day.strftime("%d.%m.%Y"),
        day.strftime("%d %B %Y"),
    ):
        (found, *_) = find_dates(text)
        assert found.iso() == day.isoformat(), text


# --- given dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2025-02-20", "2025-02-20"),
        ("2025-02-20T23:30:00-05:00", "2025-02-20"),  # the date as given, not shifted to UTC
        ("2025-02-20T01:30:00Z", "2025-02-20"),
        ("2025-02-20 10:00", "2025-02-20"),
        ("Thu, 20 Feb 2025 10:00:00 +0000", "2025-02-20"),
        ("20 February 2025", "2025-02-20"),
        ("20 février 2025", "2025-02-20"),  # dateparser, the last resort for metadata
        ("yesterday at noon", None),
        ("2025-13-45", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_given_date(value: object, iso: str | None) -> None:
    parsed = parse_given_date(value)
    assert (parsed.isoformat() if parsed else None) == iso


def test_given_date_beats_the_text() -> None:
    article = dated("Title\n\nFeb 19, 2025\n\nBody text.", meta={"published": "2025-02-20T08:00:00+01:00"})
    assert article.published is not None
    assert (article.published.value, article.published.source) == ("2025-02-20", "metadata")
    assert article.published.confidence == 1.0


def test_html_date_comes_after_metadata() -> None:
    article = dated("Title\n\nBody text.", meta={"html_date": "2025-02-21"})
    assert article.published is not None
    assert (article.published.value, article.published.source) == ("2025-02-21", "html")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("not a date", "date.unparsed"),
        ("1850-01-01", "date.out_of_range"),
        ("2030-01-01", "date.out_of_range"),
    ],
)
def test_invalid_given_dates_are_ignored_with_a_reason(value: str, code: str) -> None:
    article = dated("Title\n\nThu Feb 20 2025\n\nBody text.", meta={"published": value})
    assert [e.code for e in article.errors] == [code]
    assert article.published is not None
    assert (article.published.value, article.published.source) == ("2025-02-20", "header")


def test_dating_twice_records_each_error_once() -> None:
    article = dated("Title\n\nBody text.", meta={"published": "garbage"})
    again = date_article(article, settings=DEFAULT, today=TODAY)
    assert [e.code for e in again.errors] == ["date.unparsed"]


# --- datelines and header dates -----------------------------------------------------------------


def test_wire_dateline_with_year() -> None:
    article = dated("Title\n\nMOSCOW, April 1 , 1997 (AFP) - Talks went on. A deal is due on May 5, 1997.")
    assert article.published is not None
    assert (article.published.value, article.published.source) == ("1997-04-01", "dateline")
    assert article.published.evidence is not None
    assert article.published.evidence.text(article.text) == "April 1 , 1997"


@pytest.mark.parametrize(
    ("dateline", "iso"),
    [("1998-08-08", "1998-08-08"), ("12/05/1998 09:42:00", "1998-12-05"), ("Dec 13 , 2005", "2005-12-13")],
)
def test_a_dateline_that_is_only_a_date(dateline: str, iso: str) -> None:
    article = dated(f"Markets rally\n\n{dateline} - Shares rose on Friday.")
    assert article.title == "Markets rally"
    assert article.published is not None and article.published.value == iso
    assert [article.text[s.start : s.end] for s in article.body] == ["Shares rose on Friday."]


def test_wire_dateline_borrows_the_year_of_a_date_line() -> None:
    article = dated("Title Bratislava, Feb 20 (AFP) Feb 20, 2025 NATO chief Mark Rutte said Thursday.")
    assert article.published is not None
    assert (article.published.value, article.published.source) == ("2025-02-20", "dateline")


def test_wire_dateline_year_from_office_holders() -> None:
    text = "Title\n\nBRUSSELS, Nov 3 (AFP) - NATO Secretary General Mark Rutte met US President Donald Trump."
    article = dated(text)
    assert article.published is not None
    assert (article.published.value, article.published.inferred) == ("2025-11-03", True)
    assert "Mark Rutte" in article.published.note


@pytest.mark.parametrize(("reference", "iso"), [(dt.date(2015, 12, 30), "2015-12-29"), (None, "2009-12-29")])
def test_a_wide_office_window_yields_to_the_reference_date(reference: dt.date | None, iso: str) -> None:
    # Obama alone allows 2009..2016; the batch reference is the better guess, the earliest year the last.
    article = dated("Title\n\nDec 29 (Reuters) - US President Barack Obama spoke.", reference=reference)
    assert article.wire == "Reuters"
    assert article.published is not None
    assert (article.published.value, article.published.inferred) == (iso, True)


def test_wire_dateline_year_from_the_reference_date() -> None:
    article = dated("Title\n\nPARIS, Dec 30 (AFP) - Talks went on.", reference=dt.date(2026, 1, 2))
    assert article.published is not None
    assert article.published.value == "2025-12-30"


def test_date_batch_gives_undated_datelines_the_batch_year() -> None:
    texts = [
        "One\n\nThu Dec 18 2025\n\nBody.",
        "Two\n\nFri Dec 19 2025\n\nBody.",
        "Three\n\nPARIS, Dec 20 (AFP) - Talks went on.",
    ]
    articles = [
        clean_article(Article(id=str(i), source="t", text=t), settings=DEFAULT) for i, t in enumerate(texts)
    ]
    dated_articles = date_batch(articles, settings=DEFAULT, today=TODAY)
    assert [a.published.value if a.published else None for a in dated_articles] == [
        "2025-12-18",
        "2025-12-19",
        "2025-12-20",
    ]
    assert reference_date(dated_articles[:2]) == dt.date(2025, 12, 18)
    assert dated_articles[2].published is not None and dated_articles[2].published.inferred


@pytest.mark.parametrize(
    "body",
    ["First paragraph.\n\nSecond paragraph.\n\nThird paragraph.", "First paragraph.", "One.\n\nTwo."],
)
def test_a_late_date_line_is_a_correction_not_the_publication_date(body: str) -> None:
    assert dated(f"Title\n\n{body}\n\nFriday, December 4, 2015.").published is None


def test_date_article_cleans_for_itself_without_changing_the_article() -> None:
    article = Article(id="t", source="t", text="Title\n\nThu Feb 20 2025\n\nBody text.")
    article = date_article(article, settings=DEFAULT, today=TODAY)
    assert article.published is not None and article.published.value == "2025-02-20"
    assert article.body == [] and article.boilerplate == []


# --- inferred dates ------------------------------------------------------------------------------


def test_tomorrow_before_a_scheduled_event() -> None:
    text = (
        "Title\n\nA summit is scheduled for March 12, officials said. "
        "\u201cWe will know more tomorrow,\u201d said British Prime Minister Keir Starmer."
    )
    article = dated(text)
    assert article.published is not None
    assert (article.published.value, article.published.source) == ("2025-03-11", "inferred")
    assert article.published.inferred and article.published.confidence < 0.5


def test_no_evidence_no_date() -> None:
    assert dated("Title\n\nThe talks went on for hours.").published is None


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("NATO Secretary General Mark Rutte spoke.", 2024),  # Rutte from 2024-10-01; Dec 1 fits 2024
        ("NATO Secretary General Mark Rutte and US President Donald Trump spoke.", 2025),
        ("US President Barack Obama spoke.", 2009),
        ("Former President Barack Obama spoke with President Joe Biden.", 2021),
        ("Nobody in office is named.", None),
    ],
)
def test_earliest_year_consistent_with_office_holders(text: str, year: int | None) -> None:
    holders = offices.holders_in_office(text)
    assert offices.earliest_year(12, 1, holders, until=TODAY) == year


# --- the seeds and the silver datelines ----------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "iso", "inferred"),
    [
        ("000", "2025-02-20", False),
        ("001", "2025-02-20", False),
        ("002", "2025-08-22", False),
        ("003", "2025-09-03", True),
        ("004", "2025-12-18", False),
    ],
)
def test_seed_publication_dates(number: str, iso: str, inferred: bool) -> None:
    (path,) = sorted(corpus_path("seeds").glob(f"{number}_*.txt"))
    article = dated(path.read_text(encoding="utf-8"))
    assert article.published is not None
    assert (article.published.value, article.published.inferred) == (iso, inferred)
    assert article.published.evidence is not None
    assert (article.published.confidence < 0.5) == inferred


def test_dateline_scorer_on_the_silver_set() -> None:
    silver = corpus_path("datelines", "silver")
    scorer = SHARED / "eval" / "score_dates.py"
    if not scorer.exists():
        pytest.skip(f"needs the scorer at {scorer}")
    storyline = Path(sys.executable).with_name("storyline")
    command = f"{storyline} extract --format jsonl --no-analysis"
    run = subprocess.run(
        [sys.executable, str(scorer), "datelines", "--dir", str(silver), "--cmd", command, "--min", "0.99"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    # measured "publication dates right 1200/1200", "dateline accuracy 1.000"
    assert run.returncode == 0, run.stdout + run.stderr[-2000:]
    assert "dateline accuracy" in run.stdout
