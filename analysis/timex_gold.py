"""How far general rules can go on a TimeML gold: each error of ours sorted by whether the gold itself
treats the same phrase our way elsewhere.

    .venv/bin/python analysis/timex_gold.py [--dir ../shared/corpora/timebank/tbaq] [--show CATEGORY]

It reads the corpus with the scorer's own loader (``../shared/eval/score_dates.py``), runs
``find_timexes`` in process (the figures equal the scorer's on ``storyline extract``), matches gold and
predicted expressions the way the scorer does (one-to-one, by the largest overlap), and sorts every
error:

- ``convention``: a wrong value whose form (digits aside: ``1998-W12`` and ``1989-WXX`` differ, ``1998-W12``
  and ``1998-W11`` do not) the gold gives the very same phrase in another place ("last week" as
  ``1998-W11`` here, ``1989-WXX`` there);
- ``anchor``: a wrong value of the gold's form: the right kind of value, another day, week or amount;
- ``other``: any other wrong value;
- ``tagged elsewhere`` / ``untagged elsewhere``: a prediction no gold expression overlaps whose phrase
  the gold tags in another place, a gold expression we miss whose phrase stands untagged elsewhere;
- ``spurious`` / ``missed``: the rest of both.

The last lines give the value F1 of now and of a system that fixed every error except the convention
ones: the most a normaliser that treats one phrase one way can reach on this gold.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
WRONG = ("convention", "anchor", "other")
UNMATCHED = ("tagged elsewhere", "spurious")
MISSED = ("untagged elsewhere", "missed")


def phrase(text: str) -> str:
    """The phrase of an expression as compared across the corpus: lower case, spaces and edge punctuation out."""
    return " ".join(text.lower().strip(" .,;:'\"`").split())


def form(value: str | None) -> str:
    """A value with its digits blanked: the kind of value, not which one."""
    return re.sub(r"\d", "9", value or "")


@dataclass
class Audit:
    """Counts of one type of expression ("all" or "DATE")."""

    gold: int = 0
    pred: int = 0
    correct: int = 0
    counts: collections.Counter[str] = field(default_factory=collections.Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: collections.defaultdict(list))

    def f1(self, correct: int, pred: int) -> float:
        return 2 * correct / (pred + self.gold) if pred + self.gold else 0.0

    @property
    def value_f1(self) -> float:
        return self.f1(self.correct, self.pred)

    @property
    def consistent_ceiling(self) -> float:
        """Value F1 with every error fixed but the convention ones (values and tagging)."""
        fixed_values = self.counts["anchor"] + self.counts["other"]
        found = self.counts["missed"]
        return self.f1(self.correct + fixed_values + found, self.pred - self.counts["spurious"] + found)


def _match(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> dict[int, int]:
    """The scorer's matching: each gold expression in turn takes the free prediction it overlaps most."""
    used: dict[int, int] = {}
    taken: set[int] = set()
    for i, g in enumerate(gold):
        best: tuple[int, int] | None = None
        for j, p in enumerate(pred):
            if j in taken:
                continue
            overlap = min(g["end"], int(p["end"])) - max(g["start"], int(p["start"]))
            if overlap > 0 and (best is None or overlap > best[0]):
                best = (overlap, j)
        if best is not None:
            used[i] = best[1]
            taken.add(best[1])
    return used


def _untagged_phrases(docs: list[dict[str, Any]], phrases: set[str]) -> set[str]:
    """Those of ``phrases`` that stand somewhere in the texts outside every gold expression."""
    found: set[str] = set()
    for d in docs:
        lowered = d["text"].lower()
        spans = [(g["start"], g["end"]) for g in d["gold"]]
        for p in phrases - found:
            for m in re.finditer(r"(?<!\w)" + re.escape(p) + r"(?!\w)", lowered):
                if not any(s < m.end() and m.start() < e for s, e in spans):
                    found.add(p)
                    break
    return found


