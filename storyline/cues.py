"""Attribution cues: the verbs and phrases that report speech or thought, read off a parsed Doc.

Reads spaCy tokens; yields ``Frame`` objects (cue, speaker tokens, content tokens) for quotes.py.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc, Span, Token

# Verbs that report what someone said, wrote or thinks, whatever the corpus says: the issue's
# list and the commonest speech verbs. Kept as lemmas and inflected below, because the pipeline
# runs without spaCy's lemmatizer (nlp.get_nlp drops it for speed).
SPEECH_LEMMAS = """say tell add write ask note report announce suggest tweet argue explain declare
    acknowledge warn insist claim state stress emphasize emphasise predict promise vow pledge
    caution complain recall remark observe comment conclude testify urge joke quip boast
    counter concede admit confirm deny assert contend maintain reply respond answer mention
    reveal indicate estimate allege speculate recount shout exclaim whisper proclaim propose
    recommend assure reassure inform reiterate repeat underline underscore affirm lament
    retort scoff tout hint disclose opine posit concur demand yell chant scream plead""".split()
_IRREGULAR = {
    "say": ("said",),
    "tell": ("told",),
    "write": ("wrote", "written"),
    "think": ("thought",),
    "speak": ("spoke", "spoken"),
}
# The learned lexicon: verb forms that cue attributions in PolNeAR's train split, how often,
# and how their content hangs off them (built by training/quotes/learn_cues.py).
LEXICON_PATH = Path(__file__).with_name("cue_lexicon.tsv")
# A learned form is a cue when at least this share of its train occurrences cue a relation;
# calibrated on PolNeAR train (lower lets in "have"/"get"-like verbs, higher drops "called").
_MIN_CUE_SHARE = 0.3
_MIN_CUE_COUNT = 3


def inflect(lemma: str) -> set[str]:
    """The forms of a regular English verb (plus the irregular ones listed above)."""
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    ies = lemma.endswith("y") and lemma[-2:-1] not in "aeiou"
    third = lemma[:-1] + "ies" if ies else lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x")) else "s")
    past = lemma[:-1] + "ied" if ies else stem + "ed"
    forms = {lemma, third, past, stem + "ing"}
    forms.update(_IRREGULAR.get(lemma, ()))
    return forms


SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
# Nouns of documents and messages, which speak for whoever issued them.
_DOCUMENT_NOUNS = frozenset(
    """statement statements message caption letter post tweet release email e-mail ad video memo note
    report headline op-ed column editorial petition""".split()
)
CONTENT_DEPS = ("ccomp", "xcomp", "parataxis")
# The links a learned content may take; the rest seen in train (subjects, adverbials, punct)
# are parse errors around the cue, not where its content sits.
OBJECT_LINKS = frozenset(("ccomp", "xcomp", "parataxis", "dobj", "oprd", "attr", "pcomp"))


@dataclass(frozen=True, slots=True)
class CueEntry:
    """How often a verb form cued an attribution in train, and the content links it took."""

    cued: int
    seen: int
    links: tuple[str, ...]


@functools.cache
def load_lexicon() -> dict[str, CueEntry]:
    """The learned lexicon (form -> entry), empty when the file has not been built."""
    entries: dict[str, CueEntry] = {}
    if not LEXICON_PATH.exists():
        return entries
    for line in LEXICON_PATH.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        form, cued, seen, links = (line.split("\t") + [""])[:4]
        labels = tuple(
            label
            for label in (item.rsplit(":", 1)[0] for item in links.split(",") if item)
            if label in OBJECT_LINKS or label.startswith("prep:")
        )
        entries[form] = CueEntry(int(cued), int(seen), labels)
    return entries


@functools.cache
def speech_forms() -> frozenset[str]:
    """Every inflected form of the speech verbs."""
    return frozenset(form for lemma in SPEECH_LEMMAS for form in inflect(lemma))


def is_speech_verb(token: Token) -> bool:
    """Whether a cue is one of the speech verbs (not only a learned cue like "underscores")."""
    return token.lower_ in speech_forms() or token.lower_ == "according"


@functools.cache
def cue_forms() -> dict[str, tuple[str, ...]]:
    """Every verb form read as a cue, with the content links to look for, commonest first."""
    forms: dict[str, tuple[str, ...]] = {}
    for lemma in SPEECH_LEMMAS:
        for form in inflect(lemma):
            forms[form] = CONTENT_DEPS
    for form, entry in load_lexicon().items():
        if entry.cued >= _MIN_CUE_COUNT and entry.cued / entry.seen >= _MIN_CUE_SHARE:
            forms[form] = tuple(dict.fromkeys(entry.links + forms.get(form, CONTENT_DEPS)))
    return forms


@dataclass(slots=True)
class Frame:
    """One attribution read off the parse: cue tokens, speaker tokens and content tokens."""

    cue: Token
    cue_end: Token
    speaker: list[Token]
    content: list[Token]
    according: bool = False


def verb_subject(verb: Token) -> Token | None:
    """The subject of a cue verb, borrowed from the verb it is coordinated with or modifies."""
    current = verb
    for _ in range(3):
        subjects = [c for c in current.children if c.dep_ in SUBJECT_DEPS and _same_line(c, verb)]
        if subjects:
            # Two subjects is a parse error (a timestamp line glued on); the nearer one is right.
            # "Smith, who said ...": the mention is "who" (PolNeAR marks it so);
            # ``SpeakerIndex.resolve`` names Smith.
            subject = min(subjects, key=lambda c: abs(c.i - verb.i))
            if subject.tag_ in ("WDT", "WP") and current.dep_ == "relcl":
                author = _author(current.head)  # "issued a statement that said": the issuer speaks
                if author.i != current.head.i:
                    return author
            return subject
        if current.dep_ in ("conj", "advcl", "xcomp") and current.head is not current:
            current = current.head
        elif current.dep_ == "pcomp" and current.tag_ == "VBG" and current.head.head.pos_ in ("VERB", "AUX"):
            # "He began by saying", "booed after telling": the subject of the verb the phrase hangs
            # on; "scolded Romney for suggesting": its object.
            outer = current.head.head
            objects = [c for c in outer.children if c.dep_ == "dobj"]
            if current.head.lower_ == "for" and objects:
                return objects[0]
            current = outer
        elif current.dep_ == "relcl" and current.head is not current:
            return _author(current.head)
        elif (
            current.dep_ == "acl" and current.tag_ == "VBG" and current.head.pos_ in ("PROPN", "NOUN", "PRON")
        ):
            # "footage of Trump saying, “...”": the noun the participle describes speaks.
            return _author(current.head)
        else:
            break
    return _neighbour_subject(verb)


def _author(noun: Token) -> Token:
    """Who speaks through a document: in "She released a statement saying ..." and "His office put out
    a statement that said ..." the subject of the verb the document is the object of (PolNeAR's
    source in 17 of the 21 such train quotes, the document itself in 2); any other noun speaks itself."""
    if noun.lower_ in _DOCUMENT_NOUNS and noun.dep_ == "dobj":
        subjects = [c for c in noun.head.children if c.dep_ == "nsubj"]
        if subjects:
            return subjects[0]
    return noun


def _neighbour_subject(verb: Token) -> Token | None:
    """'”, Viguerie notes.' parsed without a subject: the name or pronoun right beside the verb."""
    doc = verb.doc
    if verb.i > 0 and doc[verb.i - 1].is_punct:
        # '“...,” added another New Hampshire Democrat': the speaker parsed as the verb's object.
        for child in verb.children:
            if child.dep_ in ("dobj", "attr", "npadvmod") and child.left_edge.i == verb.i + 1:
                if child.pos_ in ("NOUN", "PROPN") and not any(t.is_punct for t in child.subtree):
                    return child
    for i in (verb.i - 1, verb.i + 1):
        if 0 <= i < len(doc):
            tok = doc[i]
            if tok.pos_ == "PROPN" or (tok.pos_ == "PRON" and tok.lower_ in ("he", "she", "they")):
                while tok.dep_ in ("compound", "flat") and tok.head.i != tok.i:
                    tok = tok.head
                return tok
    return None


def _on_line_of(cue: Token, tokens: list[Token]) -> list[Token]:
    """The tokens on the cue's line: reported speech does not run over a paragraph break
    (the parser glues a headline and a dateline to the first sentence)."""
    if not tokens or not any(_breaks_line(t) for t in tokens[:-1]):
        return tokens
    return [t for t in tokens if _same_line(t, cue) and not t.is_space]


def _same_line(a: Token, b: Token) -> bool:
    """Whether no line break separates two tokens."""
    low, high = min(a.i, b.i), max(a.i, b.i)
    return not any(_breaks_line(t) for t in a.doc[low:high])


def _breaks_line(token: Token) -> bool:
    """Whether a line break follows (or is) this token."""
    return "\n" in token.whitespace_ or (token.is_space and "\n" in token.text)


def speaker_words(subject: Token, verb: Token) -> list[Token]:
    """The subject's words; a relative clause holding the cue itself is left out."""
    tokens = list(subject.subtree)
    # A subject never runs over a paragraph break; the parser sometimes glues a dateline or a
    # timestamp line to it.
    if any(_breaks_line(t) for t in tokens[:-1]):
        at = tokens.index(subject)
        low, high = at, at
        while low > 0 and not _breaks_line(tokens[low - 1]):
            low -= 1
        while high + 1 < len(tokens) and not _breaks_line(tokens[high]):
            high += 1
        tokens = [t for t in tokens[low : high + 1] if not t.is_space]
    if verb in tokens:
        tokens = [t for t in tokens if t.i < min(verb.i, subject.i + 1) or t.i == subject.i]
        tokens = [t for t in tokens if t.i <= subject.i]
    return tokens


