"""The benchmark suite's own parts: scale corpora, the replicated serving store, store sizes, the report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from storyline.model import Article, Entity, PublishedDate, Quote, Span
from storyline.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import bench_serve  # noqa: E402
import bench_store  # noqa: E402
import corpus  # noqa: E402
import run  # noqa: E402


@pytest.fixture(scope="module")
def sources() -> list:
    from conftest import corpus_path

    return corpus.load_sources(corpus_path("polnear").parent)


def test_scale_corpus_has_a_third_of_copies_and_no_repeats(sources: list, tmp_path: Path) -> None:
    info = corpus.write_corpus(tmp_path / "c.jsonl", n=600, seed=3, sources=sources)
    records = [json.loads(line) for line in (tmp_path / "c.jsonl").open(encoding="utf-8")]
    assert info.articles == len(records) == 600
    assert 0.24 <= info.copies / 600 <= 0.36
    assert len({r["id"] for r in records}) == 600
    assert len({r["text"] for r in records}) == 600  # every report is stored, none is an exact repeat
    originals = {r["id"] for r in records if r["copy_of"] is None}
    assert all(r["copy_of"] in originals for r in records if r["copy_of"])
    assert {"id", "title", "text", "outlet", "published"} <= set(records[0])


def test_scale_corpus_is_the_same_for_the_same_seed(sources: list, tmp_path: Path) -> None:
    one = corpus.write_corpus(tmp_path / "a.jsonl", n=50, seed=9, sources=sources)
    two = corpus.write_corpus(tmp_path / "b.jsonl", n=50, seed=9, sources=sources)
    assert one.bytes == two.bytes
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def _analysed_base(db: Path) -> None:
    text = "Kyiv, Monday. The minister said: \u201cWe will send air defence.\u201d\n\nTalks go on."
    said = text.index("\u201c") + 1
    article = Article(
        id="b1",
        source="hand",
        text=text,
        title="Air defence pledged",
        body=[Span(0, len(text))],
        published=PublishedDate(value="2025-03-01", source="metadata", confidence=1.0),
    )
    with Store(db) as store, store.transaction():
        store.put_article(article)
        article.entities = [Entity(start=0, end=4, text="Kyiv", label="GPE", canonical="Ukraine")]
        article.quotes = [
            Quote(kind="direct", content=Span(said, text.index("\u201d")), speaker="the minister")
        ]
        store.put_analysis(article)


def test_replicas_keep_their_spans_and_are_searchable(sources: list, tmp_path: Path) -> None:
    _analysed_base(tmp_path / "base.db")
    made = bench_serve.replicate(tmp_path / "base.db", tmp_path / "big.db", articles=30)
    assert made["rows"]["articles"] == 30 and made["rows"]["quotes"] == 30 and made["rows"]["entities"] == 30
    with Store(tmp_path / "big.db", readonly=True) as store:
        for article in store.articles():
            quote = article.quotes[0] if article.quotes else None
            rows = store.conn.execute(
                "SELECT content_start, content_end, content FROM quotes WHERE article_id = ?", (article.id,)
            ).fetchall()
            assert (
                [article.text[r[0] : r[1]] for r in rows]
                == [r[2] for r in rows]
                == ["We will send air defence."]
            )
            assert article.text.startswith("Kyiv, Monday.") and len(article.body) == 2
            assert quote is not None
        assert len(store.search("defence", limit=100)) == 30
        assert store.conn.execute("SELECT count(DISTINCT published) FROM articles").fetchone()[0] == 30


def test_store_sizes_add_up(tmp_path: Path) -> None:
    _analysed_base(tmp_path / "base.db")
    bench_serve.replicate(tmp_path / "base.db", tmp_path / "s.db", articles=200)
    result = bench_store.measure(tmp_path / "s.db", input_bytes=100_000)
    assert result["articles"] == 200
    assert sum(result["groups"].values()) == result["bytes"] == sum(result["tables"].values())
    assert result["groups"]["search index (FTS5)"] > 0 and result["groups"]["quotes + quote search"] > 0
    rows = bench_store.rows_of(result)
    assert rows[0]["ratio"] == round(result["bytes"] / 100_000, 2)


def _report(rows: list[dict]) -> dict:
    return {
        "generated": "2026-01-01 00:00 UTC",
        "command": "python benchmarks/run.py --quick",
        "machine": "test",
        "runs": {"x": {"command": "python benchmarks/x.py", "seconds": 1.0, "rows": rows}},
        "rows": rows,
    }


@pytest.mark.parametrize(
    ("row", "cells"),
    [
        (
            {"benchmark": "build", "figure": "f", "value": 12.345, "ok": False},
            ["build", "f", "12.35", "**no**"],
        ),
        ({"benchmark": "serve", "figure": "a | b", "value": 1234.5, "ok": True}, ["a \\| b", "1,234", "yes"]),
    ],
)
def test_table_rows_render(row: dict, cells: list[str]) -> None:
    table = run.render_table(_report([row]))
    line = next(ln for ln in table.splitlines() if ln.startswith(f"| {row['benchmark']} "))
    for cell in cells:
        assert f" {cell} " in line


def test_docs_keep_their_prose_around_the_table(tmp_path: Path) -> None:
    page = tmp_path / "benchmarks.md"
    page.write_text(
        f"# Benchmarks\n\nIntro.\n\n{run.BEGIN}\nold\n{run.END}\n\n## How to read\n", encoding="utf-8"
    )
    run.write_docs(_report([{"benchmark": "store", "figure": "size", "value": 1.0}]), docs=tmp_path)
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nIntro.") and text.rstrip().endswith("## How to read")
    assert "old" not in text and "| store | size |" in text
    assert (
        json.loads((tmp_path / "benchmarks.json").read_text(encoding="utf-8"))["rows"][0]["figure"] == "size"
    )


def test_event_rows_parse_the_printed_table() -> None:
    printed = (
        "924 PolNeAR texts, 300 reports a day, batches of 5000\n"
        " reports   wall s    cpu s  cpu ms/report  events happenings pairwise F1\n"
        "    2000      1.0      0.9           0.45     180        170       0.950\n"
        "    6000      3.3      2.9           0.48     560        510       0.940\n"
    )
    rows = run._event_rows(printed, Path("unused"))
    assert [r["value"] for r in rows] == [0.45, 0.48]
    assert rows[1]["ratio"] == round(0.48 / 0.45, 2)