def audit(
    docs: list[dict[str, Any]], predictions: dict[str, list[dict[str, Any]]], key: str = "all"
) -> Audit:
    """Sort every error of ``predictions`` on ``docs`` (the scorer's documents); ``key`` "all" or a type."""

    def keep(row: dict[str, Any]) -> bool:
        return key == "all" or row.get("type") == key

    golds = {d["id"]: [g for g in d["gold"] if g.get("fn") != "CREATION_TIME" and keep(g)] for d in docs}
    gold_forms: dict[str, set[str]] = collections.defaultdict(set)
    for d in docs:
        for g in golds[d["id"]]:
            gold_forms[phrase(d["text"][g["start"] : g["end"]])].add(form(g["value"]))
    result = Audit()
    misses: list[tuple[str, str]] = []
    for d in docs:
        text, gold = d["text"], golds[d["id"]]
        pred = [p for p in predictions.get(d["id"], []) if keep(p)]
        result.gold += len(gold)
        result.pred += len(pred)
        pairs = _match(gold, pred)
        for i, g in enumerate(gold):
            said = phrase(text[g["start"] : g["end"]])
            if i not in pairs:
                misses.append((said, f"{d['id']}: {text[g['start'] : g['end']]!r} gold {g['value']}"))
                continue
            p = pred[pairs[i]]
            if str(p.get("value")) == str(g["value"]):
                result.correct += 1
                continue
            if form(p.get("value")) == form(g["value"]):
                category = "anchor"
            elif form(p.get("value")) in gold_forms[said]:
                category = "convention"
            else:
                category = "other"
            result.counts[category] += 1
            result.examples[category].append(
                f"{d['id']}: {text[g['start'] : g['end']]!r} gold {g['value']} ours {p.get('value')} (reference {d['dct']})"
            )
        matched = set(pairs.values())
        for j, p in enumerate(pred):
            if j in matched:
                continue
            said = phrase(text[int(p["start"]) : int(p["end"])])
            category = "tagged elsewhere" if said in gold_forms else "spurious"
            result.counts[category] += 1
            result.examples[category].append(
                f"{d['id']}: {text[int(p['start']) : int(p['end'])]!r} ours {p.get('value')}"
            )
    untagged = _untagged_phrases(docs, {said for said, _ in misses})
    for said, example in misses:
        category = "untagged elsewhere" if said in untagged else "missed"
        result.counts[category] += 1
        result.examples[category].append(example)
    return result


def _load_scorer() -> Any:
    path = SHARED / "eval" / "score_dates.py"
    if not path.exists():
        raise SystemExit(f"needs the shared scorer at {path}")
    spec = importlib.util.spec_from_file_location("score_dates", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", type=Path, default=SHARED / "corpora" / "timebank" / "tbaq")
    ap.add_argument("--show", choices=WRONG + UNMATCHED + MISSED, help="list the errors of one category")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from storyline.timex import find_timexes

    scorer = _load_scorer()
    docs = scorer.load(args.dir)
    if not docs:
        raise SystemExit(f"no TimeML documents under {args.dir}")
    predictions = {
        d["id"]: [
            {"start": t.start, "end": t.end, "type": t.type, "value": t.value}
            for t in find_timexes(d["text"], reference=d["dct"])
        ]
        for d in docs
    }
    for key in ("all", "DATE"):
        a = audit(docs, predictions, key)
        print(f"{key}: gold {a.gold}, predicted {a.pred}, value right {a.correct}")
        print("  wrong value: " + ", ".join(f"{c} {a.counts[c]}" for c in WRONG))
        print("  predicted, no gold: " + ", ".join(f"{c} {a.counts[c]}" for c in UNMATCHED))
        print("  gold, not found: " + ", ".join(f"{c} {a.counts[c]}" for c in MISSED))
        print(
            f"  value F1 {a.value_f1:.3f} now; {a.consistent_ceiling:.3f} with every non-convention error fixed"
        )
        if args.show and key == "all":
            for line in a.examples[args.show]:
                print("    " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
