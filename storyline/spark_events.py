"""Events on Spark: the embedded ``EventClusterer`` run over each calendar month of reports in parallel.

Reads the analysed rows (canonical articles enter once, with their group size; copies follow their
canonical); adds an event per article and the event table rows. Months are independent streams.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from .events import EventClusterer, EventInput
from .settings import Settings

__all__ = ["EVENT_COLUMNS", "cluster_window", "window_of"]

# An event closes `event_window_days` after its latest report, so a month boundary splits only the
# events alive across it; months keep every window's stream long enough for the clusterer's word
# statistics while giving a backfill of years dozens of independent tasks.
WINDOW_CHARS = 7  # "YYYY-MM"
_EVENT_ACTORS = 8  # as storyline.corpus keeps them

EVENT_COLUMNS = ("id", "date", "title", "articles", "actors")


def window_of(published: str | None, *, ingest_date: str) -> str:
    """The month a report's stream belongs to (its publication date, else the day it was ingested)."""
    return (published or ingest_date)[:WINDOW_CHARS]


def cluster_window(
    window: str, rows: Iterable[Any], *, settings: Settings, ingest_date: str, last_window: str
) -> Iterator[tuple[str, Any]]:
    """``("event", row)`` for each event of one month, and ``("state", json)`` for the last month (from
    which a later embedded build continues the stream), or ``("error", message)`` when the clusterer
    fails on the month. Mirrors ``storyline.corpus.assign_events``."""
    members = sorted(rows, key=lambda r: (r["published"] is not None, r["published"] or "", r["seq"]))
    copies = Counter(r["duplicate_of"] for r in members if r["duplicate_of"] is not None)
    heads = [r for r in members if r["duplicate_of"] is None]
    heads.sort(key=lambda r: (r["published"] or ingest_date, r["seq"]))
    items = [
        EventInput(
            id=r["id"],
            title=r["title"] or "",
            published=r["published"] or ingest_date,
            text=r["opening"] or "",
            entities=tuple(r["names"] or ()),
            outlet=r["outlet"],
            copies=1 + copies[r["id"]],
        )
        for r in heads
    ]
    clusterer = EventClusterer(settings)
    try:
        event_of = dict(zip([i.id for i in items], clusterer.add(items), strict=True))
    except Exception as exc:  # noqa: BLE001 - one month without events must not lose a backfill's analysis
        yield "error", f"events of {window}: {type(exc).__name__}: {exc}"[:300]
        return
    grouped: dict[str, list[Any]] = {}
    for row in members:
        event = event_of.get(row["duplicate_of"] or row["id"])
        if event is not None:
            grouped.setdefault(event, []).append(row)
    for event, group in sorted(grouped.items()):
        dates = [r["published"] for r in group if r["published"]]
        lead = max(enumerate(group), key=lambda p: (copies[p[1]["id"]], bool(p[1]["title"]), -p[0]))[1]
        actors = Counter(name for r in group for name in (r["actors"] or ()))
        yield (
            "event",
            (
                event,
                min(dates) if dates else None,
                lead["title"] or lead["id"],
                [r["id"] for r in group],
                [a for a, _ in actors.most_common(_EVENT_ACTORS)],
            ),
        )
    if window == last_window:
        yield "state", json.dumps(clusterer.state())
