"""Fuzzing: generated inputs through the readers, cleaning, dates, time expressions and quotes; no
exception escapes and every span stays inside the text. The number of inputs run is recorded.

Each hypothesis example is a generated input plus variants a hypothesis-seeded mutator derives from
it (cut, spliced with news pieces, repeated): hypothesis's own bookkeeping costs more than cleaning
one short text, and this is how 100,000 inputs fit in CI's time on two cores (docs/reliability.md).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import random
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.clean import clean_article
from storyline.dates import date_article
from storyline.errors import CODES, DecodeError
from storyline.model import Article, Span
from storyline.read import read_inputs, to_article
from storyline.read.decode import decode_bytes
from storyline.settings import Settings
from storyline.timex import find_timexes

pytestmark = pytest.mark.slow

SETTINGS = Settings(max_file_bytes=200_000, max_record_bytes=50_000)
RUN: Counter[str] = Counter()  # generated inputs each stage ran on
EXAMPLES: Counter[str] = Counter()  # hypothesis examples behind them
TIMEX_TYPES = {"DATE", "TIME", "DURATION", "SET"}
# STORYLINE_FUZZ_SCALE=0.1 runs a tenth of the examples while developing; the total check then skips.
SCALE = float(os.environ.get("STORYLINE_FUZZ_SCALE", "1"))


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# Pieces of news text that trip the stages: quotation marks, cues, datelines, dates, wires, bylines.
# fmt: off
PIECES = [
    "\u201c", "\u201d", '"', "'", "\u2018", "\u2019", "\u00ab", "\u00bb", "``", "''", " said", " told reporters",
    " said on Tuesday", "according to", ", he added.", "The minister", " Zelensky", "NATO", " Mark Rutte",
    "WASHINGTON (Reuters) - ", "KYIV, March 4 (AP) \u2014 ", "By Jane Doe", "By JANE DOE and JOHN ROE\n",
    "Copyright 2024 Reuters", "\u00a9 AFP", "Published: ", "Updated ", "March 4, 2024", "4 March 2024",
    "2024-03-05", "05/03/2024", "12.03.99", "Tuesday", "last year", "next week", "two days ago", "3 p.m.",
    "at 10:30 GMT", "in 1850", "in 2999", "every Monday", "for three months", "9999999 years ago",
    "the 1990s", "Q3", "early 2025", "\n", "\n\n", "\r\n", "\t", " ", ".", ",", ":", "-", "\u2014", "(", ")",
    "\u00a0", "\u200b", "\ufeff", "\u2028", "\ufffd", "\x00", "\x1b", "<p>", "</p>", "&amp;", "\u0301",
    "\U0001f600", "\u05e9\u05dc\u05d5\u05dd", "\u0627\u0644\u0633\u0644\u0627\u0645", "ALSO READ:",
    "icon-facebook", "Photo: ", "Advertisement", "Reporting by", "Editing by", "\ud800",
]
# fmt: on
NEWSY = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=40).map("".join)
TEXTS = st.one_of(NEWSY, st.text(max_size=200))
SEEDS = st.randoms(use_true_random=False)


def variants(text: str, rng: random.Random, count: int) -> Iterator[str]:
    """``text`` and ``count - 1`` mutations of it: cuts, pieces spliced in, repeats, case changes."""
    yield text
    for _ in range(count - 1):
        operation = rng.randrange(5)
        at = rng.randint(0, len(text))
        if operation == 0:
            text = text[:at] + rng.choice(PIECES) + text[at:]
        elif operation == 1:
            text = text[:at] + text[rng.randint(at, len(text)) :]
        elif operation == 2:
            text = text[:at] * rng.randint(1, 3) + text[at:]
        elif operation == 3:
            text = text.upper() if rng.random() < 0.5 else text.lower()
        else:
            text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30)))
        text = text[:600]  # bounded for speed; long texts are test_bad_input's (a million characters)
        yield text


def inside(span: Span | None, text: str) -> bool:
    return span is None or 0 <= span.start <= span.end <= len(text)


def known_codes(article: Article) -> None:
    for error in article.errors:
        assert error.code in CODES, error


@pytest.fixture(scope="module", autouse=True)
def record_run_counts() -> Iterator[None]:
    started = time.monotonic()
    yield
    if SCALE < 1 or len(RUN) < 6:
        return  # a scaled-down or partial run (-k) leaves the recorded figure alone
    from reliability_report import record_figure

    record_figure(
        "fuzz",
        {
            "inputs_by_stage": dict(sorted(RUN.items())),
            "examples_by_stage": dict(sorted(EXAMPLES.items())),
            "inputs_total": sum(RUN.values()),
            "seconds": round(time.monotonic() - started),
            "exceptions_escaped": 0,
            "command": "pytest tests/test_fuzz.py",
        },
    )


def run(stage: str, count: int = 1) -> None:
    RUN[stage] += count
    EXAMPLES[stage] += 1


# ---- readers -------------------------------------------------------------------------------------

FOLDER = Path(tempfile.mkdtemp(prefix="storyline-fuzz-"))
SUFFIXES = ["", ".txt", ".html", ".jsonl", ".json", ".rss", ".xml", ".warc"]
STARTS = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"{", b'{"text": "', b"<html>", b"<rss><channel><item>",
          b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry>", b"WARC/1.0\r\n", b"[",
          b"\x1f\x8b", b"%PDF-", b"\x00"]  # fmt: skip


def encoded(text: str, rng: random.Random) -> bytes:
    data = text.encode(rng.choice(["utf-8", "utf-16-le", "utf-16", "utf-32"]), "surrogatepass")
    data = rng.choice(STARTS) + data
    if rng.random() < 0.2:
        data = gzip.compress(data)
        if rng.random() < 0.5:
            data = data[: rng.randint(1, len(data))]
    return data


def check_documents(path: Path) -> int:
    count = 0
    for raw in read_inputs([str(path)], settings=SETTINGS):
        article = to_article(raw, settings=SETTINGS)
        assert isinstance(article.text, str) and article.source == str(path)
        assert raw.errors or raw.text is not None or raw.html is not None
        article.text.encode("utf-8")  # no lone surrogate gets past a reader (spaCy and SQLite refuse them)
        (article.title or "").encode("utf-8")
        known_codes(article)
        count += 1
    return count


@fuzz(500)
@given(text=TEXTS, binary=st.binary(max_size=300), rng=SEEDS)
def test_files_of_any_bytes_give_documents_or_error_records(
    text: str, binary: bytes, rng: random.Random
) -> None:
    inputs = [binary, *(encoded(t, rng) for t in variants(text, rng, 9))]
    for data in inputs:
        path = FOLDER / f"input{rng.choice(SUFFIXES)}{'.gz' if rng.random() < 0.1 else ''}"
        path.write_bytes(data)
        assert check_documents(path) >= 1
    run("readers", len(inputs))


def json_value() -> st.SearchStrategy[object]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXTS)
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=6,
    )


PUBLISHED = st.sampled_from(
    ["2024-03-05", "2999-01-01", "1850-01-01", "yesterday", "", "not a date", "2024-02-30"]
)
RECORD = st.fixed_dictionaries(
    {},
    optional={
        "id": json_value(),
        "title": json_value(),
        "text": TEXTS | json_value(),
        "html": st.sampled_from(["<p>", "<html><p>A", ""]) | TEXTS,
        "published": PUBLISHED,
        "outlet": json_value(),
        "url": json_value(),
    },
)


@fuzz(500)
@given(lines=st.lists(st.one_of(RECORD.map(json.dumps), TEXTS, st.just("")), max_size=10))
def test_json_lines_of_any_records_read_line_by_line(lines: list[str]) -> None:
    path = FOLDER / "lines.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
    check_documents(path)
    run("readers", max(1, len(lines)))


@fuzz(1_100)
@given(
    data=st.binary(max_size=400),
    text=TEXTS,
    rng=SEEDS,
    declared=st.sampled_from([None, "utf-8", "latin-1", "shift_jis", "utf-16", "base64", "nonsense", "idna"]),
)
def test_decoding_any_bytes_gives_text_or_a_decode_error(
    data: bytes, text: str, rng: random.Random, declared: str | None
) -> None:
    inputs = [data, *(encoded(t, rng) for t in variants(text, rng, 19))]
    for item in inputs:
        try:
            decoded = decode_bytes(item, declared=declared)
        except DecodeError as err:
            assert err.code in ("read.binary", "read.undecodable")
        else:
            assert isinstance(decoded.text, str)
    run("decode", len(inputs))


# ---- cleaning, dates, time expressions -----------------------------------------------------------


def article_of(text: str, title: str | None = None, published: object = None) -> Article:
    article = Article(id="fuzz", source="fuzz", text=text, title=title)
    if published is not None:
        article.meta["published"] = published
    return article


@fuzz(1_500)
@given(text=TEXTS, title=st.none() | TEXTS, rng=SEEDS)
def test_cleaning_keeps_every_span_inside_the_text(text: str, title: str | None, rng: random.Random) -> None:
    for variant in variants(text, rng, 40):
        article = clean_article(article_of(variant, title), settings=SETTINGS)
        assert article.text == variant
        assert all(inside(span, variant) for span in article.body)
        assert all(0 <= r.start <= r.end <= len(variant) for r in article.boilerplate)
        assert inside(article.title_span, variant) and inside(article.byline_span, variant)
        assert inside(article.dateline_span, variant)
    run("clean", 40)


TODAY = dt.date(2025, 6, 1)


@fuzz(400)
@given(
    text=TEXTS,
    published=st.sampled_from([None, None, None, "2024-03-05T10:00:00Z", "0001-01-01", "9999-12-31"])
    | PUBLISHED,
    rng=SEEDS,
)
def test_dates_stay_in_range_and_inside_the_text(text: str, published: object, rng: random.Random) -> None:
    # A given date that does not parse costs dateparser 0.1-0.4 s: only the first variant carries one.
    for number, variant in enumerate(variants(text, rng, 15)):
        given_date = published if number == 0 else None
        article = date_article(article_of(variant, published=given_date), settings=SETTINGS, today=TODAY)
        known_codes(article)
        if article.published is not None:
            day = dt.date.fromisoformat(article.published.value)
            assert dt.date(1900, 1, 1) <= day <= TODAY + dt.timedelta(days=2)
            assert inside(article.published.evidence, variant)
    run("dates", 15)


@fuzz(800)
@given(text=TEXTS, reference=st.sampled_from([None, "2024-03-05", "1999-12-31", "bad", "0001-01-01", "9999-12-31"]),
       rng=SEEDS)  # fmt: skip
def test_time_expressions_stay_inside_the_text(text: str, reference: str | None, rng: random.Random) -> None:
    for variant in variants(text, rng, 10):
        for timex in find_timexes(variant, reference=reference):
            assert 0 <= timex.start < timex.end <= len(variant)
            assert variant[timex.start : timex.end] == timex.text and timex.type in TIMEX_TYPES
            assert isinstance(timex.value, str) and timex.value
    run("timex", 10)


# ---- quotes (a parse per input, so fewer of them, parsed in batches) -------------------------------


@fuzz(60)
@given(text=NEWSY, rng=SEEDS)
def test_quotes_stay_inside_the_text(text: str, rng: random.Random) -> None:
    from storyline.nlp import get_nlp
    from storyline.quotes import find_quotes

    # readers replace lone surrogates (checked above), and spaCy refuses them: none reach quotes
    texts = [variant.replace("\ud800", "\ufffd") for variant in variants(text, rng, 10)]
    for variant, doc in zip(texts, get_nlp().pipe(texts), strict=True):
        for quote in find_quotes(article_of(variant), doc):
            assert quote.kind in ("direct", "mixed", "indirect")
            assert inside(quote.content, variant) and quote.content.start < quote.content.end
            assert inside(quote.cue, variant) and inside(quote.speaker_mention, variant)
    run("quotes", len(texts))


def test_zz_total_is_at_least_100000() -> None:
    """Last in the module (pytest keeps definition order): the sum of what the tests above ran."""
    if SCALE < 1 or len(RUN) < 6:
        pytest.skip("a partial or scaled-down fuzz run")
    assert sum(RUN.values()) >= 100_000, dict(RUN)
