"""`storyline build` end to end on the seeds: stored once, copies grouped, analysed, exported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from storyline.cli import main
from storyline.store import Store


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import corpus_path

    seeds = corpus_path("seeds")
    db = tmp_path_factory.mktemp("build") / "seeds.db"
    result = CliRunner().invoke(main, ["build", "--db", str(db), str(seeds)])
    assert result.exit_code == 0, result.output
    assert "5 stored" in result.output
    return db


def test_build_twice_stores_nothing_twice(seeds_db: Path, seeds_dir: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--db", str(seeds_db), str(seeds_dir)])
    assert result.exit_code == 0 and "0 stored, 5 already stored" in result.output
    with Store(seeds_db, readonly=True) as store:
        assert store.count("articles") == 5


def test_export_contract(seeds_db: Path) -> None:
    result = CliRunner().invoke(main, ["export", "--db", str(seeds_db), "--format", "jsonl"])
    rows = {r["id"]: r for r in map(json.loads, result.output.splitlines())}
    assert set(rows) == {"000_9193e1416cbcc8de", "001_3a584a2b1a3e88f1", "002_dc97835b2dc93eb0",
                         "003_45ac7b19300c5ce3", "004_378e13f2be71a3a8"}
    for row in rows.values():
        assert {"id", "source", "event", "story", "duplicate_of", "published", "outlet", "title"} <= set(row)
    assert {r["published"] for r in rows.values()} == {"2025-02-20", "2025-08-22", "2025-09-03", "2025-12-18"}
    copies = {i: r["duplicate_of"] for i, r in rows.items() if r["duplicate_of"]}
    assert len(copies) == 1 and set(copies.items()) <= {("000_9193e1416cbcc8de", "001_3a584a2b1a3e88f1"),
                                                        ("001_3a584a2b1a3e88f1", "000_9193e1416cbcc8de")}


def test_copies_are_analysed_once(seeds_db: Path) -> None:
    with Store(seeds_db, readonly=True) as store:
        copy = store.conn.execute("SELECT id FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0]
        canonical = store.conn.execute("SELECT duplicate_of FROM articles WHERE id = ?", (copy,)).fetchone()[0]
        assert store.conn.execute("SELECT count(*) FROM quotes WHERE article_id = ?", (canonical,)).fetchone()[0] > 0
        # the copy's own quotes come only from the paragraphs it adds (000 adds Zelenskyy's statement)
        own = [r[0] for r in store.conn.execute("SELECT content FROM quotes WHERE article_id = ?", (copy,))]
        shared = [r[0] for r in store.conn.execute("SELECT content FROM quotes WHERE article_id = ?", (canonical,))]
        assert not any("Strong security guarantees" in q for q in own)
        assert any("Strong security guarantees" in q for q in shared)
        if copy.startswith("000"):
            assert any("good and meaningful conversation" in q for q in own)
        states = {r[0] for r in store.conn.execute("SELECT state FROM articles")}
        assert states == {"analysed"}


def test_a_pronoun_in_a_copys_own_paragraph_finds_the_speaker_of_the_shared_text(seeds_db: Path) -> None:
    # 000 adds "“What’s important ...,” he added." right after the paragraphs it shares with 001,
    # where Rutte is named: the copy is parsed with them as context.
    with Store(seeds_db, readonly=True) as store:
        rows = store.conn.execute(
            "SELECT speaker_mention, speaker FROM quotes WHERE content LIKE ?", ("%What’s important%",)
        ).fetchall()
    assert [tuple(r) for r in rows] == [("he", "Mark Rutte")]


def test_stats_search_and_quotes_commands(seeds_db: Path) -> None:
    runner = CliRunner()
    stats = runner.invoke(main, ["stats", "--db", str(seeds_db), "--format", "json"])
    figures = json.loads(stats.output)
    assert figures["articles"] == 5 and figures["copies"] == 1 and figures["quotes"] > 5
    hits = runner.invoke(main, ["search", "--db", str(seeds_db), "reassurance force", "--format", "json"])
    assert hits.exit_code == 0 and len(hits.output.splitlines()) >= 1
    said = runner.invoke(main, ["quotes", "--db", str(seeds_db), "--speaker", "Mark Rutte", "--format", "json"])
    rows = [json.loads(line) for line in said.output.splitlines()]
    assert rows and all(r["speaker"] == "Mark Rutte" for r in rows)
    assert any("backup by the United States" in r["content"] for r in rows)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_formats(seeds_db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"a.{fmt}"
    result = CliRunner().invoke(main, ["export", "--db", str(seeds_db), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0 and out.stat().st_size > 0
    if fmt == "parquet":
        import pyarrow.parquet as pq

        assert pq.read_table(out).num_rows == 5
    else:
        assert len(out.read_text().splitlines()) == 6


def test_the_build_keeps_the_dossier_picture_and_a_new_claim_redraws_it(seeds_db: Path, tmp_path: Path) -> None:
    import sqlite3

    from storyline import views
    from storyline.dossier import load_dossier

    conn = sqlite3.connect(tmp_path / "copy.db")  # a copy: the module's store stays as built
    with sqlite3.connect(seeds_db) as source:
        source.backup(conn)
    conn.row_factory = sqlite3.Row
    saved = json.loads(conn.execute("SELECT value FROM corpus_state WHERE key = ?",
                                    (views.PICTURE_STATE,)).fetchone()[0])
    assert saved["dossier"] == "ukraine-security-guarantees" and saved["version"][1] > 0
    views._PICTURES.clear()
    kept = views.picture(conn, "ukraine-security-guarantees")
    assert kept == saved["picture"]
    views._PICTURES.clear()
    drawn = views.dossier_picture(load_dossier("ukraine-security-guarantees"), views.claim_rows(conn), None)
    assert kept == json.loads(json.dumps(drawn))  # what a server would draw itself
    # A claim added since the build: the kept picture is stale, so it is drawn again.
    conn.execute("DELETE FROM claims WHERE n = (SELECT max(n) FROM claims)")
    views._PICTURES.clear()
    assert views._saved_picture(conn, "ukraine-security-guarantees", views._claims_version(conn)) is None
    assert views.picture(conn, "ukraine-security-guarantees") is not None
