"""Bad input end to end: `storyline build` over a folder of every bad kind beside good files records
each bad one with its reason code, stores every good one, prints its summary and exits as documented."""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import re
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.store import Store

pytestmark = pytest.mark.slow  # one real build with NLP, a million-character text among its inputs

STORY = (
    "RIVERTON, March 4 (Courier) - The town council voted on Tuesday to close the old bridge after an "
    "inspection found cracks in two of its piers.\n\n"
    "\u201cIt is unsafe, and we will not wait for an accident,\u201d Mayor Ana Ruiz told reporters outside the "
    "town hall. Repairs are expected to take a year and to cost 4 million euros.\n\n"
    "Shop owners on the east bank said the closure would cut their trade by half.\n"
)
PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Ferry service resumes</title></head><body>"
    "<article><h1>Ferry service resumes</h1><p>The ferry between Riverton and Eastport resumed on Monday "
    "after a three-week strike, the operator said in a statement.</p><p>\u201cWe thank passengers for their "
    "patience,\u201d the operator's director, Tomas Berg, said.</p></article></body></html>"
)


def story(n: int) -> str:
    return STORY.replace("old bridge", f"old bridge number {n}").replace("4 million", f"{n + 4} million")


def warc_of(pages: list[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    for url, body in pages:
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body.encode()), http_headers=headers
        )
        writer.write_record(record)
    return buffer.getvalue()


def gzip_bomb() -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    return b"".join(packer.compress(zeros) for _ in range(300)) + packer.flush()  # 300 MB of zeros in 300 kB


def cut_warc() -> bytes:
    data = warc_of(
        [(f"https://courier.example/ferry{i}", PAGE.replace("Monday", f"day {i}")) for i in range(3)]
    )
    second = data.index(b"<!DOCTYPE", data.index(b"courier.example/ferry1"))
    return data[: second + 120]


def jsonl(*records: object) -> bytes:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records).encode() + b"\n"


NOISE = random.Random(6)
# name -> (content, the input-error codes `storyline errors` shows for it, in order)
BAD: dict[str, tuple[bytes, list[str]]] = {
    "binary/photo.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), ["read.binary"]),
    "binary/program": (b"\x7fELF\x02\x01\x01" + bytes(300), ["read.binary"]),
    "binary/random.dat": (random.Random(5).randbytes(5000), ["read.binary"]),
    "empty/empty.txt": (b"", ["read.empty"]),
    "empty/blank.txt": (b" \n\t\r\n", ["read.empty"]),
    "empty/empty.jsonl": (b"\n\n", ["read.empty"]),
    "encoding/noise.txt": (
        bytes(NOISE.randrange(0x80, 0x100) for _ in range(4000)),
        ["read.undecodable"],
    ),
    "html/deep.html": (
        ("<html><body>" + "<div>" * 20000 + "x" + "</div>" * 20000).encode(),
        ["read.bad_html"],
    ),
    "gzip/bomb.txt.gz": (gzip_bomb(), ["read.gzip_bomb"]),
    "gzip/cut.txt.gz": (gzip.compress(STORY.encode() * 50)[:300], ["read.truncated"]),
    "warc/cut.warc": (cut_warc(), ["read.truncated"]),
    "warc/notes.warc": (b"These are notes, not an archive.\n", ["read.bad_warc"]),
    "feeds/broken.rss": (b"<rss><channel><title>Nothing here", ["read.bad_feed"]),
    "jsonl/broken-lines.jsonl": (
        jsonl(
            {"id": "line-good-1", "title": "Bridge shut", "text": story(1)},
            '{"id": "x", "text": "unterminated',
            "[1, 2, 3]",
            {"id": "no-text"},
            "{" * 50_000,
            {"id": "line-good-2", "title": "Bridge shut again", "text": story(2)},
        ),
        ["read.bad_json", "read.bad_json", "read.bad_record", "read.bad_json"],
    ),
}
# name -> the article ids it must store
GOOD: dict[str, tuple[bytes, list[str]]] = {
    "good/story.txt": (story(3).encode(), ["story"]),
    "good/page.html": (PAGE.encode(), ["page"]),
    "good/utf16-no-bom.txt": (story(4).encode("utf-16-le"), ["utf16-no-bom"]),
    "good/lossy-utf8.txt": (story(5).encode() + b"\xff tail\n", ["lossy-utf8"]),
    "good/cut-title-only.html": (b"<html><head><title>Only a title</ti", ["cut-title-only"]),
    "good/cut-with-text.html": (
        b"<html><body><p>The ferry resumed on Monday and passengers",
        ["cut-with-text"],
    ),
    "good/one-char.txt": (b"x", ["one-char"]),
    "good/stories.jsonl.gz": (
        gzip.compress(
            jsonl(*({"id": f"gz-{i}", "title": f"Item {i}", "text": story(10 + i)} for i in range(3)))
        ),
        ["gz-0", "gz-1", "gz-2"],
    ),
    "good/crawl.warc": (
        warc_of(
            [(f"https://courier.example/w{i}", PAGE.replace("Monday", f"weekday {i}")) for i in range(2)]
        ),
        [],  # ids are hashes of the record origins; counted below
    ),
    "jsonl/surrogate.jsonl": (
        b'{"id": "surrogate", "text": "The mayor \\ud800 said the bridge is shut."}\n',
        ["surrogate"],
    ),
    "dates/dates.jsonl": (
        jsonl(
            {"id": "future", "title": "From the future", "published": "2999-01-01", "text": story(20)},
            {"id": "too-old", "title": "Before 1900", "published": "1850-05-01", "text": story(21)},
        ),
        ["future", "too-old"],
    ),
}
MILLION = 1_000_000


