"""Syndication groups on Spark: candidate pairs by a join on LSH band keys, verified pairs, connected
components (large-star / small-star), and each group's canonical by the embedded index's own rule.

Reads the fingerprint rows written by the read stage; adds one copy link per copy (``duplicate_of``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from .dedup import _is_copy, canonical_order, describe_difference, fingerprint, measure_similarity
from .dedup_store import CopyLink, Fingerprint
from .minhash import band_keys, choose_bands, make_permutations, signatures
from .model import Article, Span
from .settings import Settings

__all__ = [
    "FINGERPRINT_FIELDS",
    "connected_components",
    "copy_links",
    "fingerprint_rows",
    "index_params",
    "replay_canonicals",
    "row_fingerprint",
]

# The columns of a fingerprint row, in order (the read stage writes them, the dedup stage reads them).
FINGERPRINT_FIELDS = (
    "exact_key",
    "fp_title",
    "fp_outlet",
    "fp_published",
    "wire",
    "hashes",
    "starts",
    "paragraphs",
    "keys",
)
# Connected components converge in O(log^2 n) rounds of large-star / small-star; past this many the
# edge set is malformed (it never happens on real groups, whose diameter is a few copies).
MAX_ROUNDS = 60


def index_params(settings: Settings) -> dict[str, int]:
    """The copy index parameters, as the embedded index records them in ``dedup_params``."""
    bands, rows = choose_bands(settings.lsh_threshold, settings.num_perm)
    return {
        "num_perm": settings.num_perm,
        "seed": settings.seed,
        "shingle_size": settings.shingle_size,
        "bands": bands,
        "rows": rows,
    }


def fingerprint_rows(articles: Sequence[Article], *, settings: Settings) -> list[tuple[Any, ...]]:
    """The fingerprint columns (``FINGERPRINT_FIELDS``) of each article: the embedded index's fingerprint,
    MinHash signature and band keys, computed for the whole chunk at once."""
    if not articles:
        return []
    params = index_params(settings)
    prints = [fingerprint(a, settings=settings) for a in articles]
    permutations = make_permutations(settings.num_perm, seed=settings.seed)
    keys = band_keys(
        signatures([p.shingles for p in prints], permutations), bands=params["bands"], rows=params["rows"]
    )
    return [
        (
            p.exact_key,
            p.title,
            p.outlet,
            p.published,
            p.wire,
            p.hashes.astype("<u4").tobytes(),
            p.starts.astype("<i8").tobytes(),
            json.dumps(p.paragraphs),
            keys[i].tolist(),
        )
        for i, p in enumerate(prints)
    ]


def row_fingerprint(row: Any) -> Fingerprint:
    """The embedded ``Fingerprint`` back from a row holding ``id`` and the fingerprint columns."""
    return Fingerprint(
        article_id=row["id"],
        exact_key=row["exact_key"],
        title=row["fp_title"],
        outlet=row["fp_outlet"],
        published=row["fp_published"],
        wire=row["wire"],
        hashes=np.frombuffer(row["hashes"], dtype="<u4").astype(np.uint32),
        starts=np.frombuffer(row["starts"], dtype="<i8").astype(np.int64),
        paragraphs=[tuple(p) for p in json.loads(row["paragraphs"])],
    )


def _verify(pairs: Iterable[Any], settings: Settings) -> Iterator[tuple[int, int]]:
    """The candidate pairs that the embedded copy rule accepts, as (later, earlier) sequence numbers."""
    shingles: dict[int, np.ndarray] = {}

    def light(seq: int, key: str, hashes: bytes) -> Fingerprint:
        # Only the exact key and the shingle set take part in the rule; the sets are cached per task.
        fp = Fingerprint("", key, None, None, None, None, np.empty(0, np.uint32), np.empty(0, np.int64), [])
        if seq not in shingles:
            shingles[seq] = np.unique(np.frombuffer(hashes, dtype="<u4").astype(np.uint32))
        fp.shingles = shingles[seq]
        return fp

    for p in pairs:
        later = light(p["later"], p["later_key"], p["later_hashes"])
        earlier = light(p["earlier"], p["earlier_key"], p["earlier_hashes"])
        # The embedded index tests the newcomer against what it already holds: the same orientation.
        if _is_copy(later, earlier, measure_similarity(later.shingles, earlier.shingles), settings):
            yield int(p["later"]), int(p["earlier"])


def _both_ways(edges: Any) -> Any:
    from pyspark.sql import functions as F

    return edges.select(F.col("a").alias("u"), F.col("b").alias("v")).unionByName(
        edges.select(F.col("b").alias("u"), F.col("a").alias("v"))
    )


def _normalised(edges: Any) -> Any:
    from pyspark.sql import functions as F

    return (
        edges.where(F.col("a") != F.col("b"))
        .select(F.least("a", "b").alias("a"), F.greatest("a", "b").alias("b"))
        .distinct()
    )


def _large_star(edges: Any) -> Any:
    """Every neighbour larger than a node is linked to the smallest of the node's neighbourhood."""
    from pyspark.sql import functions as F

    both = _both_ways(edges)
    smallest = both.groupBy("u").agg(F.least(F.min("v"), F.first("u")).alias("m"))
    return _normalised(
        both.join(smallest, "u")
        .where(F.col("v") > F.col("u"))
        .select(F.col("v").alias("a"), F.col("m").alias("b"))
    )


