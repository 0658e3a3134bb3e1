"""Shingles, MinHash signatures and LSH bands for near-duplicate search.

Reads an article's body text (never its boilerplate) and yields shingle hashes, signatures and band
keys, vectorised with numpy over all permutations and many documents at once.
"""

from __future__ import annotations

import functools
import itertools
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .model import Article, Span

__all__ = [
    "MAX_HASH",
    "Permutations",
    "ShingledText",
    "band_keys",
    "fold_words",
    "hash_shingles",
    "body_spans",
    "candidate_pairs",
    "choose_bands",
    "make_permutations",
    "shingle_article",
    "shingle_hashes",
    "shingle_spans",
    "shingle_rows",
    "signatures",
    "signatures_of_words",
]

MAX_HASH = np.uint32(0xFFFFFFFF)  # the signature of an empty document in every permutation

# Shingles are made from a folded copy of each line (casefolded, apostrophes dropped so "Kyiv’s" and
# "Kyiv's" agree); a word is then a run of letters/digits, so quote marks, dashes and any other
# punctuation never reach a shingle. The text itself is never changed.
_LINE = re.compile(r"[^\n]+")
_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = str.maketrans("", "", "'’‘ʼ`")

# Word hashes are cached: news vocabulary is small next to the number of tokens. The cache is
# dropped once it holds this many words so a long stream cannot grow it without bound.
_WORD_CACHE_LIMIT = 2_000_000
_word_hashes: dict[str, int] = {}

_U32 = np.uint32
_FNV_PRIME = _U32(0x01000193)
_FNV_OFFSET = _U32(0x811C9DC5)
_MIX64 = np.uint64(0x9E3779B97F4A7C15)

# Rows (shingles x permutations) per vectorised block: 8,192 x 128 uint32 is 4 MB, which stays in
# cache; 65,536 rows (32 MB) ran 1.8x slower on the dev machine, 1,024 paid Python overhead per document.
_BLOCK_ROWS = 8_192


@dataclass(frozen=True, slots=True)
class Permutations:
    """The affine permutations ``h -> a*h + b (mod 2**32)`` of a MinHash, ``a`` odd so each is a bijection."""

    a: np.ndarray
    b: np.ndarray

    @property
    def num_perm(self) -> int:
        return int(self.a.shape[0])


@dataclass(frozen=True, slots=True)
class ShingledText:
    """The shingle hashes of a text in reading order, each with the offset of the line it starts on."""

    hashes: np.ndarray  # uint32, one per shingle, in order
    starts: np.ndarray  # int64 offset into Article.text of the line holding the shingle's first word

    def unique(self) -> np.ndarray:
        return np.unique(self.hashes)


def make_permutations(num_perm: int, *, seed: int = 1) -> Permutations:
    """``num_perm`` random affine permutations drawn from ``seed`` (the same ones on every run)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 1 << 31, size=num_perm, dtype=np.uint32) * _U32(2) + _U32(1)
    b = rng.integers(0, 1 << 32, size=num_perm, dtype=np.uint64).astype(np.uint32)
    return Permutations(a=a, b=b)


def body_spans(article: Article) -> list[Span]:
    """The spans to shingle: the body marked by cleaning, or the whole text when there is none."""
    return list(article.body) if article.body else [Span(0, len(article.text))]


def _word_hashes_of(words: list[str]) -> np.ndarray:
    found = list(map(_word_hashes.get, words))
    if None in found:
        if len(_word_hashes) >= _WORD_CACHE_LIMIT:
            _word_hashes.clear()
        for word in set(words).difference(_word_hashes):
            _word_hashes[word] = zlib.crc32(word.encode("utf-8"))
        found = list(map(_word_hashes.__getitem__, words))
    return np.array(found, dtype=np.uint32)


def _words(text: str, spans: Sequence[Span]) -> tuple[list[str], list[int]]:
    """The folded words inside ``spans``, each with the offset of the line it stands on."""
    words: list[str] = []
    starts: list[int] = []
    for span in spans:
        for line in _LINE.finditer(text, span.start, span.end):
            found = _WORD.findall(line.group().casefold().translate(_APOSTROPHES))
            words.extend(found)
            starts.extend([line.start()] * len(found))
    return words, starts


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's finaliser: an avalanching bijection on uint32 (datasketch applies the same pre-mix)."""
    values = values ^ (values >> _U32(16))
    values = values * _U32(0x85EBCA6B)
    values = values ^ (values >> _U32(13))
    values = values * _U32(0xC2B2AE35)
    return values ^ (values >> _U32(16))


