"""Quotes from the span model's guesses, and their union with the quotes the rules found.

The model (``storyline.quote_model``) marks CONTENT, CUE and SOURCE spans one by one; a quote is a
content with the cue that reports it and the source that speaks. A content takes the cue of its
sentence with the fewest tokens between them (two contents may share one), and the cue the nearest
source of its sentence. Speakers resolve through the rules' ``SpeakerIndex``.

The model adds to the rules: a quote of the model that overlaps none of the rules' quotes is kept
(a quotation in marks only with a source), and a quote of the rules without a speaker takes the source
the model linked to the same words (at least half their union). Measured on PolNeAR dev (docs/quotes.md), letting the
model's content replace the rules' where the two overlap, or keeping only the model's reported
speech beside the rules' quotation marks, scored lower than this union.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from .model import Quote, Span
from .quote_features import sentence_numbers
from .quote_marks import DOUBLE_MARKS
from .quote_model import SpanGuess
from .speakers import SpeakerIndex

_TRIM = " \t\r\n,;:.-\u2013\u2014"


def _chars(doc: Any, guess: SpanGuess) -> Span:
    start = doc[guess.start].idx
    last = doc[guess.end - 1]
    return Span(start, last.idx + len(last.text))


def _sentence_ids(doc: Any) -> list[int]:
    """The sentence number of every token."""
    from spacy.attrs import SENT_START

    return sentence_numbers(doc.to_array([SENT_START])).tolist()


def _gap(a: SpanGuess, b: SpanGuess) -> int:
    """Tokens between two spans (0 when they touch or overlap)."""
    if a.end <= b.start:
        return b.start - a.end
    if b.end <= a.start:
        return a.start - b.end
    return 0


def _nearest(target: SpanGuess, candidates: Sequence[SpanGuess], sentence: list[int]) -> SpanGuess | None:
    near = [
        c
        for c in candidates
        if sentence[c.start] == sentence[target.start] or sentence[c.start] == sentence[target.end - 1]
    ]
    return min(near, key=lambda c: (_gap(target, c), c.start)) if near else None


def reports_nothing(words: Sequence[Any]) -> bool:
    """Whether the tokens a cue reports are a lone pronoun ("said nothing", "called them"): no speech
    by itself, whether the rules or the span model found it."""
    return len(words) == 1 and words[0].pos_ == "PRON"


def kind_of(text: str) -> str:
    """direct for a passage in marks, mixed for reported speech holding marks, else indirect."""
    words = text.strip(_TRIM)
    if words[:1] in DOUBLE_MARKS and words[-1:] in DOUBLE_MARKS + "'\u2019" and len(words) > 2:
        return "direct"
    return "mixed" if any(m in words for m in DOUBLE_MARKS) else "indirect"


def model_quotes(
    doc: Any, guesses: Sequence[SpanGuess], index: SpeakerIndex, text: str | None = None
) -> list[Quote]:
    """One quote per CONTENT guess, with its nearest cue and that cue's nearest source (``text`` is
    ``doc.text`` when the caller has it)."""
    text = doc.text if text is None else text
    sentence = _sentence_ids(doc)
    contents = [g for g in guesses if g.label == "CONTENT"]
    cues = [g for g in guesses if g.label == "CUE"]
    sources = [g for g in guesses if g.label == "SOURCE"]
    quotes = []
    for content in contents:
        if reports_nothing(doc[content.start : content.end]):
            continue  # "said nothing", "denied it"
        cue = _nearest(content, cues, sentence)
        source = _nearest(cue, sources, sentence) if cue is not None else _nearest(content, sources, sentence)
        span = _chars(doc, content)
        mention = list(doc[source.start : source.end]) if source is not None else []
        quotes.append(
            Quote(
                kind_of(span.text(text)),
                span,
                _chars(doc, cue) if cue is not None else None,
                _chars(doc, source) if source is not None else None,
                index.resolve(mention) if mention else None,
            )
        )
    return quotes


def _mostly_same(a: Span, b: Span) -> bool:
    """Whether two spans share at least half of their union."""
    shared = min(a.end, b.end) - max(a.start, b.start)
    return shared > 0 and 2 * shared >= max(a.end, b.end) - min(a.start, b.start)


def _with_source(quote: Quote, learned: Sequence[Quote]) -> Quote:
    """A quote the rules found without a speaker, with the source the model linked to the same words."""
    if quote.speaker_mention is not None:
        return quote
    match = next(
        (q for q in learned if q.speaker_mention is not None and _mostly_same(q.content, quote.content)), None
    )
    if match is None:
        return quote
    return dataclasses.replace(
        quote, cue=quote.cue or match.cue, speaker_mention=match.speaker_mention, speaker=match.speaker
    )


def combine(rules: list[Quote], learned: list[Quote]) -> list[Quote]:
    """The rules' quotes (those without a speaker given the source the model found for the same words),
    and the model's quotes that overlap none of them (in marks, only those whose source the model found:
    a quotation with no speaker is of little use to a reader)."""
    out = [_with_source(quote, learned) for quote in rules]
    out.extend(
        q
        for q in learned
        if (q.kind == "indirect" or q.speaker_mention is not None)
        and not any(r.content.overlaps(q.content) for r in rules)
    )
    out.sort(key=lambda q: (q.content.start, q.content.end))
    return out
