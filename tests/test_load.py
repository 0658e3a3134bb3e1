"""Load: 50 concurrent clients for 60 seconds against a real server on loopback over a store of a few
thousand articles; no request fails; latency percentiles and throughput are recorded.

The load generator is an asyncio httpx client written here (50 coroutines, one connection each), so
the test needs nothing beyond the project's own dependencies.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from pathlib import Path

import httpx
import pytest
from conftest import corpus_path
from server import running_server

from storyline.pipeline import BuildReport, deduplicate, ingest
from storyline.settings import Settings
from storyline.store import Store

pytestmark = pytest.mark.slow

CLIENTS = 50
SECONDS = 60.0
OUTLETS = ["Riverside Courier", "Valley Times", "Harbour Post", "Northern Ledger"]
WORDS = ["president", "Ukraine", "NATO", "election", "Senate", "Trump", "budget", "court", "Russia", "health"]


def write_corpus(folder: Path) -> Path:
    """PolNeAR train texts as JSON lines, each carried by four outlets (three of them trimmed copies)."""
    texts = sorted(corpus_path("polnear", "train", "text").glob("*.txt"))
    rng = random.Random(11)
    path = folder / "wire.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for text_path in texts:
            paragraphs = [p for p in text_path.read_text(encoding="utf-8").split("\n") if p.strip()]
            for number, outlet in enumerate(OUTLETS):
                cut = 0 if number == 0 else rng.randint(1, 3)
                # a credit line of its own: the store keeps each distinct text once, short texts trim alike
                body = [*paragraphs[: max(3, len(paragraphs) - cut)], f"Carried by {outlet}."]
                day = f"2016-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                record = {"id": f"{text_path.stem}-{number}", "title": paragraphs[0][:90], "outlet": outlet,
                          "published": day, "text": "\n\n".join(body)}  # fmt: skip
                out.write(json.dumps(record) + "\n")
    return path


def request_for(ids: list[str], rng: random.Random) -> tuple[str, str]:
    """One request of the mix a reader makes (route, path): pages, article views, searches, API lists."""
    pick = rng.random()
    if pick < 0.25:
        return "/api/articles/{id}", f"/api/articles/{rng.choice(ids)}"
    if pick < 0.45:
        return "/articles/{id}", f"/articles/{rng.choice(ids)}"
    if pick < 0.65:
        return "/api/search", f"/api/search?q={rng.choice(WORDS)}"
    if pick < 0.75:
        return "/search", f"/search?q={rng.choice(WORDS)}+{rng.choice(WORDS)}"
    if pick < 0.85:
        return "/api/articles", f"/api/articles?limit=50&outlet={rng.choice(OUTLETS).replace(' ', '+')}"
    if pick < 0.95:
        return "/", "/"
    return "/api/stories", "/api/stories"


Timings = dict[str, list[float]]


async def client_loop(
    client: httpx.AsyncClient,
    ids: list[str],
    seed: int,
    until: float,
    timings: Timings,
    errors: list[str],
    retried: list[str],
) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
        route, path = request_for(ids, rng)
        started = time.perf_counter()
        try:
            try:
                response = await client.get(path)
            except httpx.RemoteProtocolError:
                # The keep-alive race: the server closed an idle pooled connection as the request went
                # out, so it never saw it. Browsers and urllib3 send a GET again; so does this client,
                # once, and counts it (one in 1,314 requests at load average 15 on 2 cores).
                retried.append(path)
                response = await client.get(path)
        except httpx.HTTPError as err:
            errors.append(f"{path}: {type(err).__name__}: {err}")
            continue
        timings.setdefault(route, []).append(time.perf_counter() - started)
        if response.status_code != 200:
            errors.append(f"{path}: {response.status_code} {response.text[:200]}")


async def generate_load(base: str, ids: list[str]) -> tuple[Timings, list[str], list[str], float]:
    timings: Timings = {}
    errors: list[str] = []
    retried: list[str] = []
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        started = time.monotonic()
        until = started + SECONDS
        await asyncio.gather(
            *(client_loop(client, ids, n, until, timings, errors, retried) for n in range(CLIENTS))
        )
        elapsed = time.monotonic() - started
    return timings, errors, retried, elapsed


def milliseconds(values: list[float], share: float) -> float:
    return round(percentile(values, share) * 1000, 1)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def test_fifty_clients_for_a_minute_get_no_errors(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path)
    db = tmp_path / "load.db"
    settings = Settings()
    report = BuildReport()
    with Store(db) as store:
        # read, clean, date and group copies; no NLP: the load is on reading the store
        ingest(store, [str(corpus)], settings=settings, report=report)
        deduplicate(store, settings=settings, report=report)
        ids = [row[0] for row in store.conn.execute("SELECT id FROM articles")]
    assert len(ids) >= 3_000 and report.errors == 0
    with running_server(db, workers=2) as base:
        timings, errors, retried, elapsed = asyncio.run(generate_load(base, ids))
    latencies = [seconds for values in timings.values() for seconds in values]
    assert not errors, f"{len(errors)} failed requests, e.g. {errors[:3]}"
    # 1,313 requests were measured at load average 15 on the shared 2-core machine
    assert len(latencies) >= 600, f"only {len(latencies)} requests in {elapsed:.0f} s"
    from reliability_report import record_figure

    record_figure(
        "load",
        {
            "clients": CLIENTS,
            "seconds": round(elapsed, 1),
            "articles": len(ids),
            "copies": report.copies,
            "requests": len(latencies) + len(errors),
            "errors": len(errors),
            "retried_after_keep_alive_close": len(retried),
            "error_rate": len(errors) / max(1, len(latencies) + len(errors)),
            "requests_per_second": round(len(latencies) / elapsed, 1),
            "latency_ms": {
                "p50": milliseconds(latencies, 0.50),
                "p95": milliseconds(latencies, 0.95),
                "p99": milliseconds(latencies, 0.99),
                "max": milliseconds(latencies, 1.0),
            },
            "latency_ms_by_route": {
                route: {
                    "requests": len(values),
                    "p50": milliseconds(values, 0.5),
                    "p95": milliseconds(values, 0.95),
                }
                for route, values in sorted(timings.items())
            },
            "server_workers": 2,
            "load_generator": "asyncio httpx client in tests/test_load.py",
            "command": "pytest tests/test_load.py",
        },
    )
