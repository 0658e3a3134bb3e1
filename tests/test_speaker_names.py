"""Speaker resolution of surnames: which full name a surname alone stands for."""

from __future__ import annotations

from storyline.model import Article, Quote
from storyline.nlp import get_nlp
from storyline.quotes import find_quotes


def quotes_of(text: str) -> list[Quote]:
    return find_quotes(Article(id="t", source="t", text=text), get_nlp()(text))


def speaker_of(text: str, opening: str) -> str | None:
    found = [q for q in quotes_of(text) if q.content.text(text).lstrip("\u201c").startswith(opening)]
    assert len(found) == 1, [q.content.text(text) for q in quotes_of(text)]
    return found[0].speaker


def test_a_surname_is_its_bearer_not_the_person_whose_description_mentions_it():
    # Hamblin is described as "Okafor's usual negotiating partner"; "Okafor" is still Okafor.
    text = (
        "Senator Daniel Okafor introduced the bill on Tuesday.\n\n"
        "But Okafor's usual negotiating partner, committee ranking member Sen. Ruth Hamblin, is not on board.\n\n"
        "\u201cWe have the votes to pass it this week,\u201d Okafor said in a telephone interview."
    )
    assert speaker_of(text, "We have the votes") == "Daniel Okafor"


def test_a_shared_surname_alone_is_the_bearer_the_body_names_first():
    # The headline names the story's subject; the report's first full name sets what the surname
    # alone means, and the other bearer keeps being named in full.
    text = (
        "Questions for Lena Varga on the family firm.\n\n"
        "Tamas Varga, the founder of the firm, said on Monday that it would publish its accounts. "
        "His daughter, Lena Varga, runs its foreign arm.\n\n"
        "\u201cEverything will be on the table by the end of the month,\u201d Varga said."
    )
    assert speaker_of(text, "Everything will be") == "Tamas Varga"


def test_an_organisation_speaks_as_itself_not_as_the_person_it_titles():
    text = (
        "Harbour Watch president Nadia Selim filed the complaint on Monday.\n\n"
        "\u201cThe port authority has ignored every warning we sent,\u201d Harbour Watch said in a statement."
    )
    assert speaker_of(text, "The port authority") == "Harbour Watch"


def test_a_name_with_or_without_its_article_is_one_speaker():
    text = (
        "\u201cThe figures were revised twice,\u201d The Harbour Daily Ledger reported on Monday.\n\n"
        "\u201cNobody at the port would comment,\u201d the Harbour Daily Ledger added."
    )
    assert speaker_of(text, "The figures") == speaker_of(text, "Nobody at the port") == "Harbour Daily Ledger"


def test_a_surname_heading_a_mention_is_its_bearer_not_the_person_in_its_apposition():
    text = (
        "Former governor Paul Brandt joined the campaign of Anna Kowalski in June.\n\n"
        "\u201cShe will win this state by ten points,\u201d Brandt, a Kowalski surrogate, told reporters."
    )
    assert speaker_of(text, "She will win") == "Paul Brandt"
