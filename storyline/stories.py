"""Story linking: events joined into storylines that run for months (the security guarantees story).

Reads events (date, title, actors); returns stories with a title, key actors and first/last dates.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .events import clean_title, tokenize
from .model import Event, Story
from .settings import DEFAULT, Settings

_STORY_ACTORS = 5
# An actor or word counts as the story's own once this share of its events carry it.
_KEY_SHARE = 0.5


@dataclass(slots=True)
class _Thread:
    number: int  # its place in creation order
    events: list[Event] = field(default_factory=list)
    actors: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    square_sum: float = 0.0  # sum over words of (count * idf) ** 2, for the profile's norm
    last: dt.date | None = None


# Only the threads sharing most with an event (rare words, actors) are scored in full; with tens of
# thousands of events, scoring every live story would make linking quadratic.
_CANDIDATES = 50


def link_stories(events: Sequence[Event], settings: Settings = DEFAULT) -> list[Story]:
    """Stories from events taken in date order: each event joins the closest live story or starts one.

    Closeness mixes the share of the event's actors the story already has with the cosine of title
    words (weighted by rarity among events); a story stays live ``settings.story_window_days``.
    """
    ordered = sorted(events, key=lambda e: (e.date or "9999-12-31", e.id))
    word_sets = [set(tokenize(clean_title(e.title))) for e in ordered]
    df: Counter[str] = Counter(w for ws in word_sets for w in ws)
    n = len(ordered)
    idf = {w: math.log((n + 1) / c) + 1.0 for w, c in df.items()}
    threads: list[_Thread] = []
    by_key: dict[str, set[int]] = {}  # "w:" word / "a:" actor -> numbers of the threads holding it
    for event, words in zip(ordered, word_sets, strict=True):
        when = _date(event.date)
        shared: dict[int, float] = {}
        for word in words:
            for t in by_key.get("w:" + word, ()):
                shared[t] = shared.get(t, 0.0) + idf[word]
        for actor in set(event.actors):
            for t in by_key.get("a:" + actor, ()):
                shared[t] = shared.get(t, 0.0) + 1.0
        best, best_score = None, settings.story_threshold
        for t, _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:_CANDIDATES]:
            thread = threads[t]
            if when and thread.last and (when - thread.last).days > settings.story_window_days:
                continue
            score = _closeness(event, words, thread, idf)
            if score >= best_score:
                best, best_score = thread, score
        if best is None:
            best = _Thread(number=len(threads))
            threads.append(best)
        _extend(best, event, words, idf)
        for key in [f"w:{w}" for w in words] + [f"a:{a}" for a in set(event.actors)]:
            by_key.setdefault(key, set()).add(best.number)
        if when and (best.last is None or when > best.last):
            best.last = when
    return [_story(thread) for thread in threads]


def _extend(thread: _Thread, event: Event, words: set[str], idf: dict[str, float]) -> None:
    thread.events.append(event)
    thread.actors.update(set(event.actors))
    for word in words:
        count = thread.words[word]
        thread.square_sum += ((count + 1) ** 2 - count**2) * idf[word] ** 2
        thread.words[word] = count + 1


def _closeness(event: Event, words: set[str], thread: _Thread, idf: dict[str, float]) -> float:
    """Mean of the title-word cosine and the share of the event's actors the story already has."""
    size = len(thread.events)
    dot = sum(idf[w] * thread.words[w] / size * idf[w] for w in words if w in thread.words)
    norm = math.sqrt(sum(idf[w] ** 2 for w in words)) * math.sqrt(thread.square_sum) / size
    word_score = dot / norm if norm else 0.0
    actors = set(event.actors)
    # Shared actors alone do not make a story: every report of a beat names its president.
    if not actors or not thread.actors or word_score == 0.0:
        return word_score
    actor_score = sum(thread.actors[a] / size for a in actors) / len(actors)
    return (word_score + actor_score) / 2


def _story(thread: _Thread) -> Story:
    size = len(thread.events)
    key_actors = [a for a, c in thread.actors.most_common() if c / size >= _KEY_SHARE]
    actors = sorted(key_actors, key=lambda a: (-thread.actors[a], a))[:_STORY_ACTORS]
    dates = sorted(e.date for e in thread.events if e.date)
    first_event = thread.events[0]
    return Story(
        id=f"st:{first_event.id}",
        title=story_title(thread.events),
        events=[e.id for e in thread.events],
        actors=actors,
        first=dates[0] if dates else None,
        last=dates[-1] if dates else None,
    )


def story_title(events: Sequence[Event]) -> str:
    """The word pair most of the events' titles share ("Security guarantees"), else the first title."""
    if len(events) < 2:
        return events[0].title if events else ""
    pairs: Counter[tuple[str, str]] = Counter()
    for event in events:
        words = tokenize(clean_title(event.title))
        pairs.update(set(zip(words, words[1:], strict=False)))
    if pairs:
        (first, second), count = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        if count / len(events) >= _KEY_SHARE:
            phrase = _original_case(events, first, second)
            if phrase:
                return phrase
    # No phrase written alike in most titles: the title of the best-carried event names the story.
    return max(events, key=lambda e: (len(e.articles), -events.index(e))).title


def _original_case(events: Sequence[Event], first: str, second: str) -> str:
    """The pair as a title writes it, preferring a sentence-case title over a Title Case one ("" if
    no title writes the two words side by side)."""
    found = []
    for event in events:
        words = clean_title(event.title).split()
        for left, right in zip(words, words[1:], strict=False):
            if tokenize(left) == [first] and tokenize(right) == [second]:
                found.append(f"{left} {right}".strip(".,:;'\""))
    if not found:
        return ""  # the two words are never side by side as written ("Thornvik and Varro")
    phrase = min(found, key=lambda p: (p.split()[-1][:1].isupper(), p))
    return phrase[0].upper() + phrase[1:]


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
