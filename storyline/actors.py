"""Actors: dossier aliases, aliases learned from the article, and the entity canonicaliser.

Reads an article, its spaCy ``Doc`` and an optional dossier; adds ``Entity`` objects whose
``canonical`` is the dossier actor's name or a normalised name, and resolves speaker mentions.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .article_aliases import (
    ArticleLessons,
    expand_name,
    learn_from_article,
    looks_like_name,
    normalise_name,
)
from .dossier import Dossier, PhraseMatcher, normalise_phrase
from .model import Article, Entity, Span

ENTITY_LABELS = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC")
_THE_BEFORE = re.compile(r"\b[Tt][Hh][Ee]\s+$")
_KIND_OF_LABEL = {"PERSON": "person", "GPE": "country", "NORP": "group", "LOC": "place", "FAC": "place"}
# An alias found inside a longer spaCy entity of these labels is part of another name
# ("the 2024 Washington Summit", "Priority Ukraine Requirements List"), not a mention of the actor.
_NAME_LABELS = {"EVENT", "FAC", "LAW", "WORK_OF_ART", "PRODUCT", "ORG"}
_PERSON_PRONOUNS = {"he", "she", "him", "her", "his", "hers"}
# How far back (characters) a pronoun looks for its antecedent: a long quote can sit between
# "Fowler said" and the next "he said" (PolNeAR dev).
_PRONOUN_REACH = 1000
_GENDER_WORDS = {"he": "m", "his": "m", "him": "m", "himself": "m", "she": "f", "her": "f", "hers": "f"}
_GROUP_PRONOUNS = {"it", "its", "they", "them", "their", "we", "our"}


@dataclass(frozen=True, slots=True)
class AliasIndex:
    """The dossier's aliases compiled for matching: capitals match by case, the rest ignore it."""

    canonical: dict[str, str]  # normalised alias -> canonical actor name
    kinds: dict[str, str]  # canonical name -> actor kind
    matcher: PhraseMatcher


@dataclass(slots=True)
class Mention:
    """An actor named in the text, with the canonical name it resolves to."""

    start: int
    end: int
    canonical: str
    kind: str  # person | country | organisation | group | place | other
    label: str = ""


@dataclass(slots=True)
class ArticleActors:
    """What an article says about its actors: mentions in order and the aliases it teaches."""

    mentions: list[Mention] = field(default_factory=list)
    lessons: ArticleLessons = field(default_factory=ArticleLessons)
    known: dict[str, str] = field(default_factory=dict)  # the dossier's aliases (normalised -> name)

    @property
    def learned(self) -> dict[str, str]:
        return self.lessons.aliases