def write_inputs(root: Path) -> None:
    for name, (content, _) in {**BAD, **GOOD}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    with (root / "limits" / "oversized.txt").open("wb") as handle:
        handle.truncate(30_000_000)  # sparse: over max_file_bytes (20 MB) without 30 MB on disk
    paragraph = "The council met again and talked about the bridge, the ferry and the budget. "
    text = (paragraph * (MILLION // len(paragraph) + 1))[:MILLION]
    (root / "good" / "million.txt").write_text(text, encoding="ascii")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STORYLINE_DEBUG": ""}
    return subprocess.run(
        [sys.executable, "-m", "storyline.cli", *args], capture_output=True, text=True, env=env, timeout=900
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("bad")
    inputs = root / "inputs"
    (inputs / "limits").mkdir(parents=True)
    write_inputs(inputs)
    db = root / "store.db"
    return inputs, db, run("build", "--db", str(db), "--processes", "1", "--no-progress", str(inputs))


def input_errors(db: Path) -> list[dict[str, str]]:
    out = run("errors", "--db", str(db), "--format", "json")
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_build_ends_with_exit_code_0_and_a_summary_line(
    built: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    _, _, result = built
    assert result.returncode == 0, result.stderr
    expected_errors = sum(len(codes) for _, codes in BAD.values()) + 1  # + the oversized file
    summary = result.stderr.strip().splitlines()[-1]
    assert re.match(rf"\d+ stored, 0 already stored, {expected_errors} errors \(", summary), summary


@pytest.mark.parametrize("name", [*BAD, "limits/oversized.txt"])
def test_each_bad_input_has_its_error_records(
    built: tuple[Path, Path, subprocess.CompletedProcess[str]], name: str
) -> None:
    inputs, db, _ = built
    codes = [e["code"] for e in input_errors(db) if e["source"] == str(inputs / name)]
    assert codes == (BAD[name][1] if name in BAD else ["read.too_large"])


def test_every_good_input_is_stored(built: tuple[Path, Path, subprocess.CompletedProcess[str]]) -> None:
    inputs, db, _ = built
    with Store(db, readonly=True) as store:
        sources = Counter(row["source"] for row in store.conn.execute("SELECT source FROM articles"))
        ids = {row["id"] for row in store.conn.execute("SELECT id FROM articles")}
    for name, (_, expected_ids) in GOOD.items():
        assert set(expected_ids) <= ids, name
        assert sources[str(inputs / name)] == max(len(expected_ids), 2 if name.endswith(".warc") else 1), name
    # the good records of files that also hold bad ones are kept
    assert {"line-good-1", "line-good-2"} <= ids
    assert sources[str(inputs / "warc" / "cut.warc")] == 1
    assert sources[str(inputs / "good" / "million.txt")] == 1


def article_errors(db: Path, article_id: str) -> list[str]:
    with Store(db, readonly=True) as store:
        article = store.article(article_id)
    assert article is not None, article_id
    return [e.code for e in article.errors]


@pytest.mark.parametrize("article_id", ["future", "too-old"])
def test_dates_out_of_range_are_recorded_on_a_stored_article(
    built: tuple[Path, Path, subprocess.CompletedProcess[str]], article_id: str
) -> None:
    _, db, _ = built
    assert "date.out_of_range" in article_errors(db, article_id)
    with Store(db, readonly=True) as store:
        assert (
            store.conn.execute("SELECT published FROM articles WHERE id = ?", (article_id,)).fetchone()[0]
            is None
        )


def test_odd_but_readable_texts_are_stored_with_their_warnings(
    built: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    _, db, _ = built
    assert "read.lossy" in article_errors(db, "lossy-utf8")
    assert "read.bad_html" in article_errors(db, "cut-title-only")  # kept as a headline
    assert "read.lossy" in article_errors(db, "surrogate")  # a lone surrogate escape became U+FFFD
    assert "text.too_long" in article_errors(db, "million")
    with Store(db, readonly=True) as store:
        assert len(store.article("million").text) == MILLION
        assert store.article("one-char").text == "x"
        assert "old bridge number 4" in store.article("utf16-no-bom").text


def test_a_second_strict_run_stores_nothing_twice_and_exits_3(
    built: tuple[Path, Path, subprocess.CompletedProcess[str]],
) -> None:
    inputs, db, first = built
    before = len(input_errors(db))
    again = run("build", "--db", str(db), "--processes", "1", "--no-progress", "--strict", str(inputs))
    assert again.returncode == 3, again.stderr
    summary = again.stderr.strip().splitlines()[-1]
    assert summary.startswith("0 stored, ")
    stored_first = int(first.stderr.strip().splitlines()[-1].split(" stored")[0])
    assert f"0 stored, {stored_first} already stored" in summary
    assert len(input_errors(db)) >= before
    from reliability_report import record_figure

    errors = input_errors(db)
    record_figure(
        "bad_inputs",
        {
            "bad_inputs_tried": len(BAD) + 1,
            "error_records": before,
            "codes": dict(sorted(Counter(e["code"] for e in errors[:before]).items())),
            "good_inputs_stored": stored_first,
            "summary": first.stderr.strip().splitlines()[-1],
            "exit_code": first.returncode,
            "exit_code_strict": again.returncode,
            "command": "storyline build --db DB FOLDER (tests/test_bad_input.py)",
        },
    )
