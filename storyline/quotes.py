"""Who said what: direct, mixed and indirect quotes with their cue and resolved speaker.

Reads ``Article.text`` and its spaCy ``Doc``; returns ``Quote`` objects (content, cue, speaker
mention spans into the text, speaker name). Steps: pair quotation marks (quote_marks), read
attribution frames off the parse (cues), attach frames to quoted passages, keep the remaining
frames as indirect speech, resolve speakers (speakers).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from . import quote_model
from .cues import Frame, find_frames, is_speech_verb, speaker_words, verb_subject
from .model import Article, Quote, Span
from .quote_links import combine, model_quotes, reports_nothing
from .quote_marks import CLOSERS, DOUBLE_MARKS, Passage, find_passages, speaker_label
from .speakers import SpeakerIndex

_WORD = re.compile(r"\w+")
_MARK_CHARS = DOUBLE_MARKS + "'`"
# "“...” ― Jorge Falcon": a quote signed with a dash and a name after it.
_SIGNATURE = re.compile(r"[^\S\n]*([\u2015\u2014\u2013-]{1,2})[^\S\n]*(?=[A-Z])")
# A passage of this many words or more is speech even without a capital or closing punctuation;
# shorter ones ("very peaceful", "Saturday Night Live") are fragments or scare quotes. Calibrated
# on the first 150 PolNeAR train texts: 4, 5 and 6 words give direct F1 0.873, 0.876, 0.879.
_SPEECH_WORDS = 6
# Words a title keeps in lower case.
_TITLE_FUNCTION_WORDS = frozenset("a an the and or nor but of in on at to for with from by vs".split())
# At most this many words between two passages still read as one quote interrupted by its cue:
# "“A,” Ross said. “B.”" (PolNeAR joins such fragments into one relation).
_GAP_WORDS = 20
# An uncued quote paragraph inherits the speaker of a quote at most this far before it; on the
# first 150 PolNeAR train texts carrying raises speaker accuracy from 0.818 to 0.834 (600 and
# 1,200 characters measure the same).
_CARRY_CHARS = 600


@dataclass(slots=True)
class _Group:
    """Passages that form one direct quote, with the frame that attributes them."""

    passages: list[Passage]
    frame: Frame | None = None
    speaker_tokens: list[Token] = field(default_factory=list)
    kind: str = "direct"
    content: tuple[int, int] = (0, 0)

    @property
    def start(self) -> int:
        return self.passages[0].start

    @property
    def end(self) -> int:
        return self.passages[-1].end


class _Tokens:
    """Character offset to token lookups over one Doc."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.starts = [t.idx for t in doc]

    def between(self, start: int, end: int) -> list[Token]:
        """The tokens that start in ``[start, end)``."""
        low = bisect.bisect_left(self.starts, start)
        high = bisect.bisect_left(self.starts, end)
        return list(self.doc[low:high])

    def at(self, offset: int) -> Token | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.doc[i] if 0 <= i < len(self.doc) else None


def _is_speech(text: str, passage: Passage) -> bool:
    inner = _inner(text, passage)
    words = _WORD.findall(inner)
    if len(words) >= _SPEECH_WORDS or not passage.closed:
        return True
    # Short capitalised passages are speech ("“We’ll see.”") unless every word is capitalised
    # like a title ("“Silent Night.”", "“PBS NewsHour.”"): titles were the commonest false
    # direct quotes on PolNeAR train.
    # Titles leave their short function words lower-case ("“Law and Order,”", "“Planet of the Apes,”").
    title_like = all(w[:1].isupper() or w.isdigit() or w in _TITLE_FUNCTION_WORDS for w in words)
    # European style puts the comma after the closing mark: "«We will send troops», said X."
    ends = inner[-1:] in ",.?!" or text[passage.end : passage.end + 1] == ","
    return len(words) >= 2 and inner[:1].isupper() and ends and not title_like


def _tokens_in(tokens: list[Token], start: int, end: int) -> list[Token]:
    return [t for t in tokens if start <= t.idx < end]


def _outside(tokens: list[Token], passages: list[Passage]) -> list[Token]:
    return [t for t in tokens if not any(p.start <= t.idx < p.end for p in passages)]


def _trim(tokens: list[Token]) -> list[Token]:
    words = [t for t in tokens if not t.is_space]
    while words and (words[0].is_punct or words[0].text in DOUBLE_MARKS):
        words.pop(0)
    while words and words[-1].is_punct and words[-1].text not in DOUBLE_MARKS:
        words.pop()
    return words


