"""JSON lines (and .json files): one article per object, fields id, title, text or html, url, outlet, published.

A line that does not parse gives an error record for that line (``path#L12``) and the rest goes on.
JSON-lines files are streamed line by line, each line under ``max_record_bytes``.
A ``.json`` file may also hold one object (origin: the path) or an array (origins ``path#r1``...).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..errors import DecodeError, InputError, LimitError
from ..model import RawDocument
from ..settings import Settings
from .decode import SNIFF_BYTES, WIDE_BOMS, Decoded, decode_bytes, find_binary_signature, find_wide_encoding
from .records import failed_document, warning

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
KNOWN_FIELDS = ("id", "title", "text", "html", "url", "outlet", "published")
SCALARS = (str, int, float, bool)


def read_jsonl(
    data: bytes, *, source: str, settings: Settings, truncated: bool = False
) -> Iterator[RawDocument]:
    """A document (or an error record) per non-blank line; a cut-off last line is dropped when truncated."""
    yield from stream_jsonl([data], source=source, settings=settings, is_truncated=lambda: truncated)


def stream_jsonl(
    chunks: Iterable[bytes], *, source: str, settings: Settings, is_truncated: Callable[[], bool]
) -> Iterator[RawDocument]:
    """JSON lines read chunk by chunk, each line decoded on its own and refused past max_record_bytes.

    UTF-16 and UTF-32 files (told by a BOM or NUL bytes) are read whole, within max_file_bytes.
    """
    chunks = iter(chunks)
    head = next(chunks, b"")
    wide = _wide_codec(head)
    if wide:
        data = _collect([head], chunks, limit=settings.max_file_bytes)
        yield from _read_lines(decode_bytes(data), source=source, truncated=is_truncated())
        return
    seen_text = False
    for number, line, complete in split_lines(
        itertools.chain([head], chunks), limit=settings.max_record_bytes
    ):
        origin = f"{source}#L{number}"
        if line is None:
            seen_text = True
            message = f"line {number} is over max_record_bytes={settings.max_record_bytes}"
            yield failed_document(source, origin, "read.too_large", message)
            continue
        if not line.strip():
            continue
        seen_text = True
        if not complete and is_truncated():
            return  # the gzip stream was cut inside this line: the caller records read.truncated
        try:
            decoded = decode_bytes(line)
        except InputError as err:
            yield failed_document(source, origin, err.code, f"line {number}: {err.message}")
            continue
        yield _read_line(decoded.text, number=number, source=source, decoded=decoded)
    if not seen_text and not is_truncated():
        yield failed_document(source, source, "read.empty", "the file holds only blank lines")


def split_lines(chunks: Iterable[bytes], *, limit: int) -> Iterator[tuple[int, bytes | None, bool]]:
    """(number, bytes, ends with a newline) per line split on newline bytes; None for a line over
    ``limit``, which is skipped without being held in memory."""
    buffer = bytearray()
    number = 1
    skipping = False
    for chunk in chunks:
        start = 0
        while True:
            end = chunk.find(b"\n", start)
            if end < 0:
                if not skipping:
                    buffer += chunk[start:]
                    if len(buffer) > limit:
                        skipping, buffer = True, bytearray()
                break
            if skipping or len(buffer) + end - start > limit:
                yield number, None, True
            else:
                buffer += chunk[start:end]
                yield number, bytes(buffer), True
            buffer, skipping = bytearray(), False
            number += 1
            start = end + 1
    if skipping:
        yield number, None, False
    elif buffer:
        yield number, bytes(buffer), False


def _collect(parts: list[bytes], rest: Iterator[bytes], *, limit: int) -> bytes:
    size = sum(map(len, parts))
    for chunk in rest:
        size += len(chunk)
        if size > limit:
            raise LimitError(
                f"a UTF-16/32 JSON-lines file over max_file_bytes={limit}", code="read.too_large"
            )
        parts.append(chunk)
    return b"".join(parts)


def _wide_codec(head: bytes) -> bool:
    """Whether the file is UTF-16/32 (a BOM or NUL bytes); raises DecodeError for binary data."""
    name = find_binary_signature(head)
    if name is not None:
        raise DecodeError(f"binary data ({name} signature)", code="read.binary")
    if head.startswith(WIDE_BOMS):
        return True
    if b"\x00" in head[:SNIFF_BYTES]:  # NUL bytes further on are the lines' own problem
        if find_wide_encoding(head[:SNIFF_BYTES]) is None:
            raise DecodeError("binary data (NUL bytes that are not UTF-16 or UTF-32)", code="read.binary")
        return True
    return False


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
        if line.strip():
            yield _read_line(line, number=number, source=source, decoded=decoded)


def _read_line(line: str, *, number: int, source: str, decoded: Decoded) -> RawDocument:
    """The document of one non-blank JSON line, or its error record."""
    origin = f"{source}#L{number}"
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as err:
        return failed_document(source, origin, "read.bad_json", f"line {number}: {_reason(err)}")
    if not isinstance(record, dict):
        kind = type(record).__name__
        return failed_document(
            source, origin, "read.bad_json", f"line {number} is a JSON {kind}, not an object"
        )
    return document_from_record(record, source=source, origin=origin, decoded=decoded)


def document_from_record(
    record: dict[str, Any], *, source: str, origin: str, decoded: Decoded
) -> RawDocument:
    """The RawDocument of one JSON object, or an error record when it holds no usable text."""
    record, replaced = _without_surrogates(record)
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
    if replaced:
        doc.errors.append(warning("read.lossy", "lone surrogate escapes (\\ud800-\\udfff) became U+FFFD"))
    return doc


def _without_surrogates(value: Any) -> tuple[Any, bool]:
    """The value with every lone surrogate in its strings replaced by U+FFFD (one character for one,
    so offsets hold), and whether any was: JSON may escape them, UTF-8, SQLite and spaCy refuse them."""
    if isinstance(value, str):
        if not LONE_SURROGATE.search(value):
            return value, False
        return LONE_SURROGATE.sub("\ufffd", value), True
    if isinstance(value, dict):
        pairs = [(_without_surrogates(k), _without_surrogates(v)) for k, v in value.items()]
        return {k: v for (k, _), (v, _) in pairs}, any(a or b for (_, a), (_, b) in pairs)
    if isinstance(value, list):
        items = [_without_surrogates(v) for v in value]
        return [v for v, _ in items], any(changed for _, changed in items)
    return value, False


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
