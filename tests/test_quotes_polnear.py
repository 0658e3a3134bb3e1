"""Quality gate of quotes on PolNeAR's dev split, scored with the shared scorer (the time quotes add to
the pipeline is measured by benchmarks/bench_quotes.py)."""

from __future__ import annotations

import functools
import importlib.util
from types import ModuleType

import pytest
from conftest import SHARED, corpus_path

from storyline import quote_model
from storyline.model import Article
from storyline.nlp import get_nlp
from storyline.quotes import find_quotes

# Floors just under the figures measured on dev (docs/quotes.md): with the rules alone, and with the
# rules and the trained span model (built by `make quote-model`, which `make test` runs first).
RULE_FLOORS = {"direct": 0.885, "strict": 0.725, "speaker": 0.92, "all": 0.635, "exact": 0.445}
MODEL_FLOORS = {"direct": 0.89, "strict": 0.73, "speaker": 0.92, "all": 0.65, "exact": 0.455}
FLOORS = MODEL_FLOORS if quote_model.available() else RULE_FLOORS


def scorer() -> ModuleType:
    path = SHARED / "eval" / "score_quotes.py"
    if not path.exists():
        pytest.skip(f"needs the shared scorer at {path}")
    spec = importlib.util.spec_from_file_location("score_quotes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def dev_run():
    """(documents, predicted quotes) on dev."""
    sq = scorer()
    docs = sq.load_split(corpus_path("polnear"), "dev", None)
    parsed = get_nlp().pipe([text for _, text, _ in docs], batch_size=16)
    quotes = [
        find_quotes(Article(id=str(i), source=str(path), text=text), doc)
        for i, ((path, text, _), doc) in enumerate(zip(docs, parsed, strict=True))
    ]
    return docs, quotes


def figures() -> dict[str, float]:
    """The scorer's direct, strict, speaker, all and exact figures, computed its way."""
    sq = scorer()
    docs, quotes = dev_run()
    c = dict.fromkeys(("d", "d8", "dp", "dg", "sok", "sn", "a", "ae", "ap", "ag"), 0)
    for (_, text, gold), found in zip(docs, quotes, strict=True):
        preds = [
            {
                "content": [(q.content.start, q.content.end)],
                "kind": q.kind,
                "speaker": [(q.speaker_mention.start, q.speaker_mention.end)] if q.speaker_mention else None,
            }
            for q in found
        ]
        gd = [g for g in gold if g["direct"]]
        pd = [p for p in preds if p["kind"] in ("direct", "mixed")]
        gs, ps = [sq.positions(g["content"]) for g in gd], [sq.positions(p["content"]) for p in pd]
        pairs = sq.match(gs, ps, 0.3)
        c["d"] += len(pairs)
        c["d8"] += len(sq.match(gs, ps, 0.8))
        c["dp"] += len(pd)
        c["dg"] += len(gd)
        for i, j in pairs:
            if "source" in gd[i]:
                c["sn"] += 1
                mention = pd[j]["speaker"]
                c["sok"] += bool(mention and sq.positions(mention) & sq.positions(gd[i]["source"]))
        gs, ps = [sq.positions(g["content"]) for g in gold], [sq.positions(p["content"]) for p in preds]
        c["a"] += len(sq.match(gs, ps, 0.5))
        gold_exact = {sq.trimmed(text, g["content"]) for g in gold}
        c["ae"] += len(gold_exact & {sq.trimmed(text, p["content"]) for p in preds})
        c["ap"] += len(preds)
        c["ag"] += len(gold)
    return {
        "direct": sq.prf(c["d"], c["dp"], c["dg"])[2],
        "strict": sq.prf(c["d8"], c["dp"], c["dg"])[2],
        "speaker": c["sok"] / c["sn"],
        "all": sq.prf(c["a"], c["ap"], c["ag"])[2],
        "exact": sq.prf(c["ae"], c["ap"], c["ag"])[2],
    }


@pytest.mark.slow
@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_quality_gate_on_polnear_dev(figure):
    measured = figures()[figure]
    assert measured >= FLOORS[figure], f"{figure} {measured:.3f} fell below {FLOORS[figure]}"

