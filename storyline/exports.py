"""Exports of store rows: the fields, and Parquet (pyarrow) written in row groups so memory stays bounded."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

EXPORT_FIELDS = ["id", "source", "origin", "title", "outlet", "url", "byline", "wire", "dateline", "published",
                 "published_source", "published_confidence", "published_inferred", "language", "duplicate_of",
                 "event", "story", "state"]


def export_rows(store: Any) -> Iterator[dict[str, Any]]:
    """One dict per article in ingest order, with the export fields."""
    for row in store.article_rows():
        item = {k: row[k] for k in EXPORT_FIELDS}
        item["published_inferred"] = None if row["published_inferred"] is None else bool(row["published_inferred"])
        yield item


def write_parquet(rows: Iterable[dict[str, Any]], path: str, *, fields: Sequence[str],
                  group_size: int = 50_000) -> int:
    """Write rows (dicts with the given fields) to a Parquet file; returns the number written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"published_confidence": pa.float64(), "published_inferred": pa.bool_()}
    schema = pa.schema([(f, types.get(f, pa.string())) for f in fields])
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        chunk: list[dict[str, Any]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= group_size:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                count += len(chunk)
                chunk = []
        if chunk or count == 0:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            count += len(chunk)
    return count
