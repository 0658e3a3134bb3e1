"""JSON lines (and .json files): one article per object, fields id, title, text or html, url, outlet, published.

A line that does not parse gives an error record for that line (``path#L12``) and the rest goes on.
A ``.json`` file may also hold one object (origin: the path) or an array (origins ``path#r1``...).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..model import RawDocument
from .decode import Decoded, decode_bytes
from .records import failed_document, warning

KNOWN_FIELDS = ("id", "title", "text", "html", "url", "outlet", "published")
SCALARS = (str, int, float, bool)


def read_jsonl(data: bytes, *, source: str, truncated: bool = False) -> Iterator[RawDocument]:
    """A document (or an error record) per non-blank line; a cut-off last line is dropped when truncated."""
    decoded = decode_bytes(data)
    yield from _read_lines(decoded, source=source, truncated=truncated)


def read_json(data: bytes, *, source: str) -> Iterator[RawDocument]:
    """A ``.json`` file: one object, an array of objects, or JSON lines."""
    decoded = decode_bytes(data)
    head = decoded.text.lstrip()[:1]
    if head not in ("[", "{"):
        yield from _read_lines(decoded, source=source)
        return
    try:
        whole = json.loads(decoded.text)
    except (ValueError, RecursionError) as err:
        if head == "{":  # several objects, one per line
            yield from _read_lines(decoded, source=source)
        else:
            yield failed_document(source, source, "read.bad_json", f"the file does not parse: {_reason(err)}")
        return
    if isinstance(whole, dict):
        yield document_from_record(whole, source=source, origin=source, decoded=decoded)
    elif not whole:
        yield failed_document(source, source, "read.empty", "the file holds an empty array")
    elif isinstance(whole, list):
        for number, item in enumerate(whole, 1):
            origin = f"{source}#r{number}"
            if isinstance(item, dict):
                yield document_from_record(item, source=source, origin=origin, decoded=decoded)
            else:
                yield failed_document(source, origin, "read.bad_json", f"item {number} is not an object")


def _read_lines(decoded: Decoded, *, source: str, truncated: bool = False) -> Iterator[RawDocument]:
    # split on "\n" only: str.splitlines would also split inside strings holding U+2028 or U+0085
    lines = decoded.text.split("\n")
    if truncated and not decoded.text.endswith("\n"):
        lines.pop()
    if not truncated and not any(line.strip() for line in lines):
        yield failed_document(source, source, "read.empty", "the file holds only blank lines")
        return
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        origin = f"{source}#L{number}"
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as err:
            yield failed_document(source, origin, "read.bad_json", f"line {number}: {_reason(err)}")
            continue
        if not isinstance(record, dict):
            kind = type(record).__name__
            yield failed_document(
                source, origin, "read.bad_json", f"line {number} is a JSON {kind}, not an object"
            )
            continue
        yield document_from_record(record, source=source, origin=origin, decoded=decoded)


def document_from_record(
    record: dict[str, Any], *, source: str, origin: str, decoded: Decoded
) -> RawDocument:
    """The RawDocument of one JSON object, or an error record when it holds no usable text."""
    text, html = record.get("text"), record.get("html")
    title = _scalar(record.get("title"))
    for name, value in (("text", text), ("html", html)):
        if value is not None and not isinstance(value, str):
            return failed_document(
                source, origin, "read.bad_record", f'"{name}" is a {type(value).__name__}, not a string'
            )
    if text is None and html is None and title is None:
        return failed_document(
            source, origin, "read.bad_record", 'the record has no "text", "html" or "title"'
        )
    if not (text or html or "").strip() and not (title or "").strip():
        return failed_document(source, origin, "read.empty", "the record's text and title are empty")
    meta: dict[str, Any] = {"format": "jsonl"}
    for name in ("id", "url", "outlet", "published"):
        value = _scalar(record.get(name))
        if value is not None:
            meta[name] = value
    if title is not None:
        meta["title"] = title
    extra = {key: value for key, value in record.items() if key not in KNOWN_FIELDS}
    if extra:
        meta["extra"] = extra
    doc = RawDocument(source=source, origin=origin, meta=meta, encoding=decoded.encoding)
    # A headline-only record ("text": "" and a title) is a document: clustering reads its title.
    if (text or "").strip() or not (html or "").strip():
        doc.text = text or ""
    else:
        doc.html = html
    if decoded.lossy:
        doc.errors.append(warning("read.lossy", f"bytes not valid {decoded.encoding} were replaced"))
    return doc


def _scalar(value: Any) -> str | None:
    """A field as a string: numbers and booleans spelled out, objects and null ignored."""
    if isinstance(value, str):
        return value
    if isinstance(value, SCALARS):
        return json.dumps(value)
    return None


def _reason(err: Exception) -> str:
    if isinstance(err, json.JSONDecodeError):
        return f"{err.msg} at column {err.colno}"
    if isinstance(err, RecursionError):
        return "nested too deeply"
    return str(err)
