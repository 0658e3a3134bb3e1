"""Figures about a store: counts, date range, outlets and error codes (for `stats` and the web UI)."""

from __future__ import annotations

from typing import Any

from .store import Store


def store_stats(store: Store) -> dict[str, Any]:
    """A JSON-ready summary of what a store holds."""
    conn = store.conn
    one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    first, last = conn.execute("SELECT min(published), max(published) FROM articles").fetchone()
    return {
        "articles": one("SELECT count(*) FROM articles"),
        "canonical": one("SELECT count(*) FROM articles WHERE duplicate_of IS NULL"),
        "copies": one("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL"),
        "entities": one("SELECT count(*) FROM entities"),
        "quotes": one("SELECT count(*) FROM quotes"),
        "timexes": one("SELECT count(*) FROM timexes"),
        "claims": one("SELECT count(*) FROM claims"),
        "events": one("SELECT count(DISTINCT event) FROM articles WHERE event IS NOT NULL"),
        "stories": one("SELECT count(DISTINCT story) FROM articles WHERE story IS NOT NULL"),
        "errors": one("SELECT count(*) FROM input_errors"),
        "first_date": first,
        "last_date": last,
        "outlets": [(r[0], r[1]) for r in conn.execute(
            "SELECT coalesce(outlet, wire, '?'), count(*) AS c FROM articles GROUP BY 1 ORDER BY c DESC, 1")],
        "error_codes": [(r[0], r[1]) for r in conn.execute(
            "SELECT code, count(*) AS c FROM input_errors GROUP BY code ORDER BY c DESC, code")],
        "migrations": store.migrations(),
    }
