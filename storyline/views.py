"""Views over the store that combine stages: the dossier picture, positions and timelines.

Reads claims, events and articles from an open connection; shared by the CLI, the API and the pages.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .model import Article, Claim, Event, Position, from_dict
from .positions import ClaimRow, build_positions, dossier_picture

if TYPE_CHECKING:
    from .store import Store


def claim_rows(conn: sqlite3.Connection, *, actor: str | None = None,
               articles: Sequence[str] | None = None) -> list[ClaimRow]:
    """Every stored claim with its article's date and outlet and the outlets that carried its group."""
    sql = """SELECT c.data, c.evidence, c.article_id, a.published, a.outlet,
                    coalesce(a.duplicate_of, a.id) AS grp
             FROM claims c JOIN articles a ON a.id = c.article_id"""
    args: list[Any] = []
    where = []
    if actor:
        where.append("c.actor = ?")
        args.append(actor)
    if articles is not None:
        where.append(f"c.article_id IN ({','.join('?' * len(articles))})")
        args.extend(articles)
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = conn.execute(sql + " ORDER BY a.published, c.article_id, c.idx", args).fetchall()
    outlets: dict[str, list[str]] = {}
    groups = sorted({r["grp"] for r in rows})
    for start in range(0, len(groups), 500):
        chunk = groups[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(
                f"SELECT coalesce(duplicate_of, id) AS grp, coalesce(outlet, wire, id) AS outlet FROM articles "  # noqa: S608
                f"WHERE id IN ({marks}) OR duplicate_of IN ({marks}) ORDER BY published, n", (*chunk, *chunk)):
            names = outlets.setdefault(r["grp"], [])
            if r["outlet"] not in names:
                names.append(r["outlet"])
    return [ClaimRow(claim=from_dict(Claim, json.loads(r["data"])), article=r["article_id"],
                     published=r["published"], outlet=r["outlet"], outlets=outlets.get(r["grp"], []),
                     evidence_text=r["evidence"], group=r["grp"]) for r in rows]


def built_with(conn: sqlite3.Connection) -> str:
    """The dossier the store was built with (recorded by the build), else the flagship."""
    row = conn.execute("SELECT value FROM corpus_state WHERE key = 'dossier'").fetchone()
    return json.loads(row[0]) if row else "ukraine-security-guarantees"


# Pictures already drawn, keyed by store, dossier, date and the state of the claims table: the
# dossier page reads every claim, which takes seconds on a store of 100,000 reports. The picture as of
# today is also kept in the store by the build (``save_picture``), so a new server starts warm.
_PICTURES: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
_PICTURES_KEPT = 32
_DRAWING: dict[tuple[Any, ...], threading.Lock] = {}
_DRAWING_LOCK = threading.Lock()
PICTURE_STATE = "dossier_picture"


def _claims_version(conn: sqlite3.Connection) -> list[Any]:
    """What the picture depends on: the claims stored and the copy groups (outlets per claim)."""
    last, count = conn.execute("SELECT max(n), count(*) FROM claims").fetchone()
    grouped = conn.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0]
    return [last, count, grouped]


def _saved_picture(conn: sqlite3.Connection, name: str, version: list[Any]) -> dict[str, Any] | None:
    row = conn.execute("SELECT value FROM corpus_state WHERE key = ?", (PICTURE_STATE,)).fetchone()
    if row is None:
        return None
    saved = json.loads(row[0])
    if saved.get("dossier") != name or saved.get("version") != version:
        return None  # drawn before the latest claims: drawn again
    return saved["picture"]  # type: ignore[no-any-return]


def save_picture(store: Store, dossier: str | None = None) -> None:
    """Draw the picture as of today of ``dossier`` (else the one the store was built with) and keep it
    in the store; the build and `storyline load` call this last."""
    from .dossier import load_dossier

    name = dossier or built_with(store.conn)
    version = _claims_version(store.conn)
    if _saved_picture(store.conn, name, version) is not None:
        return
    result = dossier_picture(load_dossier(name), claim_rows(store.conn), None)
    store.set_corpus_state(PICTURE_STATE, {"dossier": name, "version": version, "picture": result})


