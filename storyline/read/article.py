"""RawDocument to Article: the text as read (HTML extracted), id, title, url, outlet, raw dates in meta."""

from __future__ import annotations

import hashlib
import os
from typing import Any

from ..model import Article, RawDocument
from ..settings import Settings
from .html import Extraction, extract_fragment, extract_page
from .records import warning

# Meta keys that become Article fields; the rest of RawDocument.meta is kept in Article.meta.
PROMOTED = ("id", "title", "url", "outlet")


def to_article(raw: RawDocument, *, settings: Settings) -> Article:
    """The Article as read: never raises; extraction problems become read.bad_html on the article."""
    meta: dict[str, Any] = {key: value for key, value in raw.meta.items() if key not in PROMOTED}
    errors = list(raw.errors)
    extraction = Extraction(text=raw.text or "")
    if raw.text is None and raw.html is not None:
        extraction = _extract(raw, errors)
        if raw.meta.get("format") != "feed":
            meta["html_date"] = extraction.date
            if extraction.author:
                meta["author"] = extraction.author
    return Article(
        id=article_id(raw),
        source=raw.source,
        origin=raw.origin,
        text=extraction.text,
        title=_text_or_none(raw.meta.get("title")) or extraction.title,
        outlet=_text_or_none(raw.meta.get("outlet")) or extraction.outlet,
        url=_text_or_none(raw.meta.get("url")) or extraction.url,
        encoding=raw.encoding,
        errors=errors,
        meta=meta,
    )


def article_id(raw: RawDocument) -> str:
    """The given id; else the file stem for a whole file; else a stable hash of the origin."""
    given = raw.meta.get("id")
    if given is not None and str(given).strip():
        return str(given)
    if raw.origin == raw.source:
        stem = _stem(raw.source)
        if stem:
            return stem
    return hashlib.sha1(raw.origin.encode("utf-8", errors="surrogatepass")).hexdigest()[:16]


def _extract(raw: RawDocument, errors: list[Any]) -> Extraction:
    html = raw.html or ""
    try:
        if raw.meta.get("format") == "feed":
            extraction = Extraction(text=extract_fragment(html))
        else:
            extraction = extract_page(html, url=_text_or_none(raw.meta.get("url")))
    except Exception as err:  # a parser crash on hostile markup must not stop the batch
        errors.append(warning("read.bad_html", f"extraction failed: {type(err).__name__}: {err}"[:300]))
        return Extraction(text="")
    if not extraction.text.strip():
        errors.append(warning("read.bad_html", "no text could be extracted from the HTML"))
    return extraction


def _stem(source: str) -> str:
    name = os.path.basename(source.rstrip("/" + os.sep))
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem, _ = os.path.splitext(name)
    return stem or name


def _text_or_none(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None