def _shingle_words(word_hashes: np.ndarray, size: int) -> np.ndarray:
    count = word_hashes.shape[0] - size + 1
    if count <= 0:
        count, size = (1, word_hashes.shape[0]) if word_hashes.shape[0] else (0, 0)
    combined = np.full(count, _FNV_OFFSET, dtype=np.uint32)
    for offset in range(size):
        combined ^= word_hashes[offset : offset + count]
        combined *= _FNV_PRIME
    return _fmix32(combined)


def fold_words(text: str) -> list[str]:
    """The folded words of a whole text, the input of ``hash_shingles``."""
    return _words(text, [Span(0, len(text))])[0]


def hash_shingles(words: list[str], *, size: int) -> np.ndarray:
    """The distinct hashes (uint32, sorted) of the word ``size``-grams of folded words."""
    return np.unique(_shingle_words(_word_hashes_of(words), size))


def shingle_spans(text: str, spans: Sequence[Span], *, size: int) -> ShingledText:
    """Hashes of the word ``size``-grams of the text inside ``spans`` (a shorter text makes one shingle)."""
    words, starts = _words(text, spans)
    hashes = _shingle_words(_word_hashes_of(words), size)
    return ShingledText(hashes=hashes, starts=np.asarray(starts[: hashes.shape[0]], dtype=np.int64))


def shingle_hashes(text: str, *, size: int) -> np.ndarray:
    """The distinct shingle hashes of a whole text (uint32, sorted)."""
    return shingle_spans(text, [Span(0, len(text))], size=size).unique()


def shingle_article(article: Article, *, size: int) -> ShingledText:
    """The shingles of an article's body (the whole text when cleaning marked no body)."""
    return shingle_spans(article.text, body_spans(article), size=size)


def signatures(shingle_sets: Sequence[np.ndarray], permutations: Permutations) -> np.ndarray:
    """MinHash signatures, one row per set of shingle hashes: ``min(a*fmix(h) + b)`` per permutation.

    An empty set gets ``MAX_HASH`` everywhere.
    """
    counts = np.fromiter((s.shape[0] for s in shingle_sets), dtype=np.int64, count=len(shingle_sets))
    values = (
        np.concatenate(shingle_sets).astype(np.uint32, copy=False)
        if len(shingle_sets)
        else np.empty(0, np.uint32)
    )
    return _minhash_rows(values, counts, permutations)


def signatures_of_words(docs: Sequence[list[str]], permutations: Permutations, *, size: int) -> np.ndarray:
    """The signatures of many documents given as folded words, with no Python step per shingle or
    per document: the bulk path (benchmarks, backfills). Equal to ``signatures`` of their shingles."""
    values, counts = shingle_rows(docs, size=size)
    return _minhash_rows(values, counts, permutations)


