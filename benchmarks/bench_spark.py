"""Throughput of the Spark path (local mode) against the embedded build on the same articles.

    .venv/bin/python benchmarks/bench_spark.py --articles 2000 --cores 2 --work /tmp/bench_spark

The corpus is bench_build.py's scale corpus (benchmarks/corpus.py), made at run time from the PolNeAR
texts in ../shared (never committed): originals mixed from PolNeAR paragraphs, and a share of perturbed
copies (``--copy-share``). Files of 1,000 reports each, as JSON lines (gzip). Prints one JSON object:
articles per second per core of each path and the time per stage.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import iter_reports, load_sources  # noqa: E402

PER_FILE = 1000


def write_corpus(count: int, folder: Path, *, copy_share: float, seed: int | None = None) -> list[str]:
    """The scale corpus of bench_build.py (benchmarks/corpus.py), as gzip JSON-lines files of 1,000: the
    same seed (the size) gives the same reports as bench_build.py's corpus of that size."""
    seed = count if seed is None else seed
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[str] = []
    handle = None
    for n, report in enumerate(iter_reports(load_sources(), n=count, seed=seed, copy_share=copy_share)):
        if n % PER_FILE == 0:
            if handle is not None:
                handle.close()
            path = folder / f"part-{n // PER_FILE:05d}.jsonl.gz"
            handle = gzip.open(path, "wt", encoding="utf-8")
            paths.append(str(path))
        report.pop("copy_of", None)
        handle.write(json.dumps(report) + "\n")
    if handle is not None:
        handle.close()
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
    parser.add_argument(
        "--copy-share", type=float, default=0.3, help="share of perturbed copies (benchmarks/corpus.py)"
    )
    parser.add_argument("--skip-embedded", action="store_true")
    parser.add_argument("--skip-spark", action="store_true")
    args = parser.parse_args()
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    paths = write_corpus(args.articles, work / "corpus", copy_share=args.copy_share)
    result: dict[str, object] = {
        "articles": args.articles,
        "copy_share": args.copy_share,
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
