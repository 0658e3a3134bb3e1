"""Readers: user inputs (files, directories, JSON lines, HTML, feeds, WARC, gzip) to RawDocuments,
and RawDocuments to Articles with the text as read.

    read_inputs(paths, settings=...)  -> Iterator[RawDocument]   never raises for a bad input
    to_article(raw, settings=...)     -> Article                 never raises
    article_id(raw)                   -> str                     the id to_article gives
"""

from __future__ import annotations

from .article import article_id, to_article
from .sources import read_inputs

__all__ = ["article_id", "read_inputs", "to_article"]
