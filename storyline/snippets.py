"""Search snippets made in Python: the terms of an FTS5 query found again in a text and marked.

FTS5's own ``snippet()`` re-runs the query for each row it is asked for; for a prefix query such as
``immigra*`` over 100,000 reports that cost 3-5 ms a hit (docs/benchmarks.md). The page only needs
the query's words found in the hit's body, so this module reads the query as FTS5 does (phrases,
prefixes, operators, column filters, NEAR groups), tokenizes the text the way the index's
``unicode61 remove_diacritics 2`` tokenizer does, and marks the best window of words.

Markers are ``\\x02`` before and ``\\x03`` after a match, as with ``snippet()``; the API and the pages
turn them into ``<mark>`` elements.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

OPEN, CLOSE, ELLIPSIS = "\x02", "\x03", " … "
WORD = re.compile(r"[^\W_]+")
CANDIDATE_WINDOWS = 5
_NON_ASCII = re.compile(r"[^\x00-\x7f]")  # places tried for the best window (the first ones)
OPERATORS = {"AND", "OR", "NOT"}
# An FTS5 bareword: the characters that are none of its syntax.
_BAREWORD = re.compile(r'[^\s"(){}:^*+\-,]+')


@dataclass(frozen=True, slots=True)
class Phrase:
    """Tokens that must follow one another; the last may be a prefix."""

    tokens: tuple[str, ...]
    prefix: bool = False


def fold(word: str) -> str:
    """A token as the index keeps it: case-folded, diacritics removed."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(fold(m.group()) for m in WORD.finditer(text))


def query_phrases(query: str) -> list[Phrase]:
    """The phrases of an FTS5 query that a matching text contains (operators and column names left out)."""
    return list(_query_phrases(query))


@functools.lru_cache(maxsize=256)
def _query_phrases(query: str) -> tuple[Phrase, ...]:
    phrases: list[Phrase] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c == "{":  # {col1 col2}: names columns, not terms
            close = query.find("}", i)
            i = n if close < 0 else close + 1
            continue
        if c == '"':
            j, buf = i + 1, []
            while j < n:
                if query[j] == '"':
                    if j + 1 < n and query[j + 1] == '"':  # "" is a quote inside a string
                        buf.append('"')
                        j += 2
                        continue
                    break
                buf.append(query[j])
                j += 1
            i = j + 1
            prefix = _star_follows(query, i)
            tokens = _tokens("".join(buf))
            if tokens:
                phrases.append(Phrase(tokens, prefix))
            continue
        match = _BAREWORD.match(query, i)
        if match is None:
            i += 1
            continue
        word, i = match.group(), match.end()
        rest = query[i:].lstrip()
        if rest.startswith(":"):  # a column filter, not a term
            continue
        if word in OPERATORS or (word == "NEAR" and rest.startswith("(")):
            continue
        if word.isdigit() and query[:match.start()].rstrip().endswith(","):  # NEAR(a b, 5): a distance
            continue
        tokens = _tokens(word)
        if tokens:
            phrases.append(Phrase(tokens, _star_follows(query, i)))
    return tuple(phrases)


def _star_follows(query: str, i: int) -> bool:
    return query[i:].lstrip().startswith("*")


@functools.lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    """One character folded to one character (so offsets hold); a longer folding keeps its first."""
    folded = fold(c)
    return folded[:1] if folded else c


def _folded(text: str) -> str:
    """The text folded character by character: the same length, so offsets in it are offsets in ``text``."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    folded = _NON_ASCII.sub(lambda m: _fold_char(m.group()), text)  # few characters: one call each
    folded = folded.lower()
    return folded if len(folded) == len(text) else "".join(_fold_char(c) for c in text)


@functools.lru_cache(maxsize=1024)
def _pattern(phrase: Phrase) -> re.Pattern[str]:
    """The phrase as a regular expression over folded text, ending at a word's end."""
    body = r"[\W_]+".join(re.escape(t) for t in phrase.tokens)
    tail = r"[^\W_]*" if phrase.prefix else ""
    return re.compile(rf"{body}{tail}(?![^\W_])")


def _hits(folded: str, phrases: tuple[Phrase, ...]) -> list[tuple[int, int, int]]:
    """(start, end, phrase number) of every place a phrase occurs, by character offset.

    Each phrase's first token is found with ``str.find`` (a regular expression tried at every place of a
    report took most of a search's time), then the whole phrase is checked there, whole words only."""
    found = []
    for number, phrase in enumerate(phrases):
        head = phrase.tokens[0]
        pattern = _pattern(phrase)
        at = folded.find(head)
        while at >= 0:
            if at == 0 or not folded[at - 1].isalnum():
                m = pattern.match(folded, at)
                if m is not None:
                    found.append((at, m.end(), number))
            at = folded.find(head, at + 1)
    found.sort()
    # Phrases that overlap keep the earlier (then longer) one, as one pass of FTS5's highlighter would.
    kept: list[tuple[int, int, int]] = []
    for hit in found:
        if kept and hit[0] < kept[-1][1]:
            continue
        kept.append(hit)
    return kept


def _window(text: str, at: int, words: int) -> tuple[int, int, bool]:
    """The ``words`` words starting two words before offset ``at``: (start, end, more words follow)."""
    before = [m.start() for m in WORD.finditer(text, max(0, at - 60), at)]
    lo = before[-2] if len(before) >= 2 else (before[0] if before else at)
    ends = []
    for m in WORD.finditer(text, lo):
        ends.append(m)
        if len(ends) > words:
            break
    if not ends:
        return at, at, False
    last = ends[min(words, len(ends)) - 1]
    start = ends[0].start()
    # Start where the written word starts ("5,000-strong", not "000-strong"), within a few characters.
    while start > 0 and start > ends[0].start() - 12 and not text[start - 1].isspace():
        start -= 1
    return start, last.end(), len(ends) > words


def snippet(text: str, query: str, *, words: int = 14) -> str:
    """About ``words`` words of ``text`` around the query's best-covered place, its matches marked."""
    text = text.replace(OPEN, " ").replace(CLOSE, " ")
    hits = _hits(_folded(text), _query_phrases(query))
    lo = 0
    if hits:
        # The window holding the most distinct phrases, then the most matches; the earliest wins ties.
        best: tuple[int, int] = (-1, -1)
        for first in sorted({h[0] for h in hits})[:CANDIDATE_WINDOWS]:
            start, end, _ = _window(text, first, words)
            inside = [h for h in hits if h[0] >= start and h[1] <= end]
            score = (len({h[2] for h in inside}), len(inside))
            if score > best:
                best, lo = score, first
    first, hi, more = _window(text, lo, words)
    if first == hi:
        return ""
    at_start = not WORD.search(text, 0, first)
    out: list[str] = [] if at_start else [ELLIPSIS.lstrip()]  # "… " before a window that starts inside
    cursor = 0 if at_start else first
    for start, end, _ in (h for h in hits if h[0] >= first and h[1] <= hi):  # _hits never overlap
        out.append(text[cursor:start])
        out.append(OPEN + text[start:end] + CLOSE)
        cursor = end
    if more:
        out.append(text[cursor:hi])
        out.append(ELLIPSIS.rstrip())
    else:
        out.append(text[cursor:])
    return _join(out)


def _join(parts: list[str]) -> str:
    """The pieces as one line: runs of white space (line breaks included) become one space."""
    text = "".join(parts)
    return re.sub(r"\s+", " ", text).strip()
