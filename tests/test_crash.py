"""Crash safety: `storyline build` killed with SIGKILL at random points, then restarted, ends with the
same store as an uninterrupted build, and the database passes PRAGMA integrity_check."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from corpus_maker import mixed_corpus

from storyline.store import Store

pytestmark = pytest.mark.slow

KILLS = 20


def build_cmd(db: Path, corpus: Path) -> list[str]:
    return [sys.executable, "-m", "storyline.cli", "build", "--db", str(db), str(corpus)]


def snapshot(db: Path) -> dict[str, object]:
    with Store(db, readonly=True) as store:
        conn = store.conn
        return {
            "articles": sorted(tuple(r) for r in conn.execute("SELECT id, content_hash, published FROM articles")),
            "groups": sorted(tuple(r) for r in conn.execute("SELECT id, duplicate_of FROM articles")),
            "quotes": sorted(tuple(r) for r in conn.execute(
                "SELECT article_id, content_start, content_end, kind, speaker FROM quotes")),
            "claims": conn.execute("SELECT count(*) FROM claims").fetchone()[0],
            "states": sorted({r[0] for r in conn.execute("SELECT state FROM articles")}),
            "integrity": store.integrity(),
        }


def test_killed_builds_end_equal_to_an_uninterrupted_one(tmp_path: Path) -> None:
    corpus = mixed_corpus(tmp_path / "corpus")
    reference_db = tmp_path / "reference.db"
    started = time.monotonic()
    subprocess.run(build_cmd(reference_db, corpus), check=True, capture_output=True)
    full = time.monotonic() - started
    reference = snapshot(reference_db)

    db = tmp_path / "crashed.db"
    rng = random.Random(20251218)
    kills = 0
    for _ in range(KILLS):
        proc = subprocess.Popen(build_cmd(db, corpus), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        time.sleep(rng.uniform(0.3, full * 0.9))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the build and its NLP workers, as an OOM kill would
            kills += 1
        proc.wait()
    subprocess.run(build_cmd(db, corpus), check=True, capture_output=True)
    final = snapshot(db)
    assert final["integrity"] == "ok"
    assert final == reference, json.dumps({k: (final[k] == reference[k]) for k in final})
    assert kills >= KILLS // 2, f"only {kills} builds were killed before they ended"
    record = {"kills": kills, "restarts": KILLS + 1, "articles": len(final["articles"]),
              "quotes": len(final["quotes"]), "identical": True, "integrity": final["integrity"]}
    (tmp_path / "crash.json").write_text(json.dumps(record))
    from reliability_report import record_figure

    record_figure("crash", record)
