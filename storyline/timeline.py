"""Timelines of a story, a dossier or an actor: dated entries with the position changes on one axis.

Reads events, their articles and optionally positions; returns entries and renders them as text,
JSON, PNG or SVG (the chart is drawn by ``timeline_chart``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .model import Article, Event, Position, Span, to_dict

FORMATS = ("text", "json", "png", "svg")
# A sentence that says what happened has a subject, a verb and an object: fewer words is a caption,
# a dateline or a share bar (seed 001 opens with image bars).
_MIN_SENTENCE_WORDS = 8
_MAX_SENTENCE_CHARS = 400
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*|\n|$)")


@dataclass(slots=True)
class TimelineEntry:
    """One dated line of a timeline: an event, or the change of an actor's position."""

    date: str
    kind: str  # event | position
    title: str
    summary: str  # one sentence taken from the sources
    actors: list[str] = field(default_factory=list)
    outlets: int = 0
    links: list[str] = field(default_factory=list)  # addresses of the reports, or their ids
    event: str | None = None
    article: str | None = None  # the report the summary is taken from
    evidence: Span | None = None  # the summary's span in that report
    stance: str | None = None  # for a position change: the new stance


def build_timeline(
    events: Sequence[Event],
    articles: Iterable[Article],
    positions: Sequence[Position] | None = None,
    *,
    actor: str | None = None,
) -> list[TimelineEntry]:
    """Entries for the events (and the position changes), in date order; ``actor`` keeps only theirs."""
    by_id = {a.id: a for a in articles}
    entries = []
    for event in events:
        if event.date is None or (actor and not _names(actor, event.actors)):
            continue
        entries.append(_event_entry(event, [by_id[i] for i in event.articles if i in by_id]))
    for position in positions or ():
        if actor and not _names(actor, [position.actor]):
            continue
        entries.extend(_position_entries(position))
    return sorted(entries, key=lambda e: (e.date, e.kind != "event", e.title))


def _names(wanted: str, actors: Sequence[str]) -> bool:
    key = wanted.casefold()
    return any(key == a.casefold() or key in a.casefold().split() for a in actors)


def _event_entry(event: Event, members: Sequence[Article]) -> TimelineEntry:
    ordered = sorted(members, key=lambda a: (a.published.value if a.published else "9999", a.id))
    summary, source, evidence = event.title, None, None
    for article in ordered:
        found = lead_sentence(article, actors=event.actors)
        if found is not None:
            summary, source, evidence = found.text(article.text).strip(), article.id, found
            break
    outlets = {(a.outlet or a.id).casefold() for a in members}
    return TimelineEntry(
        date=event.date or "",
        kind="event",
        title=event.title,
        summary=summary,
        actors=list(event.actors),
        outlets=len(outlets),
        links=[a.url or a.id for a in ordered],
        event=event.id,
        article=source,
        evidence=evidence,
    )


def lead_sentence(article: Article, *, actors: Sequence[str] = ()) -> Span | None:
    """The span of the first body sentence that reads as a statement, preferring one naming an actor."""
    regions = article.body or [Span(0, len(article.text))]
    title = " ".join((article.title or "").split()).casefold()
    candidates = []
    for region in regions:
        chunk = article.text[region.start : region.end]
        for match in _SENTENCE.finditer(chunk):
            sentence = match.group().strip()
            words = sentence.split()
            letters = sum(ch.isalpha() for ch in sentence)
            if len(words) < _MIN_SENTENCE_WORDS or letters < 0.6 * len(sentence):
                continue
            if len(sentence) > _MAX_SENTENCE_CHARS or " ".join(words).casefold() == title:
                continue
            start = region.start + match.start() + (len(match.group()) - len(match.group().lstrip()))
            candidates.append((Span(start, start + len(sentence)), sentence))
        if len(candidates) >= 3:
            break
    surnames = {a.split()[-1].casefold() for a in actors if a.strip()}
    for span, sentence in candidates[:3]:
        if any(name in sentence.casefold() for name in surnames):
            return span
    return candidates[0][0] if candidates else None


def _position_entries(position: Position) -> list[TimelineEntry]:
    """A point is a change when flagged, when it is the first, or when its stance differs."""
    entries, previous = [], None
    for point in sorted(position.points, key=lambda p: p.date):
        if point.changed or previous is None or point.stance != previous:
            entries.append(
                TimelineEntry(
                    date=point.date,
                    kind="position",
                    title=f"{position.actor}: {point.stance}",
                    summary=point.summary,
                    actors=[position.actor],
                    outlets=1,
                    links=[point.article],
                    article=point.article,
                    evidence=point.evidence,
                    stance=point.stance,
                )
            )
        previous = point.stance
    return entries


def render_timeline(
    entries: Sequence[TimelineEntry],
    fmt: str = "text",
    path: str | Path | None = None,
    *,
    heading: str | None = None,
) -> str:
    """The timeline as text or JSON (returned, and written to ``path`` if given), or a chart at ``path``
    (headed by ``heading``: what it shows, "Security guarantees for Ukraine")."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown timeline format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in ("png", "svg"):
        if path is None:
            raise ValueError(f"a {fmt} timeline needs a path to write to")
        from .timeline_chart import draw_timeline  # matplotlib is imported only for charts

        draw_timeline(entries, Path(path), fmt=fmt, heading=heading)
        return str(path)
    output = format_text(entries) if fmt == "text" else format_json(entries)
    if path is not None:
        Path(path).write_text(output, encoding="utf-8")
    return output


def format_text(entries: Sequence[TimelineEntry]) -> str:
    """One block per entry: date, kind, the sentence, then actors, outlets and links."""
    lines = []
    for entry in entries:
        mark = "*" if entry.kind == "event" else "~"
        lines.append(f"{entry.date} {mark} {entry.title}")
        lines.append(f"    {entry.summary}")
        details = [", ".join(entry.actors)] if entry.actors else []
        if entry.kind == "event":
            details.append(f"{entry.outlets} outlet{'s' if entry.outlets != 1 else ''}")
        lines.append(f"    [{'; '.join(details)}] {' '.join(entry.links)}".rstrip())
    return "\n".join(lines) + ("\n" if lines else "")


def format_json(entries: Sequence[TimelineEntry]) -> str:
    """A JSON array of entries (spans as ``[start, end]``)."""
    return json.dumps([to_dict(e) for e in entries], ensure_ascii=False, indent=1)


def entries_by_kind(entries: Sequence[TimelineEntry]) -> Mapping[str, list[TimelineEntry]]:
    """The entries split into events and position changes (each list in date order)."""
    split: dict[str, list[TimelineEntry]] = {"event": [], "position": []}
    for entry in entries:
        split.setdefault(entry.kind, []).append(entry)
    return split
