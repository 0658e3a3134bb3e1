"""Story linking: hand-built events, and the seed reports as one security-guarantees story."""

from __future__ import annotations

import re

import pytest

from storyline.events import EventClusterer, describe_events, event_input
from storyline.model import Article, Entity, Event, Position, PositionPoint, PublishedDate, Span
from storyline.settings import Settings
from storyline.stories import link_stories, story_title
from storyline.timeline import build_timeline, render_timeline

# The dates the issue gives for the seed reports (the pipeline's date stage is another brief).
SEED_DATES = ["2025-02-20", "2025-02-20", "2025-08-22", "2025-09-03", "2025-12-18"]

HARBOUR = [
    Event("e1", ["a"], "2024-01-05", "Port strike halts harbour cranes", ["Dock Union", "Port Authority"]),
    Event("e2", ["b"], "2024-02-10", "Harbour strike talks collapse", ["Dock Union", "Port Authority"]),
    Event("e3", ["c"], "2024-01-20", "Orchestra opens the spring season", ["City Orchestra"]),
    Event("e4", ["d"], "2024-03-01", "Dock Union ends harbour strike", ["Dock Union"]),
]


def test_events_sharing_actors_and_words_form_one_story():
    stories = link_stories(HARBOUR)
    by_event = {e: s.id for s in stories for e in s.events}
    assert by_event["e1"] == by_event["e2"] == by_event["e4"]
    assert by_event["e3"] != by_event["e1"]
    harbour = next(s for s in stories if "e1" in s.events)
    assert harbour.events == ["e1", "e2", "e4"]
    assert (harbour.first, harbour.last) == ("2024-01-05", "2024-03-01")
    assert harbour.actors[0] == "Dock Union"


def test_shared_actors_without_shared_words_do_not_link():
    events = [
        Event("p1", ["a"], "2024-01-05", "President signs farm bill", ["President Ray", "Senate"]),
        Event("p2", ["b"], "2024-01-09", "Hurricane response criticised", ["President Ray", "Senate"]),
    ]
    assert len(link_stories(events)) == 2


def test_story_window_splits_distant_events():
    stories = link_stories(HARBOUR, Settings(story_window_days=20))
    by_event = {e: s.id for s in stories for e in s.events}
    assert by_event["e1"] != by_event["e2"]


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        (["Port strike halts cranes", "Port strike talks fail", "Rain delays port"], "Port strike"),
        (["Budget Vote Delayed", "MPs delay budget vote again"], "Budget vote"),
        (["Only one event here"], "Only one event here"),
        (["Nothing shared", "Entirely different words"], "Nothing shared"),
    ],
)
def test_story_title(titles, expected):
    events = [Event(f"e{i}", [], "2024-01-01", t) for i, t in enumerate(titles)]
    assert story_title(events) == expected


def _seed_articles() -> list[Article]:
    from conftest import corpus_path

    from storyline.nlp import get_nlp

    paths = sorted(corpus_path("seeds").glob("*.txt"))
    assert len(paths) == len(SEED_DATES)
    nlp, articles = get_nlp(), []
    for path, date in zip(paths, SEED_DATES, strict=True):
        text = path.read_text(encoding="utf-8")
        # Until the cleaning stage runs here: the first line of words is the title (12 words at most).
        line = next(ln for ln in text.splitlines() if len(re.findall(r"[A-Za-z]{2,}", ln)) >= 4)
        doc = nlp(text[:4000])
        entities = [Entity(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents]
        articles.append(
            Article(
                id=path.stem[:3],
                source=str(path),
                text=text,
                title=" ".join(line.split()[:12]),
                published=PublishedDate(date, "metadata", 1.0),
                entities=entities,
                outlet=f"outlet-{path.stem[:3]}",
            )
        )
    return articles


def _us_positions(articles: list[Article]) -> list[Position]:
    """United States positions as the claims stage reports them, with evidence found in the seeds."""
    points = []
    for aid, phrase, stance in [
        ("000", "would need to be backed by the United States", "conditions"),
        ("002", "confirmation of its participation in future security guarantees", "commits"),
        ("004", "Hungary, US, Slovakia, oppose", "opposes"),
    ]:
        article = next(a for a in articles if a.id == aid)
        start = article.text.index(phrase)
        span = Span(start, start + len(phrase))
        points.append(PositionPoint(article.published.value, stance, phrase, aid, span, changed=True))
    return [Position("United States", "security guarantees", points)]


@pytest.mark.corpus
@pytest.mark.slow  # loads the spaCy pipeline: 7 s alone, over 20 s on a busy machine
def test_seeds_make_four_events_in_one_story(tmp_path):
    articles = _seed_articles()
    ids = EventClusterer().add([event_input(a) for a in articles])
    event_of = dict(zip((a.id for a in articles), ids, strict=True))
    assert event_of["000"] == event_of["001"]
    assert len(set(ids)) == 4
    events = describe_events(articles, event_of)
    assert [e.date for e in events] == ["2025-02-20", "2025-08-22", "2025-09-03", "2025-12-18"]
    (story,) = link_stories(events)
    assert story.title == "Security guarantees"
    assert "Rutte" in story.actors and "Ukraine" in story.actors
    assert (story.first, story.last) == ("2025-02-20", "2025-12-18")

    entries = build_timeline(events, articles, _us_positions(articles))
    assert [e.date for e in entries if e.kind == "event"] == [e.date for e in events]
    assert [e.stance for e in entries if e.kind == "position"] == ["conditions", "commits", "opposes"]
    first = entries[0]
    assert first.outlets == 2 and "NATO chief Mark Rutte said on Thursday" in first.summary
    assert first.evidence is not None
    assert first.summary == first.evidence.text(next(a.text for a in articles if a.id == first.article))
    text = render_timeline(entries)
    assert text.index("2025-02-20") < text.index("2025-08-22") < text.index("2025-12-18")
    chart = render_timeline(entries, "png", tmp_path / "seeds.png")
    assert (tmp_path / "seeds.png").stat().st_size > 10_000 and chart.endswith("seeds.png")
