"""Speaker resolution: a pronoun, a title or description, or a surname to the actor it names.

Reads a parsed Doc once (people, their titles and appositions, sentence subjects); ``resolve``
maps a speaker mention's tokens to a canonical name or, failing that, the mention's own words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # spaCy's types name the arguments only: importing this module loads no model code
    from spacy.tokens import Doc, Span, Token

PERSON_PRONOUNS = frozenset("he she him her i me".split())
PLURAL_PRONOUNS = frozenset("they them we us".split())
# Words that describe anyone and so cannot tell two people apart.
_GENERIC = frozenset("the a an of 's ’s former current new top then his her their its".split())
# Nouns that name a person by their role; such a description may resolve through its other
# words ("NATO's political chief" -> the person titled "NATO Secretary General").
ROLE_NOUNS = frozenset(
    """chief leader president minister secretary premier chancellor spokesman spokeswoman
    spokesperson official senator governor candidate nominee chairman chairwoman chair head
    director ambassador envoy general commander king queen prince mayor lawmaker diplomat""".split()
)
# Entity labels of names that are not people: such a name is the speaker, not a description of a
# person titled by it ("the FBI" is not its general counsel). A nationality or party ("the Republican")
# may describe a person.
_NAMED_NOT_PEOPLE = frozenset({"ORG", "GPE", "FAC", "LOC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"})
# How far back (in characters) a pronoun looks for the person it stands for; one or two
# paragraphs of a news report (calibrated on the seed reports: "he added" follows its quote).
PRONOUN_WINDOW = 1500


@dataclass(slots=True)
class Person:
    name: str
    start: int
    end: int
    descriptors: set[str]


_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv".split())


def _clean_name(tokens: list[Token]) -> str:
    words = [t for t in tokens if t.tag_ != "POS" and t.text not in ("'s", "’s", "'", "’")]
    while words and (words[-1].lower_ in _SUFFIXES or words[-1].is_punct):
        words.pop()
    return " ".join(t.text for t in words).strip(" ,.;:")


def _full_name(ent: Span) -> bool:
    """Whether a person entity reads as a name and nothing else: a proper noun, then capitalised
    words (the tagger takes "Will" of "George Will" for a verb), with no stray punctuation
    ("Pro - Clinton", "Humayun ] Khan")."""
    words = [t for t in ent if not t.is_space and t.tag_ != "POS" and t.text not in ("'s", "\u2019s")]
    while words and words[-1].is_punct:
        words.pop()
    return (
        bool(words)
        and words[0].pos_ == "PROPN"
        and all(t.text[:1].isupper() and not t.is_punct for t in words)
    )


def _phrase(token: Token) -> list[Token]:
    """A noun phrase without the clauses hung on it: in "a Clinton endorser whose district went
    for her but who backs Sanders" the relative clause names somebody else."""
    clauses = {t.i for child in token.children if child.dep_ in ("relcl", "acl") for t in child.subtree}
    return [t for t in token.subtree if t.i not in clauses]


def _content_words(tokens: list[Token]) -> set[str]:
    return {
        t.lower_
        for t in tokens
        if not t.is_punct and not t.is_stop and t.lower_ not in _GENERIC and t.is_alpha
    }


