"""The quote span model's input features, its linking into quotes, and the PolNeAR span encoding."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from storyline import quote_model
from storyline.model import Article, Quote, Span
from storyline.nlp import get_nlp
from storyline.quote_features import DEP_LABELS, POS_TAGS, WIDTH, token_features
from storyline.quote_links import combine, kind_of, model_quotes
from storyline.quote_model import SpanGuess
from storyline.quotes import find_quotes
from storyline.speakers import SpeakerIndex

TRAINING = Path(__file__).resolve().parents[1] / "training" / "quotes"

TEXT = 'The minister said that the border would reopen in May. "We are ready," she added.'


def _scalar(features: np.ndarray, token: int, k: int) -> float:
    return float(features[token, WIDTH - 23 + k])


def test_features_mark_cues_clauses_and_quotation_marks():
    doc = get_nlp()(TEXT)
    features = token_features(doc)
    assert features.shape == (len(doc), WIDTH)
    assert features.dtype == np.float32
    said = next(t.i for t in doc if t.text == "said")
    added = next(t.i for t in doc if t.text == "added")
    opening = next(t.i for t in doc if t.text == '"')
    we = opening + 1
    assert _scalar(features, said, 3) == 1 and _scalar(features, said, 4) == 1  # a cue, a speech verb
    assert _scalar(features, added, 3) == 1
    assert _scalar(features, we, 11) == 1 and _scalar(features, 0, 11) == 0  # inside the marks or not
    assert _scalar(features, opening, 12) == 1  # the opening mark
    # The clause hung on "said" starts at "that" and ends at "May".
    that = next(t.i for t in doc if t.text == "that")
    may = next(t.i for t in doc if t.text == "May")
    assert _scalar(features, that, 9) == 1 and _scalar(features, may, 10) == 1
    # The sentence around: a cue to the left of "border" in its sentence, none to its right; marks
    # and a cue ("added") to the right in the sentence of "We".
    border = next(t.i for t in doc if t.text == "border")
    assert _scalar(features, border, 19) == 1 and _scalar(features, border, 20) == 0
    assert _scalar(features, border, 17) == 0 and _scalar(features, we, 17) == 1
    assert _scalar(features, we, 20) == 1 and _scalar(features, we, 22) > 0
    # One part of speech and one dependency per token.
    pos_block = features[:, : len(POS_TAGS) + 1]
    dep_block = features[:, len(POS_TAGS) + 1 : len(POS_TAGS) + len(DEP_LABELS) + 2]
    assert (pos_block.sum(axis=1) == 1).all() and (dep_block.sum(axis=1) == 1).all()


def test_features_of_an_empty_doc():
    assert token_features(get_nlp()("")).shape == (0, WIDTH)


def test_no_model_means_no_guesses(tmp_path, monkeypatch):
    monkeypatch.setenv(quote_model.ENV, str(tmp_path / "nowhere"))
    assert not quote_model.available()
    assert quote_model.predict(get_nlp()(TEXT)) == []


def _guess(doc, label: str, words: str) -> SpanGuess:
    start = doc.text.index(words)
    span = doc.char_span(start, start + len(words))
    return SpanGuess(label, span.start, span.end)


def test_contents_take_the_nearest_cue_and_its_source():
    text = "Mary Jones said the plan would fail. Later, officials argued that it could work."
    doc = get_nlp()(text)
    guesses = [
        _guess(doc, "SOURCE", "Mary Jones"),
        _guess(doc, "CUE", "said"),
        _guess(doc, "CONTENT", "the plan would fail"),
        _guess(doc, "SOURCE", "officials"),
        _guess(doc, "CUE", "argued"),
        _guess(doc, "CONTENT", "that it could work"),
    ]
    quotes = model_quotes(doc, guesses, SpeakerIndex(doc))
    assert [(q.content.text(text), q.cue.text(text), q.speaker_mention.text(text)) for q in quotes] == [
        ("the plan would fail", "said", "Mary Jones"),
        ("that it could work", "argued", "officials"),
    ]
    assert quotes[0].speaker == "Mary Jones"
    assert all(q.kind == "indirect" for q in quotes)


def test_a_content_with_no_cue_in_its_sentence_has_none():
    text = "The plan would fail. Mary Jones said so."
    doc = get_nlp()(text)
    quotes = model_quotes(
        doc, [_guess(doc, "CONTENT", "The plan would fail"), _guess(doc, "CUE", "said")], SpeakerIndex(doc)
    )
    assert quotes[0].cue is None and quotes[0].speaker_mention is None


def test_a_lone_pronoun_the_model_marks_is_no_quote():
    text = "Tom Baker said nothing, and Mary Jones said the plan would fail."
    doc = get_nlp()(text)
    guesses = [
        _guess(doc, "SOURCE", "Tom Baker"),
        _guess(doc, "CUE", "said"),
        _guess(doc, "CONTENT", "nothing"),
        _guess(doc, "CONTENT", "the plan would fail"),
    ]
    quotes = model_quotes(doc, guesses, SpeakerIndex(doc))
    assert [q.content.text(text) for q in quotes] == ["the plan would fail"]


@pytest.mark.parametrize(
    "words, kind",
    [
        ('"We are ready,"', "direct"),
        ("\u201cWe are ready.\u201d", "direct"),
        ('allies are "designing" the guarantees', "mixed"),
        ("that the border would reopen", "indirect"),
    ],
)
def test_kind_follows_the_marks(words, kind):
    assert kind_of(words) == kind


def test_combine_keeps_marked_quotes_and_adds_what_only_the_model_found():
    marked = Quote("direct", Span(0, 20), Span(21, 25), Span(26, 30), "A")
    reported = Quote("indirect", Span(40, 60), Span(35, 39), Span(30, 34), "B")
    inside_marked = Quote("direct", Span(2, 18))
    wider = Quote("indirect", Span(38, 70), Span(35, 39))
    new = Quote("indirect", Span(80, 95), Span(75, 79), Span(70, 74), "C")
    quoted_without_source = Quote("direct", Span(100, 120))
    quoted_with_source = Quote("direct", Span(130, 150), Span(151, 155), Span(156, 160), "D")
    out = combine([marked, reported], [inside_marked, wider, new, quoted_without_source, quoted_with_source])
    assert out == [marked, reported, new, quoted_with_source]


def test_a_rules_quote_without_a_speaker_takes_the_models_source_for_the_same_words():
    uncued = Quote("direct", Span(0, 40))
    named = Quote("direct", Span(50, 80), Span(81, 85), Span(86, 90), "A")
    same_words = Quote("direct", Span(2, 38), Span(41, 45), Span(46, 49), "B")
    other_source = Quote("direct", Span(52, 80), Span(91, 95), Span(96, 99), "C")
    elsewhere = Quote("direct", Span(0, 12), Span(13, 16), Span(17, 20), "D")  # a quarter of the words
    out = combine([uncued, named], [elsewhere, same_words, other_source])
    assert out[0] == Quote("direct", Span(0, 40), Span(41, 45), Span(46, 49), "B")
    assert out[1] is named  # a speaker the rules found stays
    assert uncued.speaker is None  # the rules' quote is not changed in place
    assert combine([uncued], [elsewhere]) == [uncued]


def test_find_quotes_without_the_model_is_the_rules():
    doc = get_nlp()(TEXT)
    article = Article(id="t", source="t", text=TEXT)
    rules = find_quotes(article, doc, use_model=False)
    assert any(q.content.text(TEXT) == '"We are ready,"' for q in rules)
    if quote_model.available():
        with_model = find_quotes(article, doc)
        # The model adds quotes and gives a source to a rules' quote that has none.
        assert all(any(q == m or (q.speaker is None and q.content == m.content) for m in with_model) for q in rules)


@pytest.mark.skipif(
    not quote_model.available(), reason="the quote span model is not built (make quote-model)"
)
def test_the_trained_model_marks_reported_speech():
    text = "The foreign minister told reporters on Monday that the talks had collapsed."
    guesses = quote_model.predict(get_nlp()(text))
    doc = get_nlp()(text)
    contents = [doc[g.start : g.end].text for g in guesses if g.label == "CONTENT"]
    assert any("the talks had collapsed" in c for c in contents), guesses


def test_polnear_encoding_keeps_the_outer_span(tmp_path):
    sys.path.insert(0, str(TRAINING))
    from polnear_spans import gold_char_spans, to_token_spans

    text = "Anna said that Ben claimed the vote was rigged."

    def at(words: str) -> str:
        start = text.index(words)
        return f"{start} {start + len(words)}"

    ann = tmp_path / "a.ann"
    ann.write_text(
        "\n".join(
            [
                f"T1\tSource {at('Anna')}\tAnna",
                f"T2\tCue {at('said')}\tsaid",
                f"T3\tContent {at('that Ben claimed the vote was rigged')}\tx",
                f"T4\tSource {at('Ben')}\tBen",
                f"T5\tCue {at('claimed')}\tclaimed",
                f"T6\tContent {at('the vote was rigged')}\tx",
                "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1",
                "E2\tAttribution:T5 Content:T6 Cue:T5 Source:T4",
                "broken line without tabs",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    spans = gold_char_spans(ann)
    assert len(spans) == 6
    doc = get_nlp().make_doc(text)
    counts: Counter = Counter()
    kept = to_token_spans(doc, spans, counts)
    assert [(label, doc[s:e].text) for label, s, e in kept] == [
        ("SOURCE", "Anna"),
        ("CUE", "said"),
        ("CONTENT", "that Ben claimed the vote was rigged"),
    ]
    assert (
        counts["CONTENT overlapped"] == 1
        and counts["CUE overlapped"] == 1
        and counts["SOURCE overlapped"] == 1
    )


def test_a_model_made_for_other_features_is_not_used(tmp_path, monkeypatch, caplog):
    folder = tmp_path / "old_model"
    folder.mkdir()
    (folder / "config.cfg").write_text(
        '[components]\n\n[components.quote_spans]\nfactory = "ner"\n\n'
        '[components.quote_spans.model]\n@architectures = "spacy.TransitionBasedParser.v2"\n\n'
        '[components.quote_spans.model.tok2vec]\n@architectures = "storyline.DocTensor.v1"\nwidth = 7\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(quote_model.ENV, str(folder))
    with caplog.at_level("WARNING", logger="storyline.quote_model"):
        assert quote_model.load() is None
    assert "make quote-model" in caplog.text
    text = "Officials said the bridge would open."
    assert find_quotes(Article(id="t", source="t", text=text), get_nlp()(text)) == find_quotes(
        Article(id="t", source="t", text=text), get_nlp()(text), use_model=False
    )
