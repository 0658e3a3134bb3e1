"""Positions over time, change points, and the dossier's layered picture as of a date."""

from __future__ import annotations

import json

import pytest
from dossier_seeds import dossier, seed_rows

from storyline.model import Claim, Quantity, Span
from storyline.positions import (
    ClaimRow,
    build_positions,
    describe_quantity,
    dossier_picture,
    render_picture_text,
)


def _row(
    actor: str, stance: str, date: str, *, topic: str = "participation", outlet: str = "o1", **extra: object
) -> ClaimRow:
    claim = Claim(
        actor=actor, stance=stance, evidence=Span(0, 10), kind="troops", topic=topic, date=date, **extra
    )  # type: ignore[arg-type]
    return ClaimRow(
        claim=claim,
        article=f"{actor}-{date}",
        published=date,
        outlet=outlet,
        evidence_text=f"{actor} {stance}",
    )


def test_change_points_mark_a_new_stance() -> None:
    rows = [
        _row("Ostria", "refuses", "2025-01-05"),
        _row("Ostria", "refuses", "2025-02-01"),
        _row("Ostria", "commits", "2025-03-01"),
        _row("Ostria", "offers", "2025-04-01"),
    ]
    (position,) = build_positions(reversed(rows))
    assert [(p.date, p.stance, p.changed) for p in position.points] == [
        ("2025-01-05", "refuses", False),
        ("2025-02-01", "refuses", False),
        ("2025-03-01", "commits", True),
        ("2025-04-01", "offers", True),
    ]


def test_the_weightiest_stance_stands_for_a_day() -> None:
    rows = [_row("Ostria", "supports", "2025-01-05"), _row("Ostria", "commits", "2025-01-05")]
    (position,) = build_positions(rows)
    assert [p.stance for p in position.points] == ["commits"]


def test_as_of_hides_later_claims_and_rows_without_dates() -> None:
    rows = [_row("Ostria", "refuses", "2025-01-05"), _row("Ostria", "commits", "2025-03-01")]
    undated = _row("Ostria", "offers", "2025-02-01")
    undated.claim.date = None
    undated.published = None
    (position,) = build_positions([*rows, undated], as_of="2025-02-15")
    assert [p.stance for p in position.points] == ["refuses"]


def test_picture_groups_by_layer_and_counts_outlets() -> None:
    rows = [
        _row("United States", "refuses", "2025-02-20", outlet="a"),
        _row("United States", "commits", "2025-08-22", outlet="b"),
        _row("United States", "commits", "2025-08-22", outlet="c"),
    ]
    picture = dossier_picture(dossier(), rows, as_of=None)
    json.dumps(picture)  # JSON-ready
    backstop = next(layer for layer in picture["layers"] if layer["id"] == "us-backstop")
    (us,) = [a for a in backstop["actors"] if a["actor"] == "United States"]
    (latest,) = us["positions"]
    assert (latest["stance"], latest["date"], latest["outlets"], latest["changed"]) == (
        "commits",
        "2025-08-22",
        ["b", "c"],
        True,
    )
    assert [h["stance"] for h in us["history"]] == ["refuses", "commits"]
    earlier = dossier_picture(dossier(), rows, as_of="2025-03-01")
    backstop = next(layer for layer in earlier["layers"] if layer["id"] == "us-backstop")
    (us,) = [a for a in backstop["actors"] if a["actor"] == "United States"]
    assert us["positions"][0]["stance"] == "refuses"


@pytest.mark.parametrize(
    ("value", "unit", "by", "text"),
    [
        (1.5e9, "USD", None, "$1.5 billion"),
        (4.5, "percent_gdp", None, "4.5% of GDP"),
        (300000, "troops", "2035", "300,000 troops by 2035"),
        (2e6, "EUR", None, "€2 million"),
    ],
)
def test_describe_quantity(value: float, unit: str, by: str | None, text: str) -> None:
    assert describe_quantity(value, unit, by) == text


def test_text_rendering_shows_summary_evidence_and_outlets() -> None:
    row = _row(
        "Poland",
        "commits",
        "2025-12-18",
        topic="own-defence",
        quantity=Quantity(value=300000, unit="troops", text="300,000 by 2035", by="2035"),
    )
    text = render_picture_text(dossier_picture(dossier(), [row], as_of="2025-12-31"))
    assert "Security guarantees for Ukraine (as of 2025-12-31)" in text
    assert "commits troops (300,000 troops by 2035) - 2025-12-18" in text
    assert '"Poland commits"' in text and "carried by o1" in text


def _seed_position(actor: str, topic: str) -> list[tuple[str, str, bool]]:
    for position in build_positions(seed_rows()):
        if position.actor == actor and position.topic == topic:
            return [(p.date, p.stance, p.changed) for p in position.points]
    return []


def test_seed_us_position_on_taking_part_changes_in_august_and_december() -> None:
    assert _seed_position("United States", "participation") == [
        ("2025-02-20", "refuses", False),
        ("2025-08-22", "commits", True),
        ("2025-12-18", "offers", True),
    ]


@pytest.mark.parametrize("actor", ["Hungary", "United States", "Slovakia"])
def test_seed_membership_consent_withheld_in_december(actor: str) -> None:
    assert _seed_position(actor, "nato-membership") == [("2025-12-18", "refuses", False)]


def test_seed_picture_as_of_dates() -> None:
    def us_on_taking_part(as_of: str) -> dict[str, object]:
        picture = dossier_picture(dossier(), seed_rows(), as_of=as_of)
        layer = next(la for la in picture["layers"] if la["id"] == "us-backstop")
        (us,) = [a for a in layer["actors"] if a["actor"] == "United States"]
        return next(p for p in us["positions"] if p["topic"] == "participation")

    february = us_on_taking_part("2025-03-01")
    assert february["stance"] == "refuses" and february["outlets"] == ["outlet-000", "outlet-001"]
    assert "no intention of sending troops" in str(february["evidence"])
    assert us_on_taking_part("2025-09-01")["stance"] == "commits"
    december = us_on_taking_part("2025-12-31")
    assert december["stance"] == "offers" and "readiness to be part of the guarantees" in str(
        december["evidence"]
    )

    picture = dossier_picture(dossier(), seed_rows(), as_of="2025-12-31")
    by_layer = {la["id"]: {a["actor"] for a in la["actors"] if a["positions"]} for la in picture["layers"]}
    assert "NATO allies" in by_layer["ukrainian-forces"]
    assert {"United Kingdom", "France"} <= by_layer["reassurance-force"]
    assert {"Hungary", "Slovakia", "United States"} <= by_layer["nato-membership"]
    assert "Poland" in by_layer["eastern-flank"]
    text = render_picture_text(picture)
    assert text.index("Layer 1") < text.index("Layer 2") < text.index("Layer 3")
    assert "$1.5 billion" in text and "4.5% of GDP" in text and "300,000 troops by 2035" in text