def _small_star(edges: Any) -> Any:
    """A node and its smaller neighbours are linked to the smallest of them."""
    from pyspark.sql import functions as F

    lower = _both_ways(edges).where(F.col("v") < F.col("u"))
    smallest = lower.groupBy("u").agg(F.min("v").alias("m"))
    spokes = lower.join(smallest, "u").select(F.col("v").alias("a"), F.col("m").alias("b"))
    return _normalised(spokes.unionByName(smallest.select(F.col("u").alias("a"), F.col("m").alias("b"))))


def connected_components(edges: Any, *, max_rounds: int = MAX_ROUNDS) -> Any:
    """``(node, component)`` for every node of an undirected edge DataFrame ``(a, b)`` of longs; the
    component is its smallest node (large-star / small-star, Kiveris et al. 2014, no GraphFrames)."""
    from pyspark.sql import functions as F

    current = _normalised(edges).localCheckpoint()
    for _ in range(max_rounds):
        following = _small_star(_large_star(current)).localCheckpoint()
        same = following.count() == current.count() and following.subtract(current).isEmpty()
        current = following
        if same:
            break
    return (
        _both_ways(current)
        .groupBy("u")
        .agg(F.least(F.min("v"), F.first("u")).alias("component"))
        .withColumnRenamed("u", "node")
    )


def replay_canonicals(
    members: Sequence[tuple[int, Fingerprint]],
    edges: Iterable[tuple[int, int]],
) -> list[tuple[int, int, CopyLink]]:
    """One group's copy links as the embedded index leaves them when its members arrive in sequence
    order: ``(copy seq, canonical seq, link)``. Replays ``CopyIndex._insert``'s canonical rule, which
    keeps the incumbent on a tie, so the Spark path names the same canonical as the embedded one."""
    by_seq = dict(members)
    earlier_of: dict[int, list[int]] = {}
    for later, earlier in edges:
        earlier_of.setdefault(later, []).append(earlier)
    parent: dict[int, int] = {}
    canonical_of_root: dict[int, int] = {}

    def root(seq: int) -> int:
        while parent[seq] != seq:
            parent[seq] = parent[parent[seq]]
            seq = parent[seq]
        return seq

    for seq in sorted(by_seq):
        parent[seq] = seq
        canonical_of_root[seq] = seq
        roots = {root(e) for e in earlier_of.get(seq, ()) if e in parent}
        if not roots:
            continue
        previous = min((canonical_of_root[r] for r in roots), key=lambda s: canonical_order(by_seq[s]))
        newcomer = canonical_order(by_seq[seq], incumbent=False)
        chosen = seq if newcomer < canonical_order(by_seq[previous]) else previous
        for r in roots:
            parent[r] = seq
        canonical_of_root[seq] = chosen
    links = []
    for seq, fp in sorted(by_seq.items()):
        head = canonical_of_root[root(seq)]
        if head == seq:
            continue
        canonical = by_seq[head]
        similarity = measure_similarity(fp.shingles, canonical.shingles)
        diff, added = describe_difference(fp, canonical)
        links.append(
            (
                seq,
                head,
                CopyLink(
                    fp.article_id,
                    canonical.article_id,
                    similarity.jaccard,
                    similarity.containment,
                    diff,
                    added,
                ),
            )
        )
    return links


