"""Where the copy index keeps its fingerprints, LSH bands and copy links: in memory or in SQLite.

Both storages offer the same small interface (``CopyStorage``), so the index logic is shared.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from .errors import StoreError
from .model import Span

__all__ = [
    "CopyLink",
    "CopyStorage",
    "Fingerprint",
    "MemoryCopyStorage",
    "SqliteCopyStorage",
    "migrate_dedup_v1",
]


@dataclass(slots=True)
class Fingerprint:
    """What the index keeps of an article: metadata for the canonical rule and its shingles."""

    article_id: str
    exact_key: str  # a hash of the normalised body: equal keys are exact duplicates
    title: str | None
    outlet: str | None
    published: str | None
    wire: str | None
    hashes: np.ndarray  # uint32 shingle hashes in reading order
    starts: np.ndarray  # int64 character offset of each shingle
    paragraphs: list[tuple[int, int, int]]  # (start, end, words) of each body line
    shingles: np.ndarray = field(init=False)  # the distinct hashes, sorted

    def __post_init__(self) -> None:
        self.shingles = np.unique(self.hashes)


@dataclass(slots=True)
class CopyLink:
    """A copy pointing to the canonical article of its group, with how similar and how different it is."""

    article_id: str
    canonical_id: str
    jaccard: float
    containment: float
    diff: list[str]
    added: list[Span]


class CopyStorage(Protocol):
    """The seam between the copy index and where it keeps its state."""

    def check_params(self, params: dict[str, int]) -> None: ...
    def put(self, fingerprint: Fingerprint, keys: np.ndarray) -> None: ...
    def fingerprints(self, ids: Iterable[str]) -> dict[str, Fingerprint]: ...
    def exact_matches(self, keys: Sequence[str]) -> list[set[str]]: ...
    def band_neighbours(self, keys: np.ndarray) -> list[set[str]]: ...
    def link(self, links: Sequence[CopyLink]) -> None: ...
    def unlink(self, ids: Iterable[str]) -> None: ...
    def links(self, ids: Iterable[str] | None = None) -> dict[str, CopyLink]: ...
    def members(self, canonical_id: str) -> list[str]: ...
    def all_ids(self) -> list[str]: ...


class MemoryCopyStorage:
    """The in-memory storage used by tests and benchmarks."""

    def __init__(self) -> None:
        self._fingerprints: dict[str, Fingerprint] = {}
        self._exact: dict[str, set[str]] = defaultdict(set)
        self._bands: dict[tuple[int, int], list[str]] = defaultdict(list)
        self._links: dict[str, CopyLink] = {}
        self._copies: dict[str, set[str]] = defaultdict(set)  # canonical id -> its copies
        self._params: dict[str, int] | None = None

    def check_params(self, params: dict[str, int]) -> None:
        self._params = _checked(self._params, params)

    def put(self, fingerprint: Fingerprint, keys: np.ndarray) -> None:
        self._fingerprints[fingerprint.article_id] = fingerprint
        self._exact[fingerprint.exact_key].add(fingerprint.article_id)
        for band, key in enumerate(keys.tolist()):
            self._bands[(band, key)].append(fingerprint.article_id)

    def fingerprints(self, ids: Iterable[str]) -> dict[str, Fingerprint]:
        return {i: self._fingerprints[i] for i in ids if i in self._fingerprints}

    def exact_matches(self, keys: Sequence[str]) -> list[set[str]]:
        return [set(self._exact.get(key, ())) for key in keys]

    def band_neighbours(self, keys: np.ndarray) -> list[set[str]]:
        return [
            {i for band, key in enumerate(row) for i in self._bands.get((band, key), ())}
            for row in keys.tolist()
        ]

    def link(self, links: Sequence[CopyLink]) -> None:
        self.unlink([link.article_id for link in links])
        for link in links:
            self._links[link.article_id] = link
            self._copies[link.canonical_id].add(link.article_id)

    def unlink(self, ids: Iterable[str]) -> None:
        for article_id in ids:
            link = self._links.pop(article_id, None)
            if link is not None:
                self._copies[link.canonical_id].discard(article_id)

    def links(self, ids: Iterable[str] | None = None) -> dict[str, CopyLink]:
        if ids is None:
            return dict(self._links)
        return {i: self._links[i] for i in ids if i in self._links}

    def members(self, canonical_id: str) -> list[str]:
        return sorted(self._copies.get(canonical_id, ()))

    def all_ids(self) -> list[str]:
        return list(self._fingerprints)


def _checked(known: dict[str, int] | None, params: dict[str, int]) -> dict[str, int]:
    if known is not None and known != params:
        raise StoreError(
            f"the copy index was built with {known}, not {params}; rebuild it to change these settings",
            code="store.dedup_settings",
        )
    return params


def migrate_dedup_v1(conn: sqlite3.Connection) -> None:
    """Create the copy index tables: fingerprints, LSH bands, copy links and the index parameters."""
    statements = [
        """CREATE TABLE IF NOT EXISTS dedup_fingerprints (
            article_id TEXT PRIMARY KEY, exact_key TEXT NOT NULL, title TEXT, outlet TEXT, published TEXT,
            wire TEXT, hashes BLOB NOT NULL, starts BLOB NOT NULL, paragraphs TEXT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS dedup_fingerprints_exact ON dedup_fingerprints(exact_key)",
        """CREATE TABLE IF NOT EXISTS dedup_bands (
            band INTEGER NOT NULL, key INTEGER NOT NULL, article_id TEXT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS dedup_bands_key ON dedup_bands(band, key)",
        """CREATE TABLE IF NOT EXISTS dedup_copies (
            article_id TEXT PRIMARY KEY, canonical_id TEXT NOT NULL, jaccard REAL NOT NULL,
            containment REAL NOT NULL, diff TEXT NOT NULL, added TEXT NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS dedup_copies_canonical ON dedup_copies(canonical_id)",
        "CREATE TABLE IF NOT EXISTS dedup_params (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    ]
    for statement in statements:
        conn.execute(statement)


class SqliteCopyStorage:
    """The storage inside the storyline SQLite database (tables ``dedup_*``, joined on article id)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        migrate_dedup_v1(conn)

    def check_params(self, params: dict[str, int]) -> None:
        rows = self.conn.execute("SELECT name, value FROM dedup_params").fetchall()
        known = {name: int(value) for name, value in rows} or None
        _checked(known, params)
        if known is None:
            self.conn.executemany("INSERT INTO dedup_params(name, value) VALUES (?, ?)", params.items())

    def put(self, fingerprint: Fingerprint, keys: np.ndarray) -> None:
        f = fingerprint
        known = self.conn.execute(
            "SELECT 1 FROM dedup_fingerprints WHERE article_id = ?", (f.article_id,)
        ).fetchone()
        self.conn.execute(
            "INSERT OR REPLACE INTO dedup_fingerprints VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                f.article_id,
                f.exact_key,
                f.title,
                f.outlet,
                f.published,
                f.wire,
                f.hashes.astype("<u4").tobytes(),
                f.starts.astype("<i8").tobytes(),
                json.dumps(f.paragraphs),
            ),
        )
        if known is not None:
            # A fingerprint made again (rare): its old band rows go. The bands have no index on the
            # article (37 rows per article); deleting for every new article scanned them all, which
            # made the copy index quadratic (11 ms an article at 10,000, 60 ms at 20,000 of 100,000).
            self.conn.execute("DELETE FROM dedup_bands WHERE article_id = ?", (f.article_id,))
        self.conn.executemany(
            "INSERT INTO dedup_bands(band, key, article_id) VALUES (?, ?, ?)",
            [(band, key, f.article_id) for band, key in enumerate(keys.tolist())],
        )

    def fingerprints(self, ids: Iterable[str]) -> dict[str, Fingerprint]:
        found = {}
        for chunk in _chunks(list(ids)):
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT * FROM dedup_fingerprints WHERE article_id IN ({marks})", chunk
            ):
                found[row[0]] = Fingerprint(
                    article_id=row[0],
                    exact_key=row[1],
                    title=row[2],
                    outlet=row[3],
                    published=row[4],
                    wire=row[5],
                    hashes=np.frombuffer(row[6], dtype="<u4").astype(np.uint32),
                    starts=np.frombuffer(row[7], dtype="<i8").astype(np.int64),
                    paragraphs=[tuple(p) for p in json.loads(row[8])],
                )
        return found

    def exact_matches(self, keys: Sequence[str]) -> list[set[str]]:
        return [
            {
                r[0]
                for r in self.conn.execute(
                    "SELECT article_id FROM dedup_fingerprints WHERE exact_key = ?", (key,)
                )
            }
            for key in keys
        ]

    def band_neighbours(self, keys: np.ndarray) -> list[set[str]]:
        # One join against a temporary table of the batch's keys, instead of one query per band.
        self.conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS dedup_probe (row INTEGER, band INTEGER, key INTEGER)"
        )
        self.conn.execute("DELETE FROM dedup_probe")
        self.conn.executemany(
            "INSERT INTO dedup_probe VALUES (?, ?, ?)",
            [(row, band, key) for row, values in enumerate(keys.tolist()) for band, key in enumerate(values)],
        )
        neighbours: list[set[str]] = [set() for _ in range(keys.shape[0])]
        query = """SELECT DISTINCT p.row, b.article_id FROM dedup_probe p
                   JOIN dedup_bands b ON b.band = p.band AND b.key = p.key"""
        for row, article_id in self.conn.execute(query):
            neighbours[row].add(article_id)
        self.conn.execute("DELETE FROM dedup_probe")
        return neighbours

    def link(self, links: Sequence[CopyLink]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO dedup_copies VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    k.article_id,
                    k.canonical_id,
                    k.jaccard,
                    k.containment,
                    ",".join(k.diff),
                    json.dumps([s.as_list() for s in k.added]),
                )
                for k in links
            ],
        )

    def unlink(self, ids: Iterable[str]) -> None:
        self.conn.executemany("DELETE FROM dedup_copies WHERE article_id = ?", [(i,) for i in ids])

    def links(self, ids: Iterable[str] | None = None) -> dict[str, CopyLink]:
        if ids is None:
            rows = list(self.conn.execute("SELECT * FROM dedup_copies"))
        else:
            rows = []
            for chunk in _chunks(list(ids)):
                marks = ",".join("?" * len(chunk))
                rows.extend(
                    self.conn.execute(f"SELECT * FROM dedup_copies WHERE article_id IN ({marks})", chunk)
                )
        return {
            r[0]: CopyLink(
                r[0],
                r[1],
                r[2],
                r[3],
                [d for d in r[4].split(",") if d],
                [Span(*s) for s in json.loads(r[5])],
            )
            for r in rows
        }

    def members(self, canonical_id: str) -> list[str]:
        query = "SELECT article_id FROM dedup_copies WHERE canonical_id = ?"
        return [r[0] for r in self.conn.execute(query, (canonical_id,))]

    def all_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT article_id FROM dedup_fingerprints")]


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
