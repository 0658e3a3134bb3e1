"""Quotes: attribution cases found by error analysis on PolNeAR train, on hand-built sentences."""

from __future__ import annotations

import pytest

from storyline.model import Article, Quote
from storyline.nlp import get_nlp
from storyline.quote_marks import find_passages
from storyline.quotes import find_quotes


def quotes_of(text: str) -> list[Quote]:
    return find_quotes(Article(id="t", source="t", text=text), get_nlp()(text))


def opening(quotes: list[Quote], text: str, words: str) -> Quote:
    found = [q for q in quotes if q.content.text(text).lstrip('\u201c"').startswith(words)]
    assert len(found) == 1, [q.content.text(text) for q in quotes]
    return found[0]


@pytest.mark.parametrize(
    "text, passage",
    [
        # Typed mixed marks: a straight opener closed by a curly closer.
        ('"The budget is far too small,\u201d said Mary Jones.', '"The budget is far too small,\u201d'),
        ('\u201cThe budget is far too small," said Mary Jones.', '\u201cThe budget is far too small,"'),
        # A curly title nested in a straight quote still stays inside it.
        (
            '"We watched \u201cShark Tank\u201d all night," she said.',
            '"We watched \u201cShark Tank\u201d all night,"',
        ),
    ],
)
def test_mixed_mark_families_pair(text, passage):
    assert [text[p.start : p.end] for p in find_passages(text)] == [passage]


def test_uncued_quote_takes_the_speaker_of_the_reported_speech_before_it():
    text = (
        "Senator Paul Carter met Governor Ann Lee on Monday. Ann Lee spoke first. "
        "The plan may be delayed until spring, Carter said. "
        "\u201cNobody wants another winter without a budget in this state.\u201d"
    )
    quote = opening(quotes_of(text), text, "Nobody wants")
    assert quote.speaker == "Paul Carter"
    assert quote.speaker_mention is not None and quote.speaker_mention.text(text) == "Carter"


def test_relative_pronoun_is_the_mention_and_its_antecedent_the_speaker():
    # PolNeAR marks "who" as the source; the speaker is the noun phrase it stands for.
    text = "The mayor praised Senator Mary Jones, who said that the bridge would reopen in May."
    quote = opening(quotes_of(text), text, "that the bridge")
    assert quote.speaker_mention is not None and quote.speaker_mention.text(text) == "who"
    assert quote.speaker == "Mary Jones"


def test_participle_speaker_is_the_noun_it_describes():
    text = (
        "The new advertisement shows footage of Mary Jones saying, "
        "\u201cWe will never raise taxes on working families.\u201d"
    )
    quote = opening(quotes_of(text), text, "We will never")
    assert quote.speaker == "Mary Jones"


def test_parenthetical_cue_reports_the_clause_around_it():
    text = "Paul Carter spoke to voters in Ohio. This campaign, he says, is different from the last one."
    quote = only_kind(quotes_of(text), "indirect")
    assert quote.cue is not None and quote.cue.text(text) == "says"
    assert quote.speaker == "Paul Carter"
    assert quote.content.text(text).startswith("This campaign")


def test_second_passage_in_the_sentence_of_a_used_cue_joins_the_quote():
    text = (
        "\u201cThe reform is long overdue and we will pass it this year,\u201d Mary Jones said on "
        "\u201cMorning Show.\u201d \u201cWe have the votes in the Senate to pass it now.\u201d"
    )
    quotes = [q for q in quotes_of(text) if q.kind in ("direct", "mixed")]
    assert len(quotes) == 1, quotes
    assert quotes[0].kind == "direct"
    assert quotes[0].speaker == "Mary Jones"
    assert quotes[0].content.text(text).endswith("now.\u201d")


def test_frame_with_its_own_content_beside_a_fragment_still_reports_it():
    text = (
        "Mary Jones celebrated with supporters, calling it \u201ca great night\u201d and said "
        "the win was another step toward the nomination."
    )
    quote = opening(quotes_of(text), text, "the win was")
    assert quote.kind == "indirect"
    assert quote.speaker == "Mary Jones"


def test_speaker_named_between_pieces_when_the_parse_takes_a_quoted_subject():
    text = (
        "\u201cI will make this promise to you: We will achieve justice,\u201d Tulsa police Chief "
        "Chuck Jordan said Monday. \u201cI want to assure our community of that.\u201d"
    )
    quote = opening(quotes_of(text), text, "I will make")
    assert quote.speaker_mention is not None
    assert "Jordan" in quote.speaker_mention.text(text)


def only_kind(quotes: list[Quote], kind: str) -> Quote:
    picked = [q for q in quotes if q.kind == kind]
    assert len(picked) == 1, picked
    return picked[0]


def test_name_and_colon_before_a_quote_name_the_speaker():
    text = (
        "Pollsters agree - Carl Bialik: \u201cOne of the biggest lessons was a simple one: keep "
        "contacting voters as late as possible.\u201d"
    )
    quote = opening(quotes_of(text), text, "One of the biggest")
    assert quote.speaker == "Carl Bialik"
    assert quote.cue is not None and quote.cue.text(text) == ":"


def test_a_lone_pronoun_is_not_reported_speech():
    text = "Mary Jones met the protesters on Monday and called them before the vote."
    assert [q for q in quotes_of(text) if q.kind == "indirect" and q.content.text(text) == "them"] == []