def _content_tokens(verb: Token, links: tuple[str, ...]) -> list[Token]:
    """The content hanging off a cue verb through the first link it has, in learned order."""
    children = list(verb.children)
    for link in links:
        if link.startswith("prep:"):
            word = link[5:]
            for child in children:
                if child.dep_ == "prep" and child.lower_ == word and child.i > verb.i:
                    objects = [g for g in child.children if g.dep_ in ("pobj", "pcomp")]
                    if objects:
                        return list(objects[0].subtree)
            continue
        for child in children:
            if child.dep_ == link and child.dep_ not in SUBJECT_DEPS:
                return _with_object(verb, child)
    return []


def _with_object(verb: Token, child: Token) -> list[Token]:
    """The content child with the verb's other complements: "urged [Trump] [to stop]",
    "called [the winner] [“Miss Piggy”]" are one content in PolNeAR."""
    parts = [child]
    for other in verb.children:
        if other is child or other.i < verb.i:
            continue
        # Not for ccomp: in "told reporters that ..." the object is the audience, not content.
        if child.dep_ in ("xcomp", "oprd") and other.dep_ == "dobj" and other.i < child.i:
            parts.append(other)
        elif child.dep_ == "dobj" and other.i > child.i:
            if other.dep_ in ("oprd", "xcomp") or (other.dep_ == "prep" and other.lower_ == "as"):
                parts.append(other)
    tokens = [t for part in parts for t in part.subtree]
    low, high = min(t.i for t in tokens), max(t.i for t in tokens)
    return list(verb.doc[low : high + 1])


