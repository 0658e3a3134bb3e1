"""Search and dossier latency of the real server on loopback, on a store of 100,000 articles.

    .venv/bin/python benchmarks/bench_serve.py --articles 100000 [--base-db built.db] [--out result.json]
    .venv/bin/python benchmarks/bench_serve.py --quick

The store is made without NLP at scale: a small base of really analysed reports (the seeds and the
first PolNeAR dev articles, built by the full pipeline, or ``--base-db``) is replicated with its
entities, quotes, time expressions and claims, each replica given its own id, title, date and one
appended PolNeAR paragraph (appended, so every span still points into the text), through
``Store.put_article`` and ``Store.put_analysis`` (FTS included). The server is `storyline serve` in
its own process (tests/server.py); the load generator is wrk when installed, else an asyncio client.
The baseline is the same request mix against a store of 1,000 articles made the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import CORPORA, load_sources  # noqa: E402
from server import running_server  # noqa: E402

from storyline.model import Article, PublishedDate, Span  # noqa: E402

# Queries a reader of the dossier types: names, a phrase, a rare word, a prefix, a boolean.
QUERIES = ("Clinton", "Trump campaign", '"security guarantees"', "Rutte", "Ukraine NATO", "debate",
           "immigra*", "Sanders OR Cruz", "email server", "coalition of the willing")
ENDPOINTS = {
    "api_search": [f"/api/search?q={urllib.parse.quote(q)}" for q in QUERIES],
    "page_search": [f"/search?q={urllib.parse.quote(q)}" for q in QUERIES],
    "dossier": ["/dossier"],
}
TARGET_P95_MS = 100.0

WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%%d,"duration_us":%%d,"errors":%%d,"p50_us":%%d,"p95_us":%%d,"p99_us":%%d,"max_us":%%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def build_base(work: Path, *, polnear: int) -> Path:
    """A store really built (every stage) from the seeds and the first PolNeAR dev articles."""
    from storyline.pipeline import build
    from storyline.settings import Settings
    from storyline.store import Store

    records = work / "base.jsonl"
    with records.open("w", encoding="utf-8") as out:
        for source in load_sources()[-polnear:] if polnear else []:
            text = "\n\n".join([source.title, *source.paragraphs])
            out.write(json.dumps({"id": source.id, "title": source.title, "text": text, "outlet": source.outlet,
                                  "published": source.published}) + "\n")
    db = work / "base.db"
    with Store(db) as store:
        build(store, [str(CORPORA / "seeds"), str(records)], settings=Settings())
    return db


def replicate(base_db: Path, db: Path, *, articles: int) -> dict[str, Any]:
    """Fill ``db`` with ``articles`` replicas of the analysed reports in ``base_db``."""
    from storyline.store import Store

    with Store(base_db, readonly=True) as base_store:
        base = [a for a in base_store.articles() if a.text.strip()]
    pool = [p for s in load_sources() for p in s.paragraphs if len(p.split()) >= 8]
    first = dt.date(2015, 6, 1)
    began = time.perf_counter()
    with Store(db) as store:
        for lo in range(0, articles, 1000):
            with store.transaction():
                for number in range(lo, min(articles, lo + 1000)):
                    replica = _replica(base[number % len(base)], number, pool=pool, first=first)
                    store.put_article(replica)  # stored as read: its analysis, its base's, follows
                    store.put_analysis(replica)
    return {"articles": articles, "base_articles": len(base), "fill_s": round(time.perf_counter() - began, 1),
            "store_bytes": sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))}


def _replica(article: Article, number: int, *, pool: list[str], first: dt.date) -> Article:
    extra = pool[(number * 7919) % len(pool)]
    start = len(article.text) + 2
    day = (first + dt.timedelta(days=number % 540)).isoformat()
    replica = dataclasses.replace(
        article, id=f"s{number}", source=f"bench:s{number}", origin=f"bench:s{number}",
        text=f"{article.text}\n\n{extra}", title=f"{article.title or article.id} ({number})",
        body=[*article.body, Span(start, start + len(extra))],
        published=PublishedDate(value=day, source="metadata", confidence=1.0))
    return replica


def run_wrk(base: str, paths: list[str], *, seconds: int, connections: int, work: Path) -> dict[str, Any]:
    script = work / "mix.lua"
    script.write_text(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths), encoding="utf-8")
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s", "-s", str(script),
                          base], capture_output=True, text=True, check=True).stdout
    found = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    return {"tool": "wrk", "requests": found["requests"], "errors": found["errors"],
            "rps": found["requests"] / (found["duration_us"] / 1e6),
            **{k.replace("_us", "_ms"): found[k] / 1000 for k in ("p50_us", "p95_us", "p99_us", "max_us")}}


async def _asyncio_load(base: str, paths: list[str], *, seconds: int, connections: int) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def client(offset: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            i = offset
            while time.perf_counter() < stop:
                began = time.perf_counter()
                response = await http.get(paths[i % len(paths)])
                latencies.append(time.perf_counter() - began)
                errors += response.status_code >= 400
                i += 1

    began = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(connections)))
    elapsed = time.perf_counter() - began
    latencies.sort()

    def pct(p: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]

    return {"tool": "asyncio+httpx", "requests": len(latencies), "errors": errors, "rps": len(latencies) / elapsed,
            "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99), "max_ms": 1000 * latencies[-1]}


def load_test(base: str, paths: list[str], *, seconds: int, connections: int, work: Path) -> dict[str, Any]:
    """p50/p95/p99 (ms) and requests per second of a request mix, after one warm-up pass."""
    import urllib.request

    for path in paths:
        urllib.request.urlopen(base + path, timeout=120).read()
    if shutil.which("wrk"):
        result = run_wrk(base, paths, seconds=seconds, connections=connections, work=work)
    else:
        result = asyncio.run(_asyncio_load(base, paths, seconds=seconds, connections=connections))
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}


def measure(db: Path, *, seconds: int, connections: int, workers: int, work: Path) -> dict[str, Any]:
    results = {}
    with running_server(db, workers=workers) as base:
        for name, paths in ENDPOINTS.items():
            results[name] = load_test(base, paths, seconds=seconds, connections=connections, work=work)
            results[name]["load"] = round(os.getloadavg()[0], 2)
    return results


def rows_of(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    n, small = result["store"]["articles"], result["baseline_store"]["articles"]
    for name, m in result["large"].items():
        b = result["baseline"][name]
        rows.append({"benchmark": "serve", "figure": f"{name} p95 latency ({n:,} articles)", "value": m["p95_ms"],
                     "unit": "ms", "baseline": f"same mix, {small:,} articles", "baseline_value": b["p95_ms"],
                     "ratio": round(m["p95_ms"] / b["p95_ms"], 2) if b["p95_ms"] else None,
                     "target": f"<= {TARGET_P95_MS:g} ms", "ok": m["p95_ms"] <= TARGET_P95_MS,
                     "note": f"p50 {m['p50_ms']} ms, p99 {m['p99_ms']} ms, errors {m['errors']}, "
                             f"{m['tool']}, load {m['load']}"})
        rows.append({"benchmark": "serve", "figure": f"{name} requests/s ({n:,} articles)", "value": m["rps"],
                     "unit": "req/s", "baseline": f"same mix, {small:,} articles", "baseline_value": b["rps"],
                     "ratio": round(m["rps"] / b["rps"], 2) if b["rps"] else None,
                     "note": f"{result['connections']} connections, {result['workers']} server workers"})
    return rows


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles in the large store")
    parser.add_argument("--baseline-articles", type=int, default=1_000)
    parser.add_argument("--base-db", type=Path, help="an analysed store to replicate (default: build one)")
    parser.add_argument("--base-polnear", type=int, default=40, help="PolNeAR articles in a base built here")
    parser.add_argument("--seconds", type=int, default=10, help="load per endpoint")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--quick", action="store_true", help="5,000 articles, 3 s per endpoint, base of 10")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)
    if args.quick:
        args.articles, args.seconds, args.base_polnear = 5_000, 3, 10
    with tempfile.TemporaryDirectory(prefix="storyline-serve-", dir=args.workdir) as tmp:
        work = Path(tmp)
        base_db = args.base_db or build_base(work, polnear=args.base_polnear)
        small_db, large_db = work / "small.db", work / "large.db"
        result: dict[str, Any] = {"connections": args.connections, "workers": args.workers,
                                  "seconds": args.seconds}
        result["baseline_store"] = replicate(base_db, small_db, articles=args.baseline_articles)
        result["store"] = replicate(base_db, large_db, articles=args.articles)
        common = {"seconds": args.seconds, "connections": args.connections, "workers": args.workers, "work": work}
        result["baseline"] = measure(small_db, **common)
        result["large"] = measure(large_db, **common)
    result["rows"] = rows_of(result)
    print(json.dumps(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