def _group_links(item: tuple[int, tuple[Iterable[Any], Iterable[Any]]]) -> Iterator[tuple[Any, ...]]:
    _, (rows, edges) = item
    members = [(int(r["seq"]), row_fingerprint(r)) for r in rows]
    for seq, head, link in replay_canonicals(members, [tuple(e) for e in edges]):
        yield (
            seq,
            link.article_id,
            head,
            link.canonical_id,
            link.jaccard,
            link.containment,
            ",".join(link.diff),
            json.dumps([s.as_list() for s in link.added]),
        )


LINK_COLUMNS = ("seq", "id", "canonical_seq", "canonical_id", "jaccard", "containment", "diff", "added")


def copy_links(prints: Any, *, settings: Settings) -> Any:
    """The copy links of a fingerprint DataFrame (``seq``, ``id`` and ``FINGERPRINT_FIELDS``): candidate
    pairs share a (band, key); the copy rule verifies them; groups are connected components."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    spark = prints.sparkSession
    bands = prints.select("seq", F.posexplode("keys").alias("band", "key"))
    # Exact duplicates share every band key (same shingles, same signature), so the join finds them too.
    pairs = (
        bands.alias("x")
        .join(bands.alias("y"), ["band", "key"])
        .where(F.col("x.seq") < F.col("y.seq"))
        .select(F.col("x.seq").alias("earlier"), F.col("y.seq").alias("later"))
        .distinct()
    )
    side = prints.select("seq", "exact_key", "hashes")
    joined = pairs.join(
        side.select(
            F.col("seq").alias("later"),
            F.col("exact_key").alias("later_key"),
            F.col("hashes").alias("later_hashes"),
        ),
        "later",
    ).join(
        side.select(
            F.col("seq").alias("earlier"),
            F.col("exact_key").alias("earlier_key"),
            F.col("hashes").alias("earlier_hashes"),
        ),
        "earlier",
    )
    edge_schema = T.StructType([T.StructField("a", T.LongType()), T.StructField("b", T.LongType())])
    edges = spark.createDataFrame(
        joined.rdd.mapPartitions(lambda rows: _verify(rows, settings)), edge_schema
    ).localCheckpoint()
    link_schema = T.StructType(
        [
            T.StructField("seq", T.LongType()),
            T.StructField("id", T.StringType()),
            T.StructField("canonical_seq", T.LongType()),
            T.StructField("canonical_id", T.StringType()),
            T.StructField("jaccard", T.DoubleType()),
            T.StructField("containment", T.DoubleType()),
            T.StructField("diff", T.StringType()),
            T.StructField("added", T.StringType()),
        ]
    )
    if edges.isEmpty():
        return spark.createDataFrame([], link_schema)
    labels = connected_components(edges)
    columns = ["seq", "id", *(c for c in FINGERPRINT_FIELDS if c != "keys")]
    members = (
        prints.select(*columns)
        .join(labels.withColumnRenamed("node", "seq"), "seq")
        .rdd.keyBy(lambda r: r["component"])
    )
    grouped_edges = edges.join(labels.withColumnRenamed("node", "a"), "a").rdd.map(
        lambda r: (r["component"], (int(r["a"]), int(r["b"])))
    )
    links = members.cogroup(grouped_edges).flatMap(_group_links)
    return spark.createDataFrame(links, link_schema)


def spans_of(added: str | None) -> list[Span]:
    """The spans of an ``added`` column (JSON ``[[start, end], ...]``)."""
    return [Span(int(s), int(e)) for s, e in json.loads(added)] if added else []