def _span(tokens: list[Token]) -> Span | None:
    if not tokens:
        return None
    return Span(tokens[0].idx, tokens[-1].idx + len(tokens[-1]))


def _inner(text: str, passage: Passage) -> str:
    """A passage's words without its marks (one or two characters each)."""
    return text[passage.start : passage.end].strip(_MARK_CHARS).strip()


def _continues_after(text: str, passage: Passage) -> bool:
    """Whether the sentence goes on after a passage ('“You squeezed...” to drive up...'),
    making it a fragment of new reported speech rather than the rest of a quote."""
    rest = text[passage.end : passage.end + 80].split("\n", 1)[0].lstrip()
    return bool(rest) and rest[0].isalnum()


def _group_passages(text: str, passages: list[Passage], frames: list[Frame]) -> list[_Group]:
    groups: list[_Group] = []
    cue_offsets = [f.cue.idx for f in frames]
    # A participle ('before asking her, “B”', 'adding, “B”') introduces the passage after it.
    introducing = [f.cue.idx for f in frames if f.cue.tag_ == "VBG"]
    for passage in passages:
        if groups:
            last = groups[-1]
            gap = text[last.end : passage.start]
            cues = sum(last.end <= c < passage.start for c in cue_offsets)
            words = len(_WORD.findall(gap))
            # '“A,” he said. “B.”' is one quote; '“A.” He added, “B.”' starts a new one, and
            # so does a second cue ('“A,” Trump said, adding later, “B.”').
            interrupted = (
                cues == 1
                and not any(last.end <= c < passage.start for c in introducing)
                and words <= _GAP_WORDS
                and _inner(text, last.passages[-1])[-1:] in ",?!\u2014-"
                and gap.rstrip().rstrip(CLOSERS + '"')[-1:] in ",.:"
                and not _continues_after(text, passage)
            )
            if "\n" not in gap and last.passages[-1].closed and (words == 0 or interrupted):
                last.passages.append(passage)
                continue
        groups.append(_Group([passage]))
    return groups


def _sentences_of(tokens: _Tokens, start: int, end: int) -> list[Token]:
    """The sentences a passage spans, with the words right after it on the same line
    (the parser often starts a new sentence at the closing mark of '“...,” he said.')."""
    first, last = tokens.at(start), tokens.at(max(start, end - 1))
    if first is None or last is None:
        return []
    doc = tokens.doc
    stop = last.sent.end
    if stop < len(doc) and "\n" not in doc[last.i : stop + 1].text and not doc[stop].is_space:
        stop = doc[stop].sent.end
    return list(doc[first.sent.start : stop])


def _signature(group: _Group, tokens: _Tokens, text: str) -> Span | None:
    """The dash of a quote signed "― Name", setting the name as the group's speaker."""
    m = _SIGNATURE.match(text, group.end)
    if m is None:
        return None
    line_end = text.find("\n", m.end())
    line_end = len(text) if line_end < 0 else line_end
    name = _trim(tokens.between(m.end(), line_end))
    if not name or len(name) > 8 or not all(t.is_title or t.is_punct for t in name):
        return None
    group.speaker_tokens = name
    return Span(m.start(1), m.end(1))


# "Pollsters agree - Carl Bialik: “...”": a name and a colon right before the quote on its line.
_COLON_LABEL = re.compile(
    r"((?:[A-Z][\w.'\u2019-]*[^\S\n]+(?:and[^\S\n]+)?){0,4}[A-Z][\w.'\u2019-]*)(:)[^\S\n]*$"
)


def _colon_label(group: _Group, tokens: _Tokens, text: str) -> Span | None:
    """The colon of a quote introduced by a name alone, setting the name as the group's speaker."""
    line_start = text.rfind("\n", 0, group.start) + 1
    m = _COLON_LABEL.search(text, line_start, group.start)
    if m is None:
        return None
    name = _trim(tokens.between(m.start(1), m.end(1)))
    if not name or not any(t.pos_ == "PROPN" for t in name):
        return None
    group.speaker_tokens = name
    return Span(m.start(2), m.end(2))


def _colon_verb(group: _Group, tokens: _Tokens, text: str) -> Span | None:
    """The colon of a quote introduced by a clause of any verb ('Hannity interjected: “...”', 'The
    editorial read: “...”'): the verb's subject is the group's speaker, the verb its cue."""
    before = text[: group.start].rstrip()
    if not before.endswith(":"):
        return None
    colon = tokens.at(len(before) - 1)
    if colon is None or colon.text != ":":
        return None
    return _subject_of(_verb_above(colon), colon, group)


