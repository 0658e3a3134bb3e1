"""Rows of the Spark path: the input tasks, the per-partition read and analysis, and the output tables.

Runs the embedded stage functions (``prepare``, ``Analyser``, ``fingerprint``) inside partitions and
turns their Articles into table rows; nothing here needs Spark itself, so it is tested without it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .analyse import Analyser, prepare
from .events import names_actor, stream_time
from .model import Article, RawDocument, Span, from_dict, to_dict
from .read.article import article_id
from .settings import Settings
from .spark_dedup import FINGERPRINT_FIELDS, fingerprint_rows, spans_of
from .store import content_hash

__all__ = [
    "EVENT_OPENING_CHARS",
    "InputTask",
    "analyse_rows",
    "article_row",
    "claim_rows",
    "entity_rows",
    "input_tasks",
    "prepare_rows",
    "quote_rows",
    "timex_rows",
]

# A file's records are numbered ``file index << 32 | record``: the embedded ingest order, as one long.
RECORD_BITS = 32
# The opening of the body the event clusterer reads (storyline.corpus.BODY_CHARS).
EVENT_OPENING_CHARS = 1200
# Articles prepared or analysed together in a partition: one vectorised MinHash block, one nlp.pipe.
CHUNK = 128

InputTask = tuple[int, str, int, int]  # (file index, path, Parquet row group or -1, first record number)


def input_tasks(inputs: Sequence[str]) -> list[InputTask]:
    """One task per input file (per row group for Parquet), in the embedded pipeline's reading order."""
    from .read.sources import list_directory

    paths: list[str] = []
    for given in inputs:
        if os.path.isdir(given):
            paths.extend(path for path, _ in list_directory(given))  # an unlistable path reads as an error
        else:
            paths.append(os.fspath(given))
    tasks: list[InputTask] = []
    for index, path in enumerate(paths):
        groups = _parquet_groups(path) if _is_parquet(path) else []
        if not groups:
            tasks.append((index, path, -1, 0))
        first = 0
        for group, rows in enumerate(groups):
            tasks.append((index, path, group, first))
            first += rows
    return tasks


def _is_parquet(path: str) -> bool:
    return path.lower().endswith((".parquet", ".parq"))


def _parquet_groups(path: str) -> list[int]:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except (OSError, ValueError):
        return []  # read as a plain file, whose reader names the problem
    return [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]


