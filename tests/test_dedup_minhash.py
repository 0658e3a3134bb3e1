"""Shingles, MinHash signatures and LSH bands (storyline.minhash), checked against datasketch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.minhash import (
    MAX_HASH,
    band_keys,
    candidate_pairs,
    choose_bands,
    fold_words,
    hash_shingles,
    make_permutations,
    shingle_hashes,
    shingle_spans,
    signatures,
    signatures_of_words,
)
from storyline.model import Span

TEXT = (
    "The harbour board said on Monday that the new ferry would start in May.\n\n"
    "“We are ready,” the board’s chair said, adding that tickets would go on sale next week."
)


@pytest.mark.parametrize(
    "variant",
    [
        TEXT.replace("“", '"').replace("”", '"').replace("’", "'"),  # quote marks swapped
        TEXT.replace("\n\n", " "),  # paragraphs re-broken
        TEXT.replace("\n\n", "\n").replace(", adding", ",\nadding"),
        TEXT.upper(),
        TEXT.replace("said,", "said —").replace(".", " ."),  # dashes and punctuation
    ],
)
def test_shingles_ignore_quotes_case_punctuation_and_line_breaks(variant: str) -> None:
    assert np.array_equal(shingle_hashes(variant, size=5), shingle_hashes(TEXT, size=5))


def test_shingles_change_with_words() -> None:
    other = TEXT.replace("ferry", "bridge")
    shared = np.intersect1d(shingle_hashes(other, size=5), shingle_hashes(TEXT, size=5))
    assert 0 < shared.shape[0] < shingle_hashes(TEXT, size=5).shape[0]


def test_shingles_stay_inside_spans_and_start_on_their_line() -> None:
    text = "debris line here\nThe ferry starts in May this year.\nmore debris"
    body = Span(17, 51)
    shingled = shingle_spans(text, [body], size=3)
    assert shingled.hashes.shape[0] == 7 - 3 + 1
    assert set(shingled.starts.tolist()) == {17}
    assert np.array_equal(np.unique(shingled.hashes), shingle_hashes(text[17:51], size=3))


@pytest.mark.parametrize(("text", "count"), [("", 0), ("two words", 1), ("one two three four five", 1)])
def test_short_texts_make_at_most_one_shingle(text: str, count: int) -> None:
    assert shingle_hashes(text, size=5).shape[0] == count


def test_signatures_equal_datasketch_with_the_same_permutations() -> None:
    datasketch = pytest.importorskip("datasketch")
    perms = make_permutations(64, seed=3)
    sets = [shingle_hashes(TEXT, size=3), shingle_hashes(TEXT[:80], size=3)]
    ours = signatures(sets, perms)
    for row, hashes in zip(ours, sets, strict=True):
        theirs = datasketch.MinHash(
            num_perm=64, hashfunc=lambda v: v, permutations=(perms.a, perms.b), scheme="affine32"
        )
        theirs.update_batch([int(h) for h in hashes])
        assert np.array_equal(row, theirs.hashvalues)


def test_empty_set_gets_the_empty_signature() -> None:
    sigs = signatures([np.empty(0, dtype=np.uint32), shingle_hashes(TEXT, size=5)], make_permutations(16))
    assert (sigs[0] == MAX_HASH).all()
    assert not (sigs[1] == MAX_HASH).all()


def test_signatures_do_not_depend_on_the_batch() -> None:
    perms = make_permutations(32)
    sets = [shingle_hashes(TEXT, size=k) for k in (1, 2, 3, 4, 5)]
    together = signatures(sets, perms)
    alone = np.vstack([signatures([s], perms) for s in sets])
    assert np.array_equal(together, alone)


def test_signature_agreement_estimates_jaccard() -> None:
    rng = np.random.default_rng(0)
    universe = rng.choice(2**32, size=3000, replace=False).astype(np.uint32)
    a, b = np.sort(universe[:2000]), np.sort(universe[1000:])  # Jaccard 1000 / 3000
    sigs = signatures([a, b], make_permutations(512))
    # 512 permutations: standard error sqrt(J(1-J)/k) ~ 0.021; allow four of them.
    assert abs((sigs[0] == sigs[1]).mean() - 1 / 3) < 0.085


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8, 0.9])
def test_bands_match_datasketch_optimum(threshold: float) -> None:
    lsh = pytest.importorskip("datasketch.lsh")
    assert choose_bands(threshold, 128) == lsh._optimal_param(threshold, 128, 0.5, 0.5)


@pytest.mark.parametrize("threshold", [0.0, 1.0, -0.2])
def test_bands_refuse_a_threshold_outside_the_unit_interval(threshold: float) -> None:
    with pytest.raises(ValueError):
        choose_bands(threshold, 128)


def test_band_keys_differ_across_bands_for_equal_values() -> None:
    sigs = np.zeros((1, 8), dtype=np.uint32)
    keys = band_keys(sigs, bands=4, rows=2)
    assert len(set(keys[0].tolist())) == 4
    assert (keys >= 0).all()


def test_candidate_pairs_are_rows_sharing_a_band() -> None:
    keys = np.array([[1, 10], [2, 10], [1, 11], [3, 12], [3, 12], [3, 13]], dtype=np.int64)
    pairs = {tuple(p) for p in candidate_pairs(keys).tolist()}
    assert pairs == {(0, 1), (0, 2), (3, 4), (3, 5), (4, 5)}


def test_no_candidate_pairs_without_shared_keys() -> None:
    assert candidate_pairs(np.arange(6, dtype=np.int64).reshape(3, 2)).shape == (0, 2)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=60, unique=True))
def test_a_set_collides_with_itself_in_every_band(values: list[int]) -> None:
    hashes = np.sort(np.array(values, dtype=np.uint32))
    keys = band_keys(signatures([hashes, hashes.copy()], make_permutations(128)), bands=37, rows=3)
    assert np.array_equal(keys[0], keys[1])
    assert candidate_pairs(keys).tolist() == [[0, 1]]


def test_the_bulk_path_equals_per_document_signatures() -> None:
    docs = [
        fold_words(TEXT),
        [],
        fold_words("too short"),
        fold_words(TEXT.replace("ferry", "bridge")),
        ["one"],
    ]
    perms = make_permutations(64)
    expected = signatures([hash_shingles(d, size=5) for d in docs], perms)
    assert np.array_equal(signatures_of_words(docs, perms, size=5), expected)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 4), min_size=3, max_size=3), min_size=0, max_size=30))
def test_candidate_pairs_equal_brute_force(rows: list[list[int]]) -> None:
    keys = np.array(rows, dtype=np.int64).reshape(len(rows), 3)
    expected = {
        (i, j) for i in range(len(rows)) for j in range(i + 1, len(rows)) if any(np.equal(keys[i], keys[j]))
    }
    assert {tuple(p) for p in candidate_pairs(keys).tolist()} == expected
