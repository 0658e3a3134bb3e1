"""Reading a backfill's articles table in reading order without holding it (no Spark needed)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from storyline.errors import UsageError
from storyline.spark_load import in_reading_order


def _write(folder: Path, name: str, seqs: list[int]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    table = pa.table({"seq": pa.array(seqs, pa.int64()), "id": [f"a{s}" for s in seqs]})
    pq.write_table(table, folder / name, row_group_size=2)


def test_files_in_order_are_merged(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    _write(articles, "part-0.parquet", [0, 3, 4, 9])
    _write(articles, "part-1.parquet", [1, 2, 8])
    _write(articles, "part-2.parquet", [5, 6, 7, 10, 11])
    rows = list(in_reading_order(tmp_path, batch_rows=2))
    assert [r["seq"] for r in rows] == list(range(12))
    assert rows[3] == {"seq": 3, "id": "a3"}


def test_merging_reads_lazily(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    _write(articles, "part-0.parquet", list(range(0, 1000, 2)))
    _write(articles, "part-1.parquet", list(range(1, 1000, 2)))
    rows = in_reading_order(tmp_path, batch_rows=8)
    assert [next(rows)["seq"] for _ in range(5)] == [0, 1, 2, 3, 4]


def test_a_table_written_out_of_order_is_sorted_whole(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    _write(articles, "part-0.parquet", [4, 0, 2])
    _write(articles, "part-1.parquet", [1, 3])
    assert [r["seq"] for r in in_reading_order(tmp_path)] == [0, 1, 2, 3, 4]


def test_a_folder_without_the_table_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no articles table"):
        next(in_reading_order(tmp_path))
