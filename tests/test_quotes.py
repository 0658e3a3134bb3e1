"""Quotes: direct, mixed and indirect speech with cues and speakers, on hand-built sentences."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.model import Article, Quote, Region
from storyline.nlp import get_nlp
from storyline.quote_marks import find_passages
from storyline.quotes import find_quotes


def quotes_of(text: str, **options) -> list[Quote]:
    article = Article(id="t", source="t", text=text)
    return find_quotes(article, get_nlp()(text), **options)


def only(quotes: list[Quote], kind: str | None = None) -> Quote:
    picked = [q for q in quotes if kind is None or q.kind == kind]
    assert len(picked) == 1, picked
    return picked[0]


@pytest.mark.parametrize(
    "text, content",
    [
        ('"We will send troops," Mark Rutte said.', '"We will send troops,"'),
        ("\u201cWe will send troops,\u201d Mark Rutte said.", "\u201cWe will send troops,\u201d"),
        ("\u00abWe will send troops\u00bb, said Mark Rutte.", "\u00abWe will send troops\u00bb"),
        (
            "\u201cHe told me \u2018never again\u2019 and he meant it,\u201d Mark Rutte said.",
            "\u201cHe told me \u2018never again\u2019 and he meant it,\u201d",
        ),
        ("Mark Rutte said: \u201cAllies must do more for Ukraine now.\u201d", None),
    ],
)
def test_direct_quote_marks(text, content):
    quote = only(quotes_of(text), "direct")
    expected = content or text[text.index("\u201c") :]
    assert quote.content.text(text) == expected
    assert quote.speaker == "Mark Rutte"
    assert quote.cue is not None and quote.cue.text(text) == "said"


def test_mixed_quote_takes_the_reported_clause():
    text = 'Mark Rutte said allies are "designing" the guarantees.'
    quote = only(quotes_of(text))
    assert quote.kind == "mixed"
    assert quote.content.text(text) == 'allies are "designing" the guarantees'
    assert quote.speaker == "Mark Rutte"


@pytest.mark.parametrize(
    "text, content, cue",
    [
        (
            "Mark Rutte said that allies would need American support.",
            "that allies would need American support",
            "said",
        ),
        (
            "According to Mark Rutte, allies would need American support.",
            "allies would need American support",
            "According to",
        ),
        (
            "Mark Rutte told reporters that the plan was ready.",
            "that the plan was ready",
            "told",
        ),
        (
            "Mark Rutte warned that Russia could attack again.",
            "that Russia could attack again",
            "warned",
        ),
        (
            "Mark Rutte insisted the alliance was united.",
            "the alliance was united",
            "insisted",
        ),
        (
            "Mark Rutte acknowledged that unanimity was lacking.",
            "that unanimity was lacking",
            "acknowledged",
        ),
    ],
)
def test_indirect_speech(text, content, cue):
    quote = only(quotes_of(text))
    assert quote.kind == "indirect"
    assert quote.content.text(text) == content
    assert quote.cue is not None and quote.cue.text(text) == cue
    assert quote.speaker == "Mark Rutte"


def test_quote_running_over_paragraphs_is_one_quote():
    text = (
        "\u201cThe first part of the speech ends without a closing mark.\n\n"
        "\u201cThe second part closes it,\u201d Mark Rutte said."
    )
    quote = only(quotes_of(text), "direct")
    assert quote.content.start == 0
    assert quote.content.text(text).endswith("closes it,\u201d")
    assert quote.speaker == "Mark Rutte"


@pytest.mark.parametrize(
    "text",
    [
        "Rutte's plan isn't ready and the allies' doubts aren't gone.",
        'The so-called "reassurance force" would be small.',
        "Britain wants a US \u201cbackstop\u201d for the force.",
    ],
)
def test_apostrophes_and_scare_quotes_are_not_speech(text):
    assert [q for q in quotes_of(text) if q.kind == "direct"] == []


def test_unpaired_mark_runs_to_the_paragraph_end():
    text = 'Mark Rutte said: "Allies must act before winter comes\n\nThe meeting ended.'
    passages = find_passages(text)
    assert [text[p.start : p.end] for p in passages] == ['"Allies must act before winter comes']
    assert not passages[0].closed
    quote = only(quotes_of(text), "direct")
    assert quote.speaker == "Mark Rutte"


@pytest.mark.parametrize(
    "text, speaker",
    [
        (
            "Mark Rutte spoke in Brussels. \u201cAllies must do more,\u201d he said.",
            "Mark Rutte",
        ),
        (
            "NATO chief Mark Rutte arrived in Kyiv. \u201cWe are ready to help,\u201d the NATO chief said.",
            "Mark Rutte",
        ),
        (
            "Mark Rutte, the former Dutch prime minister, arrived in Kyiv on Friday. "
            "\u201cWe are ready to help,\u201d the former Dutch prime minister said.",
            "Mark Rutte",
        ),
        (
            "Mark Rutte arrived in Kyiv. \u201cWe are ready to help,\u201d Rutte said.",
            "Mark Rutte",
        ),
        (
            "Mark Rutte met Ukrainian President Volodymyr Zelensky. \u201cUnity is crucial,\u201d "
            "the Ukrainian president said.",
            "Volodymyr Zelensky",
        ),
    ],
)
def test_speaker_resolution(text, speaker):
    quote = only(quotes_of(text), "direct")
    assert quote.speaker == speaker
    assert quote.speaker_mention is not None


def test_pronoun_after_a_quote_is_its_speaker():
    text = (
        "\u201cWe need a backup from the United States,\u201d Rutte said.\n\n"
        "Britain has said it could deploy troops to Ukraine.\n\n"
        "\u201cIt is a step-by-step process,\u201d he added."
    )
    quotes = [q for q in quotes_of(text) if q.kind == "direct"]
    assert [q.speaker for q in quotes] == ["Rutte", "Rutte"]
    assert quotes[1].speaker_mention.text(text) == "he"


def test_aliases_canonicalise_speakers():
    text = "\u201cWe will not give up,\u201d Zelenskyy said."
    quote = only(quotes_of(text, aliases={"zelenskyy": "Volodymyr Zelensky"}), "direct")
    assert quote.speaker == "Volodymyr Zelensky"


def test_signed_quote_takes_the_name_after_the_dash():
    text = "\u201cWe can build a better country for all of us.\u201d \u2015 Jorge Falcon\n"
    quote = only(quotes_of(text), "direct")
    assert quote.speaker == "Jorge Falcon"
    assert quote.speaker_mention.text(text) == "Jorge Falcon"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(list("ab cD.\"\u201c\u201d\u00ab\u00bb\u2018\u2019'\n,:-\u2015"))
        | st.sampled_from(["said", " he ", "Rutte", "according to", "that", "told", "\n\n"]),
        max_size=60,
    ).map("".join)
)
def test_never_raises_and_spans_stay_in_text(text):
    for quote in quotes_of(text):
        for span in (quote.content, quote.cue, quote.speaker_mention):
            if span is not None:
                assert 0 <= span.start <= span.end <= len(text)
        assert quote.kind in ("direct", "mixed", "indirect")


def test_quotes_in_boilerplate_are_dropped():
    text = "\u201cWe are ready to help,\u201d Mark Rutte said.\n\nRead more: \u201cAllies must act now,\u201d Anna Berg said."
    start = text.index("Read more")
    article = Article(id="t", source="t", text=text, boilerplate=[Region(start, len(text), "teaser")])
    quotes = find_quotes(article, get_nlp()(text))
    assert [q.speaker for q in quotes if q.kind == "direct"] == ["Mark Rutte"]
