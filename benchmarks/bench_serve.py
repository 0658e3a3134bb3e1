"""Search and dossier latency of the real server on loopback, on a store of 100,000 articles.

    .venv/bin/python benchmarks/bench_serve.py --articles 100000 [--base-db built.db] [--out result.json]
    .venv/bin/python benchmarks/bench_serve.py --quick

The store is made without NLP at scale: a small base of really analysed reports (the seeds and the
first PolNeAR dev articles, built by the full pipeline, or ``--base-db``) is replicated with its
entities, quotes, time expressions and claims, each replica given its own id, title, date and one
appended PolNeAR paragraph (appended, so every span still points into the text), through
``Store.put_article`` and ``Store.put_analysis`` (FTS included). The server is `storyline serve` in
its own process (tests/server.py); the load generator is an asyncio client (or wrk, ``--tool wrk``).
The baseline is the same request mix against a store of 1,000 articles made the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sqlite3
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

# Queries a reader of the dossier types: names, a phrase, a rare word, a prefix, a boolean.
QUERIES = (
    "Clinton",
    "Trump campaign",
    '"security guarantees"',
    "Rutte",
    "Ukraine NATO",
    "debate",
    "immigra*",
    "Sanders OR Cruz",
    "email server",
    "coalition of the willing",
)
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


def build_base(work: Path, *, polnear: int, db: Path | None = None) -> Path:
    """A store really built (every stage) from the seeds and the last PolNeAR dev articles."""
    from storyline.pipeline import build
    from storyline.settings import Settings
    from storyline.store import Store

    records = work / "base.jsonl"
    with records.open("w", encoding="utf-8") as out:
        for source in load_sources()[-polnear:] if polnear else []:
            text = "\n\n".join([source.title, *source.paragraphs])
            out.write(
                json.dumps(
                    {
                        "id": source.id,
                        "title": source.title,
                        "text": text,
                        "outlet": source.outlet,
                        "published": source.published,
                    }
                )
                + "\n"
            )
    db = db or work / "base.db"
    with Store(db) as store:
        build(store, [str(CORPORA / "seeds"), str(records)], settings=Settings())
    return db


def replicate(base_db: Path, db: Path, *, articles: int) -> dict[str, Any]:
    """Fill ``db`` with ``articles`` replicas of the analysed reports in ``base_db`` (in SQL: minutes
    of Python per 100,000 become seconds)."""
    from storyline.store import Store

    pool = [p for s in load_sources() for p in s.paragraphs if len(p.split()) >= 8]
    began = time.perf_counter()
    Store(db).close()  # the schema, by the store's own migrations
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("ATTACH DATABASE ? AS base", (f"file:{base_db}?mode=ro",))
        conn.execute("BEGIN")
        conn.execute("CREATE TEMP TABLE pool (k INTEGER PRIMARY KEY, para TEXT NOT NULL)")
        conn.executemany("INSERT INTO pool VALUES (?, ?)", enumerate(pool))
        conn.execute("""CREATE TEMP TABLE seed AS
                        SELECT row_number() OVER (ORDER BY a.n) - 1 AS k, a.*, f.body AS fts_body
                        FROM base.articles a JOIN base.articles_fts f ON f.rowid = a.n
                        WHERE a.state = 'analysed' AND trim(a.text) != ''""")
        seeds = conn.execute("SELECT count(*) FROM seed").fetchone()[0]
        conn.execute(
            """CREATE TEMP TABLE replica AS
                        WITH RECURSIVE nums(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM nums WHERE i + 1 < ?)
                        SELECT i, 's' || i AS id, i % ? AS k, (i * 7919) % ? AS p,
                               date('2015-06-01', '+' || (i % 540) || ' days') AS day FROM nums""",
            (articles, seeds, len(pool)),
        )
        # The paragraph is appended, so every span of the seed's analysis still points into the text.
        conn.execute("""INSERT INTO articles (id, content_hash, source, origin, title, outlet, url, byline, wire,
                            dateline, published, published_source, published_confidence, published_inferred,
                            language, state, text, data, ingested_at)
                        SELECT r.id, 'bench' || r.i, 'bench:' || r.id, 'bench:' || r.id,
                               coalesce(s.title, s.id) || ' (' || r.i || ')', s.outlet, s.url, s.byline, s.wire,
                               s.dateline, r.day, 'metadata', 1.0, 0, s.language, 'analysed',
                               s.text || char(10, 10) || p.para,
                               json_insert(json_set(s.data, '$.id', r.id, '$.published.value', r.day),
                                           '$.body[#]', json_array(length(s.text) + 2,
                                                                   length(s.text) + 2 + length(p.para))),
                               s.ingested_at
                        FROM replica r JOIN seed s ON s.k = r.k JOIN pool p ON p.k = r.p ORDER BY r.i""")
        conn.execute("""INSERT INTO articles_fts (rowid, title, body)
                        SELECT a.n, a.title, s.fts_body || char(10, 10) || p.para
                        FROM replica r JOIN articles a ON a.id = r.id JOIN seed s ON s.k = r.k
                        JOIN pool p ON p.k = r.p""")
        conn.execute("""INSERT INTO entities SELECT r.id, e.start, e.end, e.text, e.label, e.canonical
                        FROM replica r JOIN seed s ON s.k = r.k JOIN base.entities e ON e.article_id = s.id""")
        conn.execute("""INSERT INTO timexes SELECT r.id, t.start, t.end, t.text, t.type, t.value
                        FROM replica r JOIN seed s ON s.k = r.k JOIN base.timexes t ON t.article_id = s.id""")
        conn.execute("""INSERT INTO quotes (article_id, idx, kind, content_start, content_end, content, cue_start,
                            cue_end, speaker_start, speaker_end, speaker_mention, speaker, published)
                        SELECT r.id, q.idx, q.kind, q.content_start, q.content_end, q.content, q.cue_start,
                               q.cue_end, q.speaker_start, q.speaker_end, q.speaker_mention, q.speaker, r.day
                        FROM replica r JOIN seed s ON s.k = r.k JOIN base.quotes q ON q.article_id = s.id""")
        conn.execute(
            "INSERT INTO quotes_fts (rowid, content, speaker) SELECT n, content, coalesce(speaker, '') "
            "FROM quotes"
        )
        conn.execute("""INSERT INTO claims (article_id, idx, actor, stance, kind, object, layer, topic, date,
                            negated, modality, condition, reported_by, evidence_start, evidence_end, evidence, data)
                        SELECT r.id, c.idx, c.actor, c.stance, c.kind, c.object, c.layer, c.topic, c.date,
                               c.negated, c.modality, c.condition, c.reported_by, c.evidence_start,
                               c.evidence_end, c.evidence, c.data
                        FROM replica r JOIN seed s ON s.k = r.k JOIN base.claims c ON c.article_id = s.id""")
        conn.execute("COMMIT")
        counts = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 (fixed names)
            for t in ("articles", "entities", "quotes", "timexes", "claims")
        }
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return {
        "articles": articles,
        "base_articles": seeds,
        "rows": counts,
        "fill_s": round(time.perf_counter() - began, 1),
        "store_bytes": sum(p.stat().st_size for p in db.parent.glob(db.name + "*")),
    }


def finish_store(db: Path) -> float:
    """What a build does last (the dossier picture as of today, kept in the store; nothing when it is
    current); returns the seconds it took. The store is brought to the current schema first."""
    from storyline.store import Store
    from storyline.views import save_picture

    began = time.perf_counter()
    with Store(db) as store, store.transaction():
        save_picture(store)
    return round(time.perf_counter() - began, 1)


def _complete(db: Path, articles: int) -> bool:
    if not db.exists():
        return False
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return (
            conn.execute("SELECT count(*) FROM claims").fetchone()[0] > 0
            and conn.execute("SELECT count(*) FROM articles").fetchone()[0] == articles
        )
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def run_wrk(base: str, paths: list[str], *, seconds: int, connections: int, work: Path) -> dict[str, Any]:
    script = work / "mix.lua"
    script.write_text(WRK_SCRIPT % ", ".join(json.dumps(p) for p in paths), encoding="utf-8")
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    return {
        "tool": "wrk",
        "requests": found["requests"],
        "errors": found["errors"],
        "rps": found["requests"] / (found["duration_us"] / 1e6),
        **{k.replace("_us", "_ms"): found[k] / 1000 for k in ("p50_us", "p95_us", "p99_us", "max_us")},
    }


async def _asyncio_load(
    base: str, paths: list[str], *, seconds: int, connections: int, timeout: float
) -> dict[str, Any]:
    """Each connection sends requests back to back until the time is up; the last ones are waited for."""
    import httpx

    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def client(offset: int) -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, timeout=timeout) as http:
            i = offset
            while time.perf_counter() < stop:
                began = time.perf_counter()
                try:
                    response = await http.get(paths[i % len(paths)])
                    errors += response.status_code >= 400
                    latencies.append(time.perf_counter() - began)
                except httpx.TimeoutException:
                    errors += 1
                    latencies.append(timeout)  # counted at the timeout: a lower bound of its latency
                i += 1

    began = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(connections)))
    elapsed = time.perf_counter() - began
    latencies.sort()

    def pct(p: float) -> float:
        return 1000 * latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]

    return {
        "tool": "asyncio+httpx",
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "max_ms": 1000 * latencies[-1],
    }


def load_test(
    base: str, paths: list[str], *, seconds: int, connections: int, work: Path, tool: str, timeout: float
) -> dict[str, Any]:
    """p50/p95/p99 (ms) and requests per second of a request mix, after one warm-up request."""
    import urllib.request

    try:
        urllib.request.urlopen(base + paths[0], timeout=timeout).read()
    except OSError:
        pass  # a warm-up that times out is measured again below
    if tool == "wrk" and shutil.which("wrk"):
        result = run_wrk(base, paths, seconds=seconds, connections=connections, work=work)
    else:
        result = asyncio.run(
            _asyncio_load(base, paths, seconds=seconds, connections=connections, timeout=timeout)
        )
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}


def measure(db: Path, *, workers: int, **options: Any) -> dict[str, Any]:
    results = {}
    with running_server(db, workers=workers) as base:
        for name, paths in ENDPOINTS.items():
            results[name] = load_test(base, paths, **options)
            results[name]["load"] = round(os.getloadavg()[0], 2)
    return results


def rows_of(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    n, small = result["store"]["articles"], result["baseline_store"]["articles"]
    for name, m in result["large"].items():
        b = result["baseline"][name]
        if not m["requests"]:
            rows.append(
                {
                    "benchmark": "serve",
                    "figure": f"{name} ({n:,} articles)",
                    "value": None,
                    "ok": False,
                    "note": "no request completed",
                }
            )
            continue
        rows.append(
            {
                "benchmark": "serve",
                "figure": f"{name} p95 latency ({n:,} articles)",
                "value": m["p95_ms"],
                "unit": "ms",
                "baseline": f"same mix, {small:,} articles",
                "baseline_value": b["p95_ms"],
                "ratio": round(m["p95_ms"] / b["p95_ms"], 2) if b["p95_ms"] else None,
                "target": f"<= {TARGET_P95_MS:g} ms",
                "ok": m["p95_ms"] <= TARGET_P95_MS,
                "note": f"p50 {m['p50_ms']} ms, p99 {m['p99_ms']} ms, errors {m['errors']}, "
                f"{m['tool']}, load {m['load']}",
            }
        )
        rows.append(
            {
                "benchmark": "serve",
                "figure": f"{name} requests/s ({n:,} articles)",
                "value": m["rps"],
                "unit": "req/s",
                "baseline": f"same mix, {small:,} articles",
                "baseline_value": b["rps"],
                "ratio": round(m["rps"] / b["rps"], 2) if b["rps"] else None,
                "note": f"{result['connections']} connections, {result['workers']} server workers",
            }
        )
    return rows


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="articles in the large store")
    parser.add_argument("--baseline-articles", type=int, default=1_000)
    parser.add_argument(
        "--base-db", type=Path, help="an analysed store to replicate (built and kept there when missing)"
    )
    parser.add_argument("--base-polnear", type=int, default=40, help="PolNeAR articles in a base built here")
    parser.add_argument("--seconds", type=int, default=10, help="load per endpoint")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4,
                        help="server worker processes (storyline serve's default on 2 cores: two per core)")
    parser.add_argument(
        "--tool",
        choices=("asyncio", "wrk"),
        default="asyncio",
        help="load generator (wrk leaves requests still running at the end uncounted)",
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds before a request counts as failed"
    )
    parser.add_argument("--quick", action="store_true", help="5,000 articles, 3 s per endpoint, base of 10")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument(
        "--stores", type=Path, help="keep the replica stores here, and reuse them when complete"
    )
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args(argv)
    if args.quick:
        args.articles, args.seconds, args.base_polnear = 5_000, 3, 10
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="storyline-serve-", dir=args.workdir) as tmp:
        work = Path(tmp)
        base_db = args.base_db
        if base_db is None or not base_db.exists():
            base_db = build_base(work, polnear=args.base_polnear, db=base_db)
        stores = args.stores or work
        stores.mkdir(parents=True, exist_ok=True)
        small_db, large_db = (
            stores / f"replicas-{args.baseline_articles}.db",
            stores / f"replicas-{args.articles}.db",
        )
        result: dict[str, Any] = {
            "connections": args.connections,
            "workers": args.workers,
            "seconds": args.seconds,
            "load_before": round(os.getloadavg()[0], 2),
        }
        for key, db, size in (
            ("baseline_store", small_db, args.baseline_articles),
            ("store", large_db, args.articles),
        ):
            # A kept store is reused; a half-made one (no articles table filled) is made again.
            if not _complete(db, size):
                for stale in db.parent.glob(db.name + "*"):
                    stale.unlink()
                result[key] = replicate(base_db, db, articles=size)
            else:
                result[key] = {"articles": size, "reused": str(db)}
            result[key]["picture_s"] = finish_store(db)
        common = {
            "seconds": args.seconds,
            "connections": args.connections,
            "workers": args.workers,
            "work": work,
            "tool": args.tool,
            "timeout": args.timeout,
        }
        result["baseline"] = measure(small_db, **common)
        result["large"] = measure(large_db, **common)
    result["load_after"] = round(os.getloadavg()[0], 2)
    result["wall_s"] = round(time.perf_counter() - began, 1)
    result["rows"] = rows_of(result)
    print(json.dumps(result))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