def shingle_rows(docs: Sequence[list[str]], *, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The shingle hashes of many documents laid end to end (repeats kept), and how many each has."""
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=len(docs))
    word_hashes = _word_hashes_of(list(itertools.chain.from_iterable(docs)))
    owner = np.repeat(np.arange(len(docs)), lengths)
    count = word_hashes.shape[0] - size + 1
    if count > 0:
        combined = np.full(count, _FNV_OFFSET, dtype=np.uint32)
        for offset in range(size):
            combined ^= word_hashes[offset : offset + count]
            combined *= _FNV_PRIME
        inside = owner[:count] == owner[size - 1 :]  # a shingle never spans two documents
        values, value_owner = _fmix32(combined[inside]), owner[:count][inside]
    else:
        values, value_owner = np.empty(0, np.uint32), np.empty(0, np.int64)
    counts = np.maximum(lengths - size + 1, 0)
    short = np.flatnonzero((lengths > 0) & (lengths < size))
    if short.shape[0]:  # a text shorter than a shingle makes one shingle of all its words
        extra = np.concatenate([_shingle_words(_word_hashes_of(docs[int(i)]), size) for i in short])
        order = np.argsort(np.concatenate([value_owner, short]), kind="stable")
        values = np.concatenate([values, extra])[order]
        counts[short] = 1
    return values, counts


def _minhash_rows(values: np.ndarray, counts: np.ndarray, permutations: Permutations) -> np.ndarray:
    """Signatures of documents whose shingle hashes lie end to end in ``values`` (``counts`` each).

    The documents of a block go through one ``(permutations x shingles)`` product into a reused
    buffer and one ``minimum.reduceat`` along its rows: laid out this way, each reduction runs over
    contiguous memory (14x faster than shingles x permutations, measured on 8,192-row blocks).
    """
    out = np.full((counts.shape[0], permutations.num_perm), MAX_HASH, dtype=np.uint32)
    docs = np.flatnonzero(counts)
    ends = np.cumsum(counts[docs])
    starts = ends - counts[docs]
    mixed = _fmix32(values)
    a, b = permutations.a[:, np.newaxis], permutations.b[:, np.newaxis]
    buffer = np.empty((permutations.num_perm, _BLOCK_ROWS), dtype=np.uint32)
    first = 0
    while first < docs.shape[0]:
        last = max(first + 1, int(np.searchsorted(ends, starts[first] + _BLOCK_ROWS, side="right")))
        low, high = starts[first], ends[last - 1]
        block = (
            buffer[:, : high - low]
            if high - low <= _BLOCK_ROWS
            else np.empty((a.shape[0], high - low), np.uint32)
        )
        np.multiply(a, mixed[np.newaxis, low:high], out=block)
        block += b
        out[docs[first:last]] = np.minimum.reduceat(block, starts[first:last] - low, axis=1).T
        first = last
    return out


def _collision_probability(similarity: np.ndarray, bands: int, rows: int) -> np.ndarray:
    return 1.0 - (1.0 - similarity**rows) ** bands


@functools.lru_cache(maxsize=64)
def choose_bands(
    threshold: float, num_perm: int, *, weights: tuple[float, float] = (0.5, 0.5)
) -> tuple[int, int]:
    """The (bands, rows) that minimise the weighted areas of false positives under ``threshold`` and
    false negatives over it, the objective datasketch's MinHashLSH optimises."""
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"LSH threshold must lie in (0, 1), got {threshold}")
    below = np.linspace(0.0, threshold, 1001)
    above = np.linspace(threshold, 1.0, 1001)
    best, best_error = (1, 1), float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_pos = np.trapezoid(_collision_probability(below, bands, rows), below)
            false_neg = np.trapezoid(1.0 - _collision_probability(above, bands, rows), above)
            error = weights[0] * false_pos + weights[1] * false_neg
            if error < best_error:
                best, best_error = (bands, rows), error
    return best


def band_keys(sigs: np.ndarray, *, bands: int, rows: int) -> np.ndarray:
    """One 63-bit key per (document, band): a hash of the band's ``rows`` signature values.

    The band number is mixed in so equal values in different bands never share a key; keys fit a
    signed SQLite integer.
    """
    keys = np.empty((sigs.shape[0], bands), dtype=np.int64)
    for band in range(bands):
        key = np.full(sigs.shape[0], ((band + 1) * int(_MIX64)) % (1 << 64), dtype=np.uint64)
        for column in range(band * rows, (band + 1) * rows):
            key ^= sigs[:, column].astype(np.uint64)
            key *= _MIX64
            key ^= key >> np.uint64(29)
        keys[:, band] = (key >> np.uint64(1)).view(np.int64)
    return keys


def candidate_pairs(keys: np.ndarray) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, of rows that share a key in at least one band, as an ``(m, 2)`` array."""
    count = keys.shape[0]
    found: list[np.ndarray] = []
    for band in range(keys.shape[1]):
        order = np.argsort(keys[:, band], kind="stable")
        column = keys[order, band]
        # Each sorted position pairs with the next 1, 2, ... positions still inside its bucket.
        bucket_end = np.r_[np.flatnonzero(column[1:] != column[:-1]) + 1, count]
        end_of = np.repeat(bucket_end, np.diff(np.r_[0, bucket_end]))
        position = np.arange(count)
        step = 1
        while True:
            inside = position + step < end_of
            if not inside.any():
                break
            left, right = order[position[inside]], order[position[inside] + step]
            found.append(np.minimum(left, right).astype(np.int64) * count + np.maximum(left, right))
            position, end_of = position[inside], end_of[inside]
            step += 1
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    flat = np.unique(np.concatenate(found))
    return np.stack([flat // count, flat % count], axis=1)
