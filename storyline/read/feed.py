"""RSS and Atom feeds (feedparser): each entry becomes a document, ``path#r1`` for the first.

Text comes from the entry's content, else its summary (HTML turned to text by ``to_article``);
title, link, published (as given) and the feed's title as outlet.
"""

from __future__ import annotations

import io
import xml.sax
from collections.abc import Iterator
from typing import Any

import feedparser

from ..model import RawDocument
from .records import failed_document


def read_feed(data: bytes, *, source: str) -> Iterator[RawDocument]:
    """A document per feed entry, read.bad_record per empty entry, read.bad_feed when the XML breaks."""
    # A file object, never bytes or str: feedparser fetches anything that looks like a URL.
    try:
        parsed = feedparser.parse(io.BytesIO(data))
    except Exception as err:  # feedparser raises UnicodeDecodeError on a mangled XML declaration
        yield failed_document(source, source, "read.bad_feed", f"the feed does not parse: {_describe(err)}")
        return
    problem = _describe(parsed.get("bozo_exception")) if parsed.get("bozo") else ""
    if not parsed.entries:
        message = f"no feed entries ({problem})" if problem else "no feed entries"
        yield failed_document(source, source, "read.bad_feed", message)
        return
    outlet = _clean(parsed.feed.get("title"))
    for number, entry in enumerate(parsed.entries, 1):
        origin = f"{source}#r{number}"
        body, is_html = _entry_body(entry)
        title = _clean(entry.get("title"))
        if not body.strip() and title is None:
            reason = f"the entry has no content, summary or title{f' ({problem})' if problem else ''}"
            yield failed_document(source, origin, "read.bad_record", reason)
            continue
        meta: dict[str, Any] = {"format": "feed"}
        for name, value in (
            ("title", title),
            ("url", _clean(entry.get("link"))),
            ("outlet", outlet),
            ("published", _clean(entry.get("published") or entry.get("updated"))),
            ("guid", _clean(entry.get("id"))),
        ):
            if value is not None:
                meta[name] = value
        doc = RawDocument(source=source, origin=origin, meta=meta, encoding=parsed.get("encoding") or None)
        if is_html and body.strip():
            doc.html = body
        else:
            doc.text = body
        yield doc
    if isinstance(parsed.get("bozo_exception"), xml.sax.SAXException):
        # malformed XML (often a cut-off file): the entries before the break were read
        yield failed_document(source, source, "read.bad_feed", f"the feed breaks off: {problem}")


def _entry_body(entry: Any) -> tuple[str, bool]:
    """The entry's fullest body and whether it is HTML."""
    for content in entry.get("content") or ():
        value = content.get("value") or ""
        if value.strip():
            return value, content.get("type", "text/html") != "text/plain"
    summary = entry.get("summary") or ""
    detail = entry.get("summary_detail") or {}
    return summary, detail.get("type", "text/html") != "text/plain"


def _clean(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _describe(error: Any) -> str:
    if error is None:
        return ""
    return f"{type(error).__name__}: {error}"[:200]
