"""Read queries over the store, shared by the CLI, the HTTP API and the web pages.

Every query binds its parameters; no SQL is ever built from user strings (only from fixed
column names chosen here).
"""

from __future__ import annotations

import base64
import json
import sqlite3
from typing import Any

from .errors import UsageError

# Facets are counted over this many best matches (actors over fewer: a report names dozens).
FACET_SAMPLE = 500
ACTOR_FACET_SAMPLE = 200


def _facet(values: Any) -> list[dict[str, Any]]:
    counts: dict[Any, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return [{"value": v, "count": n} for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))]

ARTICLE_COLUMNS = ("id, source, title, outlet, url, byline, wire, dateline, published, published_source, "
                   "published_inferred, duplicate_of, event, story")


def _cursor_encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _cursor_decode(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, json.JSONDecodeError) as exc:
        raise UsageError("bad cursor", code="usage.bad_cursor") from exc
    if not isinstance(values, list) or len(values) != 1 or not isinstance(values[0], int):
        raise UsageError("bad cursor", code="usage.bad_cursor")
    return values


def _fts_error(exc: sqlite3.OperationalError, query: str) -> UsageError:
    return UsageError(f"bad search query {query!r}: {exc}", code="usage.bad_query")


def _article_filters(*, outlet: str | None, since: str | None, until: str | None,
                     actor: str | None) -> tuple[list[str], list[Any]]:
    """Conditions on articles (aliased `a`) and their bound values, for the filters given."""
    where: list[str] = []
    args: list[Any] = []
    if outlet:
        where.append("a.outlet = ?")
        args.append(outlet)
    if since:
        where.append("a.published >= ?")
        args.append(since)
    if until:
        where.append("a.published <= ?")
        args.append(until)
    if actor:
        where.append("a.id IN (SELECT article_id FROM entities WHERE canonical = ?)")
        args.append(actor)
    return where, args


