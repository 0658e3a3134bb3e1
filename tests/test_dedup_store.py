"""The copy index kept in SQLite: migration, incremental growth across batches, reopening, settings guard."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from test_dedup_groups import LOCAL, OTHER, WIRE, make_article

from storyline.dedup import CopyIndex
from storyline.dedup_store import migrate_dedup_v1
from storyline.errors import StoreError
from storyline.settings import Settings


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(tmp_path / "store.db")
    yield connection
    connection.close()


def test_migration_creates_the_tables_and_is_idempotent(conn: sqlite3.Connection) -> None:
    migrate_dedup_v1(conn)
    migrate_dedup_v1(conn)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"dedup_fingerprints", "dedup_bands", "dedup_copies", "dedup_params"} <= tables


def test_a_group_grows_over_days_and_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    day1 = [
        make_article("a", WIRE, outlet="Harbor Ledger"),
        make_article("x", OTHER, outlet="Valley Courier"),
    ]
    day2 = [make_article("b", WIRE[:6], outlet="Ridge Daily", published="2025-03-05")]
    day3 = [
        make_article("c", [*WIRE[:4], LOCAL, *WIRE[4:]], outlet="Granite Times", published="2025-03-06"),
        make_article(
            "d", WIRE, outlet="Summit Post", published="2025-03-06", title="Bridge rebuild approved"
        ),
    ]
    with sqlite3.connect(path) as conn:
        index = CopyIndex(conn)
        assert [m.canonical_id for m in index.add(day1)] == [None, None]
        assert [m.canonical_id for m in index.add(day2)] == ["a"]
    conn.close()
    with sqlite3.connect(path) as conn:
        index = CopyIndex(conn)  # a new process: everything comes from the store
        matches = index.add(day3)
        assert [(m.canonical_id, m.group_size) for m in matches] == [
            ("a", 4),
            ("a", 4),
        ]  # sizes after the batch
        assert matches[0].diff == ["extended"]
        assert matches[1].diff == ["exact", "retitled"]
        (group,) = index.groups()
        assert group.canonical_id == "a" and group.size == 4
        assert group.outlets == ["Granite Times", "Harbor Ledger", "Ridge Daily", "Summit Post"]
        assert [m.article_id for m in group.members] == ["a", "b", "c", "d"]
        assert index.canonical_of("x") == "x"
        stored = conn.execute("SELECT added FROM dedup_copies WHERE article_id = 'c'").fetchone()[0]
        start, end = json.loads(stored)[0]
        assert day3[0].text[start:end] == LOCAL
    conn.close()


def test_a_later_wire_copy_repoints_the_stored_group(conn: sqlite3.Connection) -> None:
    index = CopyIndex(conn)
    index.add([make_article("a", WIRE), make_article("b", WIRE[:6])])
    index.regrouped()
    index.add([make_article("w", WIRE, wire="AP")])
    assert [(g.canonical, sorted(g.members)) for g in index.regrouped()] == [("w", ["a", "b", "w"])]
    rows = dict(conn.execute("SELECT article_id, canonical_id FROM dedup_copies"))
    assert rows == {"a": "w", "b": "w"}


def test_same_batch_and_across_batches_give_the_same_groups(conn: sqlite3.Connection) -> None:
    articles = [
        make_article("a", WIRE),
        make_article("x", OTHER),
        make_article("b", WIRE[:6]),
        make_article("y", OTHER[:3]),
        make_article("c", [*WIRE, LOCAL]),
    ]
    index = CopyIndex(conn)
    for article in articles:
        index.add([article])
    in_memory = CopyIndex()
    in_memory.add(articles)

    def membership(idx: CopyIndex) -> set[frozenset[str]]:
        return {frozenset(m.article_id for m in g.members) for g in idx.groups()}

    assert membership(index) == membership(in_memory) == {frozenset("abc"), frozenset("xy")}


def test_other_index_settings_are_refused(conn: sqlite3.Connection) -> None:
    CopyIndex(conn).add([make_article("a", WIRE)])
    with pytest.raises(StoreError) as caught:
        CopyIndex(conn, settings=Settings(num_perm=64))
    assert caught.value.code == "store.dedup_settings"


def test_adding_an_article_again_does_not_make_it_its_own_copy(conn: sqlite3.Connection) -> None:
    index = CopyIndex(conn)
    index.add([make_article("a", WIRE)])
    assert index.add([make_article("a", WIRE)])[0].canonical_id is None
    assert index.groups() == []


def test_a_fingerprint_made_again_replaces_its_band_rows(conn: sqlite3.Connection) -> None:
    import numpy as np

    from storyline.dedup import fingerprint
    from storyline.dedup_store import SqliteCopyStorage

    storage = SqliteCopyStorage(conn)
    first = fingerprint(make_article("a", WIRE))
    storage.put(first, np.arange(37, dtype=np.int64))
    storage.put(fingerprint(make_article("b", OTHER)), np.arange(37, dtype=np.int64))
    storage.put(first, np.arange(100, 137, dtype=np.int64))  # "a" again, with other keys
    rows = conn.execute("SELECT band, key FROM dedup_bands WHERE article_id = 'a' ORDER BY band").fetchall()
    assert rows == [(band, 100 + band) for band in range(37)]
    assert conn.execute("SELECT count(*) FROM dedup_bands WHERE article_id = 'b'").fetchone()[0] == 37
