"""The Spark path: the same syndication groups and quotes as the embedded build, tables the store loads.

The Spark tests share one local session (its start-up takes a minute on a loaded machine); the
canonical replay, input tasks and event windows are tested without Spark.
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import corpus_path
from corpus_maker import mixed_corpus

from storyline.dedup import canonical_order
from storyline.dedup_store import Fingerprint
from storyline.settings import Settings
from storyline.spark_dedup import replay_canonicals
from storyline.spark_events import cluster_window
from storyline.spark_rows import RECORD_BITS, input_tasks
from storyline.store import Store

SETTINGS = Settings(nlp_processes=1)


def _print(
    article_id: str, *, published: str | None = "2025-01-02", wire: str | None = None, shingles: int = 20
) -> Fingerprint:
    hashes = np.arange(shingles, dtype=np.uint32)
    return Fingerprint(
        article_id,
        f"key-{shingles}",
        None,
        None,
        published,
        wire,
        hashes,
        np.zeros(shingles, dtype=np.int64),
        [],
    )


def test_replay_keeps_the_incumbent_on_a_tie() -> None:
    # 3 arrives last and is fuller; with the same date and no wire the first article stays canonical.
    members = [(1, _print("a")), (2, _print("b", shingles=18)), (3, _print("c", shingles=30))]
    links = replay_canonicals(members, [(2, 1), (3, 2)])
    assert {(seq, head) for seq, head, _ in links} == {(2, 1), (3, 1)}
    assert all(link.canonical_id == "a" for _, _, link in links)


def test_replay_prefers_wire_then_earliest_date() -> None:
    members = [
        (1, _print("late", published="2025-01-05")),
        (2, _print("early", published="2025-01-01")),
        (3, _print("wire", published="2025-01-09", wire="AP")),
    ]
    heads = {head for _, head, _ in replay_canonicals(members, [(2, 1), (3, 1)])}
    assert heads == {3}
    assert min((fp for _, fp in members), key=canonical_order).article_id == "wire"


def test_replay_merges_two_groups_through_a_newcomer() -> None:
    members = [
        (1, _print("x", published="2025-01-03")),
        (2, _print("y", published="2025-01-01")),
        (3, _print("bridge", published="2025-01-04")),
    ]
    links = replay_canonicals(members, [(3, 1), (3, 2)])
    assert sorted((seq, head) for seq, head, _ in links) == [(1, 2), (3, 2)]


def test_input_tasks_follow_the_reading_order_and_split_parquet(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Zed.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Aye.", encoding="utf-8")
    table = pa.table({"id": ["p1", "p2", "p3"], "text": ["One.", "Two.", "Three."]})
    pq.write_table(table, tmp_path / "c.parquet", row_group_size=2)
    tasks = input_tasks([str(tmp_path)])
    assert [(Path(p).name, group, first) for _, p, group, first in tasks] == [
        ("a.txt", -1, 0),
        ("z.txt", -1, 0),
        ("c.parquet", 0, 0),
        ("c.parquet", 1, 2),
    ]
    assert [index for index, *_ in tasks] == [0, 1, 2, 2]
    assert RECORD_BITS == 32  # a file's records are numbered below 2**32


def test_driver_memory_is_set_for_local_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    from storyline.spark import driver_memory

    monkeypatch.setenv("STORYLINE_SPARK_MEMORY", "6g")
    assert driver_memory() == "6g"
    monkeypatch.delenv("STORYLINE_SPARK_MEMORY")
    assert driver_memory() in {f"{n}g" for n in range(2, 9)}


def test_cluster_window_puts_copies_in_their_canonicals_event() -> None:
    def row(seq: int, rid: str, title: str, actor: str, dup: str | None = None) -> dict[str, object]:
        return {
            "seq": seq,
            "id": rid,
            "duplicate_of": dup,
            "published": "2025-03-04",
            "title": title,
            "outlet": "Ledger",
            "opening": title,
            "names": [actor],
            "actors": [actor],
        }

    rows = [
        row(1, "a", "Allies pledge air defence for Kyiv", "NATO"),
        row(2, "b", "Copy", "NATO", dup="a"),
        row(3, "c", "Flooding closes the harbour bridge in Tarnow", "Tarnow"),
    ]
    out = list(
        cluster_window("2025-03", rows, settings=SETTINGS, ingest_date="2026-01-01", last_window="2025-03")
    )
    events = {e[0]: e for kind, e in out if kind == "event"}
    by_article = {a: eid for eid, e in events.items() for a in e[3]}
    assert by_article["b"] == by_article["a"] != by_article["c"]
    assert events[by_article["a"]][2] == "Allies pledge air defence for Kyiv"  # the best-carried title
    assert [kind for kind, _ in out].count("state") == 1


# --- on Spark (local mode) ------------------------------------------------------------------


def _spark_available() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'storyline[spark]')"
    import os

    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "Spark needs Java 17 (no java on PATH and no JAVA_HOME)"
    return None


requires_spark = pytest.mark.skipif(_spark_available() is not None, reason=str(_spark_available()))


@pytest.fixture(scope="module")
def spark():  # type: ignore[no-untyped-def]
    from storyline.spark import spark_session

    session = spark_session("local[2]", shuffle_partitions=4)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mixed_corpus(tmp_path_factory.mktemp("spark") / "corpus", polnear=30, copies=8)


@pytest.fixture(scope="module")
def embedded(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    from storyline.pipeline import build

    store = Store(tmp_path_factory.mktemp("embedded") / "store.db")
    build(store, [str(corpus)], settings=SETTINGS)
    return store


@pytest.fixture(scope="module")
def batch(spark, corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:  # type: ignore[no-untyped-def]
    from storyline.spark import run_batch

    out = tmp_path_factory.mktemp("tables")
    return out, run_batch([str(corpus)], str(out), settings=SETTINGS, spark=spark)


def _rows(folder: Path, table: str) -> list[dict]:
    import pyarrow.dataset as ds

    return ds.dataset(str(folder / table), format="parquet").to_table().to_pylist()


QUOTE_KEY = (
    "article_id",
    "idx",
    "kind",
    "content_start",
    "content_end",
    "cue_start",
    "cue_end",
    "speaker_start",
    "speaker_end",
    "speaker",
)


def _store_quotes(store: Store) -> list[tuple]:
    return sorted(tuple(r) for r in store.conn.execute(f"SELECT {', '.join(QUOTE_KEY)} FROM quotes"))


def _store_groups(store: Store) -> dict[str, str | None]:
    return {r[0]: r[1] for r in store.conn.execute("SELECT id, duplicate_of FROM articles")}


@pytest.mark.spark
@pytest.mark.slow
@requires_spark
def test_same_syndication_groups_as_embedded(batch, embedded: Store) -> None:  # type: ignore[no-untyped-def]
    out, report = batch
    groups = {r["id"]: r["duplicate_of"] for r in _rows(out, "articles")}
    assert groups == _store_groups(embedded)
    # The 8 re-published copies and the two seed reports of one AFP dispatch.
    assert report["copies"] == sum(1 for d in groups.values() if d) >= 9
    first, second = "000_9193e1416cbcc8de", "001_3a584a2b1a3e88f1"  # two seed reports of one AFP dispatch
    assert groups[first] == second or groups[second] == first


@pytest.mark.spark
@pytest.mark.slow
@requires_spark
def test_same_quotes_as_embedded(batch, embedded: Store) -> None:  # type: ignore[no-untyped-def]
    out, report = batch
    quotes = sorted(tuple(r[k] for k in QUOTE_KEY) for r in _rows(out, "quotes"))
    assert quotes == _store_quotes(embedded)
    assert report["quotes"] == len(quotes) > 300


@pytest.mark.spark
@pytest.mark.slow
@requires_spark
def test_loaded_store_serves_the_backfill_and_builds_on(
    batch: tuple[Path, dict], embedded: Store, corpus: Path, tmp_path: Path
) -> None:
    from storyline.pipeline import build
    from storyline.spark_load import load_tables

    out, report = batch
    with Store(tmp_path / "loaded.db") as store:
        counts = load_tables(store, str(out), settings=SETTINGS)
        assert counts["articles"] == report["articles"] and counts["copies"] == report["copies"]
        assert _store_groups(store) == _store_groups(embedded)
        assert _store_quotes(store) == _store_quotes(embedded)
        assert {r[0] for r in store.conn.execute("SELECT DISTINCT state FROM articles")} == {"analysed"}
        assert store.count("events") == report["events"] > 0 and store.count("stories") > 0
        assert store.conn.execute("SELECT count(*) FROM articles WHERE event IS NULL").fetchone()[0] == 0
        # A later embedded build finds copies of backfilled articles through the loaded copy index.
        original = sorted(corpus.glob("breitbart_*.txt"))[-1]
        extra = tmp_path / "later"
        extra.mkdir()
        (extra / "late_copy.txt").write_text(
            "A later headline\n\n" + original.read_text(encoding="utf-8"), encoding="utf-8"
        )
        build(store, [str(extra)], settings=SETTINGS)
        row = store.conn.execute("SELECT duplicate_of, event FROM articles WHERE id = 'late_copy'").fetchone()
        canonical = store.conn.execute(
            "SELECT coalesce(duplicate_of, id), event FROM articles WHERE id = ?", (original.stem,)
        ).fetchone()
        assert row["duplicate_of"] == canonical[0] and row["event"] == canonical[1]


def _warc(path: Path, pages: list[tuple[str, str]]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        for url, html in pages:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(html.encode("utf-8")), http_headers=headers
            )
            writer.write_record(record)


@pytest.mark.spark
@pytest.mark.slow
@requires_spark
def test_reads_warc_jsonl_gz_and_parquet(spark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pyarrow as pa
    import pyarrow.parquet as pq

    from storyline.spark import run_batch

    texts = sorted(corpus_path("polnear", "dev", "text").glob("*.txt"))[40:43]
    bodies = [t.read_text(encoding="utf-8") for t in texts]
    inputs = tmp_path / "in"
    inputs.mkdir()
    with gzip.open(inputs / "feed.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write(
            json.dumps({"id": "j1", "title": "From JSON lines", "text": bodies[0], "published": "2016-09-20"})
            + "\n"
        )
        handle.write("{not json\n")
    pq.write_table(
        pa.table({"id": ["p1"], "title": ["From Parquet"], "text": [bodies[1]], "outlet": ["Harbor Ledger"]}),
        inputs / "rows.parquet",
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in bodies[2].split("\n") if p.strip())
    page = f"<html><head><title>From WARC</title></head><body><article>{paragraphs}</article></body></html>"
    _warc(inputs / "crawl.warc", [("https://example.org/news/1", page)])
    out = tmp_path / "tables"
    report = run_batch([str(inputs)], str(out), settings=SETTINGS, spark=spark)
    articles = {r["id"]: r for r in _rows(out, "articles")}
    assert articles["j1"]["published"] == "2016-09-20" and articles["p1"]["outlet"] == "Harbor Ledger"
    warc = [r for r in articles.values() if r["origin"].endswith("crawl.warc#r1")]
    assert len(warc) == 1 and bodies[2].split("\n")[1][:40] in warc[0]["text"]
    assert report["articles"] == 3 and report["errors"] >= 1
    assert any(e["code"] == "read.bad_json" for e in _rows(out, "errors"))


@pytest.mark.spark
@pytest.mark.slow
@requires_spark
def test_connected_components_join_chains_and_stars(spark) -> None:  # type: ignore[no-untyped-def]
    from storyline.spark_dedup import connected_components

    pairs = [(4, 3), (3, 2), (2, 9), (9, 1), (7, 8), (20, 21), (22, 21), (23, 20)]
    edges = spark.createDataFrame(pairs, "a long, b long")
    labels = {r["node"]: r["component"] for r in connected_components(edges).collect()}
    assert labels == {1: 1, 2: 1, 3: 1, 4: 1, 9: 1, 7: 7, 8: 7, 20: 20, 21: 20, 22: 20, 23: 20}


def _month_end_reports(path: Path) -> Path:
    """Reports of two happenings: a bridge collapse told on Jan 31 and Feb 1 (by two outlets in their
    own words, so not copies), a ferry strike mid-month."""
    rows = [
        (
            "bridge-jan31",
            "Tarnow harbour bridge collapses into the Vessa river",
            "The harbour bridge in Tarnow collapsed into the Vessa river on Friday. The port authority "
            "closed the harbour and divers searched the water below the broken bridge for a missing driver.",
            "2025-01-31T22:40:00+00:00",
        ),
        (
            "bridge-feb01",
            "Tarnow harbour bridge collapse: divers find missing driver in the Vessa",
            "Divers found the missing driver in the Vessa river below the collapsed Tarnow harbour bridge. "
            "Engineers of the port authority blamed corroded cables; the harbour stays closed.",
            "2025-02-01T01:10:00+00:00",
        ),
        (
            "strike-jan15",
            "Selvik ferry crews end strike over pay",
            "Ferry crews in Selvik ended a week-long strike over pay after talks with the ferry company, "
            "and the first ferries left the Selvik pier in the evening.",
            "2025-01-15",
        ),
        (
            "strike-feb12",
            "Selvik ferry crews walk out again",
            "Ferry crews in Selvik walked out again, saying the ferry company had broken the pay deal; "
            "no ferry left the Selvik pier on Wednesday.",
            "2025-02-12",
        ),
    ]
    with path.open("w", encoding="utf-8") as f:
        for rid, title, text, published in rows:
            f.write(json.dumps({"id": rid, "title": title, "text": text, "published": published}) + "\n")
    return path


@pytest.mark.spark
@pytest.mark.slow
@requires_spark
def test_an_event_running_over_a_month_end_stays_one_event(spark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from storyline.pipeline import build
    from storyline.spark import run_batch

    reports = _month_end_reports(tmp_path / "reports.jsonl")
    out = tmp_path / "tables"
    run_batch([str(reports)], str(out), settings=SETTINGS, spark=spark)
    articles = {r["id"]: r for r in _rows(out, "articles")}
    assert articles["bridge-feb01"]["duplicate_of"] is None  # two reports, not one report and its copy
    spark_events = {rid: r["event"] for rid, r in articles.items()}
    assert spark_events["bridge-jan31"] == spark_events["bridge-feb01"]
    assert spark_events["strike-jan15"] != spark_events["bridge-jan31"]
    (bridge,) = [e for e in _rows(out, "events") if "bridge-jan31" in e["articles"]]
    assert bridge["date"][:10] == "2025-01-31" and sorted(bridge["articles"]) == ["bridge-feb01", "bridge-jan31"]
    # The embedded build, one stream over both months, groups them the same way.
    with Store(tmp_path / "embedded.db") as store:
        build(store, [str(reports)], settings=SETTINGS)
        embedded = {r[0]: r[1] for r in store.conn.execute("SELECT id, event FROM articles")}
    assert (embedded["bridge-jan31"] == embedded["bridge-feb01"]) and (
        embedded["strike-jan15"] != embedded["bridge-jan31"]
    )