def picture(conn: sqlite3.Connection, name: str, *, as_of: str | None = None) -> dict[str, Any]:
    """The layered picture of a dossier as of a date, with evidence and outlets."""
    store = conn.execute("PRAGMA database_list").fetchone()[2]
    version = _claims_version(conn)
    key = (store, name, as_of, *version)
    if key in _PICTURES:
        _PICTURES.move_to_end(key)
        return copy.deepcopy(_PICTURES[key])
    with _DRAWING_LOCK:
        drawing = _DRAWING.setdefault(key, threading.Lock())
    try:
        with drawing:  # requests arriving together draw it once; the others wait for it
            return copy.deepcopy(_draw(conn, key, name, as_of, version))
    finally:
        with _DRAWING_LOCK:
            _DRAWING.pop(key, None)


def _draw(conn: sqlite3.Connection, key: tuple[Any, ...], name: str, as_of: str | None,
          version: list[Any]) -> dict[str, Any]:
    """The picture for ``key``: already drawn, kept by the build (as of today), or drawn now and kept."""
    from .dossier import load_dossier

    if key in _PICTURES:
        return _PICTURES[key]
    result = _saved_picture(conn, name, version) if as_of is None else None
    if result is None:
        result = dossier_picture(load_dossier(name), claim_rows(conn), as_of)
    if key[0]:  # an in-memory database has no name to key on
        _PICTURES[key] = result
        while len(_PICTURES) > _PICTURES_KEPT:
            _PICTURES.popitem(last=False)
    return result


def positions(conn: sqlite3.Connection, *, actor: str | None = None, topic: str | None = None,
              as_of: str | None = None) -> list[Position]:
    found = build_positions(claim_rows(conn, actor=actor), as_of=as_of)
    return [p for p in found if topic is None or p.topic == topic]


def _articles(conn: sqlite3.Connection, ids: Sequence[str]) -> list[Article]:
    out = []
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        marks = ",".join("?" * len(chunk))
        for r in conn.execute(f"SELECT text, data FROM articles WHERE id IN ({marks})", chunk):  # noqa: S608
            data = json.loads(r["data"])
            data["text"] = r["text"]
            out.append(from_dict(Article, data))
    return out


def _events(conn: sqlite3.Connection, *, story: str | None) -> list[Event]:
    sql, args = "SELECT id, date, title, story, data FROM events", []
    if story:
        sql += " WHERE story = ?"
        args.append(story)
    out = []
    for r in conn.execute(sql + " ORDER BY date, id", args):
        data = json.loads(r["data"])
        out.append(Event(id=r["id"], articles=data.get("articles", []), date=r["date"], title=r["title"],
                         actors=data.get("actors", []), story=r["story"]))
    return out


def timeline_entries(conn: sqlite3.Connection, *, story: str | None = None, actor: str | None = None,
                     dossier: str | None = None) -> list[Any]:
    """Dated entries for a story, an actor or a dossier, with position changes on the same axis."""
    from .timeline import build_timeline

    if story and not conn.execute("SELECT 1 FROM stories WHERE id = ?", (story,)).fetchone():
        from .errors import UsageError

        raise UsageError(f"no story {story!r} (see `storyline stories`)", code="usage.no_story")
    events = _events(conn, story=story)
    member_ids = [i for e in events for i in e.articles]
    if dossier:
        # A dossier's timeline: the events whose reports carry claims, and every actor's changes.
        with_claims = {r[0] for r in conn.execute(
            "SELECT DISTINCT coalesce(a.duplicate_of, a.id) FROM claims c JOIN articles a ON a.id = c.article_id")}
        events = [e for e in events if with_claims & set(e.articles)]
        member_ids = [i for e in events for i in e.articles]
        rows = claim_rows(conn, actor=actor)
    else:
        rows = claim_rows(conn, actor=actor, articles=member_ids if story else None)
    found = build_positions(rows)
    return build_timeline(events, _articles(conn, member_ids), found, actor=actor)


def timeline_heading(
    conn: sqlite3.Connection, *, story: str | None = None, actor: str | None = None, dossier: str | None = None
) -> str:
    """What a timeline shows, in words: the story's title, the dossier's title, the actor's name."""
    parts = []
    if story:
        row = conn.execute("SELECT title FROM stories WHERE id = ?", (story,)).fetchone()
        parts.append(f"Story: {row[0] if row and row[0] else story}")
    if dossier:
        from .dossier import load_dossier

        try:
            parts.append(load_dossier(dossier).title)
        except Exception:  # noqa: BLE001 - a heading never stops a chart: the name the user gave stands
            parts.append(f"Dossier: {dossier}")
    if actor:
        parts.append(actor)
    return " / ".join(parts) or "Every story"


def story_ids(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute("SELECT id, title, first, last FROM stories ORDER BY last DESC, id")]
