"""Our MinHash signatures and LSH against datasketch's MinHash and MinHashLSH on the same documents.

    python benchmarks/bench_dedup.py [--n 100000] [--num-perm 128] [--threshold 0.3] [--out result.json]

Documents are built at run time from the PolNeAR texts in ../shared (never committed): each original
is eight paragraphs drawn from different PolNeAR articles, and about 30% of the documents are
perturbed copies of an original (tests/syndication.py). Both sides get the same folded words, the
same permutations (a, b), the same number of permutations and the same bands and rows; the words
are made once, outside both timings. Prints one JSON object and one markdown table row.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import random
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from syndication import OUTLETS, SourceArticle, load_polnear, make_copy  # noqa: E402

from storyline.minhash import (  # noqa: E402
    band_keys,
    candidate_pairs,
    choose_bands,
    fold_words,
    make_permutations,
    signatures_of_words,
)
from storyline.settings import DEFAULT  # noqa: E402

CHUNK = 2_000  # documents generated, folded and processed at a time


def iter_documents(root: Path, *, n: int, seed: int) -> Iterator[tuple[int, str]]:
    """``n`` (family, text) documents: originals of eight paragraphs and copies of earlier originals."""
    rng = random.Random(seed)
    sources = load_polnear(root, split="train") + load_polnear(root, split="dev")
    pool = [p for s in sources for p in s.paragraphs if len(p.split()) >= 12]
    titles = [s.title for s in sources]
    originals: list[SourceArticle] = []
    for _ in range(n):
        if originals and rng.random() < 0.3:
            family = rng.randrange(max(0, len(originals) - 500), len(originals))  # copies come soon after
            _, text = make_copy(originals[family], rng=rng, outlet=rng.choice(OUTLETS), other_titles=titles)
        else:
            family = len(originals)
            paragraphs = rng.sample(pool, 8)
            source = SourceArticle(
                f"o{family}", " ".join(paragraphs[0].split()[:9]), "x", "2016-01-01", None, paragraphs
            )
            originals.append(source)
            text = "\n\n".join([source.title, *paragraphs])
        yield family, text


def ours_keys(words: list[list[str]], *, num_perm: int, seed: int, bands: int, rows: int) -> np.ndarray:
    """Band keys of a chunk of documents (signatures and banding, all vectorised)."""
    sigs = signatures_of_words(words, make_permutations(num_perm, seed=seed), size=DEFAULT.shingle_size)
    return band_keys(sigs, bands=bands, rows=rows)


def _shingle_bytes(words: list[str], size: int) -> list[bytes]:
    if len(words) < size:
        return [" ".join(words).encode()] if words else []
    return list({" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)})


class DatasketchRun:
    """datasketch's MinHash (same permutations, affine32 scheme) and MinHashLSH (same bands and rows)."""

    def __init__(self, *, num_perm: int, seed: int, bands: int, rows: int) -> None:
        from datasketch import MinHash, MinHashLSH

        perms = make_permutations(num_perm, seed=seed)
        self.lsh = MinHashLSH(num_perm=num_perm, params=(bands, rows))
        self.template = MinHash(num_perm=num_perm, permutations=(perms.a, perms.b), scheme="affine32")
        self.pairs: set[tuple[int, int]] = set()
        self.count = 0

    def add(self, words: list[list[str]]) -> None:
        """Query each document against the documents before it, then insert it: every pair once."""
        for doc in words:
            minhash = self.template.copy()
            minhash.update_batch(_shingle_bytes(doc, DEFAULT.shingle_size))
            self.pairs.update((other, self.count) for other in self.lsh.query(minhash))
            self.lsh.insert(self.count, minhash, check_duplication=False)
            self.count += 1


def planted_pairs(families: list[int]) -> set[tuple[int, int]]:
    members: dict[int, list[int]] = {}
    for doc, family in enumerate(families):
        members.setdefault(family, []).append(doc)
    return {(a, b) for docs in members.values() for i, a in enumerate(docs) for b in docs[i + 1 :]}


def _retained_bytes(build) -> int:  # noqa: ANN001
    """Bytes still allocated once ``build()`` has returned its index (the index itself)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    index = build()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del index
    return after - before


def _datasketch_index(words: list[list[str]], options: dict) -> object:
    run = DatasketchRun(**options)
    run.add(words)
    return run.lsh


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="documents (default 10,000)")
    parser.add_argument("--num-perm", type=int, default=DEFAULT.num_perm)
    parser.add_argument("--threshold", type=float, default=DEFAULT.lsh_threshold)
    parser.add_argument("--seed", type=int, default=DEFAULT.seed)
    parser.add_argument("--memory-docs", type=int, default=5_000, help="documents for the memory measurement")
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)

    bands, rows = choose_bands(args.threshold, args.num_perm)
    options = {"num_perm": args.num_perm, "seed": args.seed, "bands": bands, "rows": rows}
    families: list[int] = []
    sample: list[list[str]] = []
    keys: list[np.ndarray] = []
    theirs_run = DatasketchRun(**options)
    words_s = ours_s = theirs_s = 0.0
    documents = iter_documents(args.corpora / "polnear", n=args.n, seed=args.seed)
    while len(families) < args.n:
        # Chunks are made, folded, then given to both sides in turn, so both see the same machine load.
        start = time.perf_counter()
        chunk = list(itertools.islice(documents, CHUNK))
        families.extend(f for f, _ in chunk)
        words = [fold_words(text) for _, text in chunk]
        words_s += time.perf_counter() - start
        if len(sample) < args.memory_docs:
            sample.extend(words[: args.memory_docs - len(sample)])
        start = time.perf_counter()
        keys.append(ours_keys(words, **options))
        ours_s += time.perf_counter() - start
        start = time.perf_counter()
        theirs_run.add(words)
        theirs_s += time.perf_counter() - start
    start = time.perf_counter()
    ours = set(map(tuple, candidate_pairs(np.vstack(keys)).tolist()))
    ours_s += time.perf_counter() - start
    theirs = theirs_run.pairs
    del theirs_run

    planted = planted_pairs(families)
    ours_bytes = _retained_bytes(lambda: ours_keys(sample, **options))
    theirs_bytes = _retained_bytes(lambda: _datasketch_index(sample, options))
    result = {
        "documents": args.n,
        "copies": args.n - len(set(families)),
        "planted_pairs": len(planted),
        "num_perm": args.num_perm,
        "threshold": args.threshold,
        "bands": bands,
        "rows": rows,
        "words_s": round(words_s, 2),
        "ours_s": round(ours_s, 2),
        "datasketch_s": round(theirs_s, 2),
        "speedup": round(theirs_s / ours_s, 2),
        "ours_recall": round(len(ours & planted) / max(1, len(planted)), 4),
        "datasketch_recall": round(len(theirs & planted) / max(1, len(planted)), 4),
        "ours_candidates": len(ours),
        "datasketch_candidates": len(theirs),
        "ours_mb_per_million": round(ours_bytes / len(sample) * 1e6 / 2**20, 1),
        "datasketch_mb_per_million": round(theirs_bytes / len(sample) * 1e6 / 2**20, 1),
    }
    print(json.dumps(result))
    print(
        "| {documents:,} | {num_perm} | {threshold} ({bands}x{rows}) | {ours_s} s | {datasketch_s} s | {speedup}x "
        "| {ours_recall} | {datasketch_recall} | {ours_mb_per_million} MB | {datasketch_mb_per_million} MB |".format(
            **result
        )
    )
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
