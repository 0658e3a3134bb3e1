"""PolNeAR's attributions as spans for the quote span model: CONTENT, CUE and SOURCE.

    .venv/bin/python training/quotes/polnear_spans.py [--split train] [--limit N]

Reads the brat standoff files of a split (texts and their ``.ann``), parses each text with the
project's pipeline (``storyline.nlp.get_nlp``) and keeps, per text, what training needs: the parsed
doc (with the tok2vec vectors in its tensor, from which ``storyline.quote_model.model_input`` makes
the model's input) and the gold spans as token ranges.
Run as a script it prints how many spans each label has and how many the one-layer encoding lost.

One layer of entities cannot hold overlapping spans, and PolNeAR nests attributions (the content of
"X said that Y claimed Z" holds the cue and source of Y's). The longer span is kept: the outer
content is the one a reader asks for first, and it keeps the encoding consistent (content = all
that is reported). A relation's discontinuous content ("A," said X. "B.") is two CONTENT spans.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from learn_cues import read_relations  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "polnear"
ROLES = {"Content": "CONTENT", "Cue": "CUE", "Source": "SOURCE"}


@dataclass
class Parsed:
    """One text ready for training: the parsed doc and the gold spans (token ranges)."""

    name: str
    doc: Any
    spans: list[tuple[str, int, int]]


def split_files(split: str, corpus: Path = CORPUS) -> list[tuple[Path, Path]]:
    """(text, ann) pairs of a split, sorted by name; texts without annotations are skipped."""
    anns = {a.name.rsplit("_", 1)[0]: a for a in (corpus / split / "attributions").glob("*.ann")}
    texts = sorted((corpus / split / "text").glob("*.txt"))
    return [(t, anns[t.stem]) for t in texts if t.stem in anns]


def gold_char_spans(ann: Path) -> list[tuple[str, int, int]]:
    """Every fragment of every relation's content, cue and source, as (label, start, end)."""
    out = set()
    for relation in read_relations(ann):
        for role, label in ROLES.items():
            for start, end in relation.get(role, []):
                out.add((label, start, end))
    return sorted(out, key=lambda s: (s[1], s[2], s[0]))


def to_token_spans(doc, spans: list[tuple[str, int, int]], counts: Counter) -> list[tuple[str, int, int]]:
    """Token ranges for the char spans, longest first, dropping any that overlaps a kept one."""
    text = doc.text
    candidates = []
    for label, start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        span = doc.char_span(start, end, alignment_mode="expand") if end > start else None
        counts[f"{label} gold"] += 1
        if span is None or len(span) == 0:
            counts[f"{label} unaligned"] += 1
            continue
        candidates.append((label, span.start, span.end))
    priority = {"CONTENT": 0, "CUE": 1, "SOURCE": 2}
    candidates.sort(key=lambda s: (-(s[2] - s[1]), priority[s[0]], s[1]))
    taken = np.zeros(len(doc), dtype=bool)
    kept = []
    for label, start, end in candidates:
        if taken[start:end].any():
            counts[f"{label} overlapped"] += 1
            continue
        taken[start:end] = True
        kept.append((label, start, end))
        counts[f"{label} kept"] += 1
    return sorted(kept, key=lambda s: s[1])


def parse_split(
    split: str, *, limit: int | None = None, processes: int = 2, counts: Counter | None = None
) -> Iterator[Parsed]:
    """Parse the split's texts with the project pipeline and encode their gold spans."""
    from storyline.nlp import get_nlp

    counts = counts if counts is not None else Counter()
    files = split_files(split)[:limit] if limit else split_files(split)
    nlp = get_nlp()
    texts = [t.read_text(encoding="utf-8") for t, _ in files]
    docs = nlp.pipe(texts, batch_size=16, n_process=processes)
    for (text_path, ann), doc in zip(files, docs, strict=True):
        spans = to_token_spans(doc, gold_char_spans(ann), counts)
        yield Parsed(name=text_path.stem, doc=doc, spans=spans)


def cached(split: str, cache: Path, *, limit: int | None = None, processes: int = 2) -> list[Parsed]:
    """The parsed split, read from ``cache`` when it holds this split and limit, else made and saved."""
    key = (split, limit, "docs")  # the parsed docs, so that changed features need no new parse
    if cache.exists():
        with cache.open("rb") as handle:
            stored_key, parsed = pickle.load(handle)
        if stored_key == key:
            return parsed
    from tqdm import tqdm

    files = split_files(split)
    total = min(limit, len(files)) if limit else len(files)
    parsed = list(
        tqdm(
            parse_split(split, limit=limit, processes=processes),
            total=total,
            desc=f"parsing {split}",
            unit="text",
        )
    )
    cache.parent.mkdir(parents=True, exist_ok=True)
    with cache.open("wb") as handle:
        pickle.dump((key, parsed), handle, protocol=pickle.HIGHEST_PROTOCOL)
    return parsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="train")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    counts: Counter = Counter()
    texts = 0
    for _ in parse_split(args.split, limit=args.limit, counts=counts):
        texts += 1
    print(f"{texts} texts")
    for label in ROLES.values():
        print(
            f"{label:8} gold {counts[label + ' gold']:6} kept {counts[label + ' kept']:6} "
            f"overlapped {counts[label + ' overlapped']:5} unaligned {counts[label + ' unaligned']:3}"
        )


if __name__ == "__main__":
    main()
