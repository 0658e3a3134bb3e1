"""Scale corpora for the benchmarks, made at run time from the PolNeAR texts in ../shared (never committed).

    .venv/bin/python benchmarks/corpus.py --n 10000 --out /tmp/scale.jsonl

An original is a new report of as many paragraphs as a random PolNeAR article has, drawn from different
PolNeAR articles (so originals are not copies of each other); about 30% of the reports are perturbed
copies of a recent original (tests/syndication.py: retitled, trimmed, re-broken, typos, local paragraphs,
outlet debris). Reports arrive day by day, 300 a day. Written as JSON lines, streamed: memory stays flat.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from syndication import OUTLETS, SourceArticle, load_polnear, make_copy  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"
PER_DAY = 300  # reports a day, about what a regional aggregator carries
RECENT = 500  # copies are made of one of the last RECENT originals, as wire copies follow within days
FIRST_DAY = dt.date(2016, 1, 4)


@dataclass(slots=True)
class CorpusInfo:
    """What was written: the file, how many reports, how many of them copies, and its size."""

    path: Path
    articles: int
    copies: int
    bytes: int


def load_sources(corpora: Path = CORPORA) -> list[SourceArticle]:
    """Every PolNeAR article (train and dev) with its paragraphs."""
    root = corpora / "polnear"
    if not root.exists():
        raise SystemExit(f"needs the PolNeAR corpus at {root} (../shared beside the checkout)")
    return load_polnear(root, split="train") + load_polnear(root, split="dev")


def iter_reports(
    sources: list[SourceArticle], *, n: int, seed: int, copy_share: float = 0.3
) -> Iterator[dict]:
    """``n`` JSON-lines records (id, title, text, outlet, published, copy_of) in arrival order."""
    rng = random.Random(seed)
    pool = [p for s in sources for p in s.paragraphs if len(p.split()) >= 8]
    lengths = [len(s.paragraphs) for s in sources if len(s.paragraphs) >= 3]
    titles = [s.title for s in sources]
    recent: deque[SourceArticle] = deque(maxlen=RECENT)
    for number in range(n):
        day = (FIRST_DAY + dt.timedelta(days=number // PER_DAY)).isoformat()
        if recent and rng.random() < copy_share:
            source = rng.choice(recent)
            outlet = rng.choice(OUTLETS)
            title, text = make_copy(source, rng=rng, outlet=outlet, other_titles=titles)
            yield {
                "id": f"r{number}",
                "title": title,
                "text": text,
                "outlet": outlet,
                "published": day,
                "copy_of": source.id,
            }
            continue
        paragraphs = rng.sample(pool, rng.choice(lengths))
        words = paragraphs[0].split()
        title = " ".join(words[: rng.randint(6, 12)]).rstrip(",;:")
        source = SourceArticle(f"r{number}", title, rng.choice(OUTLETS), day, None, paragraphs)
        recent.append(source)
        yield {
            "id": source.id,
            "title": title,
            "text": "\n\n".join([title, *paragraphs]),
            "outlet": source.outlet,
            "published": day,
            "copy_of": None,
        }


def write_corpus(
    path: Path, *, n: int, seed: int = 1, copy_share: float = 0.3, sources: list[SourceArticle] | None = None
) -> CorpusInfo:
    """Write ``n`` reports to ``path`` as JSON lines; returns what was written."""
    sources = sources if sources is not None else load_sources()
    copies = 0
    with path.open("w", encoding="utf-8") as out:
        for record in iter_reports(sources, n=n, seed=seed, copy_share=copy_share):
            copies += record["copy_of"] is not None
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return CorpusInfo(path, n, copies, path.stat().st_size)


def read_texts(path: Path) -> Iterator[str]:
    """The texts of a written corpus, in order (what a baseline parses)."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)["text"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="reports (default 1,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--copy-share", type=float, default=0.3)
    parser.add_argument("--out", type=Path, required=True, help="the JSON-lines file to write")
    args = parser.parse_args(argv)
    info = write_corpus(args.out, n=args.n, seed=args.seed, copy_share=args.copy_share)
    print(
        json.dumps(
            {"path": str(info.path), "articles": info.articles, "copies": info.copies, "bytes": info.bytes}
        )
    )


if __name__ == "__main__":
    main()
