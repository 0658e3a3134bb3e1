"""Timelines: entries from hand-built events, articles and positions; text, JSON, PNG and SVG output."""

from __future__ import annotations

import json

import pytest

from storyline.model import Article, Event, Position, PositionPoint, PublishedDate, Span
from storyline.timeline import build_timeline, lead_sentence, render_timeline

BRIDGE = "Photo: city hall\n\nMayor Ada Lind opened the new river bridge to traffic on Monday morning. It cost 40 million."
VOTE = "Council members voted to extend the bridge tolls for another ten years after a long debate."


def _article(aid: str, text: str, date: str, outlet: str, url: str | None = None) -> Article:
    return Article(
        id=aid,
        source=aid,
        text=text,
        title=text.split(".")[0][:40],
        outlet=outlet,
        url=url,
        published=PublishedDate(date, "metadata", 1.0),
    )


ARTICLES = [
    _article("a", BRIDGE, "2024-03-04", "Daily", "https://daily.example/bridge"),
    _article("b", BRIDGE, "2024-03-05", "Herald"),
    _article("c", VOTE, "2024-04-10", "Daily"),
]
EVENTS = [
    Event("e2", ["c"], "2024-04-10", "Council extends bridge tolls", ["City Council"]),
    Event("e1", ["a", "b"], "2024-03-04", "Mayor opens river bridge", ["Ada Lind"]),
]
POSITIONS = [
    Position(
        "City Council",
        "tolls",
        [
            PositionPoint("2024-03-01", "opposes", "The council opposed tolls.", "x", Span(0, 5)),
            PositionPoint("2024-03-20", "opposes", "Still opposed.", "y", Span(0, 5)),
            PositionPoint("2024-04-10", "supports", "The council backed tolls.", "c", Span(0, 5)),
        ],
    )
]


def test_entries_are_in_date_order_with_position_changes():
    entries = build_timeline(EVENTS, ARTICLES, POSITIONS)
    assert [(e.date, e.kind) for e in entries] == [
        ("2024-03-01", "position"),
        ("2024-03-04", "event"),
        ("2024-04-10", "event"),
        ("2024-04-10", "position"),
    ]
    bridge = entries[1]
    assert bridge.outlets == 2
    assert bridge.links == ["https://daily.example/bridge", "b"]
    assert bridge.summary == "Mayor Ada Lind opened the new river bridge to traffic on Monday morning."
    assert bridge.evidence is not None and bridge.evidence.text(BRIDGE) == bridge.summary
    assert entries[3].stance == "supports"


def test_actor_filter_keeps_their_events_and_positions():
    entries = build_timeline(EVENTS, ARTICLES, POSITIONS, actor="Lind")
    assert [e.event for e in entries] == ["e1"]
    council = build_timeline(EVENTS, ARTICLES, POSITIONS, actor="city council")
    assert {e.kind for e in council} == {"event", "position"}


@pytest.mark.parametrize(
    ("text", "actors", "expected"),
    [
        (BRIDGE, (), "Mayor Ada Lind opened"),
        (
            "Too short.\n\nThe long sentence here names nobody at all in the city today. Lind spoke at the town meeting about the road.",
            ("Ada Lind",),
            "Lind spoke",
        ),
        ("![]() | ![]() |\nShort.", (), None),
    ],
)
def test_lead_sentence(text, actors, expected):
    span = lead_sentence(Article(id="x", source="x", text=text), actors=actors)
    if expected is None:
        assert span is None
    else:
        assert span is not None and span.text(text).startswith(expected)


def test_text_lists_entries_in_order():
    text = render_timeline(build_timeline(EVENTS, ARTICLES, POSITIONS))
    lines = text.splitlines()
    assert lines[0] == "2024-03-01 ~ City Council: opposes"
    assert text.index("Mayor opens river bridge") < text.index("Council extends bridge tolls")
    assert "2 outlets" in text


def test_json_round_trips():
    data = json.loads(render_timeline(build_timeline(EVENTS, ARTICLES), "json"))
    assert [d["event"] for d in data] == ["e1", "e2"]
    assert data[0]["evidence"] == [BRIDGE.index("Mayor"), BRIDGE.index(" It cost")]


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_chart_is_written(tmp_path, fmt):
    path = tmp_path / f"timeline.{fmt}"
    render_timeline(build_timeline(EVENTS, ARTICLES, POSITIONS), fmt, path)
    assert path.stat().st_size > 5_000
    head = path.read_bytes()[:200]
    assert head.startswith(b"\x89PNG") if fmt == "png" else b"<svg" in path.read_bytes()


def test_chart_carries_its_heading(tmp_path):
    path = tmp_path / "timeline.svg"
    render_timeline(build_timeline(EVENTS, ARTICLES, POSITIONS), "svg", path, heading="Harbour bridge story")
    svg = path.read_text(encoding="utf-8")
    assert "Harbour bridge story" in svg and "2 events" in svg
    plain = tmp_path / "plain.svg"
    render_timeline(build_timeline(EVENTS, ARTICLES, POSITIONS), "svg", plain)
    assert "Harbour bridge story" not in plain.read_text(encoding="utf-8")


def test_heading_names_what_the_timeline_shows(tmp_path):
    from storyline.store import Store
    from storyline.views import timeline_heading

    with Store(tmp_path / "s.db") as store:
        store.conn.execute(
            "INSERT INTO stories (id, title, first, last, data) VALUES ('st:1', 'Bridge collapse', NULL, NULL, '{}')"
        )
        conn = store.conn
        assert timeline_heading(conn, story="st:1") == "Story: Bridge collapse"
        assert timeline_heading(conn, dossier="ukraine-security-guarantees") == "Security guarantees for Ukraine"
        assert timeline_heading(conn, dossier="no-such-dossier") == "Dossier: no-such-dossier"
        assert timeline_heading(conn, actor="United States") == "United States"
        assert timeline_heading(conn) == "Every story"


def test_chart_with_many_close_events_stacks_labels(tmp_path):
    events = [
        Event(f"e{i}", [], f"2024-05-{i + 1:02d}", f"Happening number {i} on the long title line")
        for i in range(12)
    ]
    path = tmp_path / "dense.png"
    render_timeline(build_timeline(events, []), "png", path)
    assert path.stat().st_size > 5_000


@pytest.mark.parametrize(("fmt", "path"), [("pdf", None), ("png", None)])
def test_bad_requests_raise(fmt, path):
    with pytest.raises(ValueError):
        render_timeline([], fmt, path)
