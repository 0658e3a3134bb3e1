"""Syndication groups: exact and near-duplicate copies of one report, each linked to a canonical article.

Reads cleaned articles (body spans, title, outlet, wire, published) and keeps an incremental index
(in memory or in the SQLite store); adds a ``CopyMatch`` per article and ``SyndicationGroup`` listings.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .dedup_store import (
    CopyLink,
    CopyStorage,
    Fingerprint,
    MemoryCopyStorage,
    SqliteCopyStorage,
    migrate_dedup_v1,
)
from .minhash import (
    band_keys,
    body_spans,
    candidate_pairs,
    choose_bands,
    make_permutations,
    shingle_article,
    signatures,
)
from .model import Article, Span
from .settings import DEFAULT, Settings

__all__ = [
    "CopyIndex",
    "CopyMatch",
    "GroupMember",
    "Regrouping",
    "Similarity",
    "SyndicationGroup",
    "canonical_order",
    "describe_difference",
    "fingerprint",
    "group_copies",
    "measure_similarity",
    "migrate_dedup_v1",
]

# Containment alone would call a debris-only page a copy of anything that holds its few words:
# under this many distinct shingles only Jaccard can make a copy.
MIN_CONTAINED_SHINGLES = 12
# A copy is "trimmed" when over this share of the canonical's shingles are missing from it (brief).
TRIMMED_SHARE = 0.10
# A line of the copy is its own paragraph (analysed apart) when under half of its shingles occur in
# the canonical and it has at least this many words: shorter lines are debris ("Advertisement").
ADDED_LINE_SHARE = 0.5
ADDED_LINE_WORDS = 8

_LINE = re.compile(r"[^\n]+")
_TITLE_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Similarity:
    """Jaccard (|A∩B|/|A∪B|) and containment (|A∩B|/min(|A|,|B|)) of two shingle sets."""

    jaccard: float
    containment: float


@dataclass(slots=True)
class CopyMatch:
    """What the index says of one article after its batch: a copy of which canonical, or canonical itself.

    A canonical is analysed in full; a copy only in ``added``, the paragraphs it adds of its own.
    """

    article_id: str
    canonical_id: str | None  # None: the article is the canonical of its group
    jaccard: float = 1.0
    containment: float = 1.0
    diff: list[str] = field(default_factory=list)  # exact | retitled | trimmed | extended
    added: list[Span] = field(default_factory=list)
    group_size: int = 1

    @property
    def is_copy(self) -> bool:
        return self.canonical_id is not None


@dataclass(slots=True)
class Regrouping:
    """A group whose membership or canonical changed: every member id, the canonical included."""

    canonical: str
    members: list[str]


@dataclass(slots=True)
class GroupMember:
    article_id: str
    outlet: str | None
    published: str | None
    jaccard: float
    containment: float
    diff: list[str]


@dataclass(slots=True)
class SyndicationGroup:
    """One story counted once: its canonical article and every outlet that carried it."""

    canonical_id: str
    members: list[GroupMember]  # the canonical first, then its copies by date

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def outlets(self) -> list[str]:
        return sorted({m.outlet for m in self.members if m.outlet})


def _paragraphs(article: Article) -> list[tuple[int, int, int]]:
    lines = []
    for span in body_spans(article):
        for match in _LINE.finditer(article.text, span.start, span.end):
            words = len(_TITLE_WORD.findall(match.group()))
            if words:
                lines.append((match.start(), match.end(), words))
    return lines


def fingerprint(article: Article, *, settings: Settings = DEFAULT) -> Fingerprint:
    """The shingles and metadata the index keeps of an article (body only, never its boilerplate)."""
    shingled = shingle_article(article, size=settings.shingle_size)
    return Fingerprint(
        article_id=article.id,
        exact_key=hashlib.blake2b(shingled.hashes.tobytes(), digest_size=16).hexdigest(),
        title=article.title,
        outlet=article.outlet,
        published=article.published.value if article.published else None,
        wire=article.wire,
        hashes=shingled.hashes,
        starts=shingled.starts,
        paragraphs=_paragraphs(article),
    )


def measure_similarity(a: np.ndarray, b: np.ndarray) -> Similarity:
    """Jaccard and containment of two sorted arrays of distinct shingle hashes (symmetric)."""
    if not a.shape[0] or not b.shape[0]:
        same = float(a.shape[0] == b.shape[0])
        return Similarity(same, same)
    shared = np.intersect1d(a, b, assume_unique=True).shape[0]
    return Similarity(shared / (a.shape[0] + b.shape[0] - shared), shared / min(a.shape[0], b.shape[0]))


def _is_copy(a: Fingerprint, b: Fingerprint, similarity: Similarity, settings: Settings) -> bool:
    if a.exact_key == b.exact_key or similarity.jaccard >= settings.copy_threshold:
        return True
    smaller = min(a.shingles.shape[0], b.shingles.shape[0])
    return smaller >= MIN_CONTAINED_SHINGLES and similarity.containment >= settings.containment_threshold


def canonical_order(fp: Fingerprint, *, incumbent: bool = True) -> tuple[bool, str, bool, int, str]:
    """Sort key of the canonical rule: a wire agency first, then the earliest date, then the article
    already canonical, then the fullest body (most distinct shingles), then the id.

    A newcomer never takes over on length alone: a later copy with more text is as often a local
    reprint with paragraphs of its own as a fuller version, and moving the canonical re-runs analysis.
    """
    return (
        fp.wire is None,
        fp.published or "9999-99-99",
        not incumbent,
        -fp.shingles.shape[0],
        fp.article_id,
    )


def _normalised_title(title: str | None) -> str:
    return " ".join(_TITLE_WORD.findall(title.casefold())) if title else ""


def _added_lines(copy: Fingerprint, canonical: Fingerprint) -> list[Span]:
    present = np.isin(copy.hashes, canonical.shingles, assume_unique=False)
    added = []
    for start, end, words in copy.paragraphs:
        lo, hi = np.searchsorted(copy.starts, [start, end])
        if words >= ADDED_LINE_WORDS and hi > lo and present[lo:hi].mean() < ADDED_LINE_SHARE:
            added.append(Span(start, end))
    return added


def describe_difference(copy: Fingerprint, canonical: Fingerprint) -> tuple[list[str], list[Span]]:
    """How a copy differs from its canonical (exact, retitled, trimmed, extended) and the spans it adds."""
    diff = []
    if copy.exact_key == canonical.exact_key:
        diff.append("exact")
    if copy.title and canonical.title and _normalised_title(copy.title) != _normalised_title(canonical.title):
        diff.append("retitled")
    missing = np.setdiff1d(canonical.shingles, copy.shingles, assume_unique=True).shape[0]
    if canonical.shingles.shape[0] and missing / canonical.shingles.shape[0] > TRIMMED_SHARE:
        diff.append("trimmed")
    added = _added_lines(copy, canonical) if "exact" not in diff else []
    if added:
        diff.append("extended")
    return diff, added


class CopyIndex:
    """The incremental copy index: ``add`` batches of articles, read ``groups`` and ``canonical_of``.

    Pass an open SQLite connection to keep the index in the store (tables created by
    ``migrate_dedup_v1``), nothing to keep it in memory. Groups are the connected components of
    verified copy pairs, so their membership does not depend on the order articles arrive in.
    """

    def __init__(
        self,
        conn: sqlite3.Connection | None = None,
        *,
        settings: Settings = DEFAULT,
        storage: CopyStorage | None = None,
    ) -> None:
        self.settings = settings
        self.storage: CopyStorage = storage or (
            SqliteCopyStorage(conn) if conn is not None else MemoryCopyStorage()
        )
        self.permutations = make_permutations(settings.num_perm, seed=settings.seed)
        self.bands, self.rows = choose_bands(settings.lsh_threshold, settings.num_perm)
        self._regrouped: set[str] = set()
        self.storage.check_params(
            {
                "num_perm": settings.num_perm,
                "seed": settings.seed,
                "shingle_size": settings.shingle_size,
                "bands": self.bands,
                "rows": self.rows,
            }
        )

    def add(self, articles: Sequence[Article]) -> list[CopyMatch]:
        """Check new articles against the index and each other, store them, and say what each one is."""
        prints = [fingerprint(a, settings=self.settings) for a in articles]
        keys = band_keys(
            signatures([p.shingles for p in prints], self.permutations), bands=self.bands, rows=self.rows
        )
        stored = self.storage.band_neighbours(keys)
        exact = self.storage.exact_matches([p.exact_key for p in prints])
        earlier: list[set[int]] = [set() for _ in prints]
        for i, j in candidate_pairs(keys).tolist():
            earlier[j].add(i)
        first_by_key: dict[str, int] = {}
        for position, fp in enumerate(prints):
            if fp.exact_key in first_by_key:
                earlier[position].add(first_by_key[fp.exact_key])
            first_by_key.setdefault(fp.exact_key, position)
        for position, fp in enumerate(prints):
            candidates = (
                stored[position] | exact[position] | {prints[i].article_id for i in earlier[position]}
            ) - {fp.article_id}
            self._insert(fp, keys[position], candidates)
        return [self._match(fp.article_id) for fp in prints]

    def _insert(self, fp: Fingerprint, keys: np.ndarray, candidates: set[str]) -> None:
        known = self.storage.fingerprints(candidates)
        copies = [
            c
            for c in known.values()
            if _is_copy(fp, c, measure_similarity(fp.shingles, c.shingles), self.settings)
        ]
        self.storage.put(fp, keys)
        if not copies:
            return
        links = self.storage.links([c.article_id for c in copies])
        old_canonicals = {
            links[c.article_id].canonical_id if c.article_id in links else c.article_id for c in copies
        }
        member_ids = set(old_canonicals) | {fp.article_id}
        for canonical_id in old_canonicals:
            member_ids.update(self.storage.members(canonical_id))
        members = self.storage.fingerprints(member_ids)
        previous = min((members[c] for c in old_canonicals), key=canonical_order)
        newcomer = canonical_order(fp, incumbent=False)
        canonical = fp if newcomer < canonical_order(previous) else previous
        self._regrouped.add(canonical.article_id)
        self._regrouped.difference_update(old_canonicals - {canonical.article_id})
        current = self.storage.links(member_ids)
        relinked = []
        for member in members.values():
            if member.article_id == canonical.article_id:
                continue
            if (
                member.article_id in current
                and current[member.article_id].canonical_id == canonical.article_id
            ):
                continue
            similarity = measure_similarity(member.shingles, canonical.shingles)
            diff, added = describe_difference(member, canonical)
            relinked.append(
                CopyLink(
                    member.article_id,
                    canonical.article_id,
                    similarity.jaccard,
                    similarity.containment,
                    diff,
                    added,
                )
            )
        self.storage.unlink([canonical.article_id])
        self.storage.link(relinked)

    def _match(self, article_id: str) -> CopyMatch:
        link = self.storage.links([article_id]).get(article_id)
        canonical_id = link.canonical_id if link else article_id
        size = 1 + len(self.storage.members(canonical_id))
        if link is None:
            return CopyMatch(article_id, None, group_size=size)
        return CopyMatch(
            article_id,
            link.canonical_id,
            link.jaccard,
            link.containment,
            link.diff,
            link.added,
            size,
        )

    def regrouped(self) -> list[Regrouping]:
        """The groups that formed, grew or changed canonical since the last call (for the store's
        ``duplicate_of``); the canonical is listed among the members."""
        changed = []
        for canonical_id in sorted(self._regrouped):
            if self.storage.links([canonical_id]):
                continue  # merged into another group later in the same batch
            changed.append(Regrouping(canonical_id, [canonical_id, *self.storage.members(canonical_id)]))
        self._regrouped.clear()
        return changed

    def canonical_of(self, article_id: str) -> str | None:
        """The canonical article of the group holding ``article_id`` (itself when it is canonical)."""
        link = self.storage.links([article_id]).get(article_id)
        if link is not None:
            return link.canonical_id
        return article_id if self.storage.fingerprints([article_id]) else None

    def groups(self, *, min_size: int = 2) -> list[SyndicationGroup]:
        """Every group of at least ``min_size`` articles, largest first."""
        by_canonical: dict[str, list[CopyLink]] = {}
        for link in self.storage.links().values():
            by_canonical.setdefault(link.canonical_id, []).append(link)
        if min_size <= 1:
            for article_id in self.storage.all_ids():
                by_canonical.setdefault(self.canonical_of(article_id) or article_id, [])
        found = []
        for canonical_id, links in by_canonical.items():
            if 1 + len(links) < min_size:
                continue
            prints = self.storage.fingerprints([canonical_id, *(k.article_id for k in links)])
            head = prints[canonical_id]
            members = [GroupMember(canonical_id, head.outlet, head.published, 1.0, 1.0, [])]
            for link in sorted(links, key=lambda k: (prints[k.article_id].published or "", k.article_id)):
                fp = prints[link.article_id]
                members.append(
                    GroupMember(
                        link.article_id, fp.outlet, fp.published, link.jaccard, link.containment, link.diff
                    )
                )
            found.append(SyndicationGroup(canonical_id, members))
        return sorted(found, key=lambda g: (-g.size, g.canonical_id))


def group_copies(articles: Iterable[Article], *, settings: Settings = DEFAULT) -> list[CopyMatch]:
    """Group a batch of articles in memory (no store): one ``CopyMatch`` per article, in input order."""
    return CopyIndex(settings=settings).add(list(articles))
