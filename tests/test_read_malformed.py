"""A folder of malformed inputs beside good ones: each bad one gives an error record with the right
code, each good one a document, and nothing raises."""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import zlib
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from test_read_formats import PAGE, RSS, STORY, make_warc

from storyline.errors import LimitError
from storyline.read import read_inputs, to_article
from storyline.read.compressed import gunzip
from storyline.settings import Settings

# Lower limits than the defaults so the oversized and bomb cases stay cheap to build.
SETTINGS = Settings(max_file_bytes=10_000_000, max_decompressed_bytes=20_000_000)
RNG = random.Random(20240305)
ROWS = [
    json.dumps({"id": f"row{i}", "text": f"Report {i}: the council met and voted on item {i}."})
    for i in range(200)
]
CLEAN: list[str] = []  # a document read without any reason recorded


def cut_gzip_of_lines() -> tuple[bytes, list[list[str]]]:
    packed = gzip.compress("\n".join(ROWS).encode("utf-8") + b"\n")
    cut = packed[: len(packed) // 2]
    complete_lines = zlib.decompressobj(wbits=31).decompress(cut).count(b"\n")
    return cut, [CLEAN] * complete_lines + [["read.truncated"]]


def three_page_warc_cut_in_the_second() -> bytes:
    data = make_warc([(f"https://x.example/{i}", PAGE.encode("utf-8"), "text/html") for i in range(3)])
    second_body = data.index(b"<!DOCTYPE", data.index(b"https://x.example/1"))
    return data[: second_body + 200]


def gzip_bomb() -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1 << 20)
    return b"".join(packer.compress(zeros) for _ in range(50)) + packer.flush()


def corrupt_gzip() -> bytes:
    data = bytearray(gzip.compress(STORY.encode("utf-8") * 20))
    data[12:22] = b"\xff" * 10
    return bytes(data)


def deep_html() -> bytes:
    return ("<html><body>" + "<div>" * 5000 + "buried text" + "</div>" * 5000 + "</body></html>").encode()


def sparse_50mb(path: Path) -> None:
    with path.open("wb") as handle:
        handle.truncate(50_000_000)


