"""The data model: spans, and the generic round trip to JSON and back."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.model import (
    Article,
    ArticleError,
    Claim,
    Entity,
    PublishedDate,
    Quantity,
    Quote,
    Region,
    Span,
    Timex,
    from_dict,
    to_dict,
)


def test_span_rejects_negative_and_reversed() -> None:
    with pytest.raises(ValueError):
        Span(-1, 3)
    with pytest.raises(ValueError):
        Span(5, 2)


@pytest.mark.parametrize(("a", "b", "overlaps", "contains"), [
    (Span(0, 5), Span(4, 8), True, False),
    (Span(0, 5), Span(5, 8), False, False),
    (Span(0, 10), Span(2, 3), True, True),
])
def test_span_relations(a: Span, b: Span, overlaps: bool, contains: bool) -> None:
    assert a.overlaps(b) is overlaps
    assert a.contains(b) is contains


def full_article() -> Article:
    text = "NATO chief Mark Rutte said on Thursday: \"We need a backup.\""
    return Article(
        id="a1", source="x.txt", text=text, origin="x.txt", body=[Span(0, len(text))],
        boilerplate=[Region(0, 4, "share")], title="T", title_span=Span(0, 4),
        published=PublishedDate("2025-02-20", "dateline", 0.9, Span(0, 4), inferred=False),
        entities=[Entity(11, 21, "Mark Rutte", "PERSON", "Mark Rutte")],
        quotes=[Quote("direct", Span(41, 58), Span(22, 26), Span(11, 21), "Mark Rutte")],
        timex=[Timex(30, 38, "Thursday", "DATE", "2025-02-20")],
        claims=[Claim("United States", "refuses", Span(0, 10), kind="troops",
                      quantity=Quantity(30000.0, "troops", "30,000-strong"), negated=True)],
        errors=[ArticleError("text.too_long", "cut", "analyse")],
        meta={"published": "2025-02-20"},
    )


def test_round_trip_through_json_is_identity() -> None:
    article = full_article()
    again = from_dict(Article, json.loads(json.dumps(to_dict(article))))
    assert again == article


def test_spans_serialise_as_pairs() -> None:
    data = to_dict(full_article())
    assert data["quotes"][0]["content"] == [41, 58]
    assert data["published"]["evidence"] == [0, 4]


@given(st.text(max_size=200), st.lists(st.tuples(st.integers(0, 200), st.integers(0, 200)), max_size=5))
def test_round_trip_property(text: str, pairs: list[tuple[int, int]]) -> None:
    body = [Span(min(a, b), max(a, b)) for a, b in pairs]
    article = Article(id="p", source="s", text=text, body=body)
    assert from_dict(Article, to_dict(article)) == article
