"""Throughput of the Spark path (local mode) against the embedded build on the same articles.

    .venv/bin/python benchmarks/bench_spark.py --articles 2000 --cores 2 --work /tmp/bench_spark

The corpus is made at run time from the PolNeAR texts in ../shared (never committed): the 924 texts
as they are, then new reports that join the first half of one text to the second half of another,
dated on the days PolNeAR covers; every tenth report is a syndicated copy of an earlier one (new
title, last paragraph dropped, a line of outlet debris). Files of 1,000 reports each, as JSON lines
(gzip). Prints one JSON object: articles per second per core of each path and the time per stage.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import random
import shutil
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared" / "corpora" / "polnear"
PER_FILE = 1000
COPY_EVERY = 10
DEBRIS = "Share this story on social media"  # written by us


def load_polnear() -> list[dict[str, str]]:
    """Every PolNeAR text with its title, outlet and date from metadata.tsv."""
    meta = {}
    with open(CORPUS / "metadata.tsv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            meta[row["filename"]] = row
    texts = []
    for path in sorted(CORPUS.glob("*/text/*.txt")):
        row = meta.get(path.stem, {})
        texts.append(
            {
                "text": path.read_text(encoding="utf-8"),
                "title": row.get("title") or path.stem,
                "outlet": row.get("publisher") or "",
                "published": row.get("publication_date") or "",
            }
        )
    return texts


def make_reports(count: int, *, seed: int = 11) -> list[dict[str, str]]:
    """``count`` reports: PolNeAR texts, then spliced texts, a syndicated copy every tenth report."""
    texts = load_polnear()
    rng = random.Random(seed)
    reports: list[dict[str, str]] = []
    for n in range(count):
        if n < len(texts):
            base = texts[n]
            reports.append({"id": f"r{n}", **base})
            continue
        if n % COPY_EVERY == 0:
            original = reports[rng.randrange(len(reports))]
            paragraphs = [p for p in original["text"].split("\n") if p.strip()]
            body = paragraphs[: max(3, len(paragraphs) - 1)] + [DEBRIS]
            reports.append(
                {
                    "id": f"r{n}",
                    "title": f"{original['title']} (copy {n})",
                    "text": "\n\n".join(body),
                    "outlet": f"outlet {n % 37}",
                    "published": original["published"],
                }
            )
            continue
        first, second = texts[n % len(texts)], texts[rng.randrange(len(texts))]
        head = [p for p in first["text"].split("\n") if p.strip()]
        tail = [p for p in second["text"].split("\n") if p.strip()]
        body = head[: max(1, len(head) // 2)] + tail[len(tail) // 2 :]
        reports.append(
            {
                "id": f"r{n}",
                "title": f"{first['title']} / {second['title']}",
                "text": "\n\n".join(body),
                "outlet": first["outlet"],
                "published": first["published"],
            }
        )
    return reports


def write_corpus(reports: list[dict[str, str]], folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for start in range(0, len(reports), PER_FILE):
        path = folder / f"part-{start // PER_FILE:05d}.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            for report in reports[start : start + PER_FILE]:
                handle.write(json.dumps(report) + "\n")
        paths.append(str(path))
    return paths


class TreeCpu:
    """CPU seconds used by this process and every descendant (Spark's JVM and Python workers, the
    embedded build's worker pool), sampled twice a second: on a machine shared with other jobs, CPU
    time, not wall time, is what one core's throughput is made of."""

    def __init__(self) -> None:
        self._seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.5):
            self.snapshot(me)

    def snapshot(self, me: psutil.Process) -> None:
        for proc in [me, *me.children(recursive=True)]:
            try:
                t = proc.cpu_times()
                # Own time only: a reaped child's time would also show in its parent's children_* fields.
                self._seen[proc.pid] = t.user + t.system
            except psutil.Error:
                continue

    def __enter__(self) -> TreeCpu:
        self.snapshot(psutil.Process())
        self._start = sum(self._seen.values())
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def seconds(self) -> float:
        return round(sum(self._seen.values()) - self._start, 1)


def run_embedded(paths: list[str], work: Path, cores: int) -> dict[str, float]:
    from storyline.pipeline import build
    from storyline.settings import Settings
    from storyline.store import Store

    db = work / "embedded.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    with TreeCpu() as cpu, Store(db) as store:
        report = build(store, paths, settings=Settings(nlp_processes=cores))
        cpu.snapshot(psutil.Process())
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 1),
        "cpu": cpu.seconds,
        "stored": report.stored,
        "copies": report.copies,
    }


def run_spark(paths: list[str], work: Path, cores: int) -> dict[str, object]:
    from storyline.settings import Settings
    from storyline.spark import run_batch, spark_session

    started = time.perf_counter()
    with TreeCpu() as cpu:
        spark = spark_session(f"local[{cores}]")
        startup = time.perf_counter() - started
        try:
            report = run_batch(paths, str(work / "tables"), settings=Settings(), spark=spark)
            cpu.snapshot(psutil.Process())
        finally:
            spark.stop()
    seconds = time.perf_counter() - started
    return {**report, "wall": round(seconds, 1), "cpu": cpu.seconds, "startup": round(startup, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--work", default="/tmp/bench_spark")
    parser.add_argument("--skip-embedded", action="store_true")
    parser.add_argument("--skip-spark", action="store_true")
    args = parser.parse_args()
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    paths = write_corpus(make_reports(args.articles), work / "corpus")
    result: dict[str, object] = {
        "articles": args.articles,
        "cores": args.cores,
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg()[0],
    }
    spark: dict[str, object] = {}
    if not args.skip_spark:
        spark = run_spark(paths, work, args.cores)
        result["spark"] = spark
        stages = spark["seconds"]  # type: ignore[index]
        total = sum(stages.values())  # type: ignore[union-attr]
        result["spark_share"] = {k: round(v / total, 3) for k, v in stages.items()}  # type: ignore[union-attr]
        # Per core: articles over the wall time of all cores, and articles per CPU second actually used.
        result["spark_per_core"] = round(args.articles / spark["wall"] / args.cores, 3)  # type: ignore[operator]
        result["spark_per_cpu_second"] = round(args.articles / spark["cpu"], 3)  # type: ignore[operator]
    if not args.skip_embedded:
        embedded = run_embedded(paths, work, args.cores)
        result["embedded"] = embedded
        result["embedded_per_core"] = round(args.articles / embedded["seconds"] / args.cores, 3)
        result["embedded_per_cpu_second"] = round(args.articles / embedded["cpu"], 3)
        if spark:
            result["slowdown"] = round(spark["wall"] / embedded["seconds"], 3)  # type: ignore[operator]
            result["cpu_ratio"] = round(spark["cpu"] / embedded["cpu"], 3)  # type: ignore[operator]
    result["load_after"] = os.getloadavg()[0]
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
