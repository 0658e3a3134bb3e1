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
from .snippets import snippet

# Search ranks and counts facets over this many newest matches (the total counts all of them).
CANDIDATES = 300
ACTOR_FACET_SAMPLE = 200  # actors are counted over the best of the candidates: a report names dozens
COUNT_CAP = 10_000  # matches are counted up to this many ("10,000+")
SELECTIVE = 0.3  # a filter keeping under this share of the store is counted as a set (_count_matches)
SORTS = ("relevance", "newest")
HIT_COLUMNS = "a.n, a.id, a.title, a.outlet, a.published, a.duplicate_of, a.event, a.story"


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
        where.append("EXISTS (SELECT 1 FROM article_actors x WHERE x.n = a.n AND x.canonical = ?)")
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
           since: str | None = None, until: str | None = None, limit: int = 20, offset: int = 0,
           sort: str = "relevance") -> dict[str, Any]:
    """Full-text hits with highlighted snippets, and facets (outlet, actor, month) over the candidates.

    The candidates are the newest ``CANDIDATES`` matches that pass the filters (newest by ingest
    order), ranked by BM25 (``sort="relevance"``) or kept newest first (``sort="newest"``). Ranking
    every match instead costs BM25 for each: 190 ms for a word found in 75,000 of 100,000 reports
    (docs/benchmarks.md). ``total`` counts the matches up to ``COUNT_CAP`` (``total_capped`` says when
    there are more), as search engines do: counting 75,000 matches cost more than finding the page."""
    if not q.strip():
        raise UsageError("empty search query", code="usage.bad_query")
    if sort not in SORTS:
        raise UsageError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}", code="usage.bad_value")
    where, args = _article_filters(outlet=outlet, since=since, until=until, actor=actor)
    window = max(CANDIDATES, offset + limit)
    # FTS5 walks its matches newest first; with filters each is checked against them by key, so the
    # walk stops at the window (CROSS JOIN keeps the FTS table the outer loop).
    joined = " CROSS JOIN articles a ON a.n = articles_fts.rowid" if where else ""
    base = f"FROM articles_fts{joined} WHERE {' AND '.join(['articles_fts MATCH ?', *where])}"
    capped = False
    try:
        found = conn.execute(f"SELECT articles_fts.rowid, bm25(articles_fts) {base} "
                             "ORDER BY articles_fts.rowid DESC LIMIT ?", (q, *args, window)).fetchall()
        total = len(found)
        if total == window:
            total = _count_matches(conn, q, base, where, args, _filter_size(
                conn, outlet=outlet, actor=actor, since=since, until=until))
            capped = total > COUNT_CAP
            total = min(total, COUNT_CAP)
    except sqlite3.OperationalError as exc:
        raise _fts_error(exc, q) from exc
    order = found if sort == "newest" else sorted(found, key=lambda r: (r[1], -r[0]))
    page = [n for n, _ in order[offset:offset + limit]]
    return {"query": q, "total": total, "total_capped": capped, "candidates": len(found), "sort": sort,
            "hits": _search_hits(conn, q, page),
            "facets": _search_facets(conn, [n for n, _ in found], [n for n, _ in order[:ACTOR_FACET_SAMPLE]])}


def _filter_size(conn: sqlite3.Connection, *, outlet: str | None, actor: str | None, since: str | None,
                 until: str | None) -> int:
    """At most how many articles pass the filters: the smallest filter's count, read from its index."""
    sizes = []
    if outlet:
        sizes.append(conn.execute("SELECT count(*) FROM articles WHERE outlet = ?", (outlet,)).fetchone()[0])
    if actor:
        sizes.append(conn.execute("SELECT count(*) FROM article_actors WHERE canonical = ?", (actor,)).fetchone()[0])
    if since or until:
        sizes.append(conn.execute("SELECT count(*) FROM articles WHERE published BETWEEN ? AND ?",
                                  (since or "", until or "\uffff")).fetchone()[0])
    return min(sizes) if sizes else 0


def _count_matches(conn: sqlite3.Connection, q: str, base: str, where: list[str], args: list[Any],
                   size: int) -> int:
    """Matches passing the filters (if any), counted up to ``COUNT_CAP + 1``.

    A selective filter (a few outlets' reports) is cheapest as a set of article numbers that FTS5's
    rowids are checked against; a broad one (an actor named in most reports) as a check by key per
    match, which stops at the cap sooner. The filter's size (``_filter_size``) decides."""
    if where and size < SELECTIVE * (conn.execute("SELECT max(n) FROM articles").fetchone()[0] or 1):
        sql = (f"SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? "
               f"AND +articles_fts.rowid IN (SELECT a.n FROM articles a WHERE {' AND '.join(where)}) LIMIT ?)")
    else:
        sql = f"SELECT count(*) FROM (SELECT 1 {base} LIMIT ?)"
    return int(conn.execute(sql, (q, *args, COUNT_CAP + 1)).fetchone()[0])


def _search_hits(conn: sqlite3.Connection, q: str, page: list[int]) -> list[dict[str, Any]]:
    """The articles of a result page, in its order, each with a snippet of its body around the match.

    Snippets are made in Python (storyline/snippets.py): FTS5's snippet() re-runs the query per row."""
    if not page:
        return []
    chosen = json.dumps(page)
    rows = {r["n"]: dict(r) for r in conn.execute(
        f"""SELECT {HIT_COLUMNS} FROM articles a WHERE a.n IN (SELECT value FROM json_each(?))""", (chosen,))}
    bodies = dict(conn.execute("SELECT rowid, body FROM articles_fts WHERE rowid IN (SELECT value FROM json_each(?))",
                               (chosen,)).fetchall())
    hits = []
    for n in page:
        if n in rows:
            hit = rows[n]
            hit.pop("n")
            hit["snippet"] = snippet(bodies.get(n) or "", q)
            hits.append(hit)
    return hits


def _search_facets(conn: sqlite3.Connection, numbers: list[int],
                   best: list[int]) -> dict[str, list[dict[str, Any]]]:
    """Outlets and months of the candidate articles (given by number) and actors of the best of them,
    most frequent first."""
    if not numbers:
        return {"outlet": [], "actor": [], "month": []}
    chosen = json.dumps(numbers)
    rows = conn.execute("SELECT outlet, substr(published, 1, 7) FROM articles "
                        "WHERE n IN (SELECT value FROM json_each(?))", (chosen,)).fetchall()
    outlets = _facet(r[0] for r in rows if r[0])[:15]
    months = sorted(_facet(r[1] for r in rows if r[1]), key=lambda f: f["value"], reverse=True)[:24]
    actors = [dict(r) for r in conn.execute(
        """SELECT canonical AS value, count(*) AS count FROM article_actors
           WHERE n IN (SELECT value FROM json_each(?))
           GROUP BY canonical ORDER BY count DESC, canonical LIMIT 15""", (json.dumps(best),))]
    return {"outlet": outlets, "actor": actors, "month": months}
