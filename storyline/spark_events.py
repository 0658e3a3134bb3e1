"""Events on Spark: the embedded ``EventClusterer`` run over each calendar month of reports in parallel.

Reads the analysed rows (canonical articles enter once, with their group size; copies follow their
canonical); adds an event per article and the event table rows. Months are independent streams,
stitched where an event runs over a month's end: each month's stream first replays the reports of
the previous month's last ``event_window_days`` days (its *lead-in*), and an event of the month that
takes in a lead-in report continues that report's event of the month before (``stitch``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .events import EventClusterer, EventInput
from .settings import Settings

__all__ = [
    "EVENT_COLUMNS",
    "cluster_window",
    "lead_window",
    "merge_event_rows",
    "rename_state",
    "stitch",
    "window_of",
]

# An event closes `event_window_days` after its latest report, so a month boundary cuts only the
# events alive across it, and those are stitched back; months keep every window's stream long enough
# for the clusterer's word statistics while giving a backfill of years dozens of independent tasks.
WINDOW_CHARS = 7  # "YYYY-MM"
_EVENT_ACTORS = 8  # as storyline.corpus keeps them

EVENT_COLUMNS = ("id", "date", "title", "articles", "actors")


def window_of(published: str | None, *, ingest_date: str) -> str:
    """The month a report's stream belongs to (its publication date, else the day it was ingested)."""
    return (published or ingest_date)[:WINDOW_CHARS]


def lead_window(published: str | None, *, days: int) -> str | None:
    """The next month, for a report published in the last ``days`` days of its month (it opens the next
    month's stream as lead-in); None for any other report."""
    if not published or days <= 0:
        return None
    try:
        day = dt.date.fromisoformat(published[:10])
    except ValueError:
        return None
    first_of_next = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    if (first_of_next - day).days > days:
        return None
    return first_of_next.isoformat()[:WINDOW_CHARS]


def cluster_window(
    window: str,
    rows: Iterable[Any],
    *,
    settings: Settings,
    ingest_date: str,
    last_window: str,
    lead_in: Iterable[Any] = (),
) -> Iterator[tuple[str, Any]]:
    """``("event", row)`` for each event of one month, and ``("state", json)`` for the last month (from
    which a later embedded build continues the stream), or ``("error", message)`` when the clusterer
    fails on the month. Mirrors ``storyline.corpus.assign_events``.

    ``lead_in``: canonical reports of the previous month's last days, clustered first and never
    reported here; an event that takes one in yields ``("continues", (event id, [lead-in ids]))``."""
    members = sorted(rows, key=lambda r: (r["published"] is not None, r["published"] or "", r["seq"]))
    copies = Counter(r["duplicate_of"] for r in members if r["duplicate_of"] is not None)
    leads = sorted(
        (r for r in lead_in if r["duplicate_of"] is None), key=lambda r: (r["published"], r["seq"])
    )
    lead_ids = {r["id"] for r in leads}
    heads = [r for r in members if r["duplicate_of"] is None]
    heads.sort(key=lambda r: (r["published"] or ingest_date, r["seq"]))
    heads = leads + heads
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
    continued: dict[str, list[str]] = {}
    for lead_id in lead_ids:
        continued.setdefault(event_of[lead_id], []).append(lead_id)
    # Every event holding lead-in reports, those without a report of this month too: the stream state
    # a later build continues names them.
    for event, ids in sorted(continued.items()):
        yield "continues", (event, sorted(ids))
    for event, group in sorted(grouped.items()):
        dates = [r["published"] for r in group if r["published"]]
        lead = max(enumerate(group), key=lambda p: (copies[p[1]["id"]], bool(p[1]["title"]), -p[0]))[1]
        actors = Counter(name for r in group for name in (r["actors"] or ()))
        yield (
            "event",
            (
                event,
                min(dates)[:10] if dates else None,  # a day, as the embedded build dates events
                lead["title"] or lead["id"],
                [r["id"] for r in group],
                [a for a, _ in actors.most_common(_EVENT_ACTORS)],
            ),
        )
    if window == last_window:
        yield "state", json.dumps(clusterer.state())


def stitch(continues: Iterable[tuple[str, list[str]]], event_of_lead: Mapping[str, str]) -> dict[str, str]:
    """Event renames across month ends: an event that took in lead-in reports goes by the event most of
    them belong to in their own month; chains over several months resolve to the first event."""
    renames: dict[str, str] = {}
    for event, leads in continues:
        votes = Counter(event_of_lead[lead] for lead in leads if lead in event_of_lead)
        if votes:
            target = max(votes.items(), key=lambda kv: (kv[1], kv[0]))[0]
            if target != event:
                renames[event] = target
    resolved: dict[str, str] = {}
    for event in renames:
        seen, current = {event}, renames[event]
        while current in renames and renames[current] not in seen:
            seen.add(current)
            current = renames[current]
        resolved[event] = current
    return resolved


def merge_event_rows(a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[Any, ...]:
    """One event row of two parts (``EVENT_COLUMNS``): the earlier date, the articles in date order, the
    title of the part with more articles, the actors of both."""
    first, second = sorted((a, b), key=lambda r: (r[1] is None, r[1] or "", r[0]))
    larger = max((first, second), key=lambda r: len(r[3]))
    actors = list(dict.fromkeys([*first[4], *second[4]]))[:_EVENT_ACTORS]
    return (first[0], first[1], larger[2], [*first[3], *second[3]], actors)


def rename_state(state: dict[str, Any], renames: Mapping[str, str]) -> dict[str, Any]:
    """The last month's clusterer state with its events under their stitched names (two open events
    stitched to one become one, their word counts added up)."""
    if not renames:
        return state
    merged: dict[str, dict[str, Any]] = {}
    for cluster in state["open"]:
        cid = renames.get(cluster["id"], cluster["id"])
        if cid not in merged:
            merged[cid] = {**cluster, "id": cid}
            continue
        into = merged[cid]
        for key in ("counts", "heads"):
            into[key] = dict(Counter(into[key]) + Counter(cluster[key]))
        for key in ("size", "words", "reach"):
            into[key] += cluster[key]
        into["seq"], into["first"] = min(into["seq"], cluster["seq"]), min(into["first"], cluster["first"])
        into["last"] = max(into["last"], cluster["last"])
    state = dict(state)
    state["open"] = list(merged.values())
    state["renamed"] = {old: renames.get(new, new) for old, new in state.get("renamed", {}).items()}
    return state
