"""Run every benchmark, collect their rows, write docs/benchmarks.json and the table in docs/benchmarks.md.

    .venv/bin/python benchmarks/run.py            # everything, at the sizes the issue asks for (hours)
    .venv/bin/python benchmarks/run.py --quick    # every benchmark at small sizes (minutes)
    .venv/bin/python benchmarks/run.py --only serve,store --quick

Each benchmark runs in its own process; one that fails becomes a row saying so and the rest go on.
Rows of benchmarks not run this time are kept from the previous docs/benchmarks.json, marked with
the run they came from, so the suite can be run in pieces.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "benchmarks"
DOCS = ROOT / "docs"
BEGIN, END = "<!-- benchmarks:begin (written by benchmarks/run.py) -->", "<!-- benchmarks:end -->"


@dataclass(frozen=True, slots=True)
class Benchmark:
    """One benchmark module: its arguments in full and quick mode, and how its output becomes rows."""

    name: str
    script: str
    full: tuple[str, ...]
    quick: tuple[str, ...]
    rows: Callable[[str, Path], list[dict[str, Any]]]
    takes_out: bool = True  # writes its JSON to --out (else its rows are read from what it prints)
    takes_work: bool = False  # wants a scratch folder as --work


def _json_rows(stdout: str, out: Path) -> list[dict[str, Any]]:
    return list(json.loads(out.read_text(encoding="utf-8"))["rows"])


def _dedup_rows(stdout: str, out: Path) -> list[dict[str, Any]]:
    r = json.loads(out.read_text(encoding="utf-8"))
    n = f"{r['documents']:,} documents"
    return [
        {
            "benchmark": "dedup",
            "figure": f"MinHash + LSH time, ours ({n})",
            "value": r["ours_s"],
            "unit": "s",
            "baseline": "datasketch MinHash + MinHashLSH",
            "baseline_value": r["datasketch_s"],
            "ratio": round(r["ours_s"] / r["datasketch_s"], 2) if r["datasketch_s"] else None,
            "note": f"speed-up {r['speedup']}x; {r['num_perm']} permutations, {r['bands']}x{r['rows']} bands",
        },
        {
            "benchmark": "dedup",
            "figure": f"planted copy pairs found, ours ({n})",
            "value": r["ours_recall"],
            "unit": "recall",
            "baseline": "datasketch",
            "baseline_value": r["datasketch_recall"],
            "ratio": round(r["ours_recall"] / r["datasketch_recall"], 3) if r["datasketch_recall"] else None,
        },
        {
            "benchmark": "dedup",
            "figure": "index memory per million documents, ours",
            "value": r["ours_mb_per_million"],
            "unit": "MB",
            "baseline": "datasketch",
            "baseline_value": r["datasketch_mb_per_million"],
            "ratio": round(r["ours_mb_per_million"] / r["datasketch_mb_per_million"], 2)
            if r["datasketch_mb_per_million"]
            else None,
        },
    ]


_EVENT_LINE = re.compile(r"^\s*(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s*$")


def _event_rows(stdout: str, out: Path) -> list[dict[str, Any]]:
    measured = [m.groups() for m in map(_EVENT_LINE.match, stdout.splitlines()) if m]
    if not measured:
        raise ValueError("no result lines in bench_events.py output")
    first = float(measured[0][3])
    rows = []
    for size, _wall, _cpu, per_report, _events, _happenings, f1 in measured:
        rows.append(
            {
                "benchmark": "events",
                "figure": f"event clustering, CPU per report ({int(size):,} reports)",
                "value": float(per_report),
                "unit": "ms/report (cpu)",
                "baseline": f"{int(measured[0][0]):,} reports",
                "baseline_value": first,
                "ratio": round(float(per_report) / first, 2) if first else None,
                "note": f"pairwise F1 {f1} against the planted happenings",
            }
        )
    return rows


def _spark_rows(stdout: str, out: Path) -> list[dict[str, Any]]:
    lines = stdout.splitlines()
    opening = max(i for i, line in enumerate(lines) if line.startswith("{"))  # its indented JSON comes last
    r = json.loads("\n".join(lines[opening:]))
    n = f"{r['articles']:,} articles, {r['cores']} cores"
    rows = [
        {
            "benchmark": "spark",
            "figure": f"Spark local mode, articles per CPU-second ({n})",
            "value": r["spark_per_cpu_second"],
            "unit": "articles/cpu-s",
        }
    ]
    if "embedded" in r:
        rows[0].update(
            baseline="embedded build, same articles",
            baseline_value=r["embedded_per_cpu_second"],
            ratio=round(r["spark_per_cpu_second"] / r["embedded_per_cpu_second"], 2),
        )
        rows.append(
            {
                "benchmark": "spark",
                "figure": f"Spark local mode, wall time ({n})",
                "value": r["spark"]["wall"],
                "unit": "s",
                "baseline": "embedded build, same articles",
                "baseline_value": r["embedded"]["seconds"],
                "ratio": r["slowdown"],
                "note": f"Spark start-up {r['spark'].get('startup')} s",
            }
        )
    return rows


BENCHMARKS = [
    Benchmark(
        "build",
        "bench_build.py",
        ("--sizes", "10000,100000", "--baseline-n", "2000"),
        ("--quick",),
        _json_rows,
    ),
    Benchmark("store", "bench_store.py", ("--n", "1000"), ("--quick",), _json_rows),
    Benchmark("quotes", "bench_quotes.py", (), ("--quick",), _json_rows),
    Benchmark("serve", "bench_serve.py", ("--articles", "100000"), ("--quick",), _json_rows),
    Benchmark(
        "dedup", "bench_dedup.py", ("--n", "100000"), ("--n", "5000", "--memory-docs", "2000"), _dedup_rows
    ),
    Benchmark(
        "events",
        "bench_events.py",
        ("--sizes", "10000,30000,100000"),
        ("--sizes", "2000,6000"),
        _event_rows,
        takes_out=False,
    ),
    Benchmark(
        "spark",
        "bench_spark.py",
        ("--articles", "2000"),
        ("--articles", "200"),
        _spark_rows,
        takes_out=False,
        takes_work=True,
    ),
]


def run_one(bench: Benchmark, *, quick: bool, work: Path, extra: tuple[str, ...] = ()) -> dict[str, Any]:
    """Run one benchmark module in its own process; its rows, or one row saying why there are none."""
    script = HERE / bench.script
    out = work / f"{bench.name}.json"
    args = [*(bench.quick if quick else bench.full), *extra]
    hidden = ["--out", str(out)] if bench.takes_out else []
    hidden += ["--work", str(work / f"{bench.name}-work")] if bench.takes_work else []
    command = [sys.executable, str(script), *args, *hidden]
    shown = " ".join(["python", f"benchmarks/{bench.script}", *args])
    record: dict[str, Any] = {"command": shown, "load_before": round(os.getloadavg()[0], 2)}
    if not script.exists():
        record["rows"] = [
            {"benchmark": bench.name, "figure": "not run", "note": f"{bench.script} does not exist"}
        ]
        return record
    began = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    record.update(
        seconds=round(time.perf_counter() - began, 1),
        load_after=round(os.getloadavg()[0], 2),
        returncode=proc.returncode,
    )
    try:
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "no output")
        record["rows"] = bench.rows(proc.stdout, out)
        if out.exists():
            record["result"] = json.loads(out.read_text(encoding="utf-8"))
    except (RuntimeError, ValueError, KeyError, OSError, json.JSONDecodeError) as exc:
        record["rows"] = [
            {"benchmark": bench.name, "figure": "failed", "note": f"{type(exc).__name__}: {exc}"[:300]}
        ]
        record["stderr_tail"] = proc.stderr[-2000:]
    return record


def _handover(name: str, runs: dict[str, Any], kept: Path) -> tuple[str, ...]:
    """The build keeps its largest store; the store benchmark measures that one instead of building again."""
    if name == "build":
        return ("--keep-store", str(kept))
    if name == "store" and kept.exists() and "result" in runs.get("build", {}):
        largest = runs["build"]["result"]["sizes"][-1]
        return ("--db", str(kept), "--input-bytes", str(largest["input_bytes"]))
    return ()


def _imported(spec: str, now: str) -> dict[str, Any]:
    path, _, command = spec.partition("=")
    result = json.loads(Path(path).read_text(encoding="utf-8"))
    stamp = dt.datetime.fromtimestamp(Path(path).stat().st_mtime, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return {
        "command": command or f"(imported from {path})",
        "rows": result["rows"],
        "result": result,
        "generated": stamp,
        "seconds": result.get("wall_s"),
        "load_before": result.get("load_before"),
        "load_after": result.get("load_after"),
    }


def _cell(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value).replace("|", "\\|")


def render_table(report: dict[str, Any]) -> str:
    """The markdown block: when and where it ran, then one table row per figure."""
    lines = [
        BEGIN,
        "",
        f"Table written {report['generated']} on {report['machine']}; its rows come from these runs (a piece"
        " run alone replaces only its own rows):",
        "",
    ]
    for run in report["runs"].values():
        when = run.get("generated", report["generated"])
        lines.append(
            f"- `{run['command']}`: {run.get('seconds', '?')} s, load average "
            f"{run.get('load_before', '?')} -> {run.get('load_after', '?')} ({when})"
        )
    lines += [
        "",
        "| benchmark | figure | value | unit | baseline (same run) | baseline value | ratio | target | "
        "met | note |",
        "|---|---|---:|---|---|---:|---:|---|---|---|",
    ]
    for row in report["rows"]:
        cells = [
            row.get(k)
            for k in (
                "benchmark",
                "figure",
                "value",
                "unit",
                "baseline",
                "baseline_value",
                "ratio",
                "target",
                "ok",
                "note",
            )
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines += ["", END]
    return "\n".join(lines)


def write_docs(report: dict[str, Any], *, docs: Path = DOCS) -> None:
    """docs/benchmarks.json in full; in docs/benchmarks.md only the block between the markers is replaced."""
    (docs / "benchmarks.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    page = docs / "benchmarks.md"
    table = render_table(report)
    text = page.read_text(encoding="utf-8") if page.exists() else "# Benchmarks\n\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + table + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + table + "\n"
    page.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="every benchmark at small sizes")
    parser.add_argument(
        "--only", help="comma-separated benchmark names: " + ",".join(b.name for b in BENCHMARKS)
    )
    parser.add_argument("--skip", default="", help="comma-separated benchmark names to leave out")
    parser.add_argument(
        "--import",
        dest="imports",
        action="append",
        default=[],
        metavar="NAME=JSON[=COMMAND]",
        help="take a benchmark's rows from the --out JSON of a run made on its own (with its command)",
    )
    parser.add_argument(
        "--docs", type=Path, default=DOCS, help="where benchmarks.json and benchmarks.md live"
    )
    args = parser.parse_args(argv)
    names = {b.name for b in BENCHMARKS}
    chosen = set(args.only.split(",")) if args.only else names
    chosen -= set(filter(None, args.skip.split(",")))
    imported = dict(item.split("=", 1) for item in args.imports)
    if chosen - names or set(imported) - names:
        parser.error(f"unknown benchmark(s): {', '.join(sorted((chosen | set(imported)) - names))}")
    chosen -= set(imported)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    previous_path = args.docs / "benchmarks.json"
    previous = (
        json.loads(previous_path.read_text(encoding="utf-8")) if previous_path.exists() else {"runs": {}}
    )
    runs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="storyline-run-") as tmp:
        kept = Path(tmp) / "built.db"
        for bench in BENCHMARKS:
            if bench.name in chosen:
                print(f"running {bench.name} ...", file=sys.stderr, flush=True)
                extra = _handover(bench.name, runs, kept)
                runs[bench.name] = {
                    **run_one(bench, quick=args.quick, work=Path(tmp), extra=extra),
                    "generated": now,
                }
                print(f"  {bench.name}: {runs[bench.name].get('seconds')} s", file=sys.stderr, flush=True)
            elif bench.name in imported:
                runs[bench.name] = _imported(imported[bench.name], now)
            elif bench.name in previous.get("runs", {}):
                runs[bench.name] = previous["runs"][bench.name]
    report = {
        "generated": now,
        "command": "python benchmarks/run.py"
        + (" --quick" if args.quick else "")
        + (f" --only {args.only}" if args.only else ""),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "runs": runs,
        "rows": [row for run in runs.values() for row in run["rows"]],
    }
    write_docs(report, docs=args.docs)
    failed = [r for r in report["rows"] if r.get("figure") == "failed"]
    print(
        f"{len(report['rows'])} rows written to {args.docs / 'benchmarks.md'}; {len(failed)} failed",
        file=sys.stderr,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
