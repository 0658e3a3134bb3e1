"""Bytes to text: binary signatures, byte-order marks, UTF-16/32 without BOM, UTF-8, legacy code pages.

The cascade, in order: known binary signature (read.binary); BOM (stripped before any offset
counts); NUL-byte pattern of UTF-16/UTF-32 (other NUL bytes: read.binary); strict UTF-8; the
declared charset (HTML, HTTP); cp1252 or charset-normalizer; UTF-8 with replacement (read.lossy),
or read.undecodable when the result is no longer mostly text.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from ..errors import DecodeError

# Signatures of formats that are never a report; checked on the first bytes only.
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x7fELF", "ELF executable"),
    (b"BZh", "bzip2 stream"),
    (b"\xfd7zXZ\x00", "xz stream"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", "zstd stream"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x00asm", "WebAssembly module"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2 document"),
)
BYTE_ORDER_MARKS: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
WIDE_BOMS = tuple(mark for mark, encoding in BYTE_ORDER_MARKS if encoding != "utf-8-sig")
# C0 controls other than tab, newline, vertical tab, form feed, carriage return and escape, and C1.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
HIGH_BYTES = bytes(range(0x80, 0x100))
# Codecs a page may name but that no report is written in (escapes, domain names, test codecs).
UNTRUSTED_CODECS = frozenset(
    {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "utf-7"}
)
SNIFF_BYTES = 4096
WESTERN_CHARS = frozenset(
    "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝßàáâãäåæçèéêëìíîïñòóôõöøùúûüýÿœŒ"
    "\u201c\u201d\u2018\u2019\u2013\u2014\u2026\u20ac«»©®°·¿¡£§\u00a0"
)
# A run of non-space characters holding at least one non-ASCII character.
NON_ASCII_WORD = re.compile(r"\S*[^\x00-\x7f]\S*")
# Up to this many non-ASCII bytes, charset-normalizer guesses poorly (on "café" in cp1252 it said
# UTF-16-BE) and cp1252, the Western web's legacy default, is the better bet.
FEW_HIGH_BYTES = 32
# A text is "still mostly text" when at most this share of its characters are U+FFFD or controls.
MAX_BAD_SHARE = 0.1
# Replacement and control characters in a decoded text above this share mean binary data.
WIDE_NUL_SHARE = 0.3
NARROW_NUL_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class Decoded:
    """A decoded text, the encoding it was read with, and whether bytes were replaced."""

    text: str
    encoding: str
    lossy: bool = False


def find_binary_signature(data: bytes) -> str | None:
    """The name of the binary format whose signature starts ``data``, if any."""
    for signature, name in BINARY_SIGNATURES:
        if data.startswith(signature):
            return name
    return None


def decode_bytes(data: bytes, *, declared: str | None = None) -> Decoded:
    """Decode the bytes of a text input; raise DecodeError when they are not text."""
    name = find_binary_signature(data)
    if name is not None:
        raise DecodeError(f"binary data ({name} signature)", code="read.binary")
    for mark, encoding in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return _decode_with(data[len(mark) :], encoding)
    if b"\x00" in data:
        return _decode_wide(data)
    try:
        return _checked(Decoded(data.decode("utf-8"), "utf-8"))
    except UnicodeDecodeError:
        pass
    if declared:
        known = _known_codec(declared)
        if known is not None and known not in ("utf-8", "utf-16", "utf-32"):
            try:
                return _checked(Decoded(data.decode(known), known))
            except (UnicodeError, LookupError, DecodeError):  # LookupError: "base64" is no text codec
                pass
    replaced = data.decode("utf-8", errors="replace")
    if _is_damaged_utf8(replaced):
        return _checked(Decoded(replaced, "utf-8", lossy=True))
    legacy = _decode_legacy(data)
    if legacy is not None:
        return legacy
    return _checked(Decoded(replaced, "utf-8", lossy=True))


def _known_codec(label: str) -> str | None:
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    if name in UNTRUSTED_CODECS:
        return None
    # The web reads a declared Latin-1 as windows-1252 (WHATWG encoding standard).
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def _decode_with(data: bytes, encoding: str) -> Decoded:
    """Decode with a known encoding (BOM or NUL pattern); replace what does not fit."""
    try:
        return _checked(Decoded(data.decode(encoding), encoding))
    except UnicodeDecodeError:
        return _checked(Decoded(data.decode(encoding, errors="replace"), encoding, lossy=True))


def _decode_wide(data: bytes) -> Decoded:
    """UTF-16 or UTF-32 told apart by where the NUL bytes fall; other NUL bytes mean binary."""
    sample = data[:SNIFF_BYTES]
    encoding = find_wide_encoding(sample)
    if encoding is None:
        raise DecodeError("binary data (NUL bytes that are not UTF-16 or UTF-32)", code="read.binary")
    return _decode_with(data, encoding)


def find_wide_encoding(sample: bytes) -> str | None:
    """UTF-16 or UTF-32 (with byte order) when the NUL bytes of ``sample`` fall in their pattern."""
    size = len(sample)
    if size < 2:
        return None
    quarter = max(size // 4, 1)
    by_lane = [sample[lane::4].count(0) for lane in range(4)]
    if size >= 4 and size % 4 == 0:
        if min(by_lane[1:]) >= quarter * (1 - NARROW_NUL_SHARE) and by_lane[0] <= quarter * NARROW_NUL_SHARE:
            return "utf-32-le"
        if min(by_lane[:3]) >= quarter * (1 - NARROW_NUL_SHARE) and by_lane[3] <= quarter * NARROW_NUL_SHARE:
            return "utf-32-be"
    half = max(size // 2, 1)
    even, odd = by_lane[0] + by_lane[2], by_lane[1] + by_lane[3]
    if odd >= half * WIDE_NUL_SHARE and even <= half * NARROW_NUL_SHARE:
        return "utf-16-le"
    if even >= half * WIDE_NUL_SHARE and odd <= half * NARROW_NUL_SHARE:
        return "utf-16-be"
    return None


def _decode_legacy(data: bytes) -> Decoded | None:
    """cp1252 for mostly-ASCII Western text, else charset-normalizer's guess when it reads as text."""
    try:
        western: str | None = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    high = len(data) - len(data.translate(None, HIGH_BYTES))
    if (
        western is not None
        and _is_mostly_text(western)
        and (high <= FEW_HIGH_BYTES or _reads_as_western(western))
    ):
        return Decoded(western, "cp1252")
    matches = from_bytes(data)
    best = matches.best()
    if best is not None:
        guess = str(best)
        # On French in Latin-1, cp1250 and cp1252 tie (same chaos and coherence) and cp1250 comes
        # first; a tie goes to cp1252, the Western default.
        tied = any(
            m.encoding == "cp1252" and m.chaos <= best.chaos and m.coherence >= best.coherence
            for m in matches
        )
        if western is not None and (guess == western or tied):
            return Decoded(western, "cp1252")
        if _is_mostly_text(guess):
            return Decoded(guess, best.encoding)
    return None