def _is_acronym(alias: str) -> bool:
    letters = [c for c in alias if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


@functools.lru_cache(maxsize=16)
def alias_index(dossier: Dossier) -> AliasIndex:
    """The compiled alias index of a dossier (cached; dossiers are frozen)."""
    canonical: dict[str, str] = {}
    kinds: dict[str, str] = {}
    matcher = PhraseMatcher()
    for actor in (*dossier.actors, *dossier.groups):
        kinds[actor.name] = actor.kind
        for alias in (actor.name, *actor.aliases):
            canonical.setdefault(normalise_phrase(alias), actor.name)
            matcher.add(alias, actor.name, ignore_case=not _is_acronym(alias))
    return AliasIndex(canonical=canonical, kinds=kinds, matcher=matcher)


def find_alias_mentions(text: str, index: AliasIndex) -> list[Mention]:
    """Dossier aliases in a text, longest first and without overlaps."""
    return [
        Mention(start, end, name, index.kinds.get(name, "other"))
        for start, end, name in index.matcher.finditer(text)
    ]


def find_actors(article: Article, doc: Any, dossier: Dossier | None) -> ArticleActors:
    """Every actor mention in an article (dossier aliases, spaCy entities, learned aliases).

    Kept on the ``Doc`` (``user_data``) so entities and claims of one article share the work."""
    key = ("storyline.actors", dossier.name if dossier is not None else None, len(article.text))
    user_data = getattr(doc, "user_data", None)
    if isinstance(user_data, dict) and key in user_data:
        return user_data[key]
    found = _find_actors(article, doc, dossier)
    if isinstance(user_data, dict):
        user_data[key] = found
    return found


def _find_actors(article: Article, doc: Any, dossier: Dossier | None) -> ArticleActors:
    # the parsed text: the article's text, possibly cut or blanked outside the paragraphs analysed
    # (storyline.analyse); offsets are the same, so mentions stay offsets into the article's text
    parsed = getattr(doc, "text", None)
    text = parsed if isinstance(parsed, str) else article.text
    index = alias_index(dossier) if dossier is not None else None
    known = dict(index.canonical) if index is not None else {}
    lessons = learn_from_article(doc, known=known)
    # an entity across a paragraph break is a headline run-on ("... Need US Support\n\nThu Feb")
    ents = [e for e in doc.ents if e.end_char <= len(text) and "\n" not in e.text]
    mentions = _Mentions(len(text))
    if index is not None:
        names = [
            (e.start_char, e.end_char)
            for e in ents
            if e.label_ in _NAME_LABELS and normalise_phrase(e.text) not in known
        ]
        for m in find_alias_mentions(text, index):
            inside = any(s <= m.start and m.end <= e and e - s > m.end - m.start for s, e in names)
            if not inside and not _names_something_else(doc, m):
                mentions.append(m)
    free = mentions.free

    for ent in ents:
        if ent.label_ not in ENTITY_LABELS or not free(ent.start_char, ent.end_char):
            continue
        name = normalise_name(ent.text)
        canonical = known.get(normalise_phrase(name)) or lessons.aliases.get(normalise_phrase(name))
        kind = _KIND_OF_LABEL.get(ent.label_, "organisation")
        if canonical is None:
            canonical = expand_name(name, lessons.full_names, at=ent.start_char)
            if canonical != name and canonical in _person_names(lessons):
                # spaCy tags a lone surname as a place or a firm now and then ("Nervo said")
                kind = "person"
        if index is not None and canonical in index.kinds:
            kind = index.kinds[canonical]
        mentions.append(Mention(ent.start_char, ent.end_char, canonical, kind, ent.label_))
    _add_surnames(text, lessons, mentions, free)
    _add_learned_titles(text, lessons, mentions, free)
    found = sorted(mentions.items, key=lambda x: x.start)
    _learn_genders(doc, found, lessons)
    return ArticleActors(mentions=found, lessons=lessons, known=known)


class _Mentions:
    """Mentions being collected, with the characters they already cover (no two overlap)."""

    def __init__(self, size: int) -> None:
        self.items: list[Mention] = []
        self._covered = bytearray(size + 1)

    def free(self, start: int, end: int) -> bool:
        return self._covered.find(1, start, end) == -1

    def append(self, mention: Mention) -> None:
        self.items.append(mention)
        self._covered[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)


def _names_something_else(doc: Any, mention: Mention) -> bool:
    """ "Washington" in "the Washington Summit": an alias modifying a longer proper name (not a person)."""
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    last = span[-1]
    head = last.head
    return (
        last.dep_ == "compound"
        and head.i >= span.end
        and head.pos_ == "PROPN"
        and head.is_title
        and head.ent_type_ != "PERSON"
        and head.i == last.i + 1
    )


def _person_names(lessons: ArticleLessons) -> set[str]:
    return {full for _, full, label in lessons.full_names if label == "PERSON"}


def _learn_genders(doc: Any, mentions: list[Mention], lessons: ArticleLessons) -> None:
    """A person's gender from the pronouns of sentences that name that person alone."""
    votes: dict[str, dict[str, float]] = {}  # name -> gender -> weight
    persons = [m for m in mentions if m.kind == "person"]
    starts = [m.start for m in persons]
    focus: str | None = None
    carried = False
    for sent in doc.sents:
        first, last = bisect_left(starts, sent.start_char), bisect_left(starts, sent.end_char)
        names = {m.canonical for m in persons[first:last]}
        # a sentence naming one person, or naming nobody right after one that did, speaks of them
        if len(names) == 1:
            (focus,) = names
        elif names:
            focus = None
        if focus is None:
            continue
        carried = not names
        for tok in sent:
            gender = _GENDER_WORDS.get(tok.lower_)
            if gender:
                # a pronoun one sentence on may already be someone else's: half a vote
                tally = votes.setdefault(focus, {})
                tally[gender] = tally.get(gender, 0.0) + (0.5 if carried else 1.0)
        if carried:
            focus = None
    for name, tally in votes.items():
        (gender, count), *rest = sorted(tally.items(), key=lambda kv: -kv[1])
        if not rest or count > rest[0][1]:
            lessons.gender.setdefault(name, gender)


def _add_surnames(text: str, lessons: ArticleLessons, mentions: _Mentions, free: Any) -> None:
    """Surnames spaCy left untagged ("Pence", "PENCE") that shorten a person named in full."""
    surnames = {
        normalise_phrase(full.split()[-1]) for _, full, label in lessons.full_names if label == "PERSON"
    }
    surnames = {s for s in surnames if len(s) > 1}
    if not surnames:
        return
    words = "|".join(re.escape(s) for s in sorted(surnames, key=len, reverse=True))
    for m in re.finditer(rf"(?<!\w)(?:{words})(?!\w)", text.replace("’", "'"), re.IGNORECASE):
        word = m.group()
        if (word[0].isupper() and (word.istitle() or word.isupper() and len(word) > 2)) and free(
            m.start(), m.end()
        ):
            name = expand_name(word.title(), lessons.full_names, at=m.start())
            mentions.append(Mention(m.start(), m.end(), name, "person", "PERSON"))


def _add_learned_titles(text: str, lessons: ArticleLessons, mentions: _Mentions, free: Any) -> None:
    """ "the NATO chief", "the senator": learned titles, read only after a determiner."""
    if not lessons.aliases:
        return
    matcher = PhraseMatcher()
    for alias, name in lessons.aliases.items():
        matcher.add(alias, name)
    for start, end, name in matcher.finditer(text):
        # bare, a learned title is as often part of another title ("Deputy Prime Minister")
        the = _THE_BEFORE.search(text, max(0, start - 5), start)
        if the is not None and free(the.start(), end):
            mentions.append(Mention(the.start(), end, name, "person", "TITLE"))


def canonical_entities(article: Article, doc: Any, dossier: Dossier | None) -> list[Entity]:
    """spaCy entities with ``canonical`` set, plus dossier actors found by alias alone."""
    actors = find_actors(article, doc, dossier)
    label_of = {"person": "PERSON", "country": "GPE", "organisation": "ORG", "group": "NORP", "place": "LOC"}
    return [
        Entity(
            start=m.start,
            end=m.end,
            text=article.text[m.start : m.end],
            label=m.label if m.label and m.label != "TITLE" else label_of.get(m.kind, "ORG"),
            canonical=m.canonical,
        )
        for m in actors.mentions
    ]


def resolve_mention(text: str, span: Span, actors: ArticleActors, *, doc: Any = None) -> str | None:
    """The canonical actor a mention (a name, a title, a pronoun) refers to, or None."""
    inside = [m for m in actors.mentions if span.start <= m.start and m.end <= span.end]
    covering = [m for m in actors.mentions if m.start <= span.start and span.end <= m.end]
    if covering:
        return covering[0].canonical
    head_mention = _head_mention(inside, span, doc) if inside else None
    if head_mention is not None:
        return head_mention.canonical
    words = text[span.start : span.end].strip()
    key = normalise_phrase(words)
    if key.startswith("the "):
        key = key[4:]
    if key in actors.lessons.aliases:
        return actors.lessons.aliases[key]
    if key in _PERSON_PRONOUNS or key in _GROUP_PRONOUNS:
        return _antecedent(span, actors, pronoun=key, doc=doc)
    head = key.split()[-1] if key else ""
    if head in actors.lessons.aliases:
        return actors.lessons.aliases[head]
    if words.lower().startswith("the ") and head:
        named = _named_before(span, actors, head)
        if named is not None or not doc:
            return named
        phrase = doc.char_span(span.start, span.end, alignment_mode="expand")
        if phrase is not None and phrase.root.pos_ == "NOUN" and phrase.root.is_lower:
            # a definite role description ("the Vermont senator") names the person in focus
            return _antecedent(span, actors, pronoun="they-person", doc=doc)
    if looks_like_name(words):
        return expand_name(normalise_name(words), actors.lessons.full_names, at=span.start)
    return None


def _head_mention(inside: list[Mention], span: Span, doc: Any) -> Mention | None:
    """Of the mentions inside a long source phrase, the one its head names."""
    if doc is not None:
        phrase = doc.char_span(span.start, span.end, alignment_mode="expand")
        if phrase is not None:
            root = phrase.root
            heads = [root, *(c for c in root.children if c.dep_ == "appos")]
            for tok in heads:
                for m in inside:
                    if m.start <= tok.idx < m.end:
                        return m
    persons = [m for m in inside if m.kind in {"person", "organisation"} and m.label != "NORP"]
    return persons[-1] if persons else None


def _named_before(span: Span, actors: ArticleActors, head: str) -> str | None:
    """ "the commission" -> the nearest earlier organisation whose name holds that word."""
    for m in reversed([m for m in actors.mentions if m.end <= span.start]):
        if m.kind != "person" and head in normalise_phrase(m.canonical).split():
            return m.canonical
    return None


def _antecedent(span: Span, actors: ArticleActors, *, pronoun: str, doc: Any) -> str | None:
    """The nearest earlier actor a pronoun can stand for, preferring recent subjects."""
    person = pronoun in _PERSON_PRONOUNS or pronoun == "they-person"
    gender = _GENDER_WORDS.get(pronoun)
    window = [m for m in actors.mentions if m.end <= span.start and span.start - m.end < _PRONOUN_REACH]
    wanted = {"person"} if person else {"country", "organisation", "group", "place"}
    candidates = [
        m
        for m in window
        if m.kind in wanted and (gender is None or actors.lessons.gender.get(m.canonical, gender) == gender)
    ]
    if not candidates:
        return None
    if doc is not None:
        for m in reversed(candidates[-4:]):
            if _is_subject(doc, m):
                return m.canonical
    return candidates[-1].canonical


def _is_subject(doc: Any, mention: Mention) -> bool:
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return span is not None and any(t.dep_ in {"nsubj", "nsubjpass"} for t in span)


def canonical_name(name: str, actors: ArticleActors) -> str:
    """A name as this article's actors know it ("the former Dutch prime minister" -> Mark Rutte)."""
    key = normalise_phrase(name)
    for m in actors.mentions:
        if normalise_phrase(m.canonical) == key:
            return m.canonical
    bare = key[4:] if key.startswith("the ") else key
    return actors.lessons.aliases.get(bare) or actors.known.get(key) or actors.known.get(bare) or name


def canonical_map(mentions: Iterable[Mention]) -> dict[str, str]:
    """Normalised mention canonical -> canonical name, for stages that take an alias mapping."""
    return {normalise_phrase(m.canonical): m.canonical for m in mentions}
