"""Streaming readers: JSON lines, WARC and feeds over max_file_bytes are read record by record, each
record under max_record_bytes; plain text and HTML keep the whole-file limit."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_read_formats import ATOM, PAGE, RSS, make_warc, read_all, write

from storyline.model import to_dict
from storyline.read import read_inputs
from storyline.read.jsonl import split_lines
from storyline.settings import Settings

# Small limits so that "large" inputs stay cheap to build.
SMALL = Settings(max_file_bytes=4_000, max_record_bytes=1_000)


def codes_of(articles: list) -> list[list[str]]:
    return [[e.code for e in a.errors] for a in articles]


def jsonl_rows(count: int, *, width: int = 100) -> list[str]:
    return [
        json.dumps({"id": f"r{i}", "text": f"Row {i}: " + "the council met. " * (width // 17)})
        for i in range(count)
    ]


def test_jsonl_over_the_file_limit_is_read_line_by_line(tmp_path: Path) -> None:
    rows = jsonl_rows(200)
    path = write(tmp_path / "many.jsonl", ("\n".join(rows) + "\n").encode())
    assert path.stat().st_size > SMALL.max_file_bytes
    articles = read_all(path, settings=SMALL)
    assert [a.id for a in articles] == [f"r{i}" for i in range(200)]
    assert all(not a.errors for a in articles)


def test_a_line_over_the_record_limit_is_refused_alone(tmp_path: Path) -> None:
    rows = jsonl_rows(3)
    rows[1] = json.dumps({"id": "huge", "text": "word " * 1_000})
    path = write(tmp_path / "one-huge.jsonl", "\n".join(rows).encode())
    articles = read_all(path, settings=SMALL)
    assert codes_of(articles) == [[], ["read.too_large"], []]
    assert articles[1].origin.endswith("#L2") and [articles[0].id, articles[2].id] == ["r0", "r2"]


def test_gzipped_jsonl_past_the_decompressed_cap_is_streamed_but_a_bomb_is_not(tmp_path: Path) -> None:
    limits = Settings(max_file_bytes=4_000, max_record_bytes=1_000, max_decompressed_bytes=10_000)
    rows = "\n".join(jsonl_rows(300)) + "\n"
    assert len(rows) > limits.max_decompressed_bytes
    fine = read_all(write(tmp_path / "rows.jsonl.gz", gzip.compress(rows.encode())), settings=limits)
    assert len(fine) == 300 and not any(a.errors for a in fine)
    bomb = "\n".join([json.dumps({"text": "x" * 900})] * 5_000)  # 4.5 MB of one line repeated
    refused = read_all(write(tmp_path / "bomb.jsonl.gz", gzip.compress(bomb.encode())), settings=limits)
    assert codes_of(refused)[-1] == ["read.gzip_bomb"]


def test_text_and_html_keep_the_whole_file_limit(tmp_path: Path) -> None:
    text = write(tmp_path / "long.txt", b"The council met again. " * 300)
    page = write(tmp_path / "long.html", PAGE.encode() * 10)
    assert codes_of(read_all(text, page, settings=SMALL)) == [["read.too_large"], ["read.too_large"]]


@pytest.mark.parametrize("feed", [RSS, ATOM], ids=["rss", "atom"])
def test_a_streamed_feed_reads_like_a_whole_one(tmp_path: Path, feed: str) -> None:
    path = write(tmp_path / "news.xml", feed.encode())
    whole = read_all(path, settings=Settings())
    streamed = read_all(path, settings=Settings(max_file_bytes=100))
    assert whole and [to_dict(a) for a in streamed] == [to_dict(a) for a in whole]


def test_a_streamed_feed_refuses_an_entry_over_the_record_limit(tmp_path: Path) -> None:
    huge_item = f"<item><title>Long</title><description>{'words ' * 400}</description></item>"
    feed = RSS.replace("<item>", huge_item + "<item>", 1)
    articles = read_all(write(tmp_path / "big.rss", feed.encode()), settings=SMALL)
    assert codes_of(articles) == [["read.too_large"], [], []]
    assert [a.title for a in articles[1:]] == ["Bridge closed", "Market reopens"]


def test_a_streamed_feed_cut_off_keeps_the_entries_before_the_cut(tmp_path: Path) -> None:
    feed = RSS.replace("</channel>", "<item><title>Filler</title><description>" + "x " * 2_000)
    articles = read_all(write(tmp_path / "cut.rss", feed.encode()), settings=Settings(max_file_bytes=100))
    assert codes_of(articles) == [[], [], ["read.bad_feed"]]


def test_warc_over_the_file_limit_is_read_record_by_record(tmp_path: Path) -> None:
    pages = [(f"https://x.example/{i}", PAGE.encode(), "text/html") for i in range(3)]
    pages[1] = (
        "https://x.example/huge",
        PAGE.replace("<p>", "<p>" + "filler " * 300, 1).encode(),
        "text/html",
    )
    path = write(tmp_path / "crawl.warc", make_warc(pages))
    limits = Settings(max_file_bytes=2_000, max_record_bytes=2_000)
    articles = read_all(path, settings=limits)
    assert codes_of(articles) == [[], ["read.too_large"], []]
    assert [a.origin.rsplit("#", 1)[1] for a in articles] == ["r1", "r2", "r3"]


def test_reading_a_large_jsonl_file_holds_one_line_at_a_time(tmp_path: Path) -> None:
    line = json.dumps({"text": "The council met and voted on the budget. " * 25}) + "\n"
    path = tmp_path / "large.jsonl"
    with path.open("w") as handle:
        handle.writelines([line] * 8_000)  # 8.3 MB
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_inputs([str(path)], settings=Settings(max_file_bytes=1_000_000)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 8_000
    assert peak < 4_000_000, f"peak {peak} bytes: the file was held whole"


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"")), max_size=12),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=6),
    limit=st.integers(min_value=1, max_value=40),
    final_newline=st.booleans(),
)
def test_split_lines_agrees_with_bytes_split_for_any_chunking(
    lines: list[bytes], cuts: list[int], limit: int, final_newline: bool
) -> None:
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    bounds = sorted({0, len(data), *(c for c in cuts if c < len(data))})
    chunks = [data[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    expected = data.split(b"\n")
    if expected[-1] == b"":
        expected.pop()
    got = list(split_lines(chunks, limit=limit))
    assert [n for n, _, _ in got] == list(range(1, len(got) + 1))
    kept = [line if line is not None else b"<too long>" for _, line, _ in got]
    assert kept == [e if len(e) <= limit else b"<too long>" for e in expected]
