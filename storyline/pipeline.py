"""Runs the stages over inputs: `extract` (per-article, no store) and `build` (into the store, incrementally).

A bad input becomes an error record and the run goes on; a build killed half-way and started again
picks up the articles it had not finished, and stores nothing twice.
"""

from __future__ import annotations

import collections
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .analyse import Analyser, prepare
from .model import Article, ArticleError, RawDocument, Span, from_dict, to_dict
from .settings import Settings
from .store import STATE_ANALYSED, STATE_DEDUPED, STATE_READ, Store

Progress = Callable[[int], None]


@dataclass(slots=True)
class Extracted:
    """One line of `storyline extract`: an analysed article, or the errors of an input that gave none."""

    raw: RawDocument
    article: Article | None


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _documents(paths: Sequence[str], settings: Settings) -> Iterator[RawDocument]:
    from .read import read_inputs

    yield from read_inputs(paths, settings=settings)


def extract(paths: Sequence[str], *, settings: Settings, analyse: bool = True, processes: int | None = None,
            progress: Progress | None = None) -> Iterator[Extracted]:
    """Every input read, cleaned, dated and (unless ``analyse`` is False) analysed, in input order."""
    with Analyser(settings=settings, processes=processes) as analyser:
        for batch in _batches(_documents(paths, settings), 128):
            pairs = [(raw, prepare(raw, settings=settings)) for raw in batch]
            todo = [(a, None) for _, a in pairs if a is not None and a.text.strip()]
            done = iter(analyser.run(todo) if analyse else [a for a, _ in todo])
            for raw, article in pairs:
                if article is not None and article.text.strip():
                    article = next(done)
                yield Extracted(raw, article)
            if progress:
                progress(len(batch))


def extract_record(item: Extracted) -> dict[str, Any]:
    """The JSON object `storyline extract` prints for one input (the contract in ARCHITECTURE.md)."""
    from .read import article_id

    raw, a = item.raw, item.article
    if a is None:
        return {"id": article_id(raw), "source": raw.source, "title": raw.meta.get("title"),
                "published": None, "outlet": raw.meta.get("outlet"), "byline": None, "wire": None,
                "dateline": None, "entities": [], "quotes": [], "timex": [], "claims": [],
                "errors": [to_dict(e) for e in raw.errors] or
                [{"code": "read.empty", "message": "the input holds no text", "stage": "read"}]}
    record: dict[str, Any] = {
        "id": a.id, "source": a.source, "title": a.title,
        "published": a.published.value if a.published else None,
        "published_evidence": to_dict(a.published) if a.published else None,
        "outlet": a.outlet, "byline": a.byline, "wire": a.wire, "dateline": a.dateline,
        "provenance": a.provenance, "url": a.url,
        "body": to_dict(a.body), "boilerplate": to_dict(a.boilerplate),
        "entities": to_dict(a.entities), "quotes": to_dict(a.quotes), "timex": to_dict(a.timex),
        "claims": to_dict(a.claims), "errors": to_dict(a.errors),
    }
    if raw.html is not None:
        record["text"] = a.text  # offsets of HTML inputs point into the extracted text
    return record


@dataclass(slots=True)
class BuildReport:
    """What one build did, for the summary line and the exit code."""

    inputs: int = 0
    stored: int = 0
    unchanged: int = 0
    errors: int = 0
    copies: int = 0
    analysed: int = 0
    events: int = 0
    error_codes: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        codes = ", ".join(f"{c} {n}" for c, n in sorted(self.error_codes.items()))
        return (f"{self.stored} stored, {self.unchanged} already stored, {self.errors} errors"
                + (f" ({codes})" if codes else "")
                + f"; {self.copies} copies, {self.analysed} analysed, {self.events} events")


def _record(store: Store, report: BuildReport, raw: RawDocument, errors: Sequence[ArticleError]) -> None:
    for err in errors:
        store.record_error(source=raw.source, origin=raw.origin, error=err)
        report.error_codes[err.code] = report.error_codes.get(err.code, 0) + 1
    report.errors += 1


def ingest(store: Store, paths: Sequence[str], *, settings: Settings, report: BuildReport,
           progress: Progress | None = None, batch_size: int = 256) -> None:
    """Read, clean, date and store every input; bad inputs become error records."""
    for batch in _batches(_documents(paths, settings), batch_size):
        prepared = [(raw, prepare(raw, settings=settings)) for raw in batch]
        with store.transaction():
            for raw, article in prepared:
                report.inputs += 1
                if article is None:
                    _record(store, report, raw, raw.errors or [ArticleError("read.empty", "no text", "read")])
                    continue
                _, inserted = store.put_article(article)
                if inserted:
                    report.stored += 1
                else:
                    report.unchanged += 1
        if progress:
            progress(len(batch))


_WORD = re.compile(r"\w+")
# Fewer words than this and a body is too short for shingles to tell copies from look-alikes.
MIN_COPY_WORDS = 25