def _verb_above(token: Token) -> Token | None:
    """The nearest verb on the way from ``token`` up its sentence's parse."""
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return token if token.pos_ in ("VERB", "AUX") else None


def _subject_of(verb: Token | None, anchor: Token, group: _Group) -> Span | None:
    """Set the subject of ``verb`` (in ``anchor``'s sentence) as the group's speaker, found as for a
    cue of the lexicon (``cues.verb_subject``: borrowed through conj/advcl/xcomp, a relative clause,
    a participle, a name beside the verb); the verb's span is the cue."""
    if verb is None or verb.sent.start != anchor.sent.start or group.start <= verb.idx < group.end:
        return None
    subject = verb_subject(verb)
    if subject is None:
        return None
    speaker = _trim(speaker_words(subject, verb))
    if not speaker or len(speaker) > 12 or any(_breaks(t) for t in speaker):
        return None
    if any(group.start <= t.idx < group.end for t in speaker):
        return None
    group.speaker_tokens = speaker
    return Span(verb.idx, verb.idx + len(verb))


def _governing_verb(group: _Group, tokens: _Tokens) -> Span | None:
    """A quote that is the object or complement of a verb outside the lexicon ('Weld describes the
    party as “a six-lane highway,”', 'He went on to call Cruz “the worst”'): the verb's subject
    speaks."""
    inside = tokens.between(group.passages[0].start, group.passages[0].end)
    top = [t for t in inside if not (group.start <= t.head.idx < group.end) or t.head.i == t.i]
    if not top or top[0].head.i == top[0].i:
        return None
    return _subject_of(_verb_above(top[0].head), top[0], group)


def _between_quote_and_cue(tokens: _Tokens, end: int, cue: Token) -> list[Token]:
    """'”, Flynn, a top Trump surrogate, said': the words between a quote and its cue, when
    the parse found no subject (or one inside quotation marks)."""
    words = _trim(tokens.between(end, cue.idx))
    if not words or len(words) > 12 or any(_breaks(t) for t in words):
        return []
    # A capitalised first word is a name whatever its tag ("Tulsa" was tagged a verb).
    return words if words[0].pos_ in ("PROPN", "PRON", "DET", "NOUN", "ADJ") or words[0].is_title else []


def _breaks(token: Token) -> bool:
    return "\n" in token.whitespace_ or "\n" in token.text


def _attach(
    group: _Group,
    frames: list[Frame],
    tokens: _Tokens,
    text: str,
    speech: list[Passage],
    passages: list[Passage],
) -> None:
    """Find the frame that attributes a direct quote: in its sentences, else a ``said:`` line."""
    around = _sentences_of(tokens, group.start, group.end)
    span_ids = {t.i for t in around}
    candidates = [
        f
        for f in frames
        if f.cue.i in span_ids
        and not any(p.start <= f.cue.idx < p.end for p in speech)
        # '“A,” she sings before asking him, “B”': a participle after a preposition reports what follows
        and not (f.cue.dep_ == "pcomp" and f.cue.idx >= group.end)
    ]
    if not candidates and around:
        before = tokens.doc[around[0].i - 1].sent if around[0].i > 0 else None
        if before is not None and before.text.rstrip().endswith(":"):
            ids = {t.i for t in before}
            candidates = [f for f in frames if f.cue.i in ids]
    if not candidates:
        return

    def distance(f: Frame) -> tuple[int, int, int]:
        # A frame whose content holds the quote beats a nearer one that only mentions speech,
        # and a speech verb beats a learned cue ("She says it underscores that ... “...”").
        holds = 0 if any(group.start <= t.idx < group.end for t in f.content) else 1
        speech = 0 if is_speech_verb(f.cue) else 1
        if group.start <= f.cue.idx < group.end:
            return (holds, speech, 0)
        return (holds, speech, min(abs(f.cue.idx - group.start), abs(f.cue.idx - group.end)))

    group.frame = min(candidates, key=distance)
    group.speaker_tokens = _trim(_outside(group.frame.speaker, passages))
    if not group.speaker_tokens:
        # The parse took a word of the quote as the subject ('“... We will ...,” Chief Chuck
        # Jordan said'): the words between the passage before the cue and the cue name the speaker.
        ends = [p.end for p in group.passages if p.end <= group.frame.cue.idx]
        if ends:
            group.speaker_tokens = _between_quote_and_cue(tokens, ends[-1], group.frame.cue)


