"""The web server reads while `storyline build` writes into the same store: no request fails and no
"database is locked" reaches a user (nor the server's log)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from corpus_maker import mixed_corpus
from server import running_server

from storyline.store import Store

pytestmark = pytest.mark.slow  # a real build with NLP beside a real server

PATHS = ["/", "/api/articles?limit=50", "/api/search?q=president", "/search?q=Ukraine", "/api/quotes?limit=50",
         "/api/events", "/api/stories", "/api/actors", "/api/dossier", "/dossier", "/api/timeline"]  # fmt: skip
READERS = 4


def read_until(base: str, done: threading.Event, statuses: Counter[str], problems: list[str]) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        turn = 0
        while not done.is_set():
            path = PATHS[turn % len(PATHS)]
            turn += 1
            try:
                response = client.get(path)
            except httpx.HTTPError as err:
                problems.append(f"{path}: {type(err).__name__}: {err}")
                continue
            statuses[str(response.status_code)] += 1
            if response.status_code != 200:
                problems.append(f"{path}: {response.status_code} {response.text[:200]}")
            elif "database is locked" in response.text:
                problems.append(f"{path}: 'database is locked' in the page")


def test_the_server_reads_while_a_build_writes(tmp_path: Path) -> None:
    corpus = mixed_corpus(tmp_path / "corpus", polnear=30, copies=8)
    db = tmp_path / "live.db"
    Store(db).close()  # an empty store, migrated, for the server to open before the build starts
    statuses: Counter[str] = Counter()
    problems: list[str] = []
    done = threading.Event()
    log = tmp_path / "build.log"
    with running_server(db, workers=1) as base:
        readers = [
            threading.Thread(target=read_until, args=(base, done, statuses, problems)) for _ in range(READERS)
        ]
        for thread in readers:
            thread.start()
        started = time.monotonic()
        with log.open("w") as out:
            build = subprocess.run(
                [sys.executable, "-m", "storyline.cli", "build", "--db", str(db), "--processes", "1", str(corpus)],
                stdout=out, stderr=subprocess.STDOUT, timeout=1200, check=False,
            )  # fmt: skip
        during = sum(statuses.values())
        seconds = time.monotonic() - started
        done.set()
        for thread in readers:
            thread.join(timeout=120)
    assert build.returncode == 0, log.read_text()[-2000:]
    assert "database is locked" not in log.read_text()
    assert not problems, problems[:5]
    assert during >= 50, f"only {during} requests while the build ran"
    with Store(db, readonly=True) as store:
        assert store.count("articles") > 30 and store.integrity() == "ok"
    from reliability_report import record_figure

    record_figure(
        "concurrency",
        {"requests_during_build": during, "build_seconds": round(seconds), "failed_requests": len(problems),
         "statuses": dict(statuses), "readers": READERS, "database_is_locked_seen": 0,
         "command": "pytest tests/test_concurrency.py"},
    )  # fmt: skip
