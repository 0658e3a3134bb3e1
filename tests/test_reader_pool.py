"""The server's pool of read-only connections: reused, always reading the latest commit, never a broken one."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.api import ReaderPool
from storyline.model import Article, PublishedDate, Span
from storyline.store import Store


def report(aid: str, text: str) -> Article:
    return Article(id=aid, source=f"{aid}.txt", text=text, title=aid, body=[Span(0, len(text))],
                   published=PublishedDate("2025-02-20", "metadata", 1.0))


def test_a_pooled_connection_is_reused_and_sees_later_commits(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    with Store(db) as store:
        with store.transaction():
            store.put_article(report("a", "First report."))
        pool = ReaderPool(db)
        with pool.connection() as conn:
            first = id(conn)
            assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        with store.transaction():  # the writer commits while the connection sits in the pool
            store.put_article(report("b", "Second report."))
        with pool.connection() as conn:
            assert id(conn) == first
            assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
            with pytest.raises(Exception, match="readonly"):
                conn.execute("DELETE FROM articles")


def test_a_connection_whose_request_failed_is_not_reused(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    Store(db).close()
    pool = ReaderPool(db)
    with pytest.raises(RuntimeError), pool.connection() as conn:
        broken = id(conn)
        raise RuntimeError("the request failed")
    with pool.connection() as conn:
        assert id(conn) != broken


def test_the_pool_keeps_at_most_its_size(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    Store(db).close()
    pool = ReaderPool(db, keep=2)
    held = [pool.connection() for _ in range(4)]
    for ctx in held:
        ctx.__enter__()
    for ctx in held:
        ctx.__exit__(None, None, None)
    assert pool._idle.qsize() == 2
