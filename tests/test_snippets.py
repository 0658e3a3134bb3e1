"""Search snippets made in Python: the query read as FTS5 reads it, its words marked in the text."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.snippets import CLOSE, OPEN, Phrase, query_phrases, snippet

TEXT = ("The NATO chief said on Thursday that allies were designing security guarantees for Ukraine.\n\n"
        "Immigration was not discussed. Hillary Clinton's campaign said the server was secure, "
        "and Clinton added nothing. Zelenskyy met Macron in Paris; Élysée officials smiled.")


def marked(s: str) -> list[str]:
    """The marked runs of a snippet."""
    out, rest = [], s
    while OPEN in rest:
        rest = rest.split(OPEN, 1)[1]
        run, rest = rest.split(CLOSE, 1)
        out.append(run)
    return out


@pytest.mark.parametrize(
    ("query", "phrases"),
    [
        ("Clinton", [Phrase(("clinton",))]),
        ('"security guarantees"', [Phrase(("security", "guarantees"))]),
        ("immigra*", [Phrase(("immigra",), prefix=True)]),
        ('"security guar" *', [Phrase(("security", "guar"), prefix=True)]),
        ("Sanders OR Cruz NOT Trump", [Phrase(("sanders",)), Phrase(("cruz",)), Phrase(("trump",))]),
        ("title:NATO AND chief", [Phrase(("nato",)), Phrase(("chief",))]),
        ("{title body}: nato", [Phrase(("nato",))]),
        ("NEAR(allies designing, 3)", [Phrase(("allies",)), Phrase(("designing",))]),
        ('"say ""yes"""', [Phrase(("say", "yes"))]),
        ("ÉLYSÉE", [Phrase(("elysee",))]),
        ("( a OR b ) AND ^c", [Phrase(("a",)), Phrase(("b",)), Phrase(("c",))]),
    ],
)
def test_query_phrases_read_as_fts5_reads_them(query: str, phrases: list[Phrase]) -> None:
    assert query_phrases(query) == phrases


def test_a_word_is_marked_where_the_window_holds_most_matches() -> None:
    s = snippet(TEXT, "Clinton")
    assert marked(s) == ["Clinton", "Clinton"]
    assert s.startswith("… ") and s.endswith(" …")


def test_a_phrase_is_marked_as_one_run_and_only_where_it_occurs_whole() -> None:
    s = snippet(TEXT, '"security guarantees"')
    assert marked(s) == ["security guarantees"]
    assert marked(snippet(TEXT, '"guarantees security"')) == []


def test_prefix_diacritics_and_case_are_matched_as_the_index_matches_them() -> None:
    assert marked(snippet(TEXT, "immigra*")) == ["Immigration"]
    assert marked(snippet(TEXT, "elysee")) == ["Élysée"]
    assert marked(snippet(TEXT, "nato")) == ["NATO"]


def test_the_window_prefers_more_distinct_terms() -> None:
    s = snippet(TEXT, "Zelenskyy OR Macron OR Clinton")
    assert {"Zelenskyy", "Macron"} <= set(marked(s))


def test_no_match_gives_the_opening_and_an_empty_text_gives_nothing() -> None:
    s = snippet(TEXT, "Sanders")
    assert s.startswith("The NATO chief") and s.endswith(" …") and OPEN not in s
    assert snippet("", "x") == "" and snippet("   \n", "x") == ""


def test_line_breaks_become_spaces_and_a_short_text_has_no_ellipsis() -> None:
    assert snippet("One\n\nClinton  two.", "clinton") == f"One {OPEN}Clinton{CLOSE} two."


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.text(max_size=40))
def test_a_snippet_is_the_text_with_marks_and_ellipses(text: str, query: str) -> None:
    s = snippet(text, query)
    plain = s.replace(OPEN, "").replace(CLOSE, "").removeprefix("… ").removesuffix(" …")
    assert plain in " ".join(text.replace(OPEN, " ").replace(CLOSE, " ").split())
    assert s.count(OPEN) == s.count(CLOSE)


def test_marks_agree_with_fts5_on_what_matches() -> None:
    """Every word FTS5's own snippet() marks is marked here too, for the same queries and text."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')")
    conn.execute("INSERT INTO t(rowid, body) VALUES (1, ?)", (TEXT,))
    for query in ("Clinton", '"security guarantees"', "immigra*", "elysee", "nato AND chief", "Macron OR Paris"):
        theirs = conn.execute(f"SELECT snippet(t, 0, '{OPEN}', '{CLOSE}', ' … ', 64) FROM t WHERE t MATCH ?",
                              (query,)).fetchone()[0]
        ours = snippet(TEXT, query, words=64)
        assert sorted(marked(ours)) == sorted(marked(theirs)), query
