"""Quotation marks: pair opening and closing double marks into quoted passages.

Reads the raw text only; yields ``Passage`` spans that include their marks. A passage whose
paragraph ends before a closing mark runs on into the next paragraph when that one opens again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENERS = "\u201c\u00ab\u201e"  # “ « „
CLOSERS = "\u201d\u00bb"  # ” »
AMBIGUOUS = '"'
DOUBLE_MARKS = OPENERS + CLOSERS + AMBIGUOUS
# Characters after which a mark opens a quotation rather than closing one.
_OPEN_CONTEXT = set(" \t\r\n([{\u2014\u2013-/:") | set(DOUBLE_MARKS)
_FAMILY = {'"': 0, "\u201c": 1, "\u201d": 1, "\u201e": 1, "\u00ab": 2, "\u00bb": 2}
_PARAGRAPH = re.compile(r"[^\n]+")
# Two apostrophes standing for a double mark (PolNeAR's New York Times texts) are not read as
# quotation marks: tried on PolNeAR dev, they add quotes the gold counts as indirect speech.
_MARK = re.compile("[" + DOUBLE_MARKS + "]")


@dataclass(frozen=True, slots=True)
class Passage:
    """A quoted passage ``[start, end)`` including its marks; ``closed`` is False when unpaired."""

    start: int
    end: int
    closed: bool = True


def _is_opening(text: str, i: int, j: int) -> bool | None:
    """True for an opening mark ``text[i:j]``, False for a closing one, None when unclear."""
    prev = text[i - 1] if i > 0 else "\n"
    nxt = text[j] if j < len(text) else "\n"
    left = prev in _OPEN_CONTEXT and not nxt.isspace()
    right = not prev.isspace() and (nxt.isspace() or not nxt.isalnum())
    if left and not right:
        return True
    if right and not left:
        return False
    if text[i] in OPENERS:
        return True
    if text[i] in CLOSERS:
        return False
    return None


def _paragraph_passages(text: str, start: int, end: int) -> list[Passage]:
    """Pair the marks of one paragraph; an opening mark left open runs to the paragraph's end."""
    passages: list[Passage] = []
    open_at: int | None = None
    nested = 0  # marks of the other family opened inside the current passage and not closed
    for mark in _MARK.finditer(text, start, end):
        i = mark.start()
        opening = _is_opening(text, i, mark.end())
        if open_at is None:
            if opening is not False:
                open_at, nested = i, 0
            continue
        if _FAMILY[text[i]] != _FAMILY[text[open_at]]:
            # Curly marks inside a straight-quoted passage (or the reverse) are a quotation
            # nested in it, or a title: '"PENCE: ... an episode of “Shark Tank.” ...'. A closing
            # mark with no nested opener closes the passage: typed mixed marks ('"Oz has ...,” said').
            if opening is not False:
                nested += 1
                continue
            if nested:
                nested -= 1
                continue
        if opening is True and text[i] in OPENERS and i > open_at + 1:
            # A second opener before any closer: the first mark was stray (a typo or a
            # dropped closing mark); restart from the later one.
            open_at = i
            continue
        passages.append(Passage(open_at, mark.end()))
        open_at = None
    if open_at is not None:
        tail = text[open_at:end].rstrip()
        passages.append(Passage(open_at, open_at + len(tail), closed=False))
    return passages


def find_passages(text: str) -> list[Passage]:
    """Every quoted passage of the text, multi-paragraph quotes joined into one passage."""
    raw: list[Passage] = []
    for m in _PARAGRAPH.finditer(text):
        raw.extend(_paragraph_passages(text, m.start(), m.end()))
    joined: list[Passage] = []
    for passage in raw:
        if joined and not joined[-1].closed and _continues(text, joined[-1], passage):
            joined[-1] = Passage(joined[-1].start, passage.end, passage.closed)
        else:
            joined.append(passage)
    # A run-on quote that no later paragraph continues is still speech up to its paragraph's end.
    return [p for p in joined if p.end - p.start > 2]


def _continues(text: str, previous: Passage, passage: Passage) -> bool:
    """Whether ``passage`` opens the paragraph right after the unclosed ``previous`` one
    (and is not the next turn of a transcript, '"PENCE: ...')."""
    gap = text[previous.end : passage.start]
    if gap.strip() or "\n" not in gap:
        return False
    return speaker_label(text, passage) is None


# A transcript turn opens with its speaker's name in capitals: '"WALLACE: Let's start...'.
_LABEL = re.compile(r"[ \t]*([A-Z][A-Z.'\- ]{1,40}[A-Z.]):[ \t]")


def speaker_label(text: str, passage: Passage) -> tuple[int, int] | None:
    """The ``[start, end)`` of a transcript speaker label opening the passage, if any."""
    m = _LABEL.match(text, passage.start + 1, passage.end)
    return (m.start(1), m.end(1)) if m else None
