"""Load the Parquet tables of a Spark backfill into the store, so the web UI and the API serve them.

Reads the directory ``run_batch`` wrote (pyarrow only, no Spark); writes articles (state ``analysed``,
``duplicate_of``, ``event``), their analyses, the copy index tables, events, stories and error records.
"""

from __future__ import annotations

import heapq
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .dedup_store import CopyLink, SqliteCopyStorage
from .errors import UsageError
from .model import ArticleError, Span
from .settings import DEFAULT, Settings
from .spark_dedup import row_fingerprint
from .spark_rows import load_article
from .store import Store

__all__ = ["in_reading_order", "load_tables"]

MANIFEST = "manifest.json"
BATCH = 500  # articles per transaction
READ_ROWS = 256  # rows read at a time from each file of the articles table


def _table_dir(directory: Path, name: str) -> Path:
    path = directory / name
    if not path.is_dir():
        raise UsageError(
            f"{directory} holds no {name} table; write one with `storyline batch --out {directory}`",
            code="usage.no_tables",
        )
    return path


def _batched(source: Any, batch_rows: int = READ_ROWS) -> Iterator[dict[str, Any]]:
    """The rows of a pyarrow dataset or of one of its files, read a batch at a time."""
    for batch in source.to_batches(batch_size=batch_rows):
        yield from batch.to_pylist()


def _rows(directory: Path, name: str) -> Iterator[dict[str, Any]]:
    """A table's rows, read a batch at a time."""
    import pyarrow.dataset as ds

    yield from _batched(ds.dataset(str(_table_dir(directory, name)), format="parquet"))


def load_tables(store: Store, directory: str, *, settings: Settings = DEFAULT) -> dict[str, int]:
    """Put a backfill's tables (written by ``run_batch``) into ``store``; an article whose content the
    store already holds is left as it is. Returns counts of what was loaded."""
    folder = Path(directory)
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise UsageError(f"{folder} is not a storyline batch output (no {MANIFEST})", code="usage.no_tables")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    counts = {"articles": 0, "unchanged": 0, "renamed": 0, "copies": 0, "events": 0, "errors": 0}
    storage = SqliteCopyStorage(store.conn)
    with store.transaction():
        storage.check_params(manifest["index_params"])
    renamed = _load_articles(store, folder, counts)
    with store.transaction():
        _load_index(storage, folder, renamed, counts)
        _load_events(store, folder, manifest, renamed, counts, settings)
        for row in _rows(folder, "errors"):
            store.record_error(
                source=row["source"],
                origin=row["origin"],
                error=ArticleError(row["code"], row["message"], row["stage"] or ""),
            )
            counts["errors"] += 1
        from .views import save_picture

        save_picture(store, settings.dossier)
    return counts


def in_reading_order(directory: Path, *, batch_rows: int = READ_ROWS) -> Iterator[dict[str, Any]]:
    """The rows of the articles table in ``seq`` order, holding one batch per file: the files
    ``run_batch`` writes are each in order and are merged. Tables whose files are not in order (written
    before they were) are read whole and sorted."""
    import pyarrow.dataset as ds

    dataset = ds.dataset(str(_table_dir(directory, "articles")), format="parquet")
    fragments = list(dataset.get_fragments())
    ordered = True
    for fragment in fragments:
        seq = fragment.to_table(columns=["seq"]).column("seq").to_numpy()
        if len(seq) > 1 and bool(np.any(seq[1:] < seq[:-1])):
            ordered = False
            break
    if not ordered:
        yield from dataset.to_table().sort_by("seq").to_pylist()
        return
    yield from heapq.merge(*(_batched(f, batch_rows) for f in fragments), key=lambda row: row["seq"])


def _load_articles(store: Store, folder: Path, counts: dict[str, int]) -> dict[str, str]:
    """Articles in the batch's reading order; returns the ids the store had to rename (id clash)."""
    renamed: dict[str, str] = {}
    links: list[tuple[str, str | None, str | None]] = []
    rows = in_reading_order(folder)
    while True:
        chunk = list(itertools.islice(rows, BATCH))
        if not chunk:
            break
        with store.transaction():
            for row in chunk:
                data = json.loads(row["data"])
                data["text"] = row["text"]
                article = load_article(json.dumps(data), row["id"])
                stored_id, inserted = store.put_article(article)
                if not inserted:
                    counts["unchanged"] += 1
                    continue
                if stored_id != row["id"]:
                    renamed[row["id"]] = stored_id
                    counts["renamed"] += 1
                store.put_analysis(article)
                links.append((stored_id, row["duplicate_of"], row["event"]))
                counts["articles"] += 1
    with store.transaction():
        store.conn.executemany(
            "UPDATE articles SET duplicate_of = ?, event = ? WHERE id = ?",
            [(renamed.get(d, d) if d else None, e, i) for i, d, e in links],
        )
    return renamed


def _load_index(
    storage: SqliteCopyStorage, folder: Path, renamed: dict[str, str], counts: dict[str, int]
) -> None:
    """The copy index (fingerprints, band keys, links), so later embedded builds find copies of these."""
    for row in _rows(folder, "fingerprints"):
        row["id"] = renamed.get(row["id"], row["id"])
        storage.put(row_fingerprint(row), np.asarray(row["keys"], dtype=np.int64))
    links = [
        CopyLink(
            renamed.get(r["id"], r["id"]),
            renamed.get(r["canonical_id"], r["canonical_id"]),
            r["jaccard"],
            r["containment"],
            [d for d in r["diff"].split(",") if d],
            [Span(int(s), int(e)) for s, e in json.loads(r["added"])],
        )
        for r in _rows(folder, "syndication_groups")
    ]
    storage.link(links)
    counts["copies"] = len(links)


def _load_events(
    store: Store,
    folder: Path,
    manifest: dict[str, Any],
    renamed: dict[str, str],
    counts: dict[str, int],
    settings: Settings,
) -> None:
    from .corpus import STATE_KEY, _link_stories

    for row in _rows(folder, "events"):
        articles = [renamed.get(a, a) for a in row["articles"]]
        store.conn.execute(
            "INSERT INTO events (id, date, title, story, data) VALUES (?, ?, ?, NULL, ?) "
            "ON CONFLICT(id) DO UPDATE SET date = excluded.date, title = excluded.title, data = excluded.data",
            (
                row["id"],
                row["date"],
                row["title"],
                json.dumps({"articles": articles, "actors": row["actors"]}),
            ),
        )
        counts["events"] += 1
    if manifest.get("events_state") is not None:
        # The last month's stream: a later embedded build continues it with the reports that follow.
        store.set_corpus_state(STATE_KEY, manifest["events_state"])
    if counts["events"]:
        _link_stories(store, settings)
