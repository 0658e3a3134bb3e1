"""Plain-text files: the decoded file is the article's text, character for character."""

from __future__ import annotations

from ..errors import InputError
from ..model import RawDocument
from .decode import decode_bytes
from .records import warning


def read_text(data: bytes, *, source: str, origin: str) -> RawDocument:
    """The RawDocument of a text file; raises InputError when the bytes hold no text."""
    decoded = decode_bytes(data)
    if not decoded.text.strip():
        raise InputError("the file holds only white space", code="read.empty")
    doc = RawDocument(source=source, origin=origin, text=decoded.text, encoding=decoded.encoding)
    doc.meta["format"] = "text"
    if decoded.lossy:
        doc.errors.append(warning("read.lossy", f"bytes not valid {decoded.encoding} were replaced"))
    return doc
