"""The five seed reports analysed under the flagship dossier, shared by the claims and positions tests."""

from __future__ import annotations

import functools
from pathlib import Path

from conftest import corpus_path

from storyline.actors import canonical_entities
from storyline.claims import find_claims
from storyline.dossier import Dossier, load_dossier
from storyline.model import Article, Claim, PublishedDate
from storyline.nlp import get_nlp
from storyline.positions import ClaimRow

# Publication dates as the issue states them (Feb 20, Aug 22, Dec 18); 003 has no date line: its
# summit "scheduled for September 4" is "tomorrow", so it was written on September 3.
SEED_DATES = {
    "000": "2025-02-20",
    "001": "2025-02-20",
    "002": "2025-08-22",
    "003": "2025-09-03",
    "004": "2025-12-18",
}
# 000 and 001 are the same AFP dispatch: one syndication group carried by two outlets.
SEED_OUTLETS = {
    "000": "outlet-000",
    "001": "outlet-001",
    "002": "outlet-002",
    "003": "outlet-003",
    "004": "outlet-004",
}
SEED_GROUPS = {"000": "000", "001": "000", "002": "002", "003": "003", "004": "004"}


def dossier() -> Dossier:
    return load_dossier("ukraine-security-guarantees")


@functools.cache
def _analysed(seeds: Path) -> tuple[tuple[Article, tuple[Claim, ...]], ...]:
    nlp = get_nlp()
    out = []
    for path in sorted(seeds.glob("*.txt")):
        prefix = path.name[:3]
        text = path.read_text(encoding="utf-8")
        article = Article(
            id=path.stem,
            source=str(path),
            text=text,
            outlet=SEED_OUTLETS[prefix],
            published=PublishedDate(SEED_DATES[prefix], "metadata", 1.0),
        )
        doc = nlp(text)
        article.entities = canonical_entities(article, doc, dossier())
        out.append((article, tuple(find_claims(article, doc, dossier()))))
    return tuple(out)


def seed_claims() -> list[tuple[Article, Claim]]:
    """Every claim of the five seeds with its article."""
    return [(article, claim) for article, claims in _analysed(corpus_path("seeds")) for claim in claims]


def seed_rows() -> list[ClaimRow]:
    """The claims as the lead's store hands them to the positions: with outlets and syndication."""
    rows = []
    for article, claim in seed_claims():
        group = SEED_GROUPS[article.id[:3]]
        outlets = sorted(SEED_OUTLETS[p] for p, g in SEED_GROUPS.items() if g == group)
        rows.append(
            ClaimRow(
                claim=claim,
                article=article.id,
                published=article.published.value if article.published else None,
                outlet=article.outlet,
                outlets=outlets,
                evidence_text=claim.evidence.text(article.text),
                group=group,
            )
        )
    return rows
