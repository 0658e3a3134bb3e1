"""Error records: the RawDocument a reader yields in place of a document it could not read."""

from __future__ import annotations

from ..errors import InputError
from ..model import ArticleError, RawDocument

STAGE = "read"


def failed_document(source: str, origin: str, code: str, message: str) -> RawDocument:
    """A RawDocument that carries only the reason it could not be read."""
    return RawDocument(
        source=source,
        origin=origin,
        meta={"format": "error"},
        errors=[ArticleError(code=code, message=message, stage=STAGE)],
    )


def failed_from(source: str, origin: str, error: InputError) -> RawDocument:
    """The error record for an InputError raised while reading ``origin``."""
    return failed_document(source, origin, error.code, error.message)


def warning(code: str, message: str) -> ArticleError:
    """A read-stage reason attached to a document that was still read."""
    return ArticleError(code=code, message=message, stage=STAGE)