CASES: dict[str, tuple[bytes | Callable[[], bytes], list[list[str]]]] = {
    # good inputs, some of them odd
    "good/story.txt": (STORY.encode("utf-8"), [CLEAN]),
    "good/page.html": (PAGE.encode("utf-8"), [CLEAN]),
    "good/utf16-without-bom.txt": (STORY.encode("utf-16-le"), [CLEAN]),
    "good/one-character.txt": (b"x", [CLEAN]),
    "good/one-byte-cp1252.txt": (b"\xe9", [CLEAN]),
    "good/cut-but-has-text.html": (b"<html><body><p>The story begins and", [CLEAN]),
    "good/feed.rss": (RSS.encode("utf-8"), [CLEAN, CLEAN]),
    # empty
    "empty.txt": (b"", [["read.empty"]]),
    "blank.txt": (b" \n\t \r\n", [["read.empty"]]),
    "newline.txt": (b"\n", [["read.empty"]]),
    "only-bom.txt": (b"\xef\xbb\xbf", [["read.empty"]]),
    "blank.html": (b"   \n", [["read.empty"]]),
    "empty.txt.gz": (gzip.compress(b""), [["read.empty"]]),
    # binary
    "image.png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), [["read.binary"]]),
    "report.pdf": (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n", [["read.binary"]]),
    "bundle.zip": (b"PK\x03\x04\x14\x00\x00\x00" + bytes(40), [["read.binary"]]),
    "tool": (b"\x7fELF\x02\x01\x01" + bytes(60), [["read.binary"]]),
    "nul-bytes.txt": (b"Some text\x00with\x00\x00 scattered\x00 NUL bytes in it", [["read.binary"]]),
    "random.bin": (RNG.randbytes(4096), [["read.binary"]]),
    "controls.txt": (bytes(range(1, 9)) * 100, [["read.binary"]]),
    "png-named.jsonl": (b"\x89PNG\r\n\x1a\n" + bytes(32), [["read.binary"]]),
    # not decodable, or decodable with losses
    "noise.txt": (bytes(RNG.randrange(0x80, 0x100) for _ in range(3000)), [["read.undecodable"]]),
    "invalid-utf8.txt": (
        STORY.encode("utf-8") * 5 + b"\xc3\x28\xff" + STORY.encode("utf-8"),
        [["read.lossy"]],
    ),
    "odd-utf16.txt": (STORY.encode("utf-16") + b"\x41", [["read.lossy"]]),
    # limits and compression
    "huge.txt": (sparse_50mb, [["read.too_large"]]),
    "bomb.txt.gz": (gzip_bomb, [["read.gzip_bomb"]]),
    "cut.txt.gz": (lambda: gzip.compress(RNG.randbytes(3000).hex().encode())[:1000], [["read.truncated"]]),
    "corrupt.txt.gz": (corrupt_gzip, [["read.bad_gzip"]]),
    # HTML with nothing to extract
    "title-only-cut.html": (b"<html><head><title>Only a title</ti", [["read.bad_html"]]),
    "scripts-only.html": (
        b"<html><body><script>var a = 1;</script><style>p {}</style></body></html>",
        [["read.bad_html"]],
    ),
    "deep.html": (deep_html, [["read.bad_html"]]),
    # JSON
    "rows.jsonl": (
        "\n".join(
            [
                ROWS[0],
                '{"id": "x", "text": "unterminated',
                "[1, 2]",
                '{"id": 5}',
                '{"text": 12}',
                '{"text": "   "}',
                "[" * 100_000,
                ROWS[1],
            ]
        ).encode("utf-8"),
        [
            CLEAN,
            ["read.bad_json"],
            ["read.bad_json"],
            ["read.bad_record"],
            ["read.bad_record"],
            ["read.empty"],
            ["read.bad_json"],
            CLEAN,
        ],
    ),
    "blank.jsonl": (b"\n  \n\t\n", [["read.empty"]]),
    "empty-array.json": (b"[]", [["read.empty"]]),
    "cut.json": (b'[{"text": "a"}, {"te', [["read.bad_json"]]),
    "cut.jsonl.gz": (lambda: cut_gzip_of_lines()[0], cut_gzip_of_lines()[1]),
    # feeds and archives
    "broken.rss": (b"<rss><channel><title>Nothing here", [["read.bad_feed"]]),
    "cut.rss": (
        RSS.encode()[: RSS.encode().index(b"<description>Stalls") + 5],
        [CLEAN, CLEAN, ["read.bad_feed"]],
    ),
    "cut.warc": (three_page_warc_cut_in_the_second, [CLEAN, ["read.truncated"]]),
    "garbage.warc": (b"WARC/1.0\r\nthis is not a header block\r\n\r\n", [["read.bad_warc"]]),
    "notes.warc": (b"Just some notes, no archive.\n", [["read.bad_warc"]]),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("inputs")
    for name, (content, _) in CASES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is sparse_50mb:
            sparse_50mb(path)
        else:
            path.write_bytes(content() if callable(content) else content)
    os.mkfifo(root / "pipe")  # reading it would block: it must be refused, not opened
    os.symlink(root / "nowhere.txt", root / "dangling.txt")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return root


@pytest.fixture(scope="module")
def records_by_file(folder: Path) -> dict[str, list[list[str]]]:
    found: dict[str, list[list[str]]] = defaultdict(list)
    for raw in read_inputs([str(folder)], settings=SETTINGS):
        article = to_article(raw, settings=SETTINGS)
        assert isinstance(article.text, str)
        found[os.path.relpath(article.source, folder)].append([e.code for e in article.errors])
    return dict(found)


@pytest.mark.parametrize("name", list(CASES))
def test_each_input_gives_its_records(records_by_file: dict[str, list[list[str]]], name: str) -> None:
    assert records_by_file[name] == CASES[name][1]


@pytest.mark.parametrize(("name", "code"), [("pipe", "read.unreadable"), ("dangling.txt", "read.missing")])
def test_special_files_are_refused_without_blocking(
    records_by_file: dict[str, list[list[str]]], name: str, code: str
) -> None:
    assert records_by_file[name] == [[code]]


def test_hidden_entries_are_skipped_and_nothing_else_appears(
    records_by_file: dict[str, list[list[str]]],
) -> None:
    assert set(records_by_file) == set(CASES) | {"pipe", "dangling.txt"}


def test_cut_warc_keeps_the_record_before_the_cut(folder: Path) -> None:
    first, cut = (
        to_article(r, settings=SETTINGS) for r in read_inputs([str(folder / "cut.warc")], settings=SETTINGS)
    )
    assert "inspection found cracks" in first.text and first.origin.endswith("#r1")
    assert cut.origin.endswith("#r2") and cut.text == ""


@pytest.mark.parametrize(
    ("settings", "size"),
    [
        (Settings(max_decompressed_bytes=3_000_000, max_compression_ratio=1e9), 4_000_000),  # absolute cap
        (Settings(max_decompressed_bytes=10**9, max_compression_ratio=50), 4_000_000),  # ratio cap
    ],
)
def test_gzip_bomb_is_stopped_by_either_cap(settings: Settings, size: int) -> None:
    with pytest.raises(LimitError) as caught:
        gunzip(gzip.compress(bytes(size)), settings=settings)
    assert caught.value.code == "read.gzip_bomb"


def test_small_file_with_high_ratio_is_no_bomb() -> None:
    data = gzip.compress(b"same line again\n" * 40_000)  # 640 kB, under the ratio floor
    assert len(gunzip(data, settings=Settings()).data) == 640_000


def test_gzip_members_are_all_read_and_trailing_zeros_ignored() -> None:
    data = gzip.compress(b"first member\n") + gzip.compress(b"second member\n") + bytes(16)
    inflated = gunzip(data, settings=Settings())
    assert (inflated.data, inflated.truncated) == (b"first member\nsecond member\n", False)


def test_truncated_gzip_is_told_apart_from_a_complete_one() -> None:
    data = gzip.compress(io.BytesIO(STORY.encode() * 40).getvalue())
    assert gunzip(data[:-4], settings=Settings()).truncated


def test_reading_bad_inputs_prints_nothing(folder: Path, capfd: pytest.CaptureFixture[str]) -> None:
    for raw in read_inputs([str(folder)], settings=SETTINGS):
        to_article(raw, settings=SETTINGS)
    assert capfd.readouterr() == ("", "")


def test_warc_record_with_a_wrong_length_is_flagged_quietly(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    data = make_warc([(f"https://x.example/{i}", PAGE.encode("utf-8"), "text/html") for i in range(2)])
    first_length = data.index(b"Content-Length: ") + len(b"Content-Length: ")
    digits = data[first_length : data.index(b"\r\n", first_length)]
    shorter = data[:first_length] + str(int(digits) - 20).encode() + data[first_length + len(digits) :]
    path = tmp_path / "wrong.warc"
    path.write_bytes(shorter)
    codes = [
        [e.code for e in to_article(r, settings=SETTINGS).errors]
        for r in read_inputs([str(path)], settings=SETTINGS)
    ]
    assert codes[0] == ["read.bad_warc"]
    assert capfd.readouterr() == ("", "")
