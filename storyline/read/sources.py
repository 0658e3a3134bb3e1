"""Inputs to RawDocuments: walk the given paths, apply the size limits, unpack gzip, pick the reader.

A bad file or record never raises: it yields a RawDocument carrying an ``ArticleError``.
"""

from __future__ import annotations

import itertools
import json
import os
import stat
from collections.abc import Iterator, Sequence

from ..errors import InputError
from ..model import RawDocument
from ..settings import Settings
from .chunks import InputChunks, describe_oserror
from .decode import decode_bytes
from .feed import read_feed, stream_feed
from .html import read_html
from .jsonl import read_json, read_jsonl, stream_jsonl
from .records import failed_document, failed_from
from .text import read_text
from .warc import stream_warc

KIND_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "sniff",
    ".warc": "warc",
}
FEED_ROOTS = ("<rss", "<feed", "<rdf:rdf")
HTML_STARTS = (
    "<!doctype html",
    "<html",
    "<head",
    "<body",
    "<article",
    "<div",
    "<p>",
    "<p ",
    "<meta",
    "<title",
)
SNIFF_CHARS = 2048
# Kinds read record by record from a stream, without a whole-file limit; when their gzip stream is
# cut, the complete records before the cut are read.
STREAMED_KINDS = ("jsonl", "warc", "feed")


def read_inputs(paths: Sequence[str], *, settings: Settings) -> Iterator[RawDocument]:
    """RawDocuments from files, directories (recursive, sorted, hidden skipped), JSONL, feeds, WARC, gzip."""
    if isinstance(paths, (str, os.PathLike)):  # one path given bare, not its characters one by one
        paths = [paths]
    for given in paths:
        yield from _read_given(os.fspath(given), settings=settings)


def _read_given(given: str, *, settings: Settings) -> Iterator[RawDocument]:
    try:
        info = os.stat(given)
    except FileNotFoundError:
        yield failed_document(given, given, "read.missing", "the path does not exist")
        return
    except (OSError, ValueError) as err:  # ValueError: a NUL byte in the path
        yield failed_document(
            given, given, "read.unreadable", f"cannot stat the path: {describe_oserror(err)}"
        )
        return
    if stat.S_ISDIR(info.st_mode):
        for path, problem in list_directory(given):
            if problem is None:
                yield from read_file(path, settings=settings)
            else:
                yield failed_document(path, path, "read.unreadable", f"cannot list the directory: {problem}")
    else:
        yield from read_file(given, settings=settings)


def list_directory(top: str) -> list[tuple[str, str | None]]:
    """Every non-hidden file under ``top`` joined from the ``top`` string, in sorted path order,
    with the reason a subdirectory could not be listed (None for a file)."""
    found: dict[tuple[str, ...], str | None] = {}

    def note_unlistable(err: OSError) -> None:
        if err.filename is not None and os.fspath(err.filename) != top:
            found[_parts(os.fspath(err.filename), top)] = describe_oserror(err)

    for current, dirnames, filenames in os.walk(top, onerror=note_unlistable):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        parts = _parts(current, top)
        found.update((parts + (name,), None) for name in filenames if not name.startswith("."))
    return [(os.path.join(top, *parts), found[parts]) for parts in sorted(found)]


def _parts(path: str, top: str) -> tuple[str, ...]:
    relative = os.path.relpath(path, top)
    return () if relative == os.curdir else tuple(relative.split(os.sep))


def read_file(path: str, *, settings: Settings) -> Iterator[RawDocument]:
    """The documents of one file (``path`` is also their source); error records for what fails."""
    try:
        chunks = InputChunks(path, settings=settings)
        kind = _kind_of(chunks.name, chunks.head)
    except InputError as err:
        yield failed_from(path, path, err)
        return
    try:
        if kind in STREAMED_KINDS:
            yield from _stream_kind(kind, chunks, path=path, settings=settings)
        else:
            data = chunks.read_all()
            if chunks.truncated and kind != "json":
                yield failed_document(path, path, "read.truncated", "the gzip stream ends early")
                return
            yield from _read_whole(kind, data, path=path, settings=settings, truncated=chunks.truncated)
    except InputError as err:  # the file as a whole is bad (or its gzip stream breaks after some records)
        yield failed_from(path, path, err)
        return
    finally:
        chunks.close()
    if chunks.truncated:
        yield failed_document(
            path, path, "read.truncated", "the gzip stream ends early; the records before the cut were read"
        )


def _stream_kind(kind: str, chunks: InputChunks, *, path: str, settings: Settings) -> Iterator[RawDocument]:
    if kind == "jsonl":
        yield from stream_jsonl(
            chunks.stream(), source=path, settings=settings, is_truncated=lambda: chunks.truncated
        )
    elif kind == "warc":
        yield from stream_warc(chunks.stream(), source=path, settings=settings)
    else:
        stream = chunks.stream()
        head = _first_bytes(stream, settings.max_file_bytes)
        if len(head) <= settings.max_file_bytes:
            yield from read_feed(head, source=path, settings=settings)
        else:
            yield from stream_feed(itertools.chain([head], stream), source=path, settings=settings)


def _first_bytes(stream: Iterator[bytes], limit: int) -> bytes:
    """The stream's bytes up to just past ``limit`` (all of them when it is shorter)."""
    parts: list[bytes] = []
    size = 0
    for chunk in stream:
        parts.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return b"".join(parts)


def _read_whole(
    kind: str, data: bytes, *, path: str, settings: Settings, truncated: bool
) -> Iterator[RawDocument]:
    if kind == "json" and truncated:
        yield from read_jsonl(data, source=path, settings=settings, truncated=True)
    elif kind == "json":
        yield from read_json(data, source=path)
    elif kind == "html":
        yield read_html(data, source=path, origin=path)
    else:
        yield read_text(data, source=path, origin=path)


def _kind_of(name: str, data: bytes) -> str:
    """The reader for a file: its extension, else what its first bytes look like."""
    suffix = os.path.splitext(name)[1].lower()
    kind = KIND_BY_SUFFIX.get(suffix, "sniff")
    if kind != "sniff":
        return kind
    if data.startswith(b"WARC/"):
        return "warc"
    try:
        head = decode_bytes(data[:SNIFF_CHARS]).text.lstrip("\ufeff \t\r\n").lower()
    except InputError:
        return "text"  # whose reader names what is wrong with the bytes
    if head.startswith("<?xml") or head.startswith("<!--"):
        if any(root in head for root in FEED_ROOTS):
            return "feed"
    elif any(head.startswith(root) for root in FEED_ROOTS):
        return "feed"
    if head.startswith(HTML_STARTS) or (head.startswith("<") and "<html" in head):
        return "html"
    if head.startswith("{") and _first_line_is_object(data):
        return "jsonl"
    return "text"


def _first_line_is_object(data: bytes) -> bool:
    first = data.split(b"\n", 1)[0]
    try:
        return isinstance(json.loads(first), dict)
    except (ValueError, RecursionError):
        return False
