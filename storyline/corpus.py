"""Corpus stages over the store: events for newly analysed articles, then stories over all events.

Reads canonical articles without an event (a syndication group enters once), their entities and
group sizes; writes `articles.event`/`articles.story`, the `events` and `stories` tables and the
clusterer's state, all in one transaction so a killed build leaves either all or none of it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from typing import Any

from .events import EventClusterer, EventInput, headline_actors, names_actor
from .model import Entity, Event, Story
from .settings import Settings
from .store import STATE_ANALYSED, Store
from .stories import link_stories

STATE_KEY = "events"
# The opening of the body the clusterer reads; it reads no further (events.py says why).
BODY_CHARS = 1200


# Pending articles are clustered a page at a time, so memory holds one page whatever the corpus.
PAGE = 2000


def _pending_order(store: Store) -> list[int]:
    """Numbers of the canonical analysed articles without an event, in the order they happened."""
    return [r[0] for r in store.conn.execute(
        """SELECT a.n FROM articles a
           WHERE a.event IS NULL AND a.duplicate_of IS NULL AND a.state = ?
           ORDER BY coalesce(a.published, date(a.ingested_at, 'unixepoch')), a.n""", (STATE_ANALYSED,))]


def _pending(store: Store, numbers: list[int]) -> list[dict[str, Any]]:
    """What the clusterer reads of these articles, in the order given."""
    rows = {r["n"]: dict(r) for r in store.conn.execute(
        """SELECT a.n, a.id, a.title, a.published, a.outlet, a.ingested_at, substr(a.text, 1, ?) AS opening,
                  json_extract(a.data, '$.meta.published') AS given,
                  (SELECT count(*) FROM articles c WHERE c.duplicate_of = a.id) AS copies
           FROM articles a WHERE a.n IN (SELECT value FROM json_each(?))""",
        (BODY_CHARS, json.dumps(numbers)))}
    return [rows[n] for n in numbers if n in rows]


def _moment(row: dict[str, Any]) -> str:
    """When a report appeared: the full timestamp given with it when it agrees with its date (feeds
    and APIs give the minute), else its date, else the day it was ingested."""
    given, published = row["given"], row["published"]
    if published and isinstance(given, str) and given.startswith(published) and len(given) > len(published):
        return given
    return published or dt.datetime.fromtimestamp(row["ingested_at"], dt.UTC).date().isoformat()


def _entities(store: Store, ids: list[str]) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for r in store.conn.execute(
                f"SELECT article_id, canonical FROM entities WHERE article_id IN ({marks}) "  # noqa: S608
                "AND canonical IS NOT NULL ORDER BY article_id, start", chunk):
            names = found.setdefault(r[0], [])
            if r[1] not in names:
                names.append(r[1])
    return {k: tuple(v) for k, v in found.items()}


def _event_rows(store: Store, event_ids: set[str]) -> list[Event]:
    """Events rebuilt from their member articles: earliest date, the title of the best-carried report."""
    events = []
    for eid in sorted(event_ids):
        members = store.conn.execute(
            """SELECT a.id, a.title, a.published,
                      (SELECT count(*) FROM articles c WHERE c.duplicate_of = a.id) AS copies
               FROM articles a WHERE a.event = ? ORDER BY a.published, a.n""", (eid,)).fetchall()
        if not members:
            store.conn.execute("DELETE FROM events WHERE id = ?", (eid,))
            continue
        dates = [m["published"] for m in members if m["published"]]
        lead = max(members, key=lambda m: (m["copies"], bool(m["title"]), -members.index(m)))
        rows = store.conn.execute(
            """SELECT e.text, e.label, e.canonical FROM entities e JOIN articles a ON a.id = e.article_id
               WHERE a.event = ? AND e.canonical IS NOT NULL""",
            (eid,))
        actors = Counter(r[2] for r in rows if names_actor(Entity(0, 0, r[0], r[1], r[2])))
        events.append(Event(id=eid, articles=[m["id"] for m in members], date=min(dates) if dates else None,
                            title=lead["title"] or lead["id"], actors=[a for a, _ in actors.most_common(8)]))
    return events


def _save_events(store: Store, events: list[Event]) -> None:
    for e in events:
        store.conn.execute(
            "INSERT INTO events (id, date, title, story, data) VALUES (?, ?, ?, NULL, ?) "
            "ON CONFLICT(id) DO UPDATE SET date = excluded.date, title = excluded.title, data = excluded.data",
            (e.id, e.date, e.title, json.dumps({"articles": e.articles, "actors": e.actors})))


def all_events(store: Store) -> list[Event]:
    out = []
    for r in store.conn.execute("SELECT id, date, title, story, data FROM events ORDER BY date, id"):
        data = json.loads(r["data"])
        out.append(Event(id=r["id"], articles=data.get("articles", []), date=r["date"], title=r["title"],
                         actors=data.get("actors", []), story=r["story"]))
    return out


def all_stories(store: Store) -> list[Story]:
    out = []
    for r in store.conn.execute("SELECT id, title, first, last, data FROM stories ORDER BY last DESC, id"):
        data = json.loads(r["data"])
        out.append(Story(id=r["id"], title=r["title"], events=data.get("events", []),
                         actors=data.get("actors", []), first=r["first"], last=r["last"]))
    return out


def _link_stories(store: Store, settings: Settings) -> None:
    """Stories over every event, replacing the previous linking (events are few next to articles)."""
    stories: list[Story] = link_stories(all_events(store), settings)
    store.conn.execute("DELETE FROM stories")
    store.conn.execute("UPDATE events SET story = NULL")
    for s in stories:
        store.conn.execute("INSERT INTO stories (id, title, first, last, data) VALUES (?, ?, ?, ?, ?)",
                           (s.id, s.title, s.first, s.last, json.dumps({"events": s.events, "actors": s.actors})))
        store.conn.executemany("UPDATE events SET story = ? WHERE id = ?", [(s.id, e) for e in s.events])
    store.conn.execute("UPDATE articles SET story = (SELECT e.story FROM events e WHERE e.id = articles.event)")


def _cluster_page(store: Store, clusterer: EventClusterer, pending: list[dict[str, Any]]) -> set[str]:
    """Add one page of pending articles to the clusterer and record their events; the events touched."""
    entities = _entities(store, [p["id"] for p in pending])
    items = [EventInput(
        id=p["id"], title=p["title"] or "", published=_moment(p),
        text=p["opening"] or "", entities=entities.get(p["id"], ()), outlet=p["outlet"],
        copies=1 + p["copies"]) for p in pending]
    # Headline-only reports are not analysed: their actors come from their titles (docs/events.md).
    bare = [i for i, item in enumerate(items) if not item.text.strip() and not item.entities]
    for i, names in zip(bare, headline_actors([items[i] for i in bare]), strict=True):
        items[i] = dataclasses.replace(items[i], entities=names)
    touched = set()
    for item, eid in zip(items, clusterer.add(items), strict=True):
        store.conn.execute("UPDATE articles SET event = ? WHERE id = ? OR duplicate_of = ?", (eid, item.id, item.id))
        touched.add(eid)
    return touched


def assign_events(store: Store, *, settings: Settings) -> int:
    """Cluster the articles analysed since the last build into events; returns the events touched."""
    order = _pending_order(store)
    with store.transaction():
        # Copies follow their canonical, whenever either arrived.
        store.conn.execute(
            """UPDATE articles SET event = (SELECT c.event FROM articles c WHERE c.id = articles.duplicate_of)
               WHERE duplicate_of IS NOT NULL AND event IS NOT
                     (SELECT c.event FROM articles c WHERE c.id = articles.duplicate_of)""")
        touched: set[str] = set()
        if order:
            clusterer = EventClusterer(settings, state=store.corpus_state(STATE_KEY))
            for start in range(0, len(order), PAGE):
                touched.update(_cluster_page(store, clusterer, _pending(store, order[start:start + PAGE])))
            for old, new in clusterer.renamed().items():
                if store.conn.execute("UPDATE articles SET event = ? WHERE event = ?", (new, old)).rowcount:
                    touched.update((old, new))
            store.set_corpus_state(STATE_KEY, clusterer.state())
        if touched:
            _save_events(store, _event_rows(store, touched))
            _link_stories(store, settings)
    return len(touched)