def _according_frame(token: Token) -> Frame | None:
    """``according to X, Y``: X is the speaker, the clause around it the content."""
    to = next((c for c in token.children if c.lower_ == "to"), None)
    if to is None:
        return None
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    phrase = {t.i for t in token.subtree}
    content = _on_line_of(token, [t for t in token.sent if t.i not in phrase and not t.is_space])
    return Frame(token, to, list(pobj.subtree), content, according=True)


def find_frames(doc: Doc | Span) -> list[Frame]:
    """Every attribution frame of the parse, in text order."""
    forms = cue_forms()
    frames: list[Frame] = []
    for token in doc:
        if token.lower_ == "according":
            frame = _according_frame(token)
            if frame is not None:
                frames.append(frame)
            continue
        links = forms.get(token.lower_)
        if links is None or token.pos_ not in ("VERB", "AUX"):
            continue
        if token.dep_ == "acl" and token.tag_ == "VBN":
            continue  # "a program called EB-5" names a thing; nobody speaks
        if any(
            c.tag_ in ("WP", "WDT") and c.i < token.i and c.dep_ in ("dobj", "oprd") for c in token.children
        ):
            continue  # "condemned what he called a “brazen breach”": the outer verb is the cue
        subject = verb_subject(token)
        content = _on_line_of(token, _content_tokens(token, links))
        if not content and token.dep_ == "parataxis" and token.head.pos_ in ("VERB", "AUX"):
            # "This campaign, he says, is different": the clause around a parenthetical cue.
            inside = {t.i for t in token.subtree}
            content = _on_line_of(token, [t for t in token.head.subtree if t.i not in inside])
        if not content and subject is None:
            continue
        cue_end = token
        for child in token.children:
            if child.dep_ == "prt" and child.i == token.i + 1:
                cue_end = child
        speaker = speaker_words(subject, token) if subject is not None else []
        frames.append(Frame(token, cue_end, speaker, content))
    return frames
