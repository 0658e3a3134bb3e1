"""The store: migrations recorded, WAL, idempotent ingest, error records, full-text search."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storyline.errors import StoreError, UsageError
from storyline.model import Article, ArticleError, Claim, Entity, PublishedDate, Quote, Span, Timex
from storyline.store import MIGRATIONS, STATE_ANALYSED, Store


def article(aid: str, text: str, *, title: str = "A title") -> Article:
    return Article(id=aid, source=f"{aid}.txt", text=text, title=title, body=[Span(0, len(text))],
                   published=PublishedDate("2025-02-20", "metadata", 1.0))


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "t.db")
    yield s
    s.close()


def test_migrations_are_recorded_and_not_run_twice(tmp_path: Path) -> None:
    with Store(tmp_path / "m.db") as s:
        assert s.migrations() == [name for name, _ in MIGRATIONS]
    with Store(tmp_path / "m.db") as s:
        assert s.migrate() == []


def test_wal_mode(store: Store) -> None:
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_same_report_twice_is_stored_once(store: Store) -> None:
    with store.transaction():
        first = store.put_article(article("a", "The same text."))
        again = store.put_article(article("b", "The same text."))
    assert first == ("a", True)
    assert again == ("a", False)
    assert store.count("articles") == 1


def test_same_id_other_content_keeps_both(store: Store) -> None:
    with store.transaction():
        store.put_article(article("a", "One text."))
        new_id, inserted = store.put_article(article("a", "Another text."))
    assert inserted and new_id.startswith("a~")
    assert store.count("articles") == 2


def test_rolled_back_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        store.put_article(article("a", "Text."))
        raise RuntimeError("killed")
    assert store.count("articles") == 0


def test_error_records_are_kept_once_per_origin_and_code(store: Store) -> None:
    err = ArticleError("read.binary", "binary bytes", "read")
    with store.transaction():
        store.record_error(source="x.bin", origin="x.bin", error=err)
        store.record_error(source="x.bin", origin="x.bin", error=err)
    assert [tuple(r) for r in store.errors()] == [("x.bin", "x.bin", "read.binary", "binary bytes", "read")]


def test_analysis_round_trip_and_quote_search(store: Store) -> None:
    text = 'Rutte said: "We need a backup from the US." on Thursday'
    a = article("q", text)
    with store.transaction():
        store.put_article(a)
        a.entities = [Entity(0, 5, "Rutte", "PERSON", "Mark Rutte")]
        a.quotes = [Quote("direct", Span(12, 43), Span(6, 10), Span(0, 5), "Mark Rutte")]
        a.timex = [Timex(47, 55, "Thursday", "DATE", "2025-02-20")]
        a.claims = [Claim("Mark Rutte", "demands", Span(0, 44), kind="backstop")]
        store.put_analysis(a)
        store.put_analysis(a)  # replacing, not adding
    assert store.count("quotes") == 1 and store.count("claims") == 1
    back = store.article("q")
    assert back is not None and back.quotes == a.quotes and back.text == text
    assert store.conn.execute("SELECT state FROM articles WHERE id='q'").fetchone()[0] == STATE_ANALYSED
    hits = store.quotes(speaker="mark rutte", text="backup")
    assert hits and hits[0]["content"].startswith('"We need')


def test_full_text_search_and_bad_syntax(store: Store) -> None:
    with store.transaction():
        store.put_article(article("s", "Britain and France propose a reassurance force.", title="Force plan"))
    assert [h["id"] for h in store.search("reassurance")] == ["s"]
    assert "[reassurance]" in store.search("reassurance")[0]["snippet"]
    with pytest.raises(UsageError) as info:
        store.search('"unbalanced')
    assert info.value.code == "usage.bad_query"


def test_readonly_store_needs_an_existing_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        Store(tmp_path / "missing.db", readonly=True)


def test_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE x (y)").connection.commit()
    with pytest.raises(StoreError):
        Store(path, readonly=True)


def test_garbage_file_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError):
        Store(path)


def test_integrity(store: Store) -> None:
    assert store.integrity() == "ok"
