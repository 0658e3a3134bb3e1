"""An input file's bytes in chunks: plain or gunzipped on the fly, with its first bytes for sniffing.

Whole-file kinds (text, HTML, .json) collect the chunks under ``max_file_bytes`` (gzip output under
``max_decompressed_bytes``); record kinds (JSON lines, WARC, large feeds) stream them, and only the
ratio cap and the per-record limit apply.
"""

from __future__ import annotations

import io
import itertools
import os
import stat
from collections.abc import Iterator

from ..errors import InputError, LimitError
from ..settings import Settings
from .compressed import GzipStream, is_gzip

READ_SIZE = 1 << 20
# Compressed files are read in smaller pieces: the ratio cap compares output with the input read so
# far, so a bomb is caught after max_compression_ratio * 64 kB of output at most.
COMPRESSED_READ_SIZE = 1 << 16
HEAD_BYTES = 4096


class InputChunks:
    """The bytes of one regular file, read lazily; ``head`` holds at least the first HEAD_BYTES."""

    def __init__(self, path: str, *, settings: Settings) -> None:
        self.path = path
        self.settings = settings
        self.name = os.path.basename(path)
        try:
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode):
                raise InputError("not a regular file", code="read.unreadable")
            self.size = info.st_size
            self._handle = open(path, "rb")  # noqa: SIM115 - closed by close() once the chunks are read
        except FileNotFoundError:
            raise InputError("the path does not exist", code="read.missing") from None
        except OSError as err:
            raise InputError(
                f"cannot read the file: {describe_oserror(err)}", code="read.unreadable"
            ) from None
        first = self._read(COMPRESSED_READ_SIZE)
        if not first:
            self.close()
            raise InputError("the file is empty", code="read.empty")
        self.gzip: GzipStream | None = None
        raw = itertools.chain([first], self._raw_chunks(COMPRESSED_READ_SIZE))
        if is_gzip(first):
            # the absolute cap is for whole-file kinds only (read_all); the ratio cap holds throughout
            self.gzip = GzipStream(raw, settings=settings, max_bytes=None)
            self.name = self.name[:-3] if self.name.lower().endswith(".gz") else self.name
            self._rest: Iterator[bytes] = iter(self.gzip)
        else:
            self._rest = itertools.chain([first], self._raw_chunks(READ_SIZE))
        self.head = self._take_head()
        if not self.head and not self.truncated:
            self.close()
            raise InputError("the compressed file is empty", code="read.empty")

    @property
    def truncated(self) -> bool:
        """Whether a gzip stream ended inside a member (known once every chunk was read)."""
        return self.gzip is not None and self.gzip.truncated

    def stream(self) -> Iterator[bytes]:
        """Every chunk, the head first, without an absolute size cap; closes the file at the end."""
        try:
            yield self.head
            yield from self._rest
        finally:
            self.close()

    def read_all(self) -> bytes:
        """The whole input, refused past max_file_bytes (gzip output: past max_decompressed_bytes)."""
        limit = self.settings.max_file_bytes
        if self.gzip is None and self.size > limit:
            self.close()
            raise LimitError(f"{self.size} bytes, over max_file_bytes={limit}", code="read.too_large")
        if self.gzip is not None:
            self.gzip.max_bytes = self.settings.max_decompressed_bytes
            if self.gzip.produced > self.gzip.max_bytes:
                self.close()
                raise LimitError(f"gzip expands past {self.gzip.max_bytes} bytes", code="read.gzip_bomb")
        parts = [self.head]
        total = len(self.head)
        try:
            for chunk in self._rest:
                total += len(chunk)
                if self.gzip is None and total > limit:  # the file grew since stat
                    raise LimitError(f"over max_file_bytes={limit}", code="read.too_large")
                parts.append(chunk)
        finally:
            self.close()
        return b"".join(parts)

    def close(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle is not None:
            handle.close()

    def _take_head(self) -> bytes:
        parts: list[bytes] = []
        size = 0
        try:
            for chunk in self._rest:
                parts.append(chunk)
                size += len(chunk)
                if size >= HEAD_BYTES:
                    break
        except InputError:
            self.close()
            raise
        return b"".join(parts)

    def _read(self, size: int) -> bytes:
        try:
            return self._handle.read(size)
        except OSError as err:
            self.close()
            raise InputError(
                f"cannot read the file: {describe_oserror(err)}", code="read.unreadable"
            ) from None

    def _raw_chunks(self, size: int) -> Iterator[bytes]:
        while chunk := self._read(size):
            yield chunk


class ChunkReader(io.RawIOBase):
    """A read-only file object over chunks; keeps the last bytes it gave out, for a look back."""

    WINDOW = 1 << 20

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""
        self.delivered = 0
        self._window = bytearray()
        self.window_start = 0

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = chunk
        size = min(len(target), len(self._buffer))
        piece, self._buffer = self._buffer[:size], self._buffer[size:]
        target[:size] = piece
        self.delivered += size
        self._window += piece
        if len(self._window) > 2 * self.WINDOW:
            cut = len(self._window) - self.WINDOW
            del self._window[:cut]
            self.window_start += cut
        return size

    def since(self, offset: int) -> bytes | None:
        """The bytes given out from ``offset`` on, or None when they left the window."""
        if offset < self.window_start:
            return None
        return bytes(self._window[offset - self.window_start :])

    def rest(self) -> Iterator[bytes]:
        """The chunks nobody read yet."""
        if self._buffer:
            yield self._buffer
            self._buffer = b""
        yield from self._chunks


def describe_oserror(err: Exception) -> str:
    return getattr(err, "strerror", None) or type(err).__name__
