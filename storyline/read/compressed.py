"""Gzip inputs: streamed decompression under a size and a ratio cap, multi-member, truncation told apart."""

from __future__ import annotations

import zlib
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


def gunzip(data: bytes, *, settings: Settings) -> Inflated:
    """Decompress every gzip member of ``data``, raising LimitError past the caps."""
    ratio_cap = settings.max_compression_ratio * max(len(data), 1)
    out = bytearray()
    inflater = zlib.decompressobj(wbits=31)
    pending = data
    while True:
        try:
            out += inflater.decompress(pending, CHUNK)
            pending = inflater.unconsumed_tail
            if not pending and not inflater.eof:
                out += inflater.flush()
        except zlib.error as err:
            raise InputError(f"corrupt gzip stream: {err}", code="read.bad_gzip") from None
        _check_caps(len(out), ratio_cap, settings)
        if inflater.eof:
            rest = inflater.unused_data
            if not is_gzip(rest):
                # Trailing bytes after the last member (often zero padding) are ignored, as gzip -d does.
                return Inflated(bytes(out), truncated=False)
            inflater = zlib.decompressobj(wbits=31)
            pending = rest
        elif not pending:
            return Inflated(bytes(out), truncated=True)


def _check_caps(size: int, ratio_cap: float, settings: Settings) -> None:
    if size > settings.max_decompressed_bytes:
        raise LimitError(
            f"gzip expands past max_decompressed_bytes={settings.max_decompressed_bytes}",
            code="read.gzip_bomb",
        )
    if size > RATIO_FLOOR and size > ratio_cap:
        raise LimitError(
            f"gzip expands over max_compression_ratio={settings.max_compression_ratio:g} times its size",
            code="read.gzip_bomb",
        )
