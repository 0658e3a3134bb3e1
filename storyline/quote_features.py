"""Token features for the quote span model, read off a parsed spaCy ``Doc``.

The span model (``storyline.quote_model``) sees, for each token, the vector the pipeline's shared
tok2vec already computed (``doc.tensor``) and these features of the parse around it: its part of
speech and dependency, its head's, where its head lies, whether it or its head is an attribution
cue, whether it sits inside quotation marks, and where clauses hung on a cue begin and end. The
tok2vec sees four tokens either side; the parse carries what lies further. Vectorised with
``Doc.to_array`` so that it costs a small share of the pipeline's time.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from .cues import cue_forms, speech_forms
from .quote_marks import DOUBLE_MARKS, find_passages

POS_TAGS = "ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X SPACE".split()
DEP_LABELS = (
    "ROOT acl acomp advcl advmod agent amod appos attr aux auxpass case cc ccomp compound conj csubj "
    "csubjpass dative dep det dobj expl intj mark meta neg nmod npadvmod nsubj nsubjpass nummod oprd "
    "parataxis pcomp pobj poss preconj predet prep prt punct quantmod relcl xcomp"
).split()
ENT_TYPES = ("PERSON", "ORG", "NORP", "GPE")
# Dependencies by which a cue takes its content, and by which a clause hangs anywhere.
_CONTENT_DEPS = frozenset(("ccomp", "xcomp", "parataxis", "dobj", "pcomp", "advcl", "conj", "relcl", "pobj"))
_PERSON_PRONOUNS = frozenset("he she i we they you who".split())


def _index(values: Sequence[str]) -> dict[str, int]:
    return {v: i for i, v in enumerate(values)}


_POS = _index(POS_TAGS)
_DEP = _index(DEP_LABELS)
_CONTENT_DEP_IDS = np.array(sorted(_DEP[d] for d in _CONTENT_DEPS))
_SUBJECT_DEP_IDS = np.array([_DEP["nsubj"], _DEP["nsubjpass"]])
_NEWLINE = re.compile("\n")
_ENT = _index(ENT_TYPES)

# Column layout: blocks of one-hot and scalar features, in this order.
_BLOCKS = (
    ("pos", len(POS_TAGS) + 1),
    ("dep", len(DEP_LABELS) + 1),
    ("head_pos", len(POS_TAGS) + 1),
    ("head_dep", len(DEP_LABELS) + 1),
    ("ent", len(ENT_TYPES) + 1),
    ("scalar", 23),
)
WIDTH = sum(size for _, size in _BLOCKS)


def _offsets() -> dict[str, int]:
    out, at = {}, 0
    for name, size in _BLOCKS:
        out[name] = at
        at += size
    return out


_AT = _offsets()


@functools.cache
def _cue_words() -> frozenset[str]:
    return frozenset(cue_forms()) | {"according"}  # cue_forms holds every speech verb form


@functools.cache
def _speech_words() -> frozenset[str]:
    return speech_forms() | {"according"}


def _lookup(strings: Any, hashes: np.ndarray, table: dict[str, int], unknown: int) -> np.ndarray:
    """Map spaCy string hashes to column indices (``unknown`` for labels outside the table)."""
    out = np.full(len(hashes), unknown, dtype=np.int64)
    for value in np.unique(hashes):
        column = table.get(strings[int(value)], unknown) if value else unknown
        out[hashes == value] = column
    return out


def sentence_numbers(sent_start: np.ndarray) -> np.ndarray:
    """The sentence number of every token, from spaCy's ``SENT_START`` column (the first token opens
    sentence 0 whatever its flag)."""
    sentence = np.cumsum(np.asarray(sent_start).astype(np.int64) == 1) - 1
    return sentence - sentence[0] if len(sentence) else sentence


def token_features(doc: Any, text: str | None = None) -> np.ndarray:
    """A ``(len(doc), WIDTH)`` float32 matrix of parse features for each token of ``doc``; ``text`` is
    ``doc.text`` when the caller has it (spaCy joins every token to make it)."""
    from spacy.attrs import DEP, ENT_TYPE, HEAD, IDX, LOWER, POS, SENT_START

    n = len(doc)
    out = np.zeros((n, WIDTH), dtype=np.float32)
    if n == 0:
        return out
    strings = doc.vocab.strings
    arr = doc.to_array([POS, DEP, HEAD, ENT_TYPE, SENT_START, LOWER, IDX])  # uint64: hashes as they are
    pos_hash, dep_hash, _, ent_hash, _, lower_hash, _ = arr.T
    _, _, head_rel, _, sent_start, _, idx = arr.astype(np.int64).T  # relative heads may be negative
    rows = np.arange(n)
    heads = rows + head_rel
    pos = _lookup(strings, pos_hash, _POS, len(POS_TAGS))
    dep = _lookup(strings, dep_hash, _DEP, len(DEP_LABELS))
    ent = _lookup(strings, ent_hash, _ENT, len(ENT_TYPES))
    out[rows, _AT["pos"] + pos] = 1
    out[rows, _AT["dep"] + dep] = 1
    out[rows, _AT["head_pos"] + pos[heads]] = 1
    out[rows, _AT["head_dep"] + dep[heads]] = 1
    out[rows, _AT["ent"] + ent] = 1

    cues = _cue_words()
    speech = _speech_words()
    is_cue = np.zeros(n, dtype=bool)
    is_speech = np.zeros(n, dtype=bool)
    is_person_pronoun = np.zeros(n, dtype=bool)
    for value in np.unique(lower_hash):
        word = strings[int(value)] if value else ""
        mask = lower_hash == value
        if word in cues:
            is_cue |= mask
        if word in speech:
            is_speech |= mask
        if word in _PERSON_PRONOUNS:
            is_person_pronoun |= mask
    verbish = (pos == _POS["VERB"]) | (pos == _POS["AUX"]) | (lower_hash == strings["according"])
    is_cue &= verbish
    is_speech &= verbish

    # Clause edges: where a clause hung on a cue (or on any head) begins and ends (spaCy keeps each
    # token's subtree edges, so only the clausal tokens are read).
    clausal = np.isin(dep, _CONTENT_DEP_IDS)
    which = np.nonzero(clausal)[0]
    left, right = rows.copy(), rows.copy()
    for i in which:
        token = doc[int(i)]
        left[i], right[i] = token.left_edge.i, token.right_edge.i
    clause_start = np.zeros(n, dtype=bool)
    clause_end = np.zeros(n, dtype=bool)
    clause_start[left[clausal]] = True
    clause_end[right[clausal]] = True
    on_cue = clausal & is_cue[heads]
    cue_clause_start = np.zeros(n, dtype=bool)
    cue_clause_end = np.zeros(n, dtype=bool)
    cue_clause_start[left[on_cue]] = True
    cue_clause_end[right[on_cue]] = True

    # Quotation marks: inside a quoted passage, and the marks themselves.
    inside = np.zeros(n, dtype=bool)
    opens = np.zeros(n, dtype=bool)
    closes = np.zeros(n, dtype=bool)
    text = doc.text if text is None else text
    for p in find_passages(text):
        a = int(np.searchsorted(idx, p.start, side="left"))
        b = int(np.searchsorted(idx, p.end, side="left"))
        inside[a:b] = True
        if a < n and doc[a].text[:1] in DOUBLE_MARKS:
            opens[a] = True
        if b - 1 >= 0 and doc[b - 1].text[-1:] in DOUBLE_MARKS:
            closes[b - 1] = True

    breaks = np.array([m.start() for m in _NEWLINE.finditer(text)], dtype=np.int64)
    paragraph_start = np.isin(idx - 1, breaks)
    paragraph_start[0] = True
    sent_end = np.zeros(n, dtype=bool)
    starts_at = np.nonzero(sent_start == 1)[0]
    sent_end[starts_at[starts_at > 0] - 1] = True
    sent_end[n - 1] = True
    distance = heads - rows

    # The sentence around the token: a cue in it, and how far to the left or right; quotation marks
    # in it; a person or a personal pronoun as a subject in it. The tok2vec sees four tokens either
    # side; these carry the sentence.
    sentence = sentence_numbers(sent_start)
    cue_at = np.where(is_cue, rows, -1)
    last_cue = np.maximum.accumulate(cue_at)
    next_cue = np.minimum.accumulate(np.where(is_cue, rows, n)[::-1])[::-1]
    cue_left = (last_cue >= 0) & (sentence[np.maximum(last_cue, 0)] == sentence) & (last_cue < rows)
    cue_right = (next_cue < n) & (sentence[np.minimum(next_cue, n - 1)] == sentence) & (next_cue > rows)
    subject = np.isin(dep, _SUBJECT_DEP_IDS) & ((ent == _ENT["PERSON"]) | is_person_pronoun)
    per_sentence = sentence.max() + 1

    def in_sentence(flags: np.ndarray) -> np.ndarray:
        return np.bincount(sentence[flags], minlength=per_sentence)[sentence] > 0

    scalars = (
        sent_start == 1,
        sent_end,
        paragraph_start,
        is_cue,
        is_speech,
        is_cue[heads],
        is_speech[heads],
        clause_start,
        clause_end,
        cue_clause_start,
        cue_clause_end,
        inside,
        opens,
        closes,
        is_person_pronoun,
        np.sign(distance) * np.log1p(np.abs(distance)) / 3.0,
        in_sentence(is_cue),
        in_sentence(inside),
        in_sentence(subject),
        cue_left,
        cue_right,
        np.where(cue_left, np.log1p(rows - last_cue) / 3.0, 0.0),
        np.where(cue_right, np.log1p(next_cue - rows) / 3.0, 0.0),
    )
    base = _AT["scalar"]
    for k, column in enumerate(scalars):
        out[:, base + k] = column
    return out