def deduplicate(store: Store, *, settings: Settings, report: BuildReport) -> None:
    """Check newly stored articles against the copy index and point copies at their canonical."""
    from .dedup import CopyIndex

    index = CopyIndex(store.conn, settings=settings)
    for batch in _batches(store.articles(state=STATE_READ), 512):
        # Reports with (almost) no body, such as headline-only feed items, cannot be told apart
        # from each other by their text: they never enter the copy index.
        comparable = [a for a in batch if len(_WORD.findall(a.body_text() or a.text)) >= MIN_COPY_WORDS]
        with store.transaction():
            report.copies += sum(1 for match in index.add(comparable) if match.is_copy)
            for group in index.regrouped():
                _inherit_wire(store, group.members)
                for member in group.members:
                    canonical = None if member == group.canonical else group.canonical
                    row = store.conn.execute("SELECT duplicate_of, state FROM articles WHERE id = ?",
                                             (member,)).fetchone()
                    if row is None or row["duplicate_of"] == canonical:
                        continue
                    store.set_duplicate_of(member, canonical)
                    if canonical is None and row["state"] == STATE_ANALYSED:
                        # A copy analysed only in its own paragraphs became canonical: analyse it in full.
                        store.set_state([member], STATE_DEDUPED)
            store.set_state([a.id for a in batch], STATE_DEDUPED)


def _inherit_wire(store: Store, members: list[str]) -> None:
    """Copies that dropped the agency's tag still carry the agency's story (seed 000 is AFP's)."""
    from .wires import inherit_wire

    group = list(store.articles(ids=members))
    before = {a.id: a.wire for a in group}
    inherit_wire(group)
    for article in group:
        if article.wire != before[article.id]:
            store.conn.execute("UPDATE articles SET wire = ?, data = json_set(data, '$.wire', ?) WHERE id = ?",
                               (article.wire, article.wire, article.id))


def _own_paragraphs(store: Store, ids: list[str]) -> dict[str, list[Span]]:
    """The paragraphs each copy adds of its own, as the copy index recorded them."""
    from .dedup_store import SqliteCopyStorage

    return {k: list(link.added) for k, link in SqliteCopyStorage(store.conn).links(ids).items()}


# Articles per analysis batch, and batches in flight: the workers parse the next batch while this
# process stores the last one, and memory holds at most ANALYSIS_AHEAD batches whatever the store's size.
ANALYSIS_BATCH = 256
ANALYSIS_AHEAD = 2


def _deduped_batches(store: Store, size: int) -> Iterator[list[tuple[Article, bool]]]:
    """Articles waiting for analysis in ingest order, each with whether it is a copy.

    Paged by position, not by state, so a batch still in the workers is not read again.
    """
    last = 0
    while True:
        rows = store.conn.execute(
            "SELECT n, text, data, duplicate_of FROM articles WHERE state = ? AND n > ? ORDER BY n LIMIT ?",
            (STATE_DEDUPED, last, size)).fetchall()
        if not rows:
            return
        last = rows[-1]["n"]
        batch = []
        for row in rows:
            data = json.loads(row["data"])
            data["text"] = row["text"]
            batch.append((from_dict(Article, data), row["duplicate_of"] is not None))
        yield batch


def analyse_stored(store: Store, *, settings: Settings, report: BuildReport,
                   progress: Progress | None = None) -> None:
    """Analyse canonical articles in full and copies only in the paragraphs they add of their own."""
    in_flight: collections.deque[tuple[Callable[[], list[Article]], list[str], int]] = collections.deque()

    def store_oldest() -> None:
        collect, skipped, size = in_flight.popleft()
        results = collect()
        with store.transaction():
            for article in results:
                store.put_analysis(article)
            store.set_state(skipped, STATE_ANALYSED)
        report.analysed += len(results)
        if progress:
            progress(size)

    with Analyser(settings=settings) as analyser:
        for batch in _deduped_batches(store, ANALYSIS_BATCH):
            own = _own_paragraphs(store, [a.id for a, is_copy in batch if is_copy])
            todo: list[tuple[Article, list[Span] | None]] = []
            skipped: list[str] = []
            for article, is_copy in batch:
                if not article.text.strip():
                    skipped.append(article.id)
                elif is_copy:
                    if own.get(article.id):
                        todo.append((article, own[article.id]))
                    else:
                        skipped.append(article.id)
                else:
                    todo.append((article, None))
            in_flight.append((analyser.submit(todo), skipped, len(batch)))
            if len(in_flight) >= ANALYSIS_AHEAD:
                store_oldest()
        while in_flight:
            store_oldest()


def cluster_events(store: Store, *, settings: Settings, report: BuildReport) -> None:
    """Assign new articles to events (copies follow their canonical) and link events into stories."""
    from .corpus import assign_events
    from .views import save_picture

    report.events = assign_events(store, settings=settings)
    with store.transaction():
        # The dossier page's picture as of today, drawn once here instead of by each server worker.
        save_picture(store, settings.dossier)


def build(store: Store, paths: Sequence[str], *, settings: Settings,
          progress: Callable[[str, int | None], Progress] | None = None) -> BuildReport:
    """Ingest inputs and run every stage, corpus stages included, resuming unfinished work."""
    report = BuildReport()
    if settings.dossier:
        # The dossier whose claims the store holds: `storyline dossier` shows it unless told otherwise.
        with store.transaction():
            store.set_corpus_state("dossier", settings.dossier)
    ingest(store, paths, settings=settings, report=report,
           progress=progress("read", None) if progress else None)
    deduplicate(store, settings=settings, report=report)
    pending = store.conn.execute("SELECT count(*) FROM articles WHERE state = ?", (STATE_DEDUPED,)).fetchone()[0]
    analyse_stored(store, settings=settings, report=report,
                   progress=progress("analyse", pending) if progress else None)
    cluster_events(store, settings=settings, report=report)
    return report
