"""Store size per 1,000 articles, table by table, against the size of the input it was built from.

    .venv/bin/python benchmarks/bench_store.py --db built.db --input-bytes 5234567 [--out result.json]
    .venv/bin/python benchmarks/bench_store.py --quick

With ``--db`` it measures a store a full build made (benchmarks/run.py passes the one bench_build.py
kept, with the size of its JSON-lines input); without, it builds one from a scale corpus of ``--n``
reports (benchmarks/corpus.py) by the full pipeline first. Sizes are SQLite pages (dbstat) after a
WAL checkpoint, so indexes and full-text tables count where they live.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import write_corpus  # noqa: E402

# Where a table's bytes are reported: indexes and FTS5 shadow tables go with what they serve.
GROUPS = (
    ("search index (FTS5)", ("articles_fts",)),
    ("quotes + quote search", ("quotes", "sqlite_autoindex_quotes")),
    ("entities", ("entities",)),
    ("time expressions", ("timexes",)),
    ("claims", ("claims", "sqlite_autoindex_claims")),
    ("articles (text, metadata, analysis JSON)", ("articles", "sqlite_autoindex_articles")),
)
OTHER = "other (copy index, events, ...)"


def group_of(name: str) -> str:
    """The group of a table or index by its name's prefix (first prefix that fits wins)."""
    for group, prefixes in GROUPS:
        if any(name == p or name.startswith(p + "_") for p in prefixes):
            return group
    return OTHER


def table_bytes(db: Path) -> dict[str, int]:
    """Bytes of every table and index, FTS5 shadow tables folded into their table."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        sizes: dict[str, int] = {}
        for name, size in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
            for suffix in ("_data", "_idx", "_content", "_docsize", "_config"):
                if name.endswith("_fts" + suffix):
                    name = name[: -len(suffix)]
            sizes[name] = sizes.get(name, 0) + size
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        text, data = conn.execute(
            "SELECT sum(length(CAST(text AS BLOB))), sum(length(CAST(data AS BLOB))) FROM articles"
        ).fetchone()
    finally:
        conn.close()
    sizes["__articles__"] = articles
    sizes["__text__"], sizes["__data__"] = text or 0, data or 0
    return sizes


def measure(db: Path, *, input_bytes: int | None) -> dict[str, Any]:
    sizes = table_bytes(db)
    articles = sizes.pop("__articles__")
    text, data = sizes.pop("__text__"), sizes.pop("__data__")
    total = sum(sizes.values())
    grouped = {group: 0 for group, _ in GROUPS} | {OTHER: 0}
    for name, size in sizes.items():
        grouped[group_of(name)] += size
    return {
        "articles": articles,
        "bytes": total,
        "input_bytes": input_bytes,
        "tables": sizes,
        "groups": grouped,
        "text_bytes": text,
        "data_bytes": data,
    }


def rows_of(result: dict[str, Any]) -> list[dict[str, Any]]:
    n = result["articles"]
    per_k = 1000 / n / 2**20
    row: dict[str, Any] = {
        "benchmark": "store",
        "figure": f"store size per 1,000 articles (built from {n:,})",
        "value": round(result["bytes"] * per_k, 2),
        "unit": "MB",
    }
    if result["input_bytes"]:
        row.update(
            baseline="JSON-lines input per 1,000 articles",
            baseline_value=round(result["input_bytes"] * per_k, 2),
            ratio=round(result["bytes"] / result["input_bytes"], 2),
        )
    row["note"] = (
        f"texts {result['text_bytes'] * per_k:.2f} MB, the articles' JSON (metadata and a second copy "
        f"of the analysis) {result['data_bytes'] * per_k:.2f} MB"
    )
    rows = [row]
    for group, size in result["groups"].items():
        rows.append(
            {
                "benchmark": "store",
                "figure": f"  of which {group}",
                "value": round(size * per_k, 2),
                "unit": "MB",
                "note": f"{size / result['bytes']:.0%} of the store",
            }
        )
    return rows


def build_store(work: Path, n: int) -> tuple[Path, int]:
    from storyline.pipeline import build
    from storyline.settings import Settings
    from storyline.store import Store

    corpus = work / "store-corpus.jsonl"
    info = write_corpus(corpus, n=n, seed=n)
    db = work / "store.db"
    with Store(db) as store:
        build(store, [str(corpus)], settings=Settings())
    return db, info.bytes


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, help="a store made by a full build")
    parser.add_argument("--input-bytes", type=int, help="size of the input the store was built from")
    parser.add_argument("--n", type=int, default=1000, help="reports to build from when no --db is given")
    parser.add_argument("--quick", action="store_true", help="build from 200 reports")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)
    if args.db:
        result = measure(args.db, input_bytes=args.input_bytes)
    else:
        with tempfile.TemporaryDirectory(prefix="storyline-store-") as tmp:
            db, input_bytes = build_store(Path(tmp), 200 if args.quick else args.n)
            result = measure(db, input_bytes=input_bytes)
    result["rows"] = rows_of(result)
    print(json.dumps(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
