"""Gzip inputs: streamed decompression under a size and a ratio cap, multi-member, truncation told apart."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..errors import InputError, LimitError
from ..settings import Settings

GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 1 << 20
# The ratio cap applies past this much output only: a small file of repeated lines can expand
# 300-fold and is harmless; a bomb shows its ratio long before the absolute cap.
RATIO_FLOOR = 1 << 20


@dataclass(frozen=True, slots=True)
class Inflated:
    """The decompressed bytes, and whether the stream ended before its last member was complete."""

    data: bytes
    truncated: bool


def is_gzip(data: bytes) -> bool:
    return data.startswith(GZIP_MAGIC)


class GzipStream:
    """Decompress every gzip member of a stream of chunks, raising LimitError past the caps.

    ``max_bytes`` (None: no absolute cap, the ratio cap still holds) may be changed while reading;
    ``truncated`` is known once the chunks are exhausted.
    """

    def __init__(self, chunks: Iterable[bytes], *, settings: Settings, max_bytes: int | None) -> None:
        self._chunks = chunks
        self.max_bytes = max_bytes
        self.ratio = settings.max_compression_ratio
        self.consumed = 0
        self.produced = 0
        self.truncated = False

    def __iter__(self) -> Iterator[bytes]:
        inflater: zlib._Decompress | None = zlib.decompressobj(wbits=31)
        carry = b""
        for chunk in self._chunks:
            self.consumed += len(chunk)
            pending = carry + chunk
            carry = b""
            while pending:
                if inflater is None:
                    if len(pending) < len(GZIP_MAGIC):
                        carry = pending  # the next chunk tells whether another member starts
                        break
                    if not is_gzip(pending):
                        # Trailing bytes after the last member (often zero padding) are ignored, as gzip -d does.
                        return
                    inflater = zlib.decompressobj(wbits=31)
                try:
                    out = inflater.decompress(pending, CHUNK)
                    pending = inflater.unconsumed_tail
                    if not pending and not inflater.eof:
                        out += inflater.flush()
                except zlib.error as err:
                    raise InputError(f"corrupt gzip stream: {err}", code="read.bad_gzip") from None
                if inflater.eof:
                    pending, inflater = inflater.unused_data, None
                if out:
                    self._check_caps(len(out))
                    yield out
        self.truncated = inflater is not None and self.consumed > 0

    def _check_caps(self, size: int) -> None:
        self.produced += size
        if self.max_bytes is not None and self.produced > self.max_bytes:
            raise LimitError(f"gzip expands past {self.max_bytes} bytes", code="read.gzip_bomb")
        if self.produced > RATIO_FLOOR and self.produced > self.ratio * max(self.consumed, 1):
            raise LimitError(
                f"gzip expands over max_compression_ratio={self.ratio:g} times its size",
                code="read.gzip_bomb",
            )


def gunzip(data: bytes, *, settings: Settings) -> Inflated:
    """Decompress every gzip member of ``data`` under max_decompressed_bytes and the ratio cap."""
    stream = GzipStream([data], settings=settings, max_bytes=settings.max_decompressed_bytes)
    out = b"".join(stream)
    return Inflated(out, truncated=stream.truncated)
