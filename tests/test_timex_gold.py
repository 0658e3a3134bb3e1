"""The timex gold audit (analysis/timex_gold.py) sorts errors as it says, on a hand-made gold."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parents[1] / "analysis" / "timex_gold.py"


@pytest.fixture(scope="module")
def gold_audit():
    spec = importlib.util.spec_from_file_location("timex_gold", PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def _doc(doc_id: str, text: str, gold: list[tuple[str, str, str]]) -> dict:
    rows = []
    for words, kind, value in gold:
        start = text.index(words)
        rows.append({"start": start, "end": start + len(words), "type": kind, "value": value, "fn": None})
    return {"id": doc_id, "dct": "1998-02-09", "text": text, "gold": rows}


def _pred(text: str, words: str, kind: str, value: str) -> dict:
    start = text.index(words)
    return {"start": start, "end": start + len(words), "type": kind, "value": value}


def test_errors_are_sorted_by_what_the_gold_does_elsewhere(gold_audit):
    one = "Talks ended last week. Now the envoy waits. He left on Friday."
    two = "Prices rose last week and fell on Monday. Stocks now trade lower in 1990."
    docs = [
        _doc(
            "a",
            one,
            [
                ("last week", "DATE", "1998-W06"),
                ("Now", "DATE", "PRESENT_REF"),
                ("Friday", "DATE", "1998-02-06"),
            ],
        ),
        _doc(
            "b",
            two,
            [("last week", "DATE", "1998-WXX"), ("Monday", "DATE", "1998-02-09"), ("1990", "DATE", "1990")],
        ),
    ]
    predictions = {
        "a": [
            _pred(one, "last week", "DATE", "1998-W06"),  # right
            _pred(one, "Now", "DATE", "PRESENT_REF"),  # right
            _pred(one, "Friday", "DATE", "1998-02-13"),  # the gold's form, another day: anchor
        ],
        "b": [
            _pred(two, "last week", "DATE", "1998-W06"),  # the form the gold gives it in "a": convention
            _pred(two, "Monday", "DATE", "P1D"),  # a form the gold never gives "Monday": other
            _pred(two, "now", "DATE", "PRESENT_REF"),  # untagged here, tagged in "a"
        ],
    }
    result = gold_audit.audit(docs, predictions)
    assert (result.gold, result.pred, result.correct) == (6, 6, 2)
    assert result.counts == {"anchor": 1, "convention": 1, "other": 1, "tagged elsewhere": 1, "missed": 1}
    assert result.value_f1 == pytest.approx(4 / 12)
    # Every error but the convention ones fixed: anchor, other and the miss right, nothing spurious
    # to drop ("now" is tagged elsewhere, so it stays): 5 right of 7 predicted, 6 gold.
    assert result.consistent_ceiling == pytest.approx(10 / 13)


def test_a_phrase_left_untagged_elsewhere_is_no_plain_miss(gold_audit):
    one = "The vote is today. Markets watch the vote."
    docs = [_doc("a", one, [("today", "DATE", "1998-02-09")])]
    assert gold_audit.audit(docs, {}).counts == {"missed": 1}
    docs.append(_doc("b", "Officials said today that talks go on.", []))
    assert gold_audit.audit(docs, {}).counts == {"untagged elsewhere": 1}


def test_types_are_audited_apart(gold_audit):
    text = "The strike lasted three days in May."
    docs = [_doc("a", text, [("three days", "DURATION", "P3D"), ("May", "DATE", "1998-05")])]
    predictions = {"a": [_pred(text, "three days", "DURATION", "P3D"), _pred(text, "May", "DATE", "1997-05")]}
    dates = gold_audit.audit(docs, predictions, "DATE")
    assert (dates.gold, dates.pred, dates.correct, dates.counts["anchor"]) == (1, 1, 0, 1)
    assert gold_audit.audit(docs, predictions, "all").correct == 1
