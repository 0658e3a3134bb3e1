"""The store: SQLite on disk (WAL, FTS5), migrations recorded in the database, one writer.

Reads articles and analyses from the pipeline and writes them in transactions, so that a run
killed half-way and started again neither loses nor duplicates anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .errors import StoreError, UsageError
from .model import Article, ArticleError, from_dict, to_dict

# Article states, in the order the build moves them along.
STATE_READ = "read"  # stored, cleaned and dated
STATE_DEDUPED = "deduped"  # checked against the copy index
STATE_ANALYSED = "analysed"  # entities, quotes, time expressions and claims stored (or reused from a canonical)


def content_hash(article: Article) -> str:
    """The identity of a report: its title, text, outlet and address. The same report read twice
    hashes equal; the same words carried by another outlet are another report (a copy, for dedup)."""
    h = hashlib.sha256()
    for part in (article.title, article.outlet, article.url, article.text):
        h.update((part or "").encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


# --- migrations ---------------------------------------------------------------------------


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Execute statements one by one (executescript would commit the migration's transaction)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""


def migrate_core_v1(conn: sqlite3.Connection) -> None:
    """Articles, error records, analyses, events and stories."""
    _run_script(
        conn,
        """
        CREATE TABLE articles (
            n INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            content_hash TEXT NOT NULL,
            source TEXT NOT NULL,
            origin TEXT NOT NULL,
            title TEXT, outlet TEXT, url TEXT, byline TEXT, wire TEXT, dateline TEXT,
            published TEXT, published_source TEXT, published_confidence REAL, published_inferred INTEGER,
            language TEXT,
            duplicate_of TEXT, event TEXT, story TEXT,
            state TEXT NOT NULL,
            text TEXT NOT NULL,
            data TEXT NOT NULL,
            ingested_at REAL NOT NULL
        );
        CREATE INDEX articles_hash ON articles(content_hash);
        CREATE INDEX articles_published ON articles(published);
        CREATE INDEX articles_outlet ON articles(outlet);
        CREATE INDEX articles_duplicate_of ON articles(duplicate_of);
        CREATE INDEX articles_event ON articles(event);
        CREATE INDEX articles_story ON articles(story);
        CREATE INDEX articles_state ON articles(state);

        CREATE TABLE input_errors (
            n INTEGER PRIMARY KEY,
            source TEXT NOT NULL, origin TEXT NOT NULL,
            code TEXT NOT NULL, message TEXT NOT NULL, stage TEXT NOT NULL,
            at REAL NOT NULL,
            UNIQUE (origin, code, stage)
        );

        CREATE TABLE entities (
            article_id TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
            text TEXT NOT NULL, label TEXT NOT NULL, canonical TEXT
        );
        CREATE INDEX entities_article ON entities(article_id);
        CREATE INDEX entities_canonical ON entities(canonical);

        CREATE TABLE quotes (
            n INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL, idx INTEGER NOT NULL, kind TEXT NOT NULL,
            content_start INTEGER NOT NULL, content_end INTEGER NOT NULL, content TEXT NOT NULL,
            cue_start INTEGER, cue_end INTEGER,
            speaker_start INTEGER, speaker_end INTEGER, speaker_mention TEXT, speaker TEXT,
            published TEXT,
            UNIQUE (article_id, idx)
        );
        CREATE INDEX quotes_speaker ON quotes(speaker);
        CREATE INDEX quotes_published ON quotes(published);

        CREATE TABLE timexes (
            article_id TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
            text TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL
        );
        CREATE INDEX timexes_article ON timexes(article_id);

        CREATE TABLE claims (
            n INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL, idx INTEGER NOT NULL,
            actor TEXT NOT NULL, stance TEXT NOT NULL, kind TEXT, object TEXT, layer TEXT, topic TEXT,
            date TEXT, negated INTEGER NOT NULL, modality TEXT, condition TEXT, reported_by TEXT,
            evidence_start INTEGER NOT NULL, evidence_end INTEGER NOT NULL, evidence TEXT NOT NULL,
            data TEXT NOT NULL,
            UNIQUE (article_id, idx)
        );
        CREATE INDEX claims_actor ON claims(actor);
        CREATE INDEX claims_date ON claims(date);

        CREATE TABLE events (id TEXT PRIMARY KEY, date TEXT, title TEXT, story TEXT, data TEXT NOT NULL);
        CREATE TABLE stories (id TEXT PRIMARY KEY, title TEXT, first TEXT, last TEXT, data TEXT NOT NULL);
        CREATE TABLE corpus_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """
    )


def migrate_fts_v1(conn: sqlite3.Connection) -> None:
    """Full-text search over titles and bodies, and over quotes."""
    _run_script(
        conn,
        """
        CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE quotes_fts USING fts5(content, speaker, tokenize = 'unicode61 remove_diacritics 2');
        """
    )


def migrate_article_actors_v1(conn: sqlite3.Connection) -> None:
    """The actors each article names, once per article (search's actor facet and filter read it).

    Kept by triggers on ``entities``, so every writer (the build, `storyline load`, SQL made by
    hand) keeps it right; filled here from the entities already stored."""
    _run_script(
        conn,
        """
        CREATE TABLE article_actors (
            n INTEGER NOT NULL, canonical TEXT NOT NULL, PRIMARY KEY (n, canonical)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO article_actors (n, canonical)
            SELECT a.n, e.canonical FROM entities e JOIN articles a ON a.id = e.article_id
            WHERE e.canonical IS NOT NULL;
        CREATE INDEX article_actors_canonical ON article_actors(canonical, n);
        CREATE TRIGGER entities_actor_insert AFTER INSERT ON entities WHEN NEW.canonical IS NOT NULL
        BEGIN
            INSERT OR IGNORE INTO article_actors (n, canonical)
                SELECT n, NEW.canonical FROM articles WHERE id = NEW.article_id;
        END;
        CREATE TRIGGER entities_actor_delete AFTER DELETE ON entities WHEN OLD.canonical IS NOT NULL
        BEGIN
            DELETE FROM article_actors
            WHERE canonical = OLD.canonical
              AND n = (SELECT n FROM articles WHERE id = OLD.article_id)
              AND NOT EXISTS (SELECT 1 FROM entities WHERE article_id = OLD.article_id AND canonical = OLD.canonical);
        END;
        """,
    )


# Named migrations, applied in order and recorded in the table `migrations`. Stages that keep
# tables of their own (the copy index, the event clusterer) contribute a function by dotted name.
MIGRATIONS: list[tuple[str, str | Callable[[sqlite3.Connection], None]]] = [
    ("core_v1", migrate_core_v1),
    ("fts_v1", migrate_fts_v1),
    ("dedup_v1", "storyline.dedup_store:migrate_dedup_v1"),
    ("article_actors_v1", migrate_article_actors_v1),
]


def _resolve(fn: str | Callable[[sqlite3.Connection], None]) -> Callable[[sqlite3.Connection], None]:
    if callable(fn):
        return fn
    module, _, name = fn.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def _connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False, timeout=30)
    else:
        conn = sqlite3.connect(path, check_same_thread=False, timeout=30, isolation_level=None)
    conn.row_factory = sqlite3.Row
    # Readers wait for the writer instead of failing with "database is locked".
    conn.execute("PRAGMA busy_timeout = 30000")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


class Store:
    """One SQLite database: one write connection per process, readers opened read-only."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        if readonly and not self.path.exists():
            raise UsageError(f"no store at {self.path}; build one with `storyline build --db {self.path} PATH`",
                             code="usage.no_store")
        try:
            self.conn = _connect(self.path, readonly=readonly)
            if not readonly:
                self.migrate()
            else:
                self._check_schema()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}", code="store.open") from exc

    # -- schema ---------------------------------------------------------------------------

    def _check_schema(self) -> None:
        have = {r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='migrations'")}
        if not have:
            raise StoreError(f"{self.path} is not a storyline store", code="store.not_a_store")

    def migrate(self) -> list[str]:
        """Apply the migrations not yet recorded; returns the names applied."""
        self.conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
        done = {r[0] for r in self.conn.execute("SELECT name FROM migrations")}
        applied = []
        for name, fn in MIGRATIONS:
            if name in done:
                continue
            with self.transaction():
                _resolve(fn)(self.conn)
                self.conn.execute("INSERT INTO migrations(name, applied_at) VALUES (?, ?)", (name, time.time()))
            applied.append(name)
        return applied

    def migrations(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM migrations ORDER BY applied_at, name")]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error."""
        if self.conn.in_transaction:
            yield self.conn
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            if not self.readonly:
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --------------------------------------------------------------------------

    def put_article(self, article: Article) -> tuple[str, bool]:
        """Store a newly read article; returns (stored id, inserted). The same content is stored once."""
        digest = content_hash(article)
        row = self.conn.execute("SELECT id FROM articles WHERE content_hash = ?", (digest,)).fetchone()
        if row is not None:
            return row["id"], False
        article_id = article.id
        if self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
            # Another report already holds this id (two files named alike): keep both, apart.
            article_id = f"{article.id}~{digest[:8]}"
            article.id = article_id
        pub = article.published
        cur = self.conn.execute(
            """INSERT INTO articles (id, content_hash, source, origin, title, outlet, url, byline, wire, dateline,
                   published, published_source, published_confidence, published_inferred, language,
                   state, text, data, ingested_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (article_id, digest, article.source, article.origin or article.source, article.title,
             article.outlet, article.url, article.byline, article.wire, article.dateline,
             pub.value if pub else None, pub.source if pub else None, pub.confidence if pub else None,
             int(pub.inferred) if pub else None, article.language, STATE_READ, article.text,
             json.dumps(_article_data(article)), time.time()),
        )
        self.conn.execute("INSERT INTO articles_fts(rowid, title, body) VALUES (?, ?, ?)",
                          (cur.lastrowid, article.title or "", article.body_text() or article.text))
        return article_id, True

    def record_error(self, *, source: str, origin: str, error: ArticleError) -> None:
        self.conn.execute(
            """INSERT INTO input_errors (source, origin, code, message, stage, at) VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT (origin, code, stage) DO UPDATE SET message = excluded.message, at = excluded.at""",
            (source, origin, error.code, error.message, error.stage, time.time()),
        )

    def set_state(self, article_ids: Iterable[str], state: str) -> None:
        self.conn.executemany("UPDATE articles SET state = ? WHERE id = ?", [(state, i) for i in article_ids])

    def set_duplicate_of(self, article_id: str, canonical: str | None) -> None:
        self.conn.execute("UPDATE articles SET duplicate_of = ? WHERE id = ?", (canonical, article_id))

    def put_analysis(self, article: Article) -> None:
        """Replace the entities, quotes, time expressions and claims stored for an article."""
        aid = article.id
        for table in ("entities", "timexes"):
            self.conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (aid,))  # noqa: S608 (fixed names)
        old = [r[0] for r in self.conn.execute("SELECT n FROM quotes WHERE article_id = ?", (aid,))]
        self.conn.executemany("DELETE FROM quotes_fts WHERE rowid = ?", [(n,) for n in old])
        self.conn.execute("DELETE FROM quotes WHERE article_id = ?", (aid,))
        self.conn.execute("DELETE FROM claims WHERE article_id = ?", (aid,))
        text = article.text
        self.conn.executemany(
            "INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?)",
            [(aid, e.start, e.end, e.text, e.label, e.canonical) for e in article.entities],
        )
        self.conn.executemany(
            "INSERT INTO timexes VALUES (?, ?, ?, ?, ?, ?)",
            [(aid, t.start, t.end, t.text, t.type, t.value) for t in article.timex],
        )
        published = article.published.value if article.published else None
        for i, q in enumerate(article.quotes):
            mention = q.speaker_mention
            cur = self.conn.execute(
                """INSERT INTO quotes (article_id, idx, kind, content_start, content_end, content, cue_start, cue_end,
                       speaker_start, speaker_end, speaker_mention, speaker, published)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (aid, i, q.kind, q.content.start, q.content.end, q.content.text(text),
                 q.cue.start if q.cue else None, q.cue.end if q.cue else None,
                 mention.start if mention else None, mention.end if mention else None,
                 mention.text(text) if mention else None, q.speaker, published),
            )
            self.conn.execute("INSERT INTO quotes_fts(rowid, content, speaker) VALUES (?, ?, ?)",
                              (cur.lastrowid, q.content.text(text), q.speaker or ""))
        for i, c in enumerate(article.claims):
            self.conn.execute(
                """INSERT INTO claims (article_id, idx, actor, stance, kind, object, layer, topic, date, negated,
                       modality, condition, reported_by, evidence_start, evidence_end, evidence, data)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (aid, i, c.actor, c.stance, c.kind, c.object, c.layer, c.topic, c.date or published,
                 int(c.negated), c.modality, c.condition, c.reported_by, c.evidence.start, c.evidence.end,
                 c.evidence.text(text), json.dumps(to_dict(c))),
            )
        self.conn.execute("UPDATE articles SET data = ?, state = ? WHERE id = ?",
                          (json.dumps(_article_data(article)), STATE_ANALYSED, aid))

    def set_corpus_state(self, key: str, value: Any) -> None:
        self.conn.execute("INSERT INTO corpus_state(key, value) VALUES (?, ?) "
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, json.dumps(value)))

    def corpus_state(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM corpus_state WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    # -- reading --------------------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        row = self.conn.execute("SELECT text, data FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _row_article(row) if row else None

    def articles(self, *, state: str | None = None, ids: Sequence[str] | None = None) -> Iterator[Article]:
        """Articles in ingest order, optionally only those in a state or with the given ids."""
        if ids is not None:
            for chunk_start in range(0, len(ids), 500):
                chunk = list(ids[chunk_start:chunk_start + 500])
                marks = ",".join("?" * len(chunk))
                rows = self.conn.execute(
                    f"SELECT text, data FROM articles WHERE id IN ({marks}) ORDER BY n", chunk)  # noqa: S608
                yield from (_row_article(r) for r in rows)
            return
        if state is None:
            rows = self.conn.execute("SELECT text, data FROM articles ORDER BY n")
        else:
            rows = self.conn.execute("SELECT text, data FROM articles WHERE state = ? ORDER BY n", (state,))
        for r in rows:
            yield _row_article(r)

    def article_rows(self) -> Iterator[sqlite3.Row]:
        """The articles table without texts, in ingest order (for exports and listings)."""
        yield from self.conn.execute(
            """SELECT n, id, source, origin, title, outlet, url, byline, wire, dateline, published,
                      published_source, published_confidence, published_inferred, language, duplicate_of,
                      event, story, state FROM articles ORDER BY n""")

    def errors(self) -> list[sqlite3.Row]:
        return list(self.conn.execute("SELECT source, origin, code, message, stage FROM input_errors ORDER BY n"))

    def count(self, table: str) -> int:
        if table not in {"articles", "input_errors", "entities", "quotes", "timexes", "claims", "events", "stories"}:
            raise UsageError(f"unknown table {table}")
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608

    def search(self, query: str, *, limit: int = 20, offset: int = 0, sort: str = "relevance") -> list[dict[str, Any]]:
        """Full-text search over titles and bodies, best first, matches in snippets shown [like this]."""
        from .queries import search

        hits = search(self.conn, query, limit=limit, offset=offset, sort=sort)["hits"]
        for hit in hits:
            hit["snippet"] = (hit["snippet"] or "").replace("\x02", "[").replace("\x03", "]")
        return hits

    def quotes(self, *, speaker: str | None = None, text: str | None = None, since: str | None = None,
               until: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Stored quotes filtered by resolved speaker, full-text query and date range, oldest first."""
        from .queries import list_quotes

        return list_quotes(self.conn, speaker=speaker, q=text, since=since, until=until, limit=limit,
                           oldest_first=True)

    def integrity(self) -> str:
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])


def _article_data(article: Article) -> dict[str, Any]:
    data = to_dict(article)
    data.pop("text")  # kept in its own column, once
    return data


def _row_article(row: sqlite3.Row) -> Article:
    data = json.loads(row["data"])
    data["text"] = row["text"]
    return from_dict(Article, data)
