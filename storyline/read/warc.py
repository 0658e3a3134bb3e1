"""WARC archives (warcio): each successful HTML or plain-text response becomes a document, ``path#r3``
for the third record; a cut or broken record gives an error record and the rest goes on.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from ..errors import InputError
from ..model import RawDocument
from ..settings import Settings
from .chunks import ChunkReader
from .decode import decode_bytes
from .html import DECLARED_CHARSET
from .records import failed_document, failed_from, warning

# warcio logs malformed target URIs without a handler of its own, so Python's last-resort handler
# would print them: the library never prints; an application that configures logging still sees them.
logging.getLogger("warcio").addHandler(logging.NullHandler())

CHARSET_PARAM = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
READABLE_RECORDS = ("response", "resource", "conversion")


class QuietArchiveIterator(ArchiveIterator):
    """warcio's iterator without its stderr warning; the count it keeps (``err_count``) is used instead."""

    INC_RECORD = ""


def read_warc(data: bytes, *, source: str, settings: Settings) -> Iterator[RawDocument]:
    """A document per HTML/text response record, error records for broken ones."""
    yield from stream_warc([data], source=source, settings=settings)


def stream_warc(chunks: Iterable[bytes], *, source: str, settings: Settings) -> Iterator[RawDocument]:
    """read_warc over a stream of chunks: one record in memory at a time, each under max_record_bytes."""
    reader = ChunkReader(iter(chunks))
    archive = QuietArchiveIterator(reader)
    records = iter(archive)
    number = end = found = warned = 0
    pending: RawDocument | None = None
    while True:
        failure = None
        try:
            record = next(records, None)
        except Exception as err:  # warcio raises bare AttributeError/ValueError on mangled headers
            record = None
            failure = failed_document(
                source,
                f"{source}#r{number + 1}",
                "read.bad_warc",
                f"record {number + 1} does not parse: {err}"[:300],
            )
        if pending is not None:
            # warcio notices a wrong Content-Length only when it looks for the next record
            if archive.err_count > warned:
                pending.errors.append(
                    warning(
                        "read.bad_warc",
                        f"record {number} is not followed by a blank line (wrong Content-Length?)",
                    )
                )
            yield pending
            pending = None
        warned = archive.err_count
        if failure is not None:
            yield failure
            return
        if record is None:
            break
        number += 1
        origin = f"{source}#r{number}"
        if not _is_warc_record(record):
            # warcio reads almost anything as an ARC or header-less record; stop at the first such one
            what = "not a WARC file" if number == 1 else f"record {number} has no WARC headers"
            yield failed_document(source, source if number == 1 else origin, "read.bad_warc", what)
            return
        try:
            pending = _read_record(record, source=source, origin=origin, settings=settings)
            archive.read_to_end(record)
        except Exception as err:  # a mangled HTTP block or chunked encoding inside the record
            yield failed_document(
                source, origin, "read.bad_warc", f"record {number} does not parse: {err}"[:300]
            )
            return
        end = archive.get_record_offset() + archive.get_record_length()
        found += pending is not None
    if _has_content_after(reader, end):
        if number:
            yield failed_document(
                source,
                f"{source}#r{number + 1}",
                "read.truncated",
                f"the archive ends inside record {number + 1}",
            )
        else:
            yield failed_document(source, source, "read.bad_warc", "not a WARC file")
    elif not found:
        yield failed_document(source, source, "read.bad_record", "the archive holds no HTML or text response")


def _has_content_after(reader: ChunkReader, end: int) -> bool:
    """Whether anything but white space follows the last complete record."""
    seen = reader.since(end)
    if seen is not None and seen.strip():
        return True
    return any(chunk.strip() for chunk in reader.rest())


def _is_warc_record(record: Any) -> bool:
    headers = record.rec_headers
    return (
        getattr(record, "format", "") == "warc"
        and headers.protocol.upper().startswith("WARC/")
        and bool(headers.get_header("WARC-Type"))
        and (headers.get_header("Content-Length") or "").strip().isdigit()
    )


def _read_record(record: Any, *, source: str, origin: str, settings: Settings) -> RawDocument | None:
    """The document of one record, an error record, or None for records that are not reports."""
    if record.rec_type not in READABLE_RECORDS:
        return None
    headers = record.http_headers
    if headers is not None:
        status = headers.get_statuscode() or "200"
        if not status.startswith("2"):
            return None
        content_type = headers.get_header("Content-Type") or ""
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    kind = (
        "html" if "html" in content_type.lower() else "text" if "text/plain" in content_type.lower() else None
    )
    if kind is None:
        return None
    body = record.content_stream().read(settings.max_record_bytes + 1)
    if len(body) > settings.max_record_bytes:
        # the rest of the body is skipped by read_to_end without being held in memory
        return failed_document(
            source,
            origin,
            "read.too_large",
            f"the record's body is over max_record_bytes={settings.max_record_bytes}",
        )
    if record.raw_stream.limit > 0:
        return failed_document(source, origin, "read.truncated", "the record ends before its Content-Length")
    charset = CHARSET_PARAM.search(content_type)
    declared = charset.group(1) if charset else None
    if declared is None and kind == "html":
        match = DECLARED_CHARSET.search(body[:4096])
        declared = match.group(1).decode("ascii") if match else None
    try:
        decoded = decode_bytes(body, declared=declared)
    except InputError as err:
        return failed_from(source, origin, err)
    if not decoded.text.strip():
        return failed_document(source, origin, "read.empty", "the record's body is empty")
    meta: dict[str, Any] = {"format": "warc"}
    for name, header in (("url", "WARC-Target-URI"), ("crawled", "WARC-Date"), ("warc_id", "WARC-Record-ID")):
        value = record.rec_headers.get_header(header)
        if value:
            meta[name] = value
    doc = RawDocument(source=source, origin=origin, meta=meta, encoding=decoded.encoding)
    if kind == "html":
        doc.html = decoded.text
    else:
        doc.text = decoded.text
    if decoded.lossy:
        doc.errors.append(warning("read.lossy", f"bytes not valid {decoded.encoding} were replaced"))
    return doc
