"""The per-article stages in order: read -> clean -> date, then parse -> entities, quotes, timex, claims.

Pure functions over one ``Article``; the embedded pipeline and the Spark path both call them.
A stage that fails records ``stage.failed`` on the article and the next stage still runs.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from .errors import StorylineError
from .model import Article, ArticleError, Claim, RawDocument, Span
from .settings import Settings
from .speakers import PRONOUN_WINDOW

# Boilerplate kinds that are page furniture rather than the report's own words.
DEBRIS = frozenset({"share", "image", "teaser", "copyright", "pipe", "section", "subscription"})


def _guard(stage: str, article: Article, fn: Callable[[], Any]) -> Any:
    """Run one stage; an unexpected error becomes a typed record on the article, never a crash."""
    try:
        return fn()
    except StorylineError as exc:
        article.errors.append(exc.as_record(stage))
    except Exception as exc:  # noqa: BLE001 - one broken article never stops a batch
        article.errors.append(ArticleError("stage.failed", f"{type(exc).__name__}: {exc}"[:300], stage))
    return None


def prepare(raw: RawDocument, *, settings: Settings) -> Article | None:
    """Read, clean and date one document; None when the input gave no article (its errors say why)."""
    from .clean import clean_article
    from .dates import date_article
    from .read import to_article

    if raw.text is None and raw.html is None:
        return None
    article = to_article(raw, settings=settings)
    if article is None or (not article.text and not article.title):
        if article is not None:
            # Keep the reason (read.bad_html for a page with nothing in it) on the input's record.
            raw.errors.extend(e for e in article.errors if e not in raw.errors)
        return None
    _guard("clean", article, lambda: clean_article(article, settings=settings))
    _guard("dates", article, lambda: date_article(article, settings=settings))
    return article


@functools.cache
def _dossier(name: str) -> Any:
    from .dossier import load_dossier

    return load_dossier(name) if name else None


# A copy's own paragraphs are parsed with the shared paragraphs up to this far before each (at least
# the one right before it) as context: "he added" in a paragraph of its own names the speaker of the
# shared quote before it. As far as a pronoun looks back for its person.
CONTEXT_CHARS = PRONOUN_WINDOW


def _with_context(text: str, span: Span) -> Span:
    """``span`` widened back over the whole lines within ``CONTEXT_CHARS`` before it, and over the
    first line with words before it however long."""
    start, lines = span.start, 0
    while start > 0:
        earlier = text.rfind("\n", 0, start - 1) + 1
        if lines and span.start - earlier > CONTEXT_CHARS:
            break
        lines += bool(text[earlier:start].strip())
        start = earlier
    return Span(start, span.end)


def analysis_text(article: Article, *, settings: Settings, only: Sequence[Span] | None = None) -> str:
    """The text the parser sees: the article's text, cut at the analysis limit, and blanked outside
    ``only`` when given (a copy's own paragraphs, with the shared text just before them as context; only
    what lies inside ``only`` is kept), so that every offset stays an offset into the text."""
    text = article.text[: settings.max_analysis_chars]
    if only is None:
        return text
    chars = [" "] * len(text)
    for span in only:
        seen = _with_context(text, span)
        chars[seen.start : seen.end] = text[seen.start : seen.end]
    return "".join(chars)


def _inside(span: Span, only: Sequence[Span]) -> bool:
    return any(o.start <= span.start and span.end <= o.end for o in only)


def analyse(article: Article, doc: Any, *, settings: Settings, only: Sequence[Span] | None = None) -> Article:
    """Entities, quotes, time expressions and claims of one parsed article (of ``only``, when given)."""
    from .actors import alias_index, canonical_entities
    from .claims import find_claims
    from .quotes import find_quotes
    from .timex import find_timexes

    if len(article.text) > settings.max_analysis_chars:
        article.errors.append(ArticleError(
            "text.too_long", f"analysed the first {settings.max_analysis_chars} of {len(article.text)} characters",
            "analyse"))
    # A copy is analysed in the paragraphs it adds: the stages see its text blanked elsewhere (the
    # same length, so offsets hold), and only what lies inside those paragraphs is kept.
    view = article if only is None else dataclasses.replace(article, text=doc.text, body=list(only))
    dossier = _guard("dossier", article, lambda: _dossier(settings.dossier))
    reference = article.published.value if article.published else None
    entities = _guard("entities", article, lambda: canonical_entities(view, doc, dossier)) or []
    # Speakers named by a dossier alias ("Zelenskyy", "the NATO chief") resolve to the actor's one name.
    aliases = alias_index(dossier).canonical if dossier is not None else None
    quotes = _guard("quotes", article, lambda: find_quotes(view, doc, aliases=aliases)) or []
    # Time expressions are searched in the whole text and dropped where they fall in debris: titles and
    # datelines state dates of the report too (TimeBank tags "WASHINGTON, March 12 (Xinhua)").
    timexes = _guard("timex", article, lambda: find_timexes(
        view.text[: settings.max_analysis_chars], reference=reference,
        spans=list(only) if only is not None else None)) or []
    timexes = [t for t in timexes if not any(r.kind in DEBRIS and r.start < t.end and t.start < r.end
                                             for r in article.boilerplate)]
    claims: list[Claim] = []
    if dossier is not None:
        claims = _guard("claims", article, lambda: find_claims(view, doc, dossier, quotes=quotes)) or []
    if only is not None:
        entities = [e for e in entities if _inside(Span(e.start, e.end), only)]
        quotes = [q for q in quotes if _inside(q.content, only)]
        timexes = [t for t in timexes if _inside(Span(t.start, t.end), only)]
        claims = [c for c in claims if _inside(c.evidence, only)]
    article.entities, article.quotes, article.timex, article.claims = entities, quotes, timexes, claims
    return article


def _analyse_batch(batch: list[tuple[Article, list[Span] | None]], settings: Settings) -> list[Article]:
    from .nlp import get_nlp

    nlp = get_nlp()
    texts = [analysis_text(a, settings=settings, only=only) for a, only in batch]
    out = []
    for (article, only), doc in zip(batch, nlp.pipe(texts, batch_size=settings.nlp_batch_size), strict=True):
        out.append(analyse(article, doc, settings=settings, only=only))
    return out


def _warm(settings: Settings) -> None:
    from .nlp import get_nlp

    get_nlp()
    if settings.dossier:
        _dossier(settings.dossier)


class Analyser:
    """Parses and analyses batches of articles, in this process or in a pool of worker processes."""

    def __init__(self, *, settings: Settings, processes: int | None = None) -> None:
        self.settings = settings
        wanted = settings.nlp_processes if processes is None else processes
        self.processes = max(1, min(wanted, os.cpu_count() or 1))
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            import multiprocessing

            # forkserver: workers start clean (no inherited SQLite handles or threads).
            ctx = multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(self.processes, mp_context=ctx, initializer=_warm,
                                             initargs=(self.settings,))
        return self._pool

    def run(self, items: Iterable[tuple[Article, list[Span] | None]], *, chunk: int = 16) -> Iterator[Article]:
        """Analysed articles in input order; ``only`` limits the analysis to a copy's own paragraphs."""
        yield from self.submit(items, chunk=chunk)()

    def submit(self, items: Iterable[tuple[Article, list[Span] | None]], *,
               chunk: int = 16) -> Callable[[], list[Article]]:
        """Start analysing ``items`` in the workers; the returned callable waits for them, in input order.

        A caller that submits the next batch before collecting this one keeps the workers busy while it
        stores results. Small batches are analysed in this process, when collected.
        """
        items = list(items)
        if self.processes == 1 or len(items) < 2 * chunk:
            return lambda: _analyse_batch(items, self.settings) if items else []
        pool = self._executor()
        futures = [pool.submit(_analyse_batch, items[i : i + chunk], self.settings)
                   for i in range(0, len(items), chunk)]
        return lambda: [article for future in futures for article in future.result()]

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> Analyser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
