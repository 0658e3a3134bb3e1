"""Quotes on the five seed reports: every direct quote found, with its speaker resolved."""

from __future__ import annotations

import functools

import pytest
from conftest import corpus_path

from storyline.model import Article, Quote
from storyline.nlp import get_nlp
from storyline.quotes import find_quotes


@functools.cache
def seed_quotes(name: str) -> tuple[str, list[Quote]]:
    path = corpus_path("seeds", name)
    text = path.read_text(encoding="utf-8")
    return text, find_quotes(Article(id=path.stem, source=str(path), text=text), get_nlp()(text))


def speaker_of(text: str, quotes: list[Quote], opening: str) -> str | None:
    found = [q for q in quotes if q.content.text(text).lstrip('\u201c"').startswith(opening)]
    assert found, f"no quote opens with {opening!r}"
    return found[0].speaker


# Every quotation of a whole sentence in the seeds, by its first words, with who said it.
SEED_QUOTES = [
    ("000_9193e1416cbcc8de.txt", "Strong security guarantees, if provided", "Mark Rutte"),
    ("000_9193e1416cbcc8de.txt", "What\u2019s important is that somehow", "Mark Rutte"),
    ("000_9193e1416cbcc8de.txt", "It is vital that any deal", "Mark Rutte"),
    ("000_9193e1416cbcc8de.txt", "While there is much that still needs", "Mark Rutte"),
    ("000_9193e1416cbcc8de.txt", "I had a good and meaningful conversation", "Volodymyr Zelenskyy"),
    ("000_9193e1416cbcc8de.txt", "There must be confidence", "Volodymyr Zelenskyy"),
    ("001_3a584a2b1a3e88f1.txt", "Strong security guarantees, if provided", "Mark Rutte"),
    ("001_3a584a2b1a3e88f1.txt", "It is vital that any deal", "Mark Rutte"),
    ("001_3a584a2b1a3e88f1.txt", "While there is much that still needs", "Mark Rutte"),
    ("002_dc97835b2dc93eb0.txt", "Strong security guarantees will be essential", "Mark Rutte"),
    ("002_dc97835b2dc93eb0.txt", "Unity between Europe and the United States", "Volodymyr Zelensky"),
    ("002_dc97835b2dc93eb0.txt", "That unity in Washington has emerged", "Volodymyr Zelensky"),
    ("003_45ac7b19300c5ce3.txt", "I expect tomorrow, or soon after tomorrow", "Mark Rutte"),
    ("003_45ac7b19300c5ce3.txt", "That means that we can engage", "Mark Rutte"),
    ("003_45ac7b19300c5ce3.txt", "We have to prevent spreading", "Mark Rutte"),
    ("004_378e13f2be71a3a8.txt", "(Russian President Vladimir) Putin has to know", "Mark Rutte"),
    ("004_378e13f2be71a3a8.txt", "As we speak, a couple of allies", "Mark Rutte"),
    ("004_378e13f2be71a3a8.txt", "And at the moment, discussions are ongoing", "Mark Rutte"),
]


@pytest.mark.parametrize("name, opening, speaker", SEED_QUOTES)
def test_seed_direct_quote_and_speaker(name, opening, speaker):
    text, quotes = seed_quotes(name)
    assert speaker_of(text, quotes, opening) == speaker


@pytest.mark.parametrize("name", sorted({name for name, _, _ in SEED_QUOTES}))
def test_seed_direct_quotes_all_have_speakers(name):
    text, quotes = seed_quotes(name)
    sentences = [q for q in quotes if q.kind == "direct" and len(q.content.text(text).split()) > 5]
    assert len(sentences) == sum(1 for n, _, _ in SEED_QUOTES if n == name)
    assert all(q.speaker and q.speaker_mention for q in sentences)


def test_he_added_after_a_rutte_quote_is_rutte():
    text, quotes = seed_quotes("000_9193e1416cbcc8de.txt")
    added = [q for q in quotes if q.cue and q.cue.text(text) == "added"]
    assert added[0].speaker_mention.text(text) == "he"
    assert added[0].speaker == "Mark Rutte"


def test_the_ukrainian_president_is_zelensky():
    text, quotes = seed_quotes("002_dc97835b2dc93eb0.txt")
    found = [
        q for q in quotes if q.speaker_mention and q.speaker_mention.text(text) == "the Ukrainian president"
    ]
    assert [q.speaker for q in found] == ["Volodymyr Zelensky"]


def test_mixed_quote_in_seed_002():
    text, quotes = seed_quotes("002_dc97835b2dc93eb0.txt")
    mixed = [q.content.text(text) for q in quotes if q.kind == "mixed"]
    assert 'that NATO allies "clearly know what should not happen."' in mixed