def _reporter_before(
    start: int, previous: tuple[Quote, int] | None, frames: list[Frame], passages: list[Passage]
) -> Frame | None:
    """The last speech frame with a named speaker between the previous quote and an uncued one,
    at most ``_CARRY_CHARS`` before it ('Trump is a “change agent,” Cole said. “That’s ...”')."""
    low = max(previous[1] if previous is not None else 0, start - _CARRY_CHARS)
    for frame in reversed(frames):
        if not low <= frame.cue.idx < start or not is_speech_verb(frame.cue):
            continue
        if any(p.start <= frame.cue.idx < p.end for p in passages):
            continue
        speaker = _trim(_outside(frame.speaker, passages))
        if speaker:
            return frame
    return None


def _close_over(span: Span | None, passages: list[Passage]) -> Span | None:
    """The span widened to whole quoted passages it cuts into ('a former Miss Universe
    “disgusting' ends at the closing mark, not before it)."""
    if span is None:
        return None
    start, end = span.start, span.end
    for p in passages:
        if p.start < end and start < p.end and not (start <= p.start and p.end <= end):
            start, end = min(start, p.start), max(end, p.end)
    return Span(start, end)


def _content_of(group: _Group, text: str) -> tuple[int, int]:
    """A direct quote's content, widened to its frame's clause when the quote is a fragment."""
    start, end = group.start, group.end
    frame = group.frame
    if frame is None or not frame.content:
        return start, end
    if text[:start].rstrip().endswith(":"):
        return start, end  # 'X scolded him: “...”' quotes whole sentences
    lead = _trim(_outside([t for t in frame.content if t.idx < start], group.passages))
    if any(not t.is_punct for t in lead) and lead[0].idx < start:
        group.kind = "mixed"
        clause = _close_over(_span(_trim(frame.content)), group.passages)
        if clause is not None:
            return min(start, clause.start), max(end, clause.end)
    return start, end


def _reports_report(reported: Span, quotes: list[Quote], frame: Frame) -> bool:
    """Whether ``according to Y`` reports quotes with their own cue and speaker inside it
    ('“...,” he told Flake, according to officials'): the officials' relation holds the quote and
    its attribution, beside the quote itself (PolNeAR marks it so: 12 of 13 such sentences in
    train)."""
    return all(
        q.cue is not None
        and q.speaker_mention is not None
        and reported.contains(q.content)
        and reported.contains(q.cue)
        and q.cue.start != frame.cue.idx
        for q in quotes
    )


# "Pat Caddell: Democrat Voters Worried..." - a headline giving a speaker and what they said.
_HEADLINE = re.compile(
    r"^[^\S\n]*((?:[A-Z][\w.'\u2019-]*[^\S\n]+){0,5}[A-Z][\w.'\u2019-]*):[^\S\n]+(\S[^\n]*)$", re.M
)
# Headlines are short; a longer line with a colon is a sentence introducing a list or a quote.
_HEADLINE_WORDS = 25


def _headline_quotes(text: str, tokens: _Tokens, index: SpeakerIndex) -> list[Quote]:
    """Quotes of ``Speaker: words`` lines (headlines, captions)."""
    found = []
    for m in _HEADLINE.finditer(text):
        content = m.group(2).rstrip(" .")
        if not 3 <= len(_WORD.findall(content)) <= _HEADLINE_WORDS or content.endswith(":"):
            continue
        mention = _trim(tokens.between(m.start(1), m.end(1)))
        if not mention or any(t.like_num for t in mention):
            continue
        span = Span(m.start(2), m.start(2) + len(content))
        kind = "mixed" if any(c in content for c in DOUBLE_MARKS) else "indirect"
        colon = Span(m.end(1), m.end(1) + 1)
        found.append(Quote(kind, span, colon, _span(mention), index.resolve(mention)))
    return found


