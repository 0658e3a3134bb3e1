"""What one article teaches about its actors: titles, appositions, full names and genders.

Reads a spaCy ``Doc``; returns learned aliases ("the NATO chief" -> Mark Rutte), the full names
that surnames shorten, and the grammatical gender pronouns show for each person.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .dossier import normalise_phrase

_TITLE_DEPS = {"compound", "amod", "nmod", "poss", "case", "punct"}
# Abbreviated titles and the noun a later description uses ("Sen. Graham" ... "the senator").
TITLE_NOUNS = {
    "sen.": "senator",
    "sen": "senator",
    "rep.": "representative",
    "gov.": "governor",
    "gov": "governor",
    "lt.": "lieutenant",
    "gen.": "general",
    "del.": "delegate",
    "dr.": "doctor",
    "pres.": "president",
}
HONORIFICS = {"mr": "m", "mr.": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f"}
_GENDER_WORDS = {
    "he": "m",
    "his": "m",
    "him": "m",
    "himself": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
    "herself": "f",
}
_PARTICLES = {"de", "da", "di", "del", "van", "von", "der", "le", "la", "al", "el", "bin", "mac", "st.", "o'"}
_NAME_TOKEN = re.compile(r"^[A-Z][\w'’.-]*$")


class FullNames:
    """The full names an article gives (people and organisations), indexed by their last word."""

    def __init__(self) -> None:
        self._items: list[tuple[int, str, str]] = []
        self._by_last: dict[str, list[tuple[int, str, list[str]]]] = {}

    def append(self, item: tuple[int, str, str]) -> None:
        self._items.append(item)
        words = normalise_phrase(item[1]).split()
        if words:
            self._by_last.setdefault(words[-1], []).append((item[0], item[1], words))

    def __iter__(self) -> Iterator[tuple[int, str, str]]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def ending_with(self, tail: list[str]) -> list[tuple[int, str]]:
        return [
            (off, full)
            for off, full, words in self._by_last.get(tail[-1], ())
            if len(words) > len(tail) and words[-len(tail) :] == tail
        ]


@dataclass(slots=True)
class ArticleLessons:
    """Aliases, full names and genders learned from one article."""

    aliases: dict[str, str] = field(default_factory=dict)  # normalised title/description -> name
    full_names: FullNames = field(default_factory=FullNames)  # (offset, name, label)
    gender: dict[str, str] = field(default_factory=dict)  # name -> "m" | "f"


def normalise_name(text: str) -> str:
    """A readable canonical form of a name: no leading article, possessive or honorific."""
    words = text.replace("’", "'").replace("\xa0", " ").split()
    while words and (words[0].lower() in {"the", "a", "an"} or words[0].lower() in HONORIFICS):
        words = words[1:]
    name = " ".join(words)
    if name.endswith("'s"):
        name = name[:-2]
    elif name.endswith("'"):
        name = name[:-1]
    name = re.sub(r"\s*\([^)]*\)$", "", name)  # "Graham (R-S.C.)"
    return name.strip(" ,.;:\"'") or text.strip()


def expand_name(name: str, full_names: FullNames, *, at: int) -> str:
    """The full name a short one stands for ("Rutte" -> "Mark Rutte"), nearest earlier first."""
    words = normalise_phrase(name).split()
    # only a surname ("Rutte", "de Blasio") shortens a full name; "Hillary Clinton" is one already
    if not words or len(words) > 2 or len(words) == 2 and words[0] not in _PARTICLES:
        return name
    matches = full_names.ending_with(words)
    if not matches:
        return name
    before = [m for m in matches if m[0] <= at]
    return (before[-1] if before else matches[0])[1]


def _title_before(doc: Any, ent: Any) -> Any | None:
    """The title words right before a name ("NATO chief" Mark Rutte), as a span, or None."""
    start = ent.start
    inside = set(range(ent.start, ent.end))
    i = ent.start - 1
    while i >= 0:
        tok = doc[i]
        if tok.is_punct and tok.text not in {"-", "‐", "."}:
            break
        if tok.dep_ not in _TITLE_DEPS or tok.pos_ in {"VERB", "AUX", "ADP", "PRON", "DET"}:
            break
        if not ({a.i for a in tok.ancestors} & inside) and tok.head.i not in range(i + 1, ent.end):
            break
        start = i
        i -= 1
    if start == ent.start:
        return None
    title = doc[start : ent.start]
    if not any(t.is_alpha and t.ent_type_ != "PERSON" for t in title):
        return None
    return title


def learn_from_article(doc: Any, *, known: dict[str, str]) -> ArticleLessons:
    """Aliases ("title + name", "X, the Y"), full names and genders an article teaches."""
    lessons = ArticleLessons()
    ambiguous: set[str] = set()

    def teach(alias: str, name: str) -> None:
        key = normalise_phrase(alias)
        if key.startswith("the "):
            key = key[4:]
        if not key or key in known or len(key) < 3:
            return
        if lessons.aliases.get(key, name) != name:
            ambiguous.add(key)
        lessons.aliases[key] = name

    persons = [e for e in doc.ents if e.label_ == "PERSON" and "\n" not in e.text]
    for ent in doc.ents:
        name = normalise_name(ent.text)
        if ent.label_ in {"PERSON", "ORG"} and len(name.split()) >= 2 and "\n" not in ent.text:
            lessons.full_names.append((ent.start_char, known.get(normalise_phrase(name), name), ent.label_))
    for ent in persons:
        name = _resolved(normalise_name(ent.text), lessons.full_names, known, ent.start_char)
        title = _title_before(doc, ent)
        if title is not None:
            teach(title.text, name)
            last = title[-1]
            head = TITLE_NOUNS.get(last.text.lower())
            if head:
                teach(head, name)
            elif last.pos_ in {"NOUN", "PROPN"} and last.is_alpha and doc[last.i - 1].text not in {"-", "‐"}:
                # a lone role noun ("chief", "Mayor", "nominee") is a title; "General" of
                # "Secretary-General" is not
                teach(last.text, name)
            honorific = HONORIFICS.get(title[0].text.lower())
            if honorific:
                lessons.gender.setdefault(name, honorific)
        _learn_appositions(doc, ent, name, teach)
    for key in ambiguous:
        lessons.aliases.pop(key, None)
    return lessons


def _learn_appositions(doc: Any, ent: Any, name: str, teach: Any) -> None:
    """ "Mark Rutte, the NATO chief," and "the NATO chief, Mark Rutte," teach "NATO chief"."""
    for tok in ent:
        for child in tok.children:
            if (
                child.dep_ == "appos"
                and child.i > ent.end
                and doc[ent.end].text == ","
                and child.ent_type_ != "PERSON"
                and doc[child.left_edge.i].dep_ == "det"
            ):
                sub = doc[child.left_edge.i : child.i + 1]
                if len(sub) <= 6:
                    teach(sub.text, name)
                    teach(child.text, name)
    root = ent.root
    if (
        root.dep_ == "appos"
        and root.head.i < ent.start
        and root.head.ent_type_ == ""
        and doc[ent.start - 1].text == ","
    ):
        head = root.head
        sub = doc[head.left_edge.i : head.i + 1]
        if len(sub) <= 6 and head.pos_ == "NOUN":
            teach(sub.text, name)
            teach(head.text, name)


def _resolved(name: str, full_names: FullNames, known: dict[str, str], at: int) -> str:
    key = normalise_phrase(name)
    if key in known:
        return known[key]
    return expand_name(name, full_names, at=at)


def looks_like_name(words: str) -> bool:
    """Whether a phrase is written like a proper name (every word capitalised)."""
    parts = words.replace("’", "'").split()
    return bool(parts) and all(_NAME_TOKEN.match(p) for p in parts)