def test_any_verb_before_a_colon_names_the_speaker():
    # "interjected" is no cue of the lexicon; the subject of the clause the colon ends speaks.
    text = (
        "Senator Ann Lee spoke to the council on Monday. Her rival Tom Baker interjected: "
        "\u201cNobody in this room has read the budget, and everybody knows it.\u201d"
    )
    quote = opening(quotes_of(text), text, "Nobody in this room")
    assert quote.speaker == "Tom Baker"
    assert quote.cue is not None and quote.cue.text(text) == "interjected"


def test_a_colon_ending_the_paragraph_before_a_quote_names_its_speaker():
    text = (
        "Senator Ann Lee spoke to the council on Monday, and Tom Baker listened.\n\n"
        "The Riverside Trust describes itself in the following way:\n\n"
        "\u201cWe are the voice of every neighbourhood in the city and we answer to them.\u201d"
    )
    quote = opening(quotes_of(text), text, "We are the voice")
    assert quote.speaker_mention is not None
    assert quote.speaker_mention.text(text) == "The Riverside Trust"


@pytest.mark.parametrize(
    "sentence",
    [
        "Mayor Tom Baker gushed about \u201ca plan that every family in this city will remember for years.\u201d",
        # The verb that governs the quote has no subject of its own: the one it hangs on does.
        "Mayor Tom Baker went on to label the budget \u201cthe worst plan this city has seen in its history.\u201d",
    ],
)
def test_the_subject_of_the_verb_governing_a_quote_speaks(sentence):
    text = "Senator Ann Lee spoke first. " + sentence
    (quote,) = [q for q in quotes_of(text) if q.kind in ("direct", "mixed")]
    assert quote.speaker == "Tom Baker"
    assert quote.cue is not None


def test_according_to_after_a_cued_quote_reports_the_quote_and_its_attribution():
    # The officials report what the minister said: two relations, one inside the other.
    text = (
        "\u201cWe will not send a single soldier,\u201d the minister told the committee, "
        "according to two officials who were in the room.\n\nThe hearing ended at noon."
    )
    quotes = quotes_of(text)
    assert len(quotes) == 2, [q.content.text(text) for q in quotes]
    inner, outer = sorted(quotes, key=lambda q: q.content.end)
    assert inner.kind == "direct" and inner.speaker_mention.text(text) == "the minister"
    assert outer.content.contains(inner.content)
    assert outer.content.text(text).endswith("the minister told the committee")
    assert outer.cue.text(text) == "according to"
    assert outer.speaker_mention.text(text) == "two officials who were in the room"


def test_according_to_a_source_of_an_uncued_quote_is_its_speaker():
    text = "\u201cThe plan is dead,\u201d according to a senior aide.\n\nNothing else was said."
    quotes = quotes_of(text)
    assert len(quotes) == 1, [q.content.text(text) for q in quotes]
    assert quotes[0].speaker_mention.text(text) == "a senior aide"


def test_a_second_cue_between_two_passages_starts_a_new_quote():
    # PolNeAR's convention and the reader's: "adding later" reports a second statement.
    text = (
        "\u201cWe cannot afford this any more,\u201d the minister said, adding later, "
        "\u201cThe fleet costs us a fortune every single year.\u201d\n\nThe debate went on."
    )
    quotes = [q for q in quotes_of(text) if q.kind == "direct"]
    assert [q.content.text(text) for q in quotes] == [
        "\u201cWe cannot afford this any more,\u201d",
        "\u201cThe fleet costs us a fortune every single year.\u201d",
    ]
    assert [q.speaker_mention.text(text) for q in quotes] == ["the minister", "the minister"]


@pytest.mark.parametrize(
    "sentence",
    [
        "The governor released a statement saying, \u201cWe will rebuild every school that was lost.\u201d",
        "The governor issued a statement that said, \u201cWe will rebuild every school that was lost.\u201d",
    ],
)
def test_who_issues_a_document_speaks_through_it(sentence):
    quote = opening(quotes_of(sentence), sentence, "We will rebuild")
    assert quote.speaker_mention.text(sentence) == "The governor"


def test_a_participle_after_a_preposition_takes_the_subject_of_the_verb_it_hangs_on():
    text = "The senator responded by saying she would not resign over the report."
    quotes = quotes_of(text)
    assert [(q.content.text(text), q.speaker_mention.text(text)) for q in quotes] == [
        ("she would not resign over the report", "The senator")
    ]


def test_a_participle_between_two_passages_introduces_the_second():
    text = "\u201cKeep your hands up,\u201d Reyes sings to the crowd before asking, \u201cWhere do we go now?\u201d"
    quotes = [q for q in quotes_of(text) if q.kind == "direct"]
    assert [q.content.text(text) for q in quotes] == [
        "\u201cKeep your hands up,\u201d",
        "\u201cWhere do we go now?\u201d",
    ]
    assert [q.speaker_mention.text(text) for q in quotes] == ["Reyes", "Reyes"]


def test_a_speaker_after_the_verb_parsed_as_its_object_speaks():
    text = "\u201cIt is hers to lose at this point,\u201d added another New Hampshire Democrat."
    quote = opening(quotes_of(text), text, "It is hers")
    assert quote.speaker_mention.text(text) == "another New Hampshire Democrat"