class SpeakerIndex:
    """The people an article names, what it calls them, and who was last the subject."""

    def __init__(
        self,
        doc: Doc,
        *,
        aliases: Mapping[str, str] | None = None,
        quoted: Sequence[tuple[int, int]] = (),
    ) -> None:
        self.doc = doc
        # Subjects inside quotation marks are the quoted speaker's topic, not the reporter's
        # antecedents: '“Cruz is our best debater,” says he' means the last speaker, not Cruz.
        self.quoted = list(quoted)
        self.aliases = {k.lower(): v for k, v in (aliases or {}).items()}
        self.people: list[Person] = []
        self._full_names: dict[str, str] = {}
        self.mentions: list[tuple[int, str]] = []  # (char offset, name) of resolved subjects
        self._read_people()
        self._read_subjects()

    def _read_people(self) -> None:
        persons = [e for e in self.doc.ents if e.label_ == "PERSON"]
        # A surname alone stands for the full name the body of the article writes first, wherever
        # it is written (the recogniser misses some: "CLEVELAND - Donald Trump"); reporters name the
        # other bearers in full ("Eric Trump") when the surname is taken. The headline comes last:
        # it names the story's subject ("Hold Melania Trump to ...", "Senator Endorsed Trump").
        text = self.doc.text
        body = text.find("\n") + 1 or len(text)

        def first_written(name: str) -> int:
            at = text.find(name, body)
            return at if at >= 0 else len(text) + text.find(name)

        for ent in persons:
            name = _clean_name(list(ent))
            parts = name.split()
            if len(parts) < 2 or not _full_name(ent):
                continue
            known = self._full_names.get(parts[-1].lower())
            if known is None or first_written(name) < first_written(known):
                self._full_names[parts[-1].lower()] = name
        for ent in persons:
            name = self.canonical_name(_clean_name(list(ent)))
            if not name:
                continue
            self.people.append(Person(name, ent.start_char, ent.end_char, self._descriptors(ent)))

    def _descriptors(self, ent) -> set[str]:
        """Title words before the name ("NATO chief Mark Rutte") and appositions either side."""
        words: list[Token] = []
        i = ent.start - 1
        while i >= 0 and len(words) < 6:
            tok = self.doc[i]
            if tok.is_punct or tok.pos_ not in ("PROPN", "NOUN", "ADJ", "PART"):
                break
            if "\n" in tok.whitespace_ or tok.sent != ent.sent:
                break
            words.append(tok)
            i -= 1
        root = ent.root
        for child in root.children:
            if child.dep_ == "appos":
                words.extend(_phrase(child))
        if root.dep_ == "appos":
            head = root.head
            words.extend(t for t in _phrase(head) if t.i < ent.start or t.i >= ent.end)
        return _content_words(words)

    def canonical_name(self, name: str) -> str:
        parts = name.split()
        if len(parts) == 1:
            name = self._full_names.get(parts[0].lower(), name)
        return self.aliases.get(name.lower(), name)

    def _person_in(self, tokens: list[Token]) -> str | None:
        """The person a mention names: its head's surname when the head is one ("Corker" after "Bob
        Corker", "Rendell, a Clinton surrogate"), else the person named nearest its head."""
        if not tokens:
            return None
        # The first person of "Sanders campaign spokesman Michael Briggs" is the campaign,
        # the last is the speaker: take the person nearest the mention's syntactic head.
        head = min(tokens, key=lambda t: t.i if t.head not in tokens or t.head is t else 10**9)
        named = any(c.dep_ in ("compound", "flat") and c.pos_ == "PROPN" for c in head.children)
        if head.pos_ == "PROPN" and not named and not any(p.start <= head.idx < p.end for p in self.people):
            # a surname alone ("Ivanka Trump" and "North Korea" are not) that spaCy did not tag as a
            # person, which no description of somebody else may take
            surname = self._full_names.get(head.lower_)
            if surname:
                return surname
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
        inside = [p for p in self.people if start <= p.start and p.end <= end]
        if not inside:
            return None
        return min(inside, key=lambda p: abs(p.start - head.idx)).name

    def _described(self, tokens: list[Token]) -> str | None:
        """The person a description names: its head noun must be one of their titles, or a
        role noun ("the NATO chief") sharing another word with their titles."""
        words = _content_words(tokens)
        heads = [t for t in tokens if t.head not in tokens or t.head is t]
        if not words or not heads or heads[0].pos_ not in ("NOUN", "PROPN"):
            return None
        if heads[0].ent_type_ in _NAMED_NOT_PEOPLE:
            return None  # "the FBI", "Judicial Watch" speak as themselves, not as a person titled by them
        head = heads[0].lower_
        at = tokens[0].idx
        best: tuple[int, int, str] | None = None
        for person in self.people:
            overlap = len(words & person.descriptors)
            if overlap == 0 or (head not in person.descriptors and head not in ROLE_NOUNS):
                continue
            # Prefer more shared words, then the person named nearest before the mention.
            distance = at - person.start if person.start <= at else 10**6 + person.start
            key = (overlap, -distance, person.name)
            if best is None or key[:2] > best[:2]:
                best = key
        if best:
            return best[2]
        if head in ROLE_NOUNS and tokens[0].lower_ == "the":
            # "The former Dutch prime minister" with no title to match: news reports vary the
            # name of their protagonist, so take the person the article has named most so far.
            counts: dict[str, int] = {}
            for person in self.people:
                if person.start < at:
                    counts[person.name] = counts.get(person.name, 0) + 1
            if counts:
                return max(counts.items(), key=lambda kv: kv[1])[0]
        return None

    def _antecedent(self, at: int) -> str | None:
        """The person a pronoun at ``at`` stands for: the latest resolved subject, else person."""
        subjects = [name for pos, name in self.mentions if at - PRONOUN_WINDOW <= pos < at]
        if subjects:
            return subjects[-1]
        people = [p for p in self.people if at - PRONOUN_WINDOW <= p.start < at]
        return people[-1].name if people else None

    def note_speaker(self, tokens: list[Token], name: str | None) -> None:
        """Record a quote's resolved speaker at its mention, a strong antecedent for pronouns."""
        if tokens and name:
            self.mentions.append((tokens[0].idx, name))
            self.mentions.sort(key=lambda m: m[0])

    def resolve(self, tokens: list[Token]) -> str | None:
        """The canonical name behind a speaker mention, or its own words when none is found."""
        words = [t for t in tokens if not t.is_punct and not t.is_space]
        if not words:
            return None
        if len(words) == 1 and words[0].tag_ in ("WP", "WDT") and words[0].head.dep_ == "relcl":
            # "Smith, who said ...": who stands for the noun phrase the relative clause hangs on.
            clause = {t.i for t in words[0].head.subtree}
            words = [t for t in words[0].head.head.subtree if t.i not in clause and not t.is_punct]
            if not words:
                return None
        text = _clean_name(words)
        if text.lower() in self.aliases:
            return self.aliases[text.lower()]
        if len(words) == 1 and words[0].lower_ in PERSON_PRONOUNS | PLURAL_PRONOUNS:
            if words[0].lower_ in PLURAL_PRONOUNS:
                return None
            return self._antecedent(words[0].idx)
        name = self._person_in(words) or self._described(words)
        if name:
            return self.canonical_name(name)
        if len(words) > 2 and words[0].lower_ == "the" and all(t.pos_ == "PROPN" for t in words[1:]):
            # "The Washington Post" and "the Washington Post" are one speaker: "Washington Post" (a
            # one-word name keeps its article: "The Hill", "The Post", "the Texan").
            text = _clean_name(words[1:])
        return self.canonical_name(text)

    def _subject_person(self, token: Token) -> str | None:
        """The person a sentence subject names: a he/she, a person's name, or their title."""
        if token.tag_ in ("NNS", "NNPS"):
            return None
        if token.lower_ in PERSON_PRONOUNS:
            return self._antecedent(token.idx)
        named = [p for p in self.people if p.start <= token.idx < p.end]
        if named:
            return named[0].name
        if token.pos_ == "NOUN":
            return self._described([t for t in token.subtree if t.i <= token.i])
        return None

    def _read_subjects(self) -> None:
        """Resolve every person subject in text order, so later pronouns can refer back."""
        for token in self.doc:
            if token.dep_ not in ("nsubj", "nsubjpass"):
                continue
            if any(start <= token.idx < end for start, end in self.quoted):
                continue
            # Only main-clause subjects are antecedents: in "after Donald Trump undercut
            # Washington's allies" Trump is not who the next "he added" means (seed report 000).
            verb = token.head
            while verb.dep_ == "conj" and verb.head is not verb:
                verb = verb.head
            if verb.dep_ != "ROOT":
                continue
            name = self._subject_person(token)
            if name:
                self.mentions.append((token.idx, name))
