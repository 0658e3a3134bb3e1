"""Online event clustering: hand-built reports, incremental batches, and the headline quality gate."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import itertools
import json
from collections import Counter
from math import comb

import pytest
from conftest import corpus_path
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.events import (
    EventClusterer,
    EventInput,
    _Cluster,
    _conflict,
    clean_title,
    describe_events,
    event_input,
    headline_actors,
    parse_time,
)
from storyline.model import Article, Entity, PublishedDate, Span
from storyline.settings import Settings

FLOOD = "Heavy rain flooded the river valley and rescuers evacuated villages near the dam"
BUDGET = "The finance minister presented the annual budget with tax cuts for small firms"
STREAM = [
    EventInput("a1", "River floods villages in the valley", "2024-05-01T08:00:00", FLOOD, outlet="Daily"),
    EventInput("b1", "Minister unveils budget and tax cuts", "2024-05-01T09:00:00", BUDGET, outlet="Herald"),
    EventInput(
        "a2", "Floods: rescuers evacuate valley villages", "2024-05-01T10:00:00", FLOOD, outlet="Post"
    ),
    EventInput("b2", "Budget brings tax cuts for small firms", "2024-05-01T11:00:00", BUDGET, outlet="Times"),
    EventInput("a3", "Dam holds as river floods valley", "2024-05-02T07:00:00", FLOOD, outlet="Wire"),
    EventInput("b3", "Small firms welcome budget tax cuts", "2024-05-02T09:30:00", BUDGET, outlet="Gazette"),
]


def test_same_happening_in_two_outlets_is_one_event():
    ids = EventClusterer().add(STREAM[:1] + STREAM[2:3])
    assert ids[0] == ids[1]


def test_different_happenings_are_two_events():
    ids = EventClusterer().add(STREAM[:2])
    assert ids[0] != ids[1]


def test_stream_groups_each_happening():
    ids = EventClusterer().add(STREAM)
    assert len({ids[0], ids[2], ids[4]}) == 1
    assert len({ids[1], ids[3], ids[5]}) == 1
    assert ids[0] != ids[1]


def test_event_closes_after_the_window():
    late = EventInput("a9", STREAM[0].title, "2024-05-09T08:00:00", FLOOD)
    ids = EventClusterer(Settings(event_window_days=3)).add([STREAM[0], late])
    assert ids[0] != ids[1]
    ids = EventClusterer(Settings(event_window_days=10, event_decay=0.0)).add([STREAM[0], late])
    assert ids[0] == ids[1]


def test_items_are_taken_in_time_order():
    shuffled = [STREAM[i] for i in (5, 0, 3, 1, 4, 2)]
    by_id = dict(zip((s.id for s in shuffled), EventClusterer().add(shuffled), strict=True))
    in_order = dict(zip((s.id for s in STREAM), EventClusterer().add(STREAM), strict=True))
    assert by_id == in_order


@pytest.mark.parametrize("split", [1, 2, 3, 5])
def test_incremental_batches_give_one_batch_result(split):
    whole = EventClusterer().add(STREAM)
    first = EventClusterer()
    head = first.add(STREAM[:split])
    state = json.loads(json.dumps(first.state()))  # the store keeps it as JSON
    second = EventClusterer(state=state)
    tail = second.add(STREAM[split:])
    assert [second.resolve(e) for e in head] + tail == whole


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(STREAM)), max_size=3))
def test_any_batching_gives_the_same_events(cuts):
    bounds = sorted({0, len(STREAM), *cuts})
    clusterer, ids = EventClusterer(), []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        ids.extend(clusterer.add(STREAM[lo:hi]))
    assert [clusterer.resolve(e) for e in ids] == EventClusterer().add(STREAM)


@pytest.mark.parametrize(
    ("title", "outlet", "expected"),
    [
        (
            "Sbarro files for bankruptcy - Los Angeles Times",
            "Los Angeles Times",
            "Sbarro files for bankruptcy",
        ),
        ("UPDATE 2-Chiquita and Fyffes agree merger", None, "Chiquita and Fyffes agree merger"),
        ("Minister quits over the budget row and the  ...", None, "Minister quits over the budget row and"),
        ("Storm hits  coast (VIDEO)", None, "Storm hits coast"),
        ("Plain title", "Reuters", "Plain title"),
        # A last segment naming the outlet goes (call signs, domains); one naming anything else stays.
        ("Bill sets school meal rules - WDRB 41 Louisville News", "WDRB", "Bill sets school meal rules"),
        ("Crash closes highway | KVVU", "KVVU Las Vegas", "Crash closes highway"),
        ("Storm nears | WMBFNews.com, Myrtle Beach", "WMBF", "Storm nears"),
        ("Stocks slip - US Commentary", "London South East", "Stocks slip - US Commentary"),
        ("Mayor wins - The Republic", "The Tribune", "Mayor wins - The Republic"),
    ],
)
def test_clean_title(title, outlet, expected):
    assert clean_title(title, outlet=outlet) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2024-05-01", "2024-05-01T00:00:00+00:00"), ("2024-05-01T10:30:00+02:00", "2024-05-01T08:30:00+00:00")],
)
def test_parse_time(value, expected):
    assert dt.datetime.fromtimestamp(parse_time(value), dt.UTC).isoformat() == expected


# Three hundred older headlines on the markets beat, all closed before the test reports arrive: they make
# "stocks", "fall", "China" and "exports" common words of the stream, as a day of real news does.
_BEAT = [
    "stocks fall",
    "weak data",
    "shares slip",
    "sales miss",
    "profit rises",
    "quarterly results",
    "first quarter",
    "warns on forecast",
    "china exports",
    "official says",
    "tapering",
]
BACKGROUND = [
    EventInput(
        f"b{i}", f"{a.title()} and {b} at firm {i}", f"2014-03-0{1 + i // 100}T{(i % 100) // 5 + 1:02d}:00:00"
    )
    for i, (a, b) in enumerate(itertools.islice(itertools.cycle(itertools.permutations(_BEAT, 2)), 300))
]
FED = [
    EventInput("f1", "Fed official Plosser says weak data caused by weather", "2014-03-10T10:00:00"),
    EventInput("f2", "Fed's Plosser sees high bar for change in taper pace", "2014-03-10T10:01:00"),
    EventInput("f3", "Plosser: Fed may have to accelerate tapering", "2014-03-10T10:02:00"),
    EventInput("f4", "Stocks fall after Fed official hints at faster tapering", "2014-03-10T10:03:00"),
    EventInput("m1", "Stocks fall as China exports slump", "2014-03-10T10:04:00"),
    EventInput("m2", "China exports slump, stocks fall", "2014-03-10T10:05:00"),
]


def test_a_bridging_headline_does_not_open_an_event_to_its_beat():
    ids = EventClusterer().add(BACKGROUND + FED)[len(BACKGROUND) :]
    # The fourth names the Fed, the event's core, and joins; the market reports name neither Fed nor
    # Plosser, score under the core waiver, and start their own event.
    assert len(set(ids[:4])) == 1
    assert ids[4] == ids[5] != ids[0]


def _cluster(cid: str, titles: list[str]) -> _Cluster:
    heads: Counter[str] = Counter()
    for title in titles:
        heads.update(set(title.lower().split()))
    return _Cluster(id=cid, seq=0, first=0.0, last=0.0, size=len(titles), heads=dict(heads))


EAGLE = [
    "american eagle profit falls",
    "american eagle outfitters warns",
    "american eagle shares slip",
    "american eagle outfitters results",
]
URBAN = [
    "urban outfitters profit rises",
    "urban outfitters earnings beat",
    "urban outfitters results",
    "analysts upbeat on urban outfitters",
]
SNOWDEN = [
    "snowden speaks at sxsw",
    "snowden urges tech firms to encrypt",
    "snowden warns on privacy",
    "edward snowden at sxsw",
]
PRIVACY = ["privacy and journalism after the leaks", "greenwald on privacy", "tech firms and encryption"]


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        (EAGLE, URBAN, True),  # each has a name in all its titles that the other never holds
        (SNOWDEN, PRIVACY, False),  # the fragment has no word in three quarters of its titles
        (EAGLE, EAGLE[:2] + URBAN[:2], False),  # the mixed one holds "american eagle" in half its titles
    ],
)
def test_events_with_exclusive_names_conflict(left, right, expected):
    a, b = _cluster("a", left), _cluster("b", right)
    assert _conflict(a, b) is expected
    assert _conflict(b, a) is expected


def _distinct_stream(count: int) -> list[EventInput]:
    """Reports an hour apart, each with words of its own (so every one starts an event)."""
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    return [
        EventInput(f"r{i}", f"word{i}a word{i}b word{i}c", (start + dt.timedelta(hours=i)).isoformat())
        for i in range(count)
    ]


@pytest.mark.parametrize("cut", [0, 37, 150])
def test_word_counts_stay_under_the_cap_and_batching_forgets_alike(cut):
    # A one-day window keeps some 75 words in open events; the cap of 100 forgets the older ones.
    stream, capped = _distinct_stream(200), Settings(event_window_days=1, event_max_terms=100)
    whole = EventClusterer(capped)
    expected = whole.add(stream)
    words = set(whole.state()["df"])
    assert len(words) <= 100
    assert "word10a" not in words
    # Words of the events still open (the last day) are never forgotten.
    assert {"word199a", "word180c"} <= words
    first = EventClusterer(capped)
    head = first.add(stream[:cut])
    second = EventClusterer(capped, state=json.loads(json.dumps(first.state())))
    assert [second.resolve(e) for e in head] + second.add(stream[cut:]) == expected
    assert second.state()["df"] == whole.state()["df"]


def _article(aid: str, title: str, text: str, date: str, names: list[str]) -> Article:
    entities, cursor = [], 0
    for name in names:
        start = text.index(name, cursor)
        entities.append(Entity(start, start + len(name), name, "PERSON"))
        cursor = start
    return Article(
        id=aid,
        source=aid,
        text=text,
        title=title,
        outlet=aid.upper(),
        body=[Span(0, len(text))],
        published=PublishedDate(date, "metadata", 1.0),
        entities=entities,
    )


def test_describe_events_from_articles():
    articles = [
        _article(
            "x",
            "Mayor Lind opens the bridge",
            "Mayor Lind opened the new bridge. Lind cut the ribbon.",
            "2024-03-02",
            ["Lind", "Lind"],
        ),
        _article(
            "y",
            "Lind opens bridge to traffic",
            "The bridge opened, said Mayor Lind and Ada Moss.",
            "2024-03-01",
            ["Lind", "Ada Moss"],
        ),
    ]
    inputs = [event_input(a) for a in articles]
    assert inputs[0].entities == ("Lind",) and inputs[1].published == "2024-03-01"
    ids = EventClusterer().add(inputs)
    (event,) = describe_events(articles, dict(zip(["x", "y"], ids, strict=True)))
    assert event.date == "2024-03-01"
    assert event.actors == ["Lind", "Ada Moss"]
    assert sorted(event.articles) == ["x", "y"]
    assert "bridge" in event.title


def _pairwise_f1(gold: dict[str, str], pred: dict[str, str]) -> float:
    """Pairwise F1 exactly as ../shared/eval/score_clusters.py computes it."""

    def pairs(counter: Counter) -> int:
        return sum(comb(n, 2) for n in counter.values())

    ids = list(gold)
    tp = pairs(Counter((gold[i], pred[i]) for i in ids))
    precision = tp / pairs(Counter(pred[i] for i in ids))
    recall = tp / pairs(Counter(gold[i] for i in ids))
    return 2 * precision * recall / (precision + recall)


def _headline_stream() -> tuple[list[dict[str, str]], list[EventInput]]:
    """The UCI dev headlines as the scorer feeds them: title, outlet and full timestamp, no text."""
    path = corpus_path("headlines", "uci-dev.csv")
    rows = [
        r for r in csv.DictReader(path.open(newline="", encoding="utf-8")) if r["STORY"] and r["TIMESTAMP"]
    ]
    items = [
        EventInput(
            id=r["ID"],
            title=r["TITLE"],
            published=dt.datetime.fromtimestamp(int(r["TIMESTAMP"]) / 1000, dt.UTC).isoformat(),
            outlet=r["PUBLISHER"],
        )
        for r in rows
    ]
    return rows, items


@pytest.mark.corpus
def test_headline_stream_quality_gate():
    rows, items = _headline_stream()
    ids = EventClusterer().add(items)
    f1 = _pairwise_f1({r["ID"]: r["STORY"] for r in rows}, dict(zip((i.id for i in items), ids, strict=True)))
    # Measured 0.924 with the default settings (docs/events.md); the floor sits just under it.
    assert f1 >= 0.92, f"pairwise F1 {f1:.3f} fell under the floor 0.92"


@pytest.mark.corpus
@pytest.mark.slow
def test_headline_stream_with_title_actors_quality_gate():
    """As the build reads headline-only reports: with the actors the NER finds in their titles."""
    rows, items = _headline_stream()
    actors = headline_actors(items)
    assert any("Charles Plosser" in names for names in actors)
    named = [dataclasses.replace(item, entities=names) for item, names in zip(items, actors, strict=True)]
    ids = EventClusterer().add(named)
    f1 = _pairwise_f1({r["ID"]: r["STORY"] for r in rows}, dict(zip((i.id for i in items), ids, strict=True)))
    # Measured 0.931 (docs/events.md); the floor sits just under it.
    assert f1 >= 0.925, f"pairwise F1 with title actors {f1:.3f} fell under the floor 0.925"


def test_nationality_adjectives_are_not_actors_but_groups_and_resolved_ones_are():
    from storyline.events import names_actor

    def entity(text: str, label: str, canonical: str | None = None) -> Entity:
        return Entity(0, len(text), text, label, canonical if canonical is not None else text)

    assert names_actor(entity("Mark Rutte", "PERSON"))
    assert names_actor(entity("NATO", "ORG"))
    assert names_actor(entity("Ukraine", "GPE"))
    assert not names_actor(entity("Ukrainian", "NORP"))  # "the Ukrainian army"
    assert not names_actor(entity("Russian", "NORP"))  # "Russian aggression"
    assert names_actor(entity("Ukrainians", "NORP"))  # a group of people
    assert names_actor(entity("Democrats", "NORP"))
    assert names_actor(entity("European", "NORP", "European allies"))  # a dossier alias resolved it
    assert not names_actor(entity("Thursday", "DATE"))
