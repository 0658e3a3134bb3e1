"""Small mixed corpora for end-to-end tests, made at run time from ../shared (never committed)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from conftest import corpus_path

DEBRIS = ["icon-facebook icon-twitter icon-whatsapp", "ALSO READ: Markets close higher on Friday", "![]() |"]


def mixed_corpus(folder: Path, *, polnear: int = 40, copies: int = 12, seed: int = 7) -> Path:
    """The seeds, `polnear` PolNeAR dev texts, and `copies` re-published copies of some of them."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(corpus_path("seeds").glob("*.txt")):
        shutil.copy(path, folder / path.name)
    texts = sorted(corpus_path("polnear", "dev", "text").glob("*.txt"))[:polnear]
    rng = random.Random(seed)
    for path in texts:
        shutil.copy(path, folder / path.name)
    for i, path in enumerate(rng.sample(texts, min(copies, len(texts)))):
        paragraphs = [p for p in path.read_text(encoding="utf-8").split("\n") if p.strip()]
        body = paragraphs[: max(3, len(paragraphs) - 2)]  # trimmed at the end, as outlets do
        page = [f"Republished headline number {i}", rng.choice(DEBRIS), *body, rng.choice(DEBRIS)]
        (folder / f"copy_{i:02d}_{path.name}").write_text("\n\n".join(page), encoding="utf-8")
    return folder