def _scalar(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def _parquet_documents(path: str, group: int, first: int) -> Iterator[RawDocument]:
    """The documents of one Parquet row group: columns as in JSON lines (id, title, text or html, ...)."""
    import pyarrow.parquet as pq

    from .read.decode import Decoded
    from .read.jsonl import document_from_record

    decoded = Decoded(text="", encoding="utf-8")
    records = pq.ParquetFile(path).read_row_group(group).to_pylist()
    for number, record in enumerate(records, first + 1):
        record = {key: _scalar(value) for key, value in record.items()}
        yield document_from_record(record, source=path, origin=f"{path}#r{number}", decoded=decoded)


def _documents(task: InputTask, settings: Settings) -> Iterator[tuple[int, RawDocument]]:
    from .read.records import failed_document
    from .read.sources import read_file

    index, path, group, first = task
    try:
        docs = read_file(path, settings=settings) if group < 0 else _parquet_documents(path, group, first)
        for number, raw in enumerate(docs, first):
            yield (index << RECORD_BITS) + number, raw
    except Exception as exc:  # noqa: BLE001 - a Parquet file broken mid-way is one error record
        yield (
            (index << RECORD_BITS) + first,
            failed_document(
                path, f"{path}#g{group}", "read.unreadable", f"{type(exc).__name__}: {exc}"[:300]
            ),
        )


PREPARED_COLUMNS = (
    "seq",
    "id",
    "content_hash",
    "published",
    "article",
    "errors",
    *FINGERPRINT_FIELDS,  # the dedup stage reads these back by position
)


def prepare_rows(tasks: Iterable[InputTask], *, settings: Settings) -> Iterator[tuple[Any, ...]]:
    """Read, clean and date every document of the tasks (``prepare``) and fingerprint it for the copy
    index; an input that gives no article becomes a row with its ``errors`` and no ``article``."""
    chunk: list[tuple[int, Article]] = []
    for task in tasks:
        for seq, raw in _documents(task, settings):
            article = prepare(raw, settings=settings)
            if article is None:
                errors = raw.errors or []
                record = [{"source": raw.source, "origin": raw.origin, **to_dict(e)} for e in errors] or [
                    {
                        "source": raw.source,
                        "origin": raw.origin,
                        "code": "read.empty",
                        "message": "no text",
                        "stage": "read",
                    }
                ]
                yield (seq, article_id(raw), None, None, None, json.dumps(record)) + (None,) * 9
                continue
            chunk.append((seq, article))
            if len(chunk) >= CHUNK:
                yield from _fingerprinted(chunk, settings)
                chunk = []
    yield from _fingerprinted(chunk, settings)


def _fingerprinted(chunk: list[tuple[int, Article]], settings: Settings) -> Iterator[tuple[Any, ...]]:
    prints = fingerprint_rows([a for _, a in chunk], settings=settings)
    for (seq, article), columns in zip(chunk, prints, strict=True):
        published = article.published.value if article.published else None
        yield (
            seq,
            article.id,
            content_hash(article),
            published,
            json.dumps(to_dict(article)),
            None,
            *columns,
        )


def load_article(data: str, article_id: str) -> Article:
    """The Article of an ``article`` column, under the id the batch gave it (renamed on a clash)."""
    article = from_dict(Article, json.loads(data))
    article.id = article_id
    return article


ANALYSED_COLUMNS = (
    "seq",
    "id",
    "duplicate_of",
    "analysed",
    "published",
    "title",
    "outlet",
    "opening",
    "names",
    "actors",
    "article",
)


def analyse_rows(rows: Iterable[Any], *, settings: Settings) -> Iterator[tuple[Any, ...]]:
    """Analyse canonical articles in full and copies only in the paragraphs they add (as ``build``
    does); copies adding nothing of their own and empty texts pass through unanalysed."""
    with Analyser(settings=settings, processes=1) as analyser:
        chunk: list[Any] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                yield from _analysed(chunk, analyser)
                chunk = []
        yield from _analysed(chunk, analyser)


def _analysed(chunk: list[Any], analyser: Analyser) -> Iterator[tuple[Any, ...]]:
    todo: list[tuple[Article, list[Span] | None]] = []
    passing: dict[str, Article] = {}
    for row in chunk:
        article = load_article(row["article"], row["id"])
        only = spans_of(row["added"]) if row["duplicate_of"] is not None else None
        if not article.text.strip() or (only is not None and not only):
            passing[article.id] = article
        else:
            todo.append((article, only))
    done = {a.id: a for a in analyser.run(todo)}
    for row in chunk:
        analysed = row["id"] in done
        yield _analysed_row(row, done[row["id"]] if analysed else passing[row["id"]], analysed)


def _analysed_row(row: Any, article: Article, analysed: bool) -> tuple[Any, ...]:
    names: list[str] = []
    for entity in sorted(article.entities, key=lambda e: e.start):
        if entity.canonical is not None and entity.canonical not in names:
            names.append(entity.canonical)
    actors = [e.canonical for e in article.entities if e.canonical is not None and names_actor(e)]
    return (
        row["seq"],
        row["id"],
        row["duplicate_of"],
        analysed,
        # The event stream's time, as the embedded build takes it (a timestamp when the input gave one).
        stream_time(article) or row["published"],
        article.title,
        article.outlet,
        article.text[:EVENT_OPENING_CHARS],
        names,
        actors,
        json.dumps(to_dict(article)),
    )


ARTICLE_COLUMNS = (
    "seq",
    "id",
    "source",
    "origin",
    "title",
    "outlet",
    "url",
    "byline",
    "wire",
    "dateline",
    "published",
    "published_source",
    "published_confidence",
    "published_inferred",
    "language",
    "duplicate_of",
    "event",
    "content_hash",
    "analysed",
    "text",
    "data",
)


def article_row(row: Any) -> tuple[Any, ...]:
    """A row of the ``articles`` table: the store's columns, and the article without its text as JSON."""
    data = json.loads(row["article"])
    text = data.pop("text")
    pub = data.get("published") or {}
    return (
        row["seq"],
        row["id"],
        data["source"],
        data.get("origin") or data["source"],
        data.get("title"),
        data.get("outlet"),
        data.get("url"),
        data.get("byline"),
        data.get("wire"),
        data.get("dateline"),
        pub.get("value"),
        pub.get("source"),
        pub.get("confidence"),
        pub.get("inferred"),
        data.get("language"),
        row["duplicate_of"],
        row["event"],
        row["content_hash"],
        row["analysed"],
        text,
        json.dumps(data),
    )


def entity_rows(article: Article) -> list[tuple[Any, ...]]:
    return [(article.id, e.start, e.end, e.text, e.label, e.canonical) for e in article.entities]


def timex_rows(article: Article) -> list[tuple[Any, ...]]:
    return [(article.id, t.start, t.end, t.text, t.type, t.value) for t in article.timex]


def _ends(span: Span | None) -> tuple[int | None, int | None]:
    return (span.start, span.end) if span else (None, None)


def quote_rows(article: Article) -> list[tuple[Any, ...]]:
    """The columns of the store's ``quotes`` table, one row per quote in order."""
    published = article.published.value if article.published else None
    text = article.text
    return [
        (
            article.id,
            i,
            q.kind,
            q.content.start,
            q.content.end,
            q.content.text(text),
            *_ends(q.cue),
            *_ends(q.speaker_mention),
            q.speaker_mention.text(text) if q.speaker_mention else None,
            q.speaker,
            published,
        )
        for i, q in enumerate(article.quotes)
    ]


def claim_rows(article: Article) -> list[tuple[Any, ...]]:
    published = article.published.value if article.published else None
    return [
        (
            article.id,
            i,
            c.actor,
            c.stance,
            c.kind,
            c.object,
            c.layer,
            c.topic,
            c.date or published,
            c.negated,
            c.modality,
            c.condition,
            c.reported_by,
            c.evidence.start,
            c.evidence.end,
            c.evidence.text(article.text),
            json.dumps(to_dict(c)),
        )
        for i, c in enumerate(article.claims)
    ]
