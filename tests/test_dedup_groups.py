"""Copy verification, differences, the canonical rule and group membership (storyline.dedup), in memory."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.dedup import CopyIndex, describe_difference, fingerprint, group_copies, measure_similarity
from storyline.model import Article, PublishedDate, Span

# A wire story written for these tests.
WIRE = [
    "The regional transport authority approved a plan on Tuesday to rebuild the old harbour bridge, ending two years of argument over its cost.",
    "The plan, backed by seven of the nine board members, sets aside 240 million for the work, which is due to start next spring and last three years.",
    "“This bridge carries forty thousand people a day and it cannot wait any longer,” the authority's chair told reporters after the vote.",
    "Opponents had argued that a tunnel would be cheaper to maintain, but engineers hired by the board said it would take twice as long to build.",
    "Shop owners near the bridge said they feared losing customers during the closures, and asked the board for help with lost trade.",
    "The authority said temporary ferries would run every fifteen minutes while the main span is closed, starting in the second year of works.",
    "The vote follows an inspection last winter that found corrosion in several of the steel cables holding up the deck.",
    "A final contract is expected to be signed before the end of the summer, after a last round of public hearings in the city hall.",
]
LOCAL = "In our own county, the roads department said it would watch the harbour works closely because many commuters from the valley use the bridge every morning."
OTHER = [
    "The city council voted on Tuesday to keep the public library open on Sundays, reversing a decision taken last year to save money.",
    "Librarians had collected more than five thousand signatures asking for the Sunday hours to return, mostly from parents and students.",
    "The council said the extra hours would cost about two hundred thousand a year, paid for from a fund meant for cultural projects.",
    "The mayor said she was glad to see the library busy again and promised a review of opening times in all branches next year.",
]


def make_article(
    article_id: str,
    paragraphs: list[str],
    *,
    title: str = "Board approves harbour bridge rebuild",
    outlet: str | None = None,
    published: str | None = "2025-03-04",
    wire: str | None = None,
    separator: str = "\n\n",
) -> Article:
    return Article(
        id=article_id,
        source=f"{article_id}.txt",
        text=separator.join(paragraphs),
        title=title,
        outlet=outlet,
        wire=wire,
        published=PublishedDate(published, "metadata", 1.0) if published else None,
    )


def test_an_exact_copy_is_found_and_named_exact() -> None:
    first, second = make_article("a", WIRE), make_article("b", WIRE, separator="\n")
    matches = group_copies([first, second])
    assert matches[0].canonical_id is None and matches[0].group_size == 2
    assert matches[1].canonical_id == "a"
    assert matches[1].diff == ["exact"]
    assert matches[1].jaccard == pytest.approx(1.0)


def test_a_retitled_trimmed_copy() -> None:
    copy = make_article("b", WIRE[:5], title="Harbour bridge to be rebuilt, board says")
    match = group_copies([make_article("a", WIRE), copy])[1]
    assert match.canonical_id == "a"
    assert match.diff == ["retitled", "trimmed"]
    assert match.containment > 0.95 and match.jaccard < 0.8


def test_an_extended_copy_reports_its_own_paragraph() -> None:
    paragraphs = [*WIRE[:4], LOCAL, *WIRE[4:]]
    copy = make_article("b", paragraphs)
    match = group_copies([make_article("a", WIRE), copy])[1]
    assert match.canonical_id == "a"
    assert match.diff == ["extended"]
    assert [s.text(copy.text) for s in match.added] == [LOCAL]


def test_debris_lines_are_not_own_paragraphs() -> None:
    copy = make_article("b", ["Advertisement", *WIRE[:3], "Share this article", *WIRE[3:]])
    match = group_copies([make_article("a", WIRE), copy])[1]
    assert match.canonical_id == "a"
    assert match.added == []


def test_only_the_body_is_shingled() -> None:
    text = "\n\n".join(WIRE)
    debris = "Sign up for our newsletter " * 40
    article = Article(id="b", source="b", text=debris + "\n\n" + text)
    article.body = [Span(len(debris) + 2, len(article.text))]
    assert np.array_equal(fingerprint(article).shingles, fingerprint(make_article("a", WIRE)).shingles)


def test_an_independent_report_of_another_story_is_not_a_copy() -> None:
    matches = group_copies([make_article("a", WIRE), make_article("b", OTHER)])
    assert [m.canonical_id for m in matches] == [None, None]


def test_a_report_quoting_one_paragraph_is_not_a_copy() -> None:
    quoting = make_article("b", [*OTHER[:2], WIRE[2], *OTHER[2:]])
    matches = group_copies([make_article("a", WIRE), quoting])
    assert matches[1].canonical_id is None


@pytest.mark.parametrize(
    ("first", "second", "canonical"),
    [
        ({"wire": None}, {"wire": "AFP"}, "b"),  # a wire agency wins even when it arrives later
        ({"published": "2025-03-05"}, {"published": "2025-03-04"}, "b"),  # then the earliest date
        ({}, {}, "a"),  # then the article already canonical keeps the role
    ],
)
def test_the_canonical_rule(first: dict, second: dict, canonical: str) -> None:
    a = make_article("a", WIRE[:6], **first)
    b = make_article("b", [*WIRE, LOCAL], **second)  # b is fuller either way
    index = CopyIndex()
    index.add([a])
    index.add([b])
    assert index.canonical_of("a") == canonical
    assert index.canonical_of("b") == canonical


def test_merging_groups_keeps_the_fullest_incumbent() -> None:
    # "a" (five paragraphs) and "c" (the last four) share one paragraph; "b" (the whole story) bridges them.
    a = make_article("a", WIRE[:5], published="2025-03-04")
    c = make_article("c", WIRE[4:], published="2025-03-04")
    b = make_article("b", WIRE, published="2025-03-06")
    index = CopyIndex()
    index.add([a, c])
    assert index.canonical_of("c") == "c"
    index.add([b])
    assert {index.canonical_of(x) for x in "abc"} == {"a"}  # incumbents dated alike: the fuller one


def test_a_group_repoints_when_a_better_canonical_arrives() -> None:
    index = CopyIndex()
    index.add([make_article("a", WIRE), make_article("b", WIRE[:6], outlet="Ridge Daily")])
    assert index.canonical_of("b") == "a"
    index.regrouped()
    matches = index.add([make_article("w", WIRE, wire="AFP", outlet="AFP")])
    assert matches[0].canonical_id is None and matches[0].group_size == 3
    assert index.canonical_of("a") == index.canonical_of("b") == "w"
    changed = index.regrouped()
    assert [(g.canonical, sorted(g.members)) for g in changed] == [("w", ["a", "b", "w"])]
    group = index.groups()[0]
    assert group.canonical_id == "w" and group.size == 3
    assert group.outlets == ["AFP", "Ridge Daily"]


def test_singletons_are_listed_only_on_request() -> None:
    index = CopyIndex()
    index.add([make_article("a", WIRE), make_article("b", OTHER)])
    assert index.groups() == []
    assert sorted(g.canonical_id for g in index.groups(min_size=1)) == ["a", "b"]
    assert index.canonical_of("zzz") is None


def test_difference_of_an_article_with_itself_is_exact() -> None:
    fp = fingerprint(make_article("a", WIRE))
    assert describe_difference(fp, fp) == (["exact"], [])


# --- properties -------------------------------------------------------------------------------

WORDS = [f"w{i}" for i in range(400)]
texts = st.lists(st.sampled_from(WORDS), min_size=0, max_size=80).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(texts, texts)
def test_similarity_is_symmetric(left: str, right: str) -> None:
    a = fingerprint(Article(id="a", source="a", text=left)).shingles
    b = fingerprint(Article(id="b", source="b", text=right)).shingles
    assert measure_similarity(a, b) == measure_similarity(b, a)


@settings(max_examples=40, deadline=None)
@given(texts)
def test_an_article_is_a_copy_of_itself(text: str) -> None:
    a, b = Article(id="a", source="a", text=text), Article(id="b", source="b", text=text)
    assert group_copies([a, b])[1].canonical_id == "a"


def _stories(seed: int) -> list[Article]:
    rng = random.Random(seed)
    articles = []
    for story in range(4):
        paragraphs = [" ".join(rng.choices(WORDS, k=25)) for _ in range(6)]
        articles.append(make_article(f"s{story}", paragraphs, published=f"2025-03-0{rng.randint(1, 3)}"))
        for copy in range(rng.randint(0, 3)):
            kept = paragraphs[: rng.randint(3, 6)]
            if rng.random() < 0.5:
                kept.insert(rng.randint(0, len(kept)), " ".join(rng.choices(WORDS, k=25)))
            articles.append(make_article(f"s{story}c{copy}", kept, published=f"2025-03-0{rng.randint(1, 3)}"))
    return articles


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.randoms(use_true_random=False))
def test_order_of_insertion_does_not_change_membership(seed: int, shuffler: random.Random) -> None:
    articles = _stories(seed)
    shuffled = list(articles)
    shuffler.shuffle(shuffled)

    def membership(batch: list[Article], size: int) -> set[frozenset[str]]:
        index = CopyIndex()
        for start in range(0, len(batch), size):
            index.add(batch[start : start + size])
        return {frozenset(m.article_id for m in g.members) for g in index.groups(min_size=1)}

    assert membership(articles, len(articles)) == membership(shuffled, 3)