def find_quotes(
    article: Article, doc: Doc, *, aliases: Mapping[str, str] | None = None, use_model: bool = True
) -> list[Quote]:
    """Every quote of the article: direct and mixed from quotation marks, indirect from cues, and
    (when the trained span model is built, ``storyline.quote_model``) the reported speech it marks."""
    text = article.text[: len(doc.text)]
    tokens = _Tokens(doc)
    frames = find_frames(doc)
    passages = find_passages(text)
    speech = [p for p in passages if _is_speech(text, p)]
    index = SpeakerIndex(doc, aliases=aliases, quoted=[(p.start, p.end) for p in speech])
    groups = _group_passages(text, speech, frames)

    quotes: list[Quote] = []
    used: set[int] = set()
    by_cue: dict[int, Quote] = {}
    previous: tuple[Quote, int] | None = None
    for group in groups:
        label = speaker_label(text, group.passages[0])
        if label is not None:
            # A transcript turn: the label is the speaker, the words after it the content.
            mention = _trim(tokens.between(label[0], label[1]))
            content = Span(label[1] + 1, group.end)
            quote = Quote("direct", content, None, _span(mention), index.resolve(mention))
            quotes.append(quote)
            previous = (quote, group.end)
            continue
        signature = _signature(group, tokens, text)
        if signature is None:
            _attach(group, frames, tokens, text, speech, passages)
        if signature is None and group.frame is None:
            signature = (
                _colon_label(group, tokens, text)
                or _colon_verb(group, tokens, text)
                or _governing_verb(group, tokens)
            )
        start, end = _content_of(group, text)
        frame = group.frame
        if signature is not None:
            speaker_span = _span(group.speaker_tokens)
            speaker = index.resolve(group.speaker_tokens)
            quote = Quote("direct", Span(start, end), signature, speaker_span, speaker)
        elif frame is not None and frame.cue.i in by_cue:
            # A second passage in the sentence of a cue already used ('“A,” X said on “Fox and
            # Friends.” “B.”'): the same speaker goes on, and the passage is not reported speech.
            prior = by_cue[frame.cue.i]
            prior.content = Span(prior.content.start, max(prior.content.end, group.end))
            previous = (prior, group.end)
            continue
        elif frame is not None:
            reported = _span(_trim(frame.content))
            if reported is None or reported.overlaps(Span(start, end)):
                # A frame with content of its own beside the quote ('declaring it “another super
                # Tuesday” and said it was another step closer') still reports that content.
                used.add(frame.cue.i)
            speaker_span = _span(group.speaker_tokens)
            speaker = index.resolve(group.speaker_tokens) if group.speaker_tokens else None
            index.note_speaker(group.speaker_tokens, speaker)
            cue = Span(frame.cue.idx, frame.cue_end.idx + len(frame.cue_end))
            quote = Quote(group.kind, Span(start, end), cue, speaker_span, speaker)
            by_cue[frame.cue.i] = quote
        elif previous is not None and previous[0].kind == "direct" and not text[previous[1] : start].strip():
            # The next paragraph of the same speech, with no cue of its own: PolNeAR (and the
            # reader) takes it as one quote, so the previous quote grows to cover it.
            prior = previous[0]
            prior.content = Span(prior.content.start, max(prior.content.end, end))
            previous = (prior, end)
            continue
        elif (reporter := _reporter_before(start, previous, frames, passages)) is not None:
            # 'Cole said. “That’s exactly ...”': the speaker of reported speech just before.
            mention = _trim(_outside(reporter.speaker, passages))
            quote = Quote("direct", Span(start, end), None, _span(mention), index.resolve(mention))
        elif previous is not None and start - previous[1] <= _CARRY_CHARS:
            # A quote paragraph with no cue continues the speaker of the quote just before it.
            prior = previous[0]
            quote = Quote("direct", Span(start, end), None, prior.speaker_mention, prior.speaker)
        else:
            quote = Quote("direct", Span(start, end))
        quotes.append(quote)
        previous = (quote, end)

    direct = list(quotes)
    for frame in frames:
        if frame.cue.i in used:
            continue
        words = _trim(frame.content)
        reported = _close_over(_span(words), passages)
        if reported is None:
            continue
        inside = [q for q in direct if q.content.overlaps(reported)]
        if inside and not (frame.according and _reports_report(reported, inside, frame)):
            continue
        if reports_nothing(words):
            continue  # "called them", "Says it"
        speaker_tokens = _trim(frame.speaker)
        kind = "mixed" if any(m in reported.text(text) for m in DOUBLE_MARKS) else "indirect"
        quotes.append(
            Quote(
                kind,
                reported,
                Span(frame.cue.idx, frame.cue_end.idx + len(frame.cue_end)),
                _span(speaker_tokens),
                index.resolve(speaker_tokens) if speaker_tokens else None,
            )
        )
    for quote in _headline_quotes(text, tokens, index):
        if not any(q.content.overlaps(quote.content) for q in quotes):
            quotes.append(quote)
    if use_model and (model := quote_model.load()) is not None:
        quotes = combine(quotes, model_quotes(doc, quote_model.predict(doc, model, text), index, text))
    # Quotes inside boilerplate (share bars, teasers of other stories) are not the report's.
    boiler = [Span(r.start, r.end) for r in article.boilerplate if r.end > r.start]
    quotes = [q for q in quotes if not any(b.contains(q.content) for b in boiler)]
    quotes.sort(key=lambda q: (q.content.start, q.content.end))
    return quotes
