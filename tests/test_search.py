"""Search over the store: candidates newest first, ranking, totals, filters, facets and the actor table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storyline import queries
from storyline.model import Article, Entity, PublishedDate, Span
from storyline.store import Store


def report(n: int, text: str, *, outlet: str = "Outlet A", actors: tuple[str, ...] = (),
           day: str = "2025-02-20") -> Article:
    a = Article(id=f"r{n}", source=f"r{n}.txt", text=text, title=f"Report {n}", outlet=outlet,
                body=[Span(0, len(text))], published=PublishedDate(day, "metadata", 1.0))
    a.entities = [Entity(0, 4, text[:4], "PERSON", name) for name in actors]
    return a


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "s.db")
    with s.transaction():
        for n in range(30):
            outlet = "Outlet B" if n % 3 == 0 else "Outlet A"
            actors = ("Mark Rutte",) if n % 2 == 0 else ("Mark Rutte", "Keir Starmer")
            a = report(n, f"Allies discuss guarantees {'guarantees ' * (n % 4)}in week {n}.", outlet=outlet,
                       actors=actors, day=f"2025-{1 + n // 10:02d}-1{n % 10}")
            s.put_article(a)
            s.put_analysis(a)
    yield s
    s.close()


def ids(result: dict) -> list[str]:
    return [h["id"] for h in result["hits"]]


def test_total_hits_and_facets(store: Store) -> None:
    result = queries.search(store.conn, "guarantees", limit=5)
    assert result["total"] == 30 and result["candidates"] == 30 and not result["total_capped"]
    assert len(result["hits"]) == 5
    assert {f["value"]: f["count"] for f in result["facets"]["outlet"]} == {"Outlet A": 20, "Outlet B": 10}
    assert {f["value"]: f["count"] for f in result["facets"]["actor"]} == {"Mark Rutte": 30, "Keir Starmer": 15}
    assert [f["value"] for f in result["facets"]["month"]] == ["2025-03", "2025-02", "2025-01"]


def test_relevance_ranks_by_bm25_and_newest_keeps_ingest_order(store: Store) -> None:
    best = queries.search(store.conn, "guarantees", limit=30)
    repeats = [int(i[1:]) % 4 for i in ids(best)]
    assert repeats == sorted(repeats, reverse=True)  # more occurrences rank higher
    newest = queries.search(store.conn, "guarantees", limit=30, sort="newest")
    assert ids(newest) == [f"r{n}" for n in range(29, -1, -1)]
    with pytest.raises(Exception, match="sort must be"):
        queries.search(store.conn, "guarantees", sort="oldest")


def test_candidates_are_the_newest_matches_and_the_total_counts_all(store: Store,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "CANDIDATES", 10)
    result = queries.search(store.conn, "guarantees", limit=10, sort="newest")
    assert result["total"] == 30 and result["candidates"] == 10
    assert ids(result) == [f"r{n}" for n in range(29, 19, -1)]
    assert sum(f["count"] for f in result["facets"]["outlet"]) == 10
    # Asking past the candidates widens them, so paging never runs dry before the total.
    deep = queries.search(store.conn, "guarantees", limit=5, offset=25, sort="newest")
    assert ids(deep) == [f"r{n}" for n in range(4, -1, -1)]


def test_filters_and_the_capped_count(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    assert queries.search(store.conn, "guarantees", outlet="Outlet B")["total"] == 10
    starmer = queries.search(store.conn, "guarantees", actor="Keir Starmer", limit=30)
    assert starmer["total"] == 15 and all(int(i[1:]) % 2 == 1 for i in ids(starmer))
    dated = queries.search(store.conn, "guarantees", since="2025-02-01", until="2025-02-31", limit=30)
    assert sorted(ids(dated)) == sorted(f"r{n}" for n in range(10, 20))
    monkeypatch.setattr(queries, "CANDIDATES", 5)
    monkeypatch.setattr(queries, "COUNT_CAP", 8)
    capped = queries.search(store.conn, "guarantees", outlet="Outlet A", limit=5)
    assert capped["total"] == 8 and capped["total_capped"] and capped["candidates"] == 5
    unfiltered = queries.search(store.conn, "guarantees", limit=5)
    assert unfiltered["total"] == 8 and unfiltered["total_capped"]
    assert queries.search(store.conn, "week", outlet="Outlet B", limit=5)["total"] == 8  # 10 match: capped
    few = queries.search(store.conn, '"week 2"', limit=5)
    assert few["total"] == 1 and not few["total_capped"]


def test_hits_carry_a_marked_snippet_of_the_body(store: Store) -> None:
    hit = queries.search(store.conn, '"discuss guarantees"', limit=1)["hits"][0]
    assert "\x02discuss guarantees\x03" in hit["snippet"]


def test_the_actor_table_follows_the_entities(store: Store) -> None:
    def actors_of(aid: str) -> set[str]:
        return {r[0] for r in store.conn.execute(
            "SELECT canonical FROM article_actors JOIN articles USING (n) WHERE id = ?", (aid,))}

    assert actors_of("r1") == {"Mark Rutte", "Keir Starmer"}
    again = report(1, "Allies discuss guarantees in week 1.", actors=("Keir Starmer", "Keir Starmer"))
    with store.transaction():
        store.put_analysis(again)  # re-analysed: Rutte is gone, Starmer kept once
    assert actors_of("r1") == {"Keir Starmer"}


def test_the_migration_fills_the_actor_table_from_stored_entities(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Store(path) as s, s.transaction():
        a = report(1, "Rutte spoke.", actors=("Mark Rutte",))
        s.put_article(a)
        s.put_analysis(a)
    conn = sqlite3.connect(path)  # as a store made before the table existed
    conn.executescript("""DROP TRIGGER entities_actor_insert; DROP TRIGGER entities_actor_delete;
                          DROP TABLE article_actors; DELETE FROM migrations WHERE name = 'article_actors_v1';""")
    conn.close()
    with Store(path) as s:
        assert [r[0] for r in s.conn.execute("SELECT canonical FROM article_actors")] == ["Mark Rutte"]
        assert queries.search(s.conn, "Rutte", actor="Mark Rutte")["total"] == 1


@pytest.mark.parametrize("filters", [{"outlet": "Outlet B"}, {"actor": "Keir Starmer"},
                                     {"since": "2025-02-01", "until": "2025-02-31"},
                                     {"outlet": "Outlet A", "actor": "Keir Starmer"}])
def test_both_ways_of_counting_filtered_matches_agree(store: Store, monkeypatch: pytest.MonkeyPatch,
                                                      filters: dict) -> None:
    monkeypatch.setattr(queries, "CANDIDATES", 2)  # a full window, so the matches are counted
    totals = set()
    for selective in (0.0, 1.1):  # always by key per match, always as a set
        monkeypatch.setattr(queries, "SELECTIVE", selective)
        totals.add(queries.search(store.conn, "guarantees", limit=2, **filters)["total"])
    expected = sum(1 for n in range(30) if _passes(n, filters))
    assert totals == {expected}


def _passes(n: int, filters: dict) -> bool:
    outlet = "Outlet B" if n % 3 == 0 else "Outlet A"
    actors = {"Mark Rutte"} if n % 2 == 0 else {"Mark Rutte", "Keir Starmer"}
    day = f"2025-{1 + n // 10:02d}-1{n % 10}"
    return (filters.get("outlet", outlet) == outlet and ("actor" not in filters or filters["actor"] in actors)
            and filters.get("since", "") <= day <= filters.get("until", "9999"))
