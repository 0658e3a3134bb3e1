"""RSS and Atom feeds (feedparser): each entry becomes a document, ``path#r1`` for the first.

Text comes from the entry's content, else its summary (HTML turned to text by ``to_article``);
title, link, published (as given) and the feed's title as outlet. A feed within max_file_bytes is
parsed whole by feedparser (whose loose parser copes with broken markup); a larger one is streamed.
"""

from __future__ import annotations

import io
import itertools
import xml.sax
from collections.abc import Iterable, Iterator
from typing import Any

import feedparser
import lxml.etree

from ..model import RawDocument
from ..settings import Settings
from .records import failed_document


def read_feed(data: bytes, *, source: str, settings: Settings) -> Iterator[RawDocument]:
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
    encoding = parsed.get("encoding") or None
    for number, entry in enumerate(parsed.entries, 1):
        yield _entry_document(
            entry,
            origin=f"{source}#r{number}",
            source=source,
            outlet=outlet,
            encoding=encoding,
            problem=problem,
            settings=settings,
        )
    if isinstance(parsed.get("bozo_exception"), xml.sax.SAXException):
        # malformed XML (often a cut-off file): the entries before the break were read
        yield failed_document(source, source, "read.bad_feed", f"the feed breaks off: {problem}")


def stream_feed(chunks: Iterable[bytes], *, source: str, settings: Settings) -> Iterator[RawDocument]:
    """A feed over max_file_bytes, entry by entry: lxml finds each entry, feedparser reads it alone.

    Unlike read_feed it needs well-formed XML: the entries before a break are kept, then read.bad_feed.
    """
    parser = lxml.etree.XMLPullParser(events=("start", "end"), resolve_entities=False, no_network=True)
    envelope: tuple[bytes, bytes] | None = None
    outlet: str | None = None
    number = 0
    entry: lxml.etree._Element | None = None
    fed = entry_fed = 0
    broken: lxml.etree.XMLSyntaxError | None = None
    for chunk in itertools.chain(chunks, [b""]):
        try:
            if chunk:
                parser.feed(chunk)
                fed += len(chunk)
            else:
                parser.close()
        except lxml.etree.XMLSyntaxError as err:
            broken = err  # the events before the break are still read below
        for event, element in parser.read_events():
            tag = lxml.etree.QName(element).localname.lower()
            if envelope is None:
                envelope = ENVELOPES.get(tag, ENVELOPES["rss"])
            if event == "start":
                if entry is None and tag in ENTRY_TAGS:
                    entry, entry_fed = element, fed - len(chunk)
                continue
            if entry is None:
                if tag == "title" and outlet is None and _is_feed_title(element):
                    outlet = _clean(element.text)
            elif element is entry:
                number += 1
                yield _streamed_entry(
                    entry, envelope, number=number, source=source, outlet=outlet, settings=settings
                )
                _forget(entry)
                entry = None
            elif fed - entry_fed > settings.max_record_bytes:
                element.clear()  # an entry already over the limit is not kept whole in memory
        if broken is not None:
            yield failed_document(
                source, source, "read.bad_feed", f"the feed breaks off: {_describe(broken)}"
            )
            return
    if not number:
        yield failed_document(source, source, "read.bad_feed", "no feed entries")


# Feed roots and the wrapper an entry cut out of them is put back into, for feedparser to read.
ENVELOPES = {
    "rss": (b'<rss version="2.0"><channel>', b"</channel></rss>"),
    "feed": (b'<feed xmlns="http://www.w3.org/2005/Atom">', b"</feed>"),
    "rdf": (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">',
        b"</rdf:RDF>",
    ),
}
ENTRY_TAGS = ("item", "entry")


def _is_feed_title(element: lxml.etree._Element) -> bool:
    parent = element.getparent()
    return parent is not None and lxml.etree.QName(parent).localname.lower() in ("channel", "feed")


def _forget(entry: lxml.etree._Element) -> None:
    """Free a read entry and the siblings before it, so memory holds one entry at a time."""
    entry.clear()
    parent = entry.getparent()
    if parent is not None:
        while entry.getprevious() is not None:
            del parent[0]


def _streamed_entry(
    entry: lxml.etree._Element,
    envelope: tuple[bytes, bytes],
    *,
    number: int,
    source: str,
    outlet: str | None,
    settings: Settings,
) -> RawDocument:
    origin = f"{source}#r{number}"
    markup = lxml.etree.tostring(entry, encoding="utf-8")
    if len(markup) > settings.max_record_bytes:
        message = f"entry {number} is over max_record_bytes={settings.max_record_bytes}"
        return failed_document(source, origin, "read.too_large", message)
    parsed = feedparser.parse(io.BytesIO(envelope[0] + markup + envelope[1]))
    if not parsed.entries:
        return failed_document(source, origin, "read.bad_record", f"entry {number} does not parse")
    return _entry_document(
        parsed.entries[0],
        origin=origin,
        source=source,
        outlet=outlet,
        encoding="utf-8",
        problem="",
        settings=settings,
    )


def _entry_document(
    entry: Any,
    *,
    origin: str,
    source: str,
    outlet: str | None,
    encoding: str | None,
    problem: str,
    settings: Settings,
) -> RawDocument:
    """The document of one parsed entry, or its error record."""
    body, is_html = _entry_body(entry)
    title = _clean(entry.get("title"))
    if not body.strip() and title is None:
        reason = f"the entry has no content, summary or title{f' ({problem})' if problem else ''}"
        return failed_document(source, origin, "read.bad_record", reason)
    if len(body) > settings.max_record_bytes:
        message = f"the entry's body is over max_record_bytes={settings.max_record_bytes}"
        return failed_document(source, origin, "read.too_large", message)
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
    doc = RawDocument(source=source, origin=origin, meta=meta, encoding=encoding)
    if is_html and body.strip():
        doc.html = body
    else:
        doc.text = body
    return doc


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
