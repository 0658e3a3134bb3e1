"""Print the dossier figures quoted in docs/dossiers.md: speaker-chain accuracy and speed.

Run from the checkout: ``.venv/bin/python tests/measure_dossier.py`` (needs ../shared/corpora).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storyline.actors import canonical_entities, find_actors, resolve_mention  # noqa: E402
from storyline.claims import find_claims  # noqa: E402
from storyline.dossier import load_dossier, normalise_phrase  # noqa: E402
from storyline.model import Article, PublishedDate, Span  # noqa: E402
from storyline.nlp import get_nlp  # noqa: E402
from storyline.positions import ClaimRow, build_positions  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
CHAINS = ROOT / "tests" / "data" / "speaker_chains_dev.jsonl"


def speaker_chains() -> str:
    nlp = get_nlp()
    chains = [json.loads(line) for line in CHAINS.read_text(encoding="utf-8").splitlines() if line.strip()]
    cache: dict[str, tuple[str, object, object]] = {}
    hits = total = whole = 0
    for chain in chains:
        if chain["file"] not in cache:
            text = (CORPORA / "polnear" / "dev" / "text" / chain["file"]).read_text(encoding="utf-8")
            doc = nlp(text)
            cache[chain["file"]] = (text, doc, find_actors(Article(id="p", source="p", text=text), doc, None))
        text, doc, actors = cache[chain["file"]]
        right = []
        for start, end in chain["mentions"]:
            got = resolve_mention(text, Span(start, end), actors, doc=doc)  # type: ignore[arg-type]
            right.append(got is not None and normalise_phrase(got) == normalise_phrase(chain["actor"]))
        hits += sum(right)
        total += len(right)
        whole += all(right)
    return (
        f"speaker chains (PolNeAR dev, {len(chains)} chains, {len(cache)} articles): "
        f"mentions {hits}/{total} = {hits / total:.3f}; "
        f"whole chains {whole}/{len(chains)} = {whole / len(chains):.3f}"
    )


def speed() -> str:
    dossier = load_dossier("ukraine-security-guarantees")
    paths = sorted((CORPORA / "polnear" / "dev" / "text").glob("*.txt"))[:30] + sorted(
        (CORPORA / "seeds").glob("*.txt")
    )
    texts = [p.read_text(encoding="utf-8") for p in paths]
    nlp = get_nlp()
    warm = Article(id="w", source="w", text="Britain pledged troops.")
    find_claims(warm, nlp(warm.text), dossier)
    start = time.perf_counter()
    docs = list(nlp.pipe(texts))
    parsed = time.perf_counter() - start
    articles = [
        Article(id=str(i), source=str(i), text=t, published=PublishedDate("2025-01-01", "metadata", 1.0))
        for i, t in enumerate(texts)
    ]
    start = time.perf_counter()
    for article, doc in zip(articles, docs, strict=True):
        canonical_entities(article, doc, dossier)
    entities = time.perf_counter() - start
    start = time.perf_counter()
    rows = []
    for article, doc in zip(articles, docs, strict=True):
        rows += [ClaimRow(claim=c, article=article.id) for c in find_claims(article, doc, dossier)]
    positions = build_positions(rows)
    claims = time.perf_counter() - start
    return (
        f"speed ({len(texts)} texts, {sum(map(len, texts))} chars): spaCy parse {parsed:.2f}s; "
        f"entities {entities:.2f}s ({entities / parsed:.1%} of parse); claims+positions {claims:.2f}s "
        f"({claims / parsed:.1%} of parse); {len(rows)} claims, {len(positions)} positions"
    )


if __name__ == "__main__":
    print(speaker_chains())
    print(speed())
