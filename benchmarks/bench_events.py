"""Time online event clustering against stream size (synthetic reports made from PolNeAR texts).

    .venv/bin/python benchmarks/bench_events.py --sizes 10000,30000,100000
    .venv/bin/python benchmarks/bench_events.py --headlines ../shared/corpora/headlines/uci-dev.csv --actors

Each PolNeAR article seeds one happening; its reports are perturbed copies (sentences after the lead
dropped, words swapped) spread over two days in several outlets. The stream carries a steady number
of reports a day, as a news feed does. Nothing is written to disk.

With ``--headlines`` it scores the clusterer alone on the UCI headline stream, read the way
``../shared/eval/score_clusters.py`` reads it, once with full timestamps and once with dates only.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storyline.events import EventClusterer, EventInput, headline_actors  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "polnear"


def load_texts(corpus: Path) -> list[tuple[str, list[str]]]:
    """(title, body sentences) of every PolNeAR text."""
    texts = []
    for path in sorted(corpus.glob("*/text/*.txt")):
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        if len(lines) >= 2:
            sentences = [s.strip() + "." for ln in lines[1:] for s in ln.split(". ") if s.strip()]
            texts.append((lines[0], sentences))
    return texts


def make_stream(
    texts: list[tuple[str, list[str]]], size: int, *, per_day: int, seed: int
) -> list[EventInput]:
    """``size`` reports in time order: happenings of 1-12 perturbed reports each over two days."""
    rng = random.Random(seed)
    vocabulary = [w for _, sentences in texts[:50] for s in sentences for w in s.split()]
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    seconds_per_report = 86400 / per_day
    items: list[EventInput] = []
    happening = 0
    while len(items) < size:
        title, sentences = texts[happening % len(texts)]
        base = start + dt.timedelta(seconds=len(items) * seconds_per_report)
        for copy in range(min(rng.randint(1, 12), size - len(items))):
            # Outlets rewrite a report but keep its lead: later sentences are dropped, words swapped.
            kept = sentences[:1] + [s for s in sentences[1:] if rng.random() > 0.3]
            words = " ".join(kept).split()
            for _ in range(len(words) // 20):
                words[rng.randrange(len(words))] = rng.choice(vocabulary)
            title_words = title.split()
            if len(title_words) > 3:
                title_words[rng.randrange(len(title_words))] = rng.choice(vocabulary)
            when = base + dt.timedelta(seconds=rng.uniform(0, 2 * 86400))
            items.append(
                EventInput(
                    id=f"h{happening}-{copy}",
                    title=" ".join(title_words),
                    published=when.isoformat(),
                    text=" ".join(words),
                    outlet=f"outlet{rng.randrange(40)}",
                )
            )
        happening += 1
    return sorted(items, key=lambda i: i.published)


def pairwise_scores(truth: list[str], predicted: list[str]) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of predicted events against true groups (as the scorer does)."""

    def pairs(labels: list) -> int:
        return sum(n * (n - 1) // 2 for n in Counter(labels).values())

    both = pairs(list(zip(truth, predicted, strict=True)))
    precision, recall = both / max(1, pairs(predicted)), both / max(1, pairs(truth))
    f1 = 2 * precision * recall / (precision + recall) if both else 0.0
    return precision, recall, f1


def score_headlines(path: Path, *, actors: bool = False) -> None:
    """Print pairwise P/R/F1 of the clusterer on a UCI headline CSV, with timestamps and with dates
    (and with timestamps and the actors the NER finds in the titles, as the build reads headlines)."""
    rows = [
        r for r in csv.DictReader(path.open(newline="", encoding="utf-8")) if r["STORY"] and r["TIMESTAMP"]
    ]
    truth = [r["STORY"] for r in rows]
    runs = [("timestamps", None, False), ("dates only", 10, False)] + [("+ actors", None, True)] * actors
    for label, width, named in runs:
        items = []
        for r in rows:
            when = dt.datetime.fromtimestamp(int(r["TIMESTAMP"]) / 1000, dt.UTC).isoformat()
            items.append(
                EventInput(id=r["ID"], title=r["TITLE"], published=when[:width], outlet=r["PUBLISHER"])
            )
        began = time.process_time()
        if named:  # the NER's time counts, not the model's loading (once per build)
            headline_actors(items[:1])
            began = time.process_time()
            found = headline_actors(items)
            items = [replace(item, entities=names) for item, names in zip(items, found, strict=True)]
        clusterer = EventClusterer()
        predicted = [clusterer.resolve(e) for e in clusterer.add(items)]
        cpu = time.process_time() - began
        p, r_, f1 = pairwise_scores(truth, predicted)
        print(
            f"{label:<10} headlines {len(rows)} events {len(set(predicted))}/{len(set(truth))}"
            f"  pairwise P {p:.3f} R {r_:.3f} F1 {f1:.3f}  cpu {cpu:.1f}s"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--headlines", type=Path, help="score on a UCI headline CSV instead of timing")
    parser.add_argument("--actors", action="store_true", help="with --headlines: also with title NER")
    parser.add_argument("--sizes", default="10000,30000,100000")
    parser.add_argument("--per-day", type=int, default=300, help="reports a day in the stream")
    parser.add_argument("--batch", type=int, default=5000, help="reports per add() call, as a build does")
    args = parser.parse_args(argv)
    if args.headlines:
        score_headlines(args.headlines, actors=args.actors)
        return 0
    texts = load_texts(CORPUS)
    print(f"{len(texts)} PolNeAR texts, {args.per_day} reports a day, batches of {args.batch}")
    # CPU seconds beside wall seconds: on a shared machine the wall clock also counts other work.
    print(
        f"{'reports':>8} {'wall s':>8} {'cpu s':>8} {'cpu ms/report':>14} {'events':>7} {'happenings':>10} {'pairwise F1':>11}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        stream = make_stream(texts, size, per_day=args.per_day, seed=size)
        clusterer = EventClusterer()
        began, began_cpu = time.perf_counter(), time.process_time()
        ids: list[str] = []
        for lo in range(0, len(stream), args.batch):
            ids.extend(clusterer.add(stream[lo : lo + args.batch]))
        elapsed, cpu = time.perf_counter() - began, time.process_time() - began_cpu
        events = len({clusterer.resolve(e) for e in ids})
        truth = [item.id.split("-")[0] for item in stream]
        happenings = len(set(truth))
        f1 = pairwise_scores(truth, [clusterer.resolve(e) for e in ids])[2]
        print(
            f"{size:>8} {elapsed:>8.1f} {cpu:>8.1f} {1000 * cpu / size:>14.2f} {events:>7} {happenings:>10} {f1:>11.3f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