def list_articles(conn: sqlite3.Connection, *, outlet: str | None = None, since: str | None = None,
                  until: str | None = None, actor: str | None = None, story: str | None = None,
                  event: str | None = None, q: str | None = None, copies: bool = True,
                  cursor: str | None = None, limit: int = 50) -> dict[str, Any]:
    """Articles newest first (by ingest position), filtered, with a cursor for the next page."""
    where, args = _article_filters(outlet=outlet, since=since, until=until, actor=actor)
    if story:
        where.append("a.story = ?")
        args.append(story)
    if event:
        where.append("a.event = ?")
        args.append(event)
    if q:
        where.append("a.n IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        args.append(q)
    if not copies:
        where.append("a.duplicate_of IS NULL")
    if cursor:
        (last_n,) = _cursor_decode(cursor)
        where.append("a.n < ?")
        args.append(last_n)
    sql = f"SELECT a.n, {', '.join('a.' + c.strip() for c in ARTICLE_COLUMNS.split(','))} FROM articles a"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY a.n DESC LIMIT ?"
    try:
        rows = [dict(r) for r in conn.execute(sql, (*args, limit + 1))]
    except sqlite3.OperationalError as exc:
        raise _fts_error(exc, q or "") from exc
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _cursor_encode([rows[-1]["n"]]) if more and rows else None
    for r in rows:
        r.pop("n")
        r["published_inferred"] = None if r["published_inferred"] is None else bool(r["published_inferred"])
    return {"items": rows, "next_cursor": next_cursor}


def get_article(conn: sqlite3.Connection, article_id: str) -> dict[str, Any] | None:
    """One article with its text, spans, analyses and its syndication group."""
    row = conn.execute(f"SELECT {ARTICLE_COLUMNS}, text, data FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None:
        return None
    item = dict(row)
    data = json.loads(item.pop("data"))
    canonical = item["duplicate_of"] or item["id"]
    # Copies reuse their canonical's analysis; their own added paragraphs carry analyses of their own.
    analysed = canonical if not data.get("quotes") and item["duplicate_of"] else item["id"]
    group = [dict(r) for r in conn.execute(
        "SELECT id, title, outlet, published, url FROM articles WHERE id = ? OR duplicate_of = ? ORDER BY published, id",
        (canonical, canonical))]
    item.update({
        "body": data.get("body", []), "boilerplate": data.get("boilerplate", []),
        "published_evidence": data.get("published"), "provenance": data.get("provenance"),
        "entities": data.get("entities", []), "quotes": data.get("quotes", []), "timex": data.get("timex", []),
        "claims": data.get("claims", []), "errors": data.get("errors", []),
        "analysis_from": analysed, "group": {"canonical": canonical, "members": group,
                                              "outlets": sorted({g["outlet"] for g in group if g["outlet"]})},
    })
    return item


def list_quotes(conn: sqlite3.Connection, *, speaker: str | None = None, actor: str | None = None,
                since: str | None = None, until: str | None = None, q: str | None = None,
                limit: int = 100, offset: int = 0, oldest_first: bool = False) -> list[dict[str, Any]]:
    """Quotes with their article, outlet and date, newest first; `actor` matches the resolved speaker too."""
    where, args = [], []
    for value in (speaker, actor):
        if value:
            where.append("q.speaker = ? COLLATE NOCASE")
            args.append(value)
    if since:
        where.append("q.published >= ?")
        args.append(since)
    if until:
        where.append("q.published <= ?")
        args.append(until)
    if q:
        where.append("q.n IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?)")
        args.append(q)
    sql = ("SELECT q.article_id, q.idx, q.kind, q.content, q.content_start, q.content_end, q.speaker, "
           "q.speaker_mention, q.published, a.outlet, a.title FROM quotes q JOIN articles a ON a.id = q.article_id")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" ORDER BY q.published {'ASC' if oldest_first else 'DESC'}, q.article_id, q.idx LIMIT ? OFFSET ?"
    try:
        return [dict(r) for r in conn.execute(sql, (*args, limit, offset))]
    except sqlite3.OperationalError as exc:
        raise _fts_error(exc, q or "") from exc


def list_actors(conn: sqlite3.Connection, *, limit: int = 200) -> list[dict[str, Any]]:
    """Actors by how many articles name them, with their quote and claim counts."""
    rows = conn.execute(
        """SELECT e.canonical AS name, count(DISTINCT e.article_id) AS articles,
                  (SELECT count(*) FROM quotes q WHERE q.speaker = e.canonical) AS quotes,
                  (SELECT count(*) FROM claims c WHERE c.actor = e.canonical) AS claims
           FROM entities e WHERE e.canonical IS NOT NULL AND e.label IN ('PERSON', 'ORG', 'GPE', 'NORP', 'ACTOR')
           GROUP BY e.canonical ORDER BY articles DESC, name LIMIT ?""", (limit,))
    return [dict(r) for r in rows]


def list_claims(conn: sqlite3.Connection, *, actor: str | None = None, stance: str | None = None,
                layer: str | None = None, topic: str | None = None, since: str | None = None,
                until: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    where, args = [], []
    for column, value in (("c.actor", actor), ("c.stance", stance), ("c.layer", layer), ("c.topic", topic)):
        if value:
            where.append(f"{column} = ?")
            args.append(value)
    if since:
        where.append("c.date >= ?")
        args.append(since)
    if until:
        where.append("c.date <= ?")
        args.append(until)
    sql = ("SELECT c.article_id, c.actor, c.stance, c.kind, c.object, c.layer, c.topic, c.date, c.negated, "
           "c.modality, c.condition, c.reported_by, c.evidence, c.evidence_start, c.evidence_end, c.data, "
           "a.outlet, a.title FROM claims c JOIN articles a ON a.id = c.article_id")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY c.date, c.article_id, c.idx LIMIT ?"
    out = []
    for r in conn.execute(sql, (*args, limit)):
        item = dict(r)
        item["negated"] = bool(item["negated"])
        item["data"] = json.loads(item["data"])
        out.append(item)
    return out


def list_events(conn: sqlite3.Connection, *, story: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    sql = ("SELECT e.id, e.date, e.title, e.story, count(a.id) AS articles, count(DISTINCT coalesce(a.outlet, a.wire)) AS outlets "
           "FROM events e LEFT JOIN articles a ON a.event = e.id")
    args: list[Any] = []
    if story:
        sql += " WHERE e.story = ?"
        args.append(story)
    sql += " GROUP BY e.id ORDER BY e.date DESC, e.id LIMIT ?"
    return [dict(r) for r in conn.execute(sql, (*args, limit))]


def list_stories(conn: sqlite3.Connection, *, limit: int = 100) -> list[dict[str, Any]]:
    """Stories by recent activity, with their event and article counts."""
    rows = conn.execute(
        """SELECT s.id, s.title, s.first, s.last, s.data,
                  (SELECT count(*) FROM events e WHERE e.story = s.id) AS events,
                  (SELECT count(*) FROM articles a WHERE a.story = s.id) AS articles
           FROM stories s ORDER BY s.last DESC, s.id LIMIT ?""", (limit,))
    out = []
    for r in rows:
        item = dict(r)
        item["actors"] = json.loads(item.pop("data")).get("actors", [])
        out.append(item)
    return out


def search(conn: sqlite3.Connection, q: str, *, outlet: str | None = None, actor: str | None = None,
           since: str | None = None, until: str | None = None, limit: int = 20, offset: int = 0) -> dict[str, Any]:
    """Full-text hits with highlighted snippets, and facets (outlet, actor, month) over the best matches."""
    if not q.strip():
        raise UsageError("empty search query", code="usage.bad_query")
    where, args = _article_filters(outlet=outlet, since=since, until=until, actor=actor)
    where.insert(0, "articles_fts MATCH ?")
    args.insert(0, q)
    cond = " AND ".join(where)
    base = f"FROM articles_fts JOIN articles a ON a.n = articles_fts.rowid WHERE {cond}"
    try:
        # Rank once: the best FACET_SAMPLE matches give the page and the facets; snippets are made for
        # the page shown only (a snippet per match cost seconds on 100,000 reports: bench_serve.py).
        window = max(FACET_SAMPLE, offset + limit)
        best = conn.execute(f"SELECT a.n, a.id, a.outlet, a.published {base} ORDER BY bm25(articles_fts) LIMIT ?",
                            (*args, window)).fetchall()
        total = len(best) if len(best) < window else conn.execute(f"SELECT count(*) {base}", args).fetchone()[0]
        page = [r[0] for r in best[offset:offset + limit]]
        hits = []
        if page:
            marks = ",".join("?" * len(page))
            rows = {r["n"]: dict(r) for r in conn.execute(
                f"""SELECT a.n, a.id, a.title, a.outlet, a.published, a.duplicate_of, a.event, a.story,
                           snippet(articles_fts, 1, '\x02', '\x03', ' … ', 14) AS snippet
                    FROM articles_fts JOIN articles a ON a.n = articles_fts.rowid
                    WHERE articles_fts MATCH ? AND a.n IN ({marks})""", (q, *page))}
            hits = [rows[n] for n in page if n in rows]
            for hit in hits:
                hit.pop("n")
        sample = best[:FACET_SAMPLE]
        outlets = _facet(r[2] for r in sample)[:15]
        months = sorted(_facet(r[3][:7] for r in sample if r[3]), key=lambda f: f["value"], reverse=True)[:24]
        ids = [r[1] for r in sample[:ACTOR_FACET_SAMPLE]]
        actors = []
        if ids:
            marks = ",".join("?" * len(ids))
            actors = [dict(r) for r in conn.execute(
                f"""SELECT canonical AS value, count(DISTINCT article_id) AS count FROM entities
                    WHERE article_id IN ({marks}) AND canonical IS NOT NULL
                    GROUP BY canonical ORDER BY count DESC, canonical LIMIT 15""", ids)]
    except sqlite3.OperationalError as exc:
        raise _fts_error(exc, q) from exc
    return {"query": q, "total": total, "hits": hits,
            "facets": {"outlet": outlets, "actor": actors, "month": months}}
