"""Shared fixtures: the real corpora beside the checkout, small hand-made articles."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"


def corpus_path(*parts: str) -> Path:
    """A path under ../shared/corpora, or a skip naming what is missing."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs the shared corpora at {path} (../shared beside the checkout)")
    return path


@pytest.fixture
def seeds_dir() -> Path:
    return corpus_path("seeds")


@pytest.fixture
def polnear_dir() -> Path:
    return corpus_path("polnear")
