"""Inputs to RawDocuments: walk the given paths, apply the size limits, unpack gzip, pick the reader.

A bad file or record never raises: it yields a RawDocument carrying an ``ArticleError``.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator, Sequence

from ..errors import InputError, LimitError
from ..model import RawDocument
from ..settings import Settings
from .compressed import gunzip, is_gzip
from .decode import decode_bytes
from .feed import read_feed
from .html import read_html
from .jsonl import read_json, read_jsonl
from .records import failed_document, failed_from
from .text import read_text
from .warc import read_warc

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
# Kinds made of records: when their gzip stream is cut, the complete records before the cut are read.
RECORD_KINDS = ("jsonl", "json", "warc")


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
        yield failed_document(given, given, "read.unreadable", f"cannot stat the path: {_oserror(err)}")
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
            found[_parts(os.fspath(err.filename), top)] = _oserror(err)

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
        data = load_bytes(path, settings=settings)
        name = os.path.basename(path)
        truncated = False
        if is_gzip(data):
            inflated = gunzip(data, settings=settings)
            data, truncated = inflated.data, inflated.truncated
            name = name[:-3] if name.lower().endswith(".gz") else name
            if not data and not truncated:
                raise InputError("the compressed file is empty", code="read.empty")
        kind = _kind_of(name, data)
    except InputError as err:
        yield failed_from(path, path, err)
        return
    if truncated and kind not in RECORD_KINDS:
        yield failed_document(path, path, "read.truncated", "the gzip stream ends early")
        return
    yield from _read_kind(kind, data, path=path, settings=settings, truncated=truncated)
    if truncated:
        yield failed_document(
            path, path, "read.truncated", "the gzip stream ends early; the records before the cut were read"
        )


def load_bytes(path: str, *, settings: Settings) -> bytes:
    """The bytes of a regular file within ``max_file_bytes``; raises InputError otherwise."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("not a regular file", code="read.unreadable")
        if info.st_size > settings.max_file_bytes:
            raise LimitError(
                f"{info.st_size} bytes, over max_file_bytes={settings.max_file_bytes}", code="read.too_large"
            )
        with open(path, "rb") as handle:
            data = handle.read(settings.max_file_bytes + 1)
    except FileNotFoundError:
        raise InputError("the path does not exist", code="read.missing") from None
    except OSError as err:
        raise InputError(f"cannot read the file: {_oserror(err)}", code="read.unreadable") from None
    if len(data) > settings.max_file_bytes:  # grew since stat
        raise LimitError(f"over max_file_bytes={settings.max_file_bytes}", code="read.too_large")
    if not data:
        raise InputError("the file is empty", code="read.empty")
    return data


def _read_kind(
    kind: str, data: bytes, *, path: str, settings: Settings, truncated: bool
) -> Iterator[RawDocument]:
    try:
        if kind == "jsonl" or (kind == "json" and truncated):
            yield from read_jsonl(data, source=path, truncated=truncated)
        elif kind == "json":
            yield from read_json(data, source=path)
        elif kind == "warc":
            yield from read_warc(data, source=path, settings=settings)
        elif kind == "feed":
            yield from read_feed(data, source=path)
        elif kind == "html":
            yield read_html(data, source=path, origin=path)
        else:
            yield read_text(data, source=path, origin=path)
    except InputError as err:  # raised before the first record: the file as a whole is bad
        yield failed_from(path, path, err)


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


def _oserror(err: Exception) -> str:
    return getattr(err, "strerror", None) or type(err).__name__