def _reads_as_western(text: str) -> bool:
    """Every non-ASCII character a Western letter or mark, in words that hold ASCII letters too.

    charset-normalizer read long French and German Latin-1 as mac_latin2 or cp775; Cyrillic or
    Greek read as cp1252 makes words of non-ASCII letters only, Polish and Czech show ¹ ³ š ž.
    """
    for word in NON_ASCII_WORD.findall(text):
        if not all(c in WESTERN_CHARS for c in word if ord(c) > 0x7F):
            return False
        letters = [c for c in word if c.isalpha()]
        if len(letters) >= 3 and not any(c.isascii() for c in letters):  # "à" and "él" are words too
            return False
    return True


def _is_damaged_utf8(replaced: str) -> bool:
    """UTF-8 with a few bad bytes: more well-formed non-ASCII characters than replaced ones.

    Legacy text read as UTF-8 almost never forms valid multi-byte sequences, so this does not
    catch cp1252; without it charset-normalizer read damaged UTF-8 as cp1125 mojibake.
    """
    bad = replaced.count("\ufffd")
    wide = len(replaced) - len(replaced.encode("ascii", errors="ignore")) - bad
    return wide > bad


def _is_mostly_text(text: str, *, replaced: bool = True) -> bool:
    """At most MAX_BAD_SHARE controls (and U+FFFD, when ``replaced`` says a decoder put them there)."""
    if not text or (CONTROL_CHARS.search(text) is None and (not replaced or "\ufffd" not in text)):
        return True  # the common case, without counting
    bad = len(CONTROL_CHARS.findall(text)) + (text.count("\ufffd") if replaced else 0)
    return bad <= len(text) * MAX_BAD_SHARE


def _checked(decoded: Decoded) -> Decoded:
    """Refuse a decoded text that is mostly replacement or control characters."""
    # A U+FFFD decoded strictly was written by the author (the fuzz tests found a file of just one).
    if _is_mostly_text(decoded.text, replaced=decoded.lossy):
        return decoded
    if decoded.lossy:
        raise DecodeError(
            f"no text encoding fits the bytes (tried {decoded.encoding})", code="read.undecodable"
        )
    raise DecodeError("binary data (mostly control characters)", code="read.binary")
