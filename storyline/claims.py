"""Claims: who commits, offers, proposes, conditions, refuses, opposes, supports or demands what.

Reads an article, its spaCy ``Doc``, a dossier and the article's quotes; returns ``Claim`` objects
(actor, stance, kind, layer, topic, quantity, condition, negation, modality, date, evidence, reporter).
The cascade per sentence: kinds of commitment -> stance -> actor (subject, possessor, list, reporter)
-> quantity, condition, modality, negation -> layer, topic, date. docs/dossiers.md explains each step.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .actors import ArticleActors, Mention, canonical_name, find_actors, resolve_mention
from .claim_parts import find_conditions, find_modality, find_quantities, is_negated
from .dossier import Dossier, PhraseMatcher, phrase_matcher
from .model import Article, Claim, Quantity, Quote, Span

# Verbs that report what someone else holds: their subject is the reporter, not the actor.
_REPORTING_BASES = """say tell report add note insist stress emphasize emphasise acknowledge praise highlight
announce warn explain outline state claim believe expect recall reiterate indicate maintain argue suggest
affirm confirm signal welcome write tweet declare reveal lament value underscore""".split()


def _inflections(base: str) -> set[str]:
    stem = base[:-1] if base.endswith("e") else base
    third = base + ("es" if base.endswith(("s", "sh", "ch", "x", "z")) else "s")
    return {base, third, stem + "ed", stem + "ing", base + "d", base + "led", base + "ling"}


# Verbs of saying in every surface form: the pipeline may run without a lemmatizer (storyline.nlp).
_REPORTING = frozenset(
    {form for base in _REPORTING_BASES for form in _inflections(base)}
    | {"said", "told", "wrote", "written", "made", "makes", "make", "making"}
)
_CURRENCIES = {"USD", "EUR", "GBP"}
_REPRESENTED = {"country", "government", "administration", "nation", "state", "organisation", "organization"}
_PRONOUNS = {"it", "they", "he", "she", "we", "i", "its", "their", "his", "her"}
_LIST_CUE = re.compile(
    r"\b(?:countries|nations|allies|members|states|governments)?\s*(?:like|including|such as)\s",
    re.IGNORECASE,
)
# What a negated stance turns into when the dossier does not say (commits -> refuses).
_LIST_GAP = re.compile(r"[\s,]*(?:(?:and|or)\s+)?(?:the\s+)?", re.IGNORECASE)
# A stance word further than this (characters) from the kind of commitment is about something else;
# calibrated on the seed reports, where the farthest true pair ("plans to ... F-35") is ~70 apart.
_STANCE_REACH = 100
_NAME_LABELS = {"ORG", "EVENT", "LAW", "WORK_OF_ART", "FAC"}
_NEGATED_DEFAULT = {"commits": "refuses", "offers": "refuses", "supports": "opposes", "proposes": "opposes"}
_DEMAND_PHRASES = re.compile(r"\b(?:need|needs|needed|must|has to|have to|would need)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    id: str


@dataclass(frozen=True, slots=True)
class _Matchers:
    kinds: PhraseMatcher
    stances: PhraseMatcher
    layers: PhraseMatcher
    topics: PhraseMatcher
    actor_names: frozenset[str]


@functools.lru_cache(maxsize=16)
def _matchers(dossier: Dossier) -> _Matchers:
    def compiled(items: Any) -> PhraseMatcher:
        return phrase_matcher([(signal, item.id) for item in items for signal in item.signals])

    return _Matchers(
        kinds=compiled(dossier.kinds),
        stances=compiled(dossier.stances),
        layers=compiled(dossier.layers),
        topics=compiled(dossier.topics),
        actor_names=frozenset(a.name for a in (*dossier.actors, *dossier.groups)),
    )


def _hits(matcher: PhraseMatcher, text: str, start: int, end: int) -> list[_Hit]:
    """Signal matches in ``text[start:end]``, longest first, without overlaps."""
    return [_Hit(s, e, ident) for s, e, ident in matcher.finditer(text, start, end)]


def find_claims(article: Article, doc: Any, dossier: Dossier, *, quotes: Sequence[Quote] = ()) -> list[Claim]:
    """The claims an article makes under a dossier schema, one or more per sentence that signals one."""
    text = article.text
    matchers = _matchers(dossier)
    actors = find_actors(article, doc, dossier)
    body = article.body or [Span(0, len(text))]
    parsed = doc.text  # built by spaCy on each access: read once
    claims: list[Claim] = []
    for sent in doc.sents:
        start, end = sent.start_char, min(sent.end_char, len(text))
        # a sentence counts when it reaches into the body: a dateline before it is not body text;
        # one the parser saw blank (outside the paragraphs analysed) does not
        if not any(b.start < end and start < b.end for b in body) or not parsed[start:end].strip():
            continue
        claims.extend(_sentence_claims(article, doc, sent, dossier, matchers, actors, quotes))
    return claims


def _sentence_claims(
    article: Article,
    doc: Any,
    sent: Any,
    dossier: Dossier,
    matchers: _Matchers,
    actors: ArticleActors,
    quotes: Sequence[Quote],
) -> list[Claim]:
    text = article.text
    start, end = sent.start_char, min(sent.end_char, len(text))
    kinds = _hits(matchers.kinds, text, start, end)
    layers = _hits(matchers.layers, text, start, end)
    if not kinds:
        kinds = [_Hit(h.start, h.end, la.kind) for h in layers if (la := dossier.layer(h.id)) and la.kind]
    if not kinds:
        return []
    stances = _hits(matchers.stances, text, start, end)
    if not stances:
        return []
    conditions = find_conditions(text, Span(start, end))
    reporter, reporter_span = _reporter(text, doc, sent, actors, quotes)
    names = [Span(e.start_char, e.end_char) for e in sent.ents if e.label_ in _NAME_LABELS]
    stances = [
        s
        for s in stances
        if not _inside(s, conditions) and not _inside(s, names) and not _is_reporting_hit(doc, s)
    ]
    kinds = [k for k in kinds if not _inside(k, names)]
    # a claim's actor is a dossier actor or a named person; "the measures" or "Western officials" are not
    mentions = [
        m
        for m in actors.mentions
        if start <= m.start < end and (m.canonical in matchers.actor_names or m.kind == "person")
    ]
    if reporter is not None and reporter not in matchers.actor_names and not _is_person(reporter, mentions):
        reporter_actor = False
    else:
        reporter_actor = reporter is not None
    evidence = _trimmed(text, start, end)
    out: list[Claim] = []
    seen: set[tuple[str, str, str]] = set()
    used_quantities: set[int] = set()
    for hit in kinds:
        near = [s for s in stances if _distance(s, hit) <= _STANCE_REACH]
        if _inside(hit, conditions) or not near:
            continue
        stance_hit = min(near, key=lambda s: (_distance(s, hit), s.start > hit.start))
        who = _claim_actors(
            text,
            doc,
            hit,
            mentions,
            actors,
            reporter if reporter_actor else None,
            reporter_span,
            conditions,
            dossier,
        )
        if not who:
            continue
        stance = stance_hit.id
        clause = _clause_tokens(doc, stance_hit, hit)
        negated = is_negated(clause)
        definition = dossier.stance(stance)
        if negated and definition is not None and not _negation_in_signal(text, stance_hit):
            stance = definition.negated or _NEGATED_DEFAULT.get(stance, stance)
        modality = find_modality(clause)
        object_text = _object_of(text, doc, hit, dossier)
        if stance == "demands" and _DEMAND_PHRASES.search(text[stance_hit.start : stance_hit.end]):
            # "the US would need to provide a backstop", said by Britain: Britain demands it of the US
            if reporter is not None and reporter not in {m.canonical for m in who}:
                object_text = f"{', '.join(m.canonical for m in who)}: {object_text}"
                who = (
                    [Mention(reporter_span.start, reporter_span.end, reporter, "person")]
                    if reporter_span
                    else []
                )
        kind = dossier.kind(hit.id)
        quantity = _quantity(text, Span(start, end), hit, kind.unit if kind else None, used_quantities)
        condition = _nearest_condition(text, conditions, hit)
        layer = _layer_of(hit, layers, kind, who, dossier)
        topic = _topic_of(text, matchers, start, end, hit, kind)
        for mention in who:
            key = (mention.canonical, stance, hit.id)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                Claim(
                    actor=mention.canonical,
                    stance=stance,
                    evidence=evidence,
                    kind=hit.id,
                    object=object_text,
                    layer=layer,
                    topic=topic,
                    quantity=quantity,
                    condition=condition,
                    negated=negated,
                    modality=modality,
                    date=_date_of(article, evidence),
                    reported_by=reporter if reporter != mention.canonical else None,
                    actor_mention=Span(mention.start, mention.end),
                )
            )
    return out


def _object_of(text: str, doc: Any, hit: _Hit, dossier: Dossier) -> str:
    """What is committed: the signal when it names a thing ("reassurance force"), else the kind's
    name ("contributed" -> "funding")."""
    toks = _tokens(doc, hit.start, hit.end)
    kind = dossier.kind(hit.id)
    if kind is not None and toks and not any(t.pos_ in {"NOUN", "PROPN", "NUM"} for t in toks):
        return kind.name[0].lower() + kind.name[1:]
    return text[hit.start : hit.end]


def _is_person(name: str, mentions: list[Mention]) -> bool:
    return any(m.canonical == name and m.kind == "person" for m in mentions)


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end)


def _inside(hit: _Hit | Mention, spans: list[Span]) -> bool:
    return any(s.start <= hit.start and hit.end <= s.end for s in spans)


def _distance(a: _Hit, b: _Hit) -> int:
    if a.start < b.end and b.start < a.end:
        return 0
    return b.start - a.end if a.end <= b.start else a.start - b.end


def _tokens(doc: Any, start: int, end: int) -> list[Any]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


def _is_reporting_hit(doc: Any, hit: _Hit) -> bool:
    """A stance word used as the verb of saying ("insists that ...") frames, it does not claim."""
    toks = _tokens(doc, hit.start, hit.end)
    return (
        len(toks) == 1
        and toks[0].lower_ in _REPORTING
        and any(c.dep_ in {"ccomp", "parataxis"} for c in toks[0].children)
    )


def _negation_in_signal(text: str, hit: _Hit) -> bool:
    words = re.findall(r"[\w']+", text[hit.start : hit.end].lower())
    return any(w in {"no", "not", "never", "won't", "refuse"} for w in words)


def _clause_tokens(doc: Any, stance: _Hit, kind: _Hit) -> list[Any]:
    """The tokens from a little before the stance or kind to the later of the two."""
    first = min(stance.start, kind.start)
    last = max(stance.end, kind.end)
    toks = _tokens(doc, first, last)
    if not toks:
        return []
    before = doc[max(toks[0].sent.start, toks[0].i - 4) : toks[0].i]
    return [*before, *toks]


def _reporter(
    text: str, doc: Any, sent: Any, actors: ArticleActors, quotes: Sequence[Quote]
) -> tuple[str | None, Span | None]:
    """Who reports the sentence: the quote's speaker, or the subject of a verb of saying in it."""
    for quote in quotes:
        overlap = min(sent.end_char, quote.content.end) - max(sent.start_char, quote.content.start)
        # a sentence mostly inside a quote is the speaker's; one that merely starts in it is not
        if quote.speaker and overlap * 2 > sent.end_char - sent.start_char:
            span = quote.speaker_mention or quote.content
            name = (
                resolve_mention(text, quote.speaker_mention, actors, doc=doc)
                if quote.speaker_mention
                else None
            )
            return name or canonical_name(quote.speaker, actors), span
    quoted = _quoted_regions(sent.text, sent.start_char)
    # the verb of saying outside the quote marks frames the sentence ("...," Rutte said)
    sayers = [t for t in sent if _is_saying(t)]
    for tok in sorted(sayers, key=lambda t: (any(q.start <= t.idx < q.end for q in quoted), _depth(t))):
        if (
            not any(c.dep_ in {"ccomp", "dobj", "xcomp", "parataxis"} for c in tok.children)
            and tok.dep_ != "parataxis"
        ):
            continue
        subject = next((c for c in tok.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subject is None and tok.dep_ in {"conj", "advcl"} and _is_saying(tok.head):
            subject = next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
        if subject is None:
            continue
        phrase = doc[subject.left_edge.i : subject.right_edge.i + 1]
        span = Span(phrase.start_char, phrase.end_char)
        name = resolve_mention(text, Span(subject.idx, subject.idx + len(subject.text)), actors, doc=doc)
        return (name or phrase.text), span
    return None, None


def _quoted_regions(sentence: str, offset: int) -> list[Span]:
    regions = []
    for m in re.finditer(r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)", sentence):
        regions.append(Span(offset + m.start(), offset + m.end()))
    return regions


def _depth(tok: Any) -> int:
    depth = 0
    while tok.head is not tok and depth < 50:
        tok = tok.head
        depth += 1
    return depth


def _is_saying(tok: Any) -> bool:
    word = tok.lower_
    if word in {"make", "makes", "made", "making"}:
        return any(c.lower_ == "clear" for c in tok.children)
    return word in _REPORTING and tok.pos_ in {"VERB", "AUX"}


def _claim_actors(
    text: str,
    doc: Any,
    hit: _Hit,
    mentions: list[Mention],
    actors: ArticleActors,
    reporter: str | None,
    reporter_span: Span | None,
    conditions: list[Span],
    dossier: Dossier,
) -> list[Mention]:
    """The actors a kind of commitment belongs to: subject or possessor, else the nearest named."""
    usable = [
        m
        for m in mentions
        if not _inside(m, conditions)
        and not (reporter_span and reporter_span.start <= m.start < reporter_span.end)
    ]
    chosen = _syntactic_owner(text, doc, hit, usable, actors, dossier)
    if not chosen:
        before = [m for m in usable if m.end <= hit.start]
        if before:
            chosen = _coordinated(doc, before[-1], usable)
        elif reporter is not None and reporter_span is not None:
            chosen = [Mention(reporter_span.start, reporter_span.end, reporter, "person")]
        else:
            after = [m for m in usable if m.start >= hit.end]
            chosen = _coordinated(doc, after[0], usable) if after else []
    return _expand_lists(text, chosen, usable, end=max((m.end for m in usable), default=hit.end))


def _syntactic_owner(
    text: str, doc: Any, hit: _Hit, usable: list[Mention], actors: ArticleActors, dossier: Dossier
) -> list[Mention]:
    """The subject of the verb, or the possessor of the noun, that governs the kind of commitment."""
    toks = _tokens(doc, hit.start, hit.end)
    if not toks:
        return []
    tok = toks[0]
    for step in range(8):
        # the possessor of the kind itself is its beneficiary ("Ukraine's membership"); of a stance
        # noun higher up, its holder ("Washington's readiness to be part of the guarantees")
        deps = {"nsubj", "nsubjpass"} if step == 0 else {"nsubj", "nsubjpass", "poss"}
        agent = next((c for c in tok.children if c.dep_ == "agent"), None)
        by = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
        owner = by or next(
            (c for c in tok.children if c.dep_ in deps and c.i not in {t.i for t in toks}), None
        )
        if owner is not None:
            found = [m for m in usable if m.start <= owner.idx < m.end] or _of_whom(owner, usable)
            if found:
                return _coordinated(doc, found[0], usable)
            represented = _their_country(text, doc, owner, actors, dossier)
            if represented is not None:
                return [represented]
            if owner.lower_ in _PRONOUNS:
                sayer = _sayer(tok, usable)
                if sayer:
                    return sayer
                name = resolve_mention(text, Span(owner.idx, owner.idx + len(owner)), actors, doc=doc)
                if name:
                    return [Mention(owner.idx, owner.idx + len(owner), name, "other")]
            if tok.pos_ in {"VERB", "AUX"}:
                return []
        if _is_saying(tok) or tok.head is tok:
            return []
        tok = tok.head
    return []


def _their_country(
    text: str, doc: Any, owner: Any, actors: ArticleActors, dossier: Dossier
) -> Mention | None:
    """ "her country opposes ...": the country the person behind the pronoun represents."""
    if owner.lower_ not in _REPRESENTED:
        return None
    pronoun = next((c for c in owner.children if c.dep_ == "poss" and c.lower_ in _PRONOUNS), None)
    if pronoun is None:
        return None
    person = resolve_mention(text, Span(pronoun.idx, pronoun.idx + len(pronoun)), actors, doc=doc)
    actor = dossier.actor_by_name(person) if person else None
    country = dossier.actor(actor.represents) if actor is not None and actor.represents else None
    if country is None:
        return None
    return Mention(owner.left_edge.idx, owner.idx + len(owner), country.name, country.kind)


def _of_whom(owner: Any, usable: list[Mention]) -> list[Mention]:
    """ "Defence ministers of the northern coalition pledged": the coalition pledged."""
    for prep in owner.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                found = [m for m in usable if m.start <= obj.idx < m.end]
                if found and obj.dep_ == "pobj":
                    return found
    return []


def _sayer(tok: Any, usable: list[Mention]) -> list[Mention]:
    """ "allies are saying they will not give their consent": "they" are the sayers."""
    head = tok.head
    if head is tok or not _is_saying(head):
        return []
    subject = next((c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is None:
        return []
    return [
        m
        for m in usable
        if subject.left_edge.idx <= m.start < subject.right_edge.idx + len(subject.right_edge)
    ]


def _coordinated(doc: Any, mention: Mention, usable: list[Mention]) -> list[Mention]:
    """A mention and the mentions coordinated with it ("Britain and France")."""
    toks = _tokens(doc, mention.start, mention.end)
    if not toks:
        return [mention]
    root = toks[-1]
    group = {root.i, *(c.i for c in root.conjuncts)}
    out = [m for m in usable if any(m.start <= doc[i].idx < m.end for i in group)]
    return out or [mention]


def _expand_lists(text: str, chosen: list[Mention], usable: list[Mention], *, end: int) -> list[Mention]:
    """ "allies ..., countries like Hungary, the United States, Slovakia": the listed actors."""
    if len(chosen) != 1 or chosen[0].kind not in {"group", "other"}:
        return chosen
    for m in _LIST_CUE.finditer(text, chosen[0].end, end):
        listed: list[Mention] = []
        position = m.end()
        for u in usable:
            if u.start < position:
                continue
            if not _LIST_GAP.fullmatch(text[position : u.start]):
                break
            listed.append(u)
            position = u.end
        if listed:
            return listed
        break
    return chosen


def _quantity(text: str, sentence: Span, hit: _Hit, unit: str | None, used: set[int]) -> Quantity | None:
    """The quantity nearest the kind that counts in the kind's unit (any currency for money)."""
    if not unit:
        return None
    found = [
        (span, quantity)
        for span, quantity in find_quantities(text, sentence, count_unit=unit)
        if span.start not in used and _fits(quantity.unit, unit)
    ]
    if not found:
        return None
    span, quantity = min(found, key=lambda x: _distance(_Hit(x[0].start, x[0].end, ""), hit))
    used.add(span.start)
    return quantity


def _fits(found: str, wanted: str) -> bool:
    if found == wanted:
        return True
    if wanted in _CURRENCIES:
        return found in _CURRENCIES
    return wanted == "percent_gdp" and found == "percent"


def _nearest_condition(text: str, conditions: list[Span], hit: _Hit) -> str | None:
    if not conditions:
        return None
    span = min(conditions, key=lambda c: _distance(_Hit(c.start, c.end, ""), hit))
    return text[span.start : span.end]


def _layer_of(hit: _Hit, layers: list[_Hit], kind: Any, who: list[Mention], dossier: Dossier) -> str | None:
    if layers:
        return min(layers, key=lambda la: _distance(la, hit)).id
    if kind is not None and kind.layer:
        return kind.layer
    for mention in who:
        actor = dossier.actor_by_name(mention.canonical)
        if actor is not None and actor.layer:
            return actor.layer
    return None


def _topic_of(text: str, matchers: _Matchers, start: int, end: int, hit: _Hit, kind: Any) -> str | None:
    topics = _hits(matchers.topics, text, start, end)
    if topics:
        return min(topics, key=lambda t: _distance(t, hit)).id
    return kind.topic if kind is not None else None


def _date_of(article: Article, evidence: Span) -> str | None:
    """The article's date, or a day named in the sentence (a resolved time expression) before it."""
    published = article.published.value if article.published else None
    for timex in article.timex:
        if (
            timex.type == "DATE"
            and evidence.start <= timex.start < evidence.end
            and re.fullmatch(r"\d{4}-\d\d-\d\d", timex.value or "")
            and (published is None or timex.value <= published)
        ):
            return timex.value
    return published
