"""Readers: one test per format and encoding, gzip of each, directories, order, ids and origins."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storyline.read import read_inputs, to_article
from storyline.settings import Settings

SETTINGS = Settings()
STORY = "The council voted on Tuesday to close the bridge.\n\u201cIt is unsafe,\u201d the mayor said. Caf\u00e9 owners objected.\n"

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Council closes bridge</title>
<meta property="og:site_name" content="The Riverside Courier">
<meta property="og:url" content="https://courier.example/bridge">
<meta property="article:published_time" content="2024-03-05T10:00:00Z"></head>
<body><nav>Home | Local | Sport</nav><article><h1>Council closes bridge</h1>
<p>The council voted on Tuesday to close the old bridge after an inspection found cracks in two of its piers.</p>
<p>\u201cIt is unsafe,\u201d the mayor told reporters outside the town hall, adding that repairs would take a year.</p>
</article><footer>All rights reserved</footer></body></html>"""

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Riverside Courier</title><link>https://courier.example</link>
<item><title>Bridge closed</title><link>https://courier.example/bridge</link>
<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>
<description>&lt;p&gt;The council &lt;b&gt;voted&lt;/b&gt; to close the bridge.&lt;/p&gt;&lt;p&gt;Repairs take a year.&lt;/p&gt;</description></item>
<item><title>Market reopens</title><link>https://courier.example/market</link>
<description>Stalls are back on the square.</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Times</title>
<entry><title>Dam inspected</title><link href="https://valley.example/dam"/><id>tag:valley.example,2024:1</id>
<published>2024-03-06T08:00:00Z</published><updated>2024-03-07T08:00:00Z</updated>
<content type="html">&lt;p&gt;Engineers inspected the dam on Wednesday.&lt;/p&gt;</content></entry></feed>"""


def read_all(*paths: Path | str, settings: Settings = SETTINGS) -> list:
    return [
        to_article(raw, settings=settings) for raw in read_inputs([str(p) for p in paths], settings=settings)
    ]


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def make_warc(
    pages: list[tuple[str, bytes, str]], *, compress: bool = False, content_encoding: str | None = None
) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    for url, body, content_type in pages:
        fields = [("Content-Type", content_type)]
        if content_encoding:
            fields.append(("Content-Encoding", content_encoding))
        headers = StatusAndHeaders("200 OK", fields, protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
        writer.write_record(record)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "encoding"),
    [
        ("utf8.txt", STORY.encode("utf-8"), "utf-8"),
        ("bom.txt", b"\xef\xbb\xbf" + STORY.encode("utf-8"), "utf-8-sig"),
        ("utf16-bom.txt", STORY.encode("utf-16"), "utf-16-le"),
        ("utf16le.txt", STORY.encode("utf-16-le"), "utf-16-le"),
        ("utf16be.txt", STORY.encode("utf-16-be"), "utf-16-be"),
        ("utf32.txt", STORY.encode("utf-32"), "utf-32-le"),
        ("cp1252.txt", STORY.encode("cp1252"), "cp1252"),
        ("story", STORY.encode("utf-8"), "utf-8"),
        ("notes.md", STORY.encode("utf-8"), "utf-8"),
    ],
)
def test_plain_text_reads_in_every_encoding(tmp_path: Path, name: str, data: bytes, encoding: str) -> None:
    (article,) = read_all(write(tmp_path / name, data))
    assert article.text == STORY  # the BOM is gone before offsets count
    assert article.encoding == encoding
    assert article.errors == []
    assert article.id == name.split(".")[0]


def test_latin1_text_with_many_accents_reads_through_charset_detection(tmp_path: Path) -> None:
    story = (
        "Les \u00e9lus ont vot\u00e9 la fermeture du pont. " * 20
        + "Le maire a d\u00e9clar\u00e9 : \u00ab c'est dangereux \u00bb."
    )
    (article,) = read_all(write(tmp_path / "fr.txt", story.encode("latin-1")))
    assert article.text == story
    assert article.errors == []


def test_invalid_utf8_in_mostly_text_is_kept_with_a_warning(tmp_path: Path) -> None:
    data = STORY.encode("utf-8") * 5 + b"\x81\x8d\x8f\x90\x9d" + STORY.encode("utf-8")
    (article,) = read_all(write(tmp_path / "mixed.txt", data))
    assert [e.code for e in article.errors] == ["read.lossy"]
    assert article.text.startswith(STORY) and "\ufffd" in article.text


def test_crlf_text_keeps_its_line_ends(tmp_path: Path) -> None:
    (article,) = read_all(write(tmp_path / "dos.txt", b"First line.\r\nSecond line.\r\n"))
    assert article.text == "First line.\r\nSecond line.\r\n"


@pytest.mark.parametrize("name", ["page.html", "page.htm", "page", "page.xml"])
def test_html_is_extracted_with_metadata(tmp_path: Path, name: str) -> None:
    (article,) = read_all(write(tmp_path / name, PAGE.encode("utf-8")))
    assert "inspection found cracks" in article.text
    assert "\u201cIt is unsafe,\u201d the mayor told reporters" in article.text
    assert "Home | Local" not in article.text and "All rights reserved" not in article.text
    assert article.title == "Council closes bridge"
    assert article.outlet == "The Riverside Courier"
    assert article.url == "https://courier.example/bridge"
    assert article.meta["html_date"] == "2024-03-05"
    assert article.meta["format"] == "html"
    assert article.errors == []


def test_html_declared_charset_is_used_when_utf8_fails(tmp_path: Path) -> None:
    page = PAGE.replace('charset="utf-8"', 'charset="windows-1252"')
    (article,) = read_all(write(tmp_path / "cp.html", page.encode("cp1252")))
    assert "\u201cIt is unsafe,\u201d" in article.text
    assert article.encoding == "cp1252"


def test_jsonl_records_carry_their_fields(tmp_path: Path) -> None:
    lines = [
        {
            "id": 7,
            "title": "Bridge closed",
            "text": STORY,
            "url": "https://a.example/1",
            "outlet": "Courier",
            "published": "2024-03-05",
        },
        {"title": "From HTML", "html": PAGE, "published": "2024-03-05T10:00:00+00:00", "section": "local"},
        {"id": "h1", "title": "Headline only", "text": ""},
    ]
    path = write(tmp_path / "batch.jsonl", "\n".join(json.dumps(x) for x in lines).encode("utf-8"))
    first, second, third = read_all(path)
    assert (first.id, first.title, first.text, first.url, first.outlet) == (
        "7",
        "Bridge closed",
        STORY,
        "https://a.example/1",
        "Courier",
    )
    assert first.meta["published"] == "2024-03-05" and first.origin == f"{path}#L1"
    assert "inspection found cracks" in second.text and second.title == "From HTML"
    assert second.meta["extra"] == {"section": "local"} and second.meta["html_date"] == "2024-03-05"
    assert len(second.id) == 16 and second.origin == f"{path}#L2"
    assert (third.text, third.title, third.errors) == ("", "Headline only", [])
    assert {a.source for a in (first, second, third)} == {str(path)}


def test_json_lines_with_nulls_and_blank_lines(tmp_path: Path) -> None:
    data = b'\n{"id": "a", "title": null, "text": "Body one."}\r\n\n{"id": "b", "text": "Body two.", "published": null}\n'
    first, second = read_all(write(tmp_path / "rows.ndjson", data))
    assert (first.id, first.title, first.text, first.origin[-3:]) == ("a", None, "Body one.", "#L2")
    assert (second.id, second.origin[-3:], "published" in second.meta) == ("b", "#L4", False)


@pytest.mark.parametrize(
    ("content", "origins"),
    [
        ('{"id": "one", "text": "A single object."}', [""]),
        ('[{"text": "First."}, {"text": "Second."}]', ["#r1", "#r2"]),
        ('{"text": "Line one."}\n{"text": "Line two."}\n', ["#L1", "#L2"]),
    ],
)
def test_json_file_holds_an_object_an_array_or_lines(
    tmp_path: Path, content: str, origins: list[str]
) -> None:
    path = write(tmp_path / "items.json", content.encode("utf-8"))
    articles = read_all(path)
    assert [a.origin for a in articles] == [f"{path}{suffix}" for suffix in origins]
    assert all(a.text and not a.errors for a in articles)


@pytest.mark.parametrize(
    ("name", "feed"), [("news.rss", RSS), ("news.atom", ATOM), ("news.xml", RSS), ("feed", ATOM)]
)
def test_feed_entries_become_documents(tmp_path: Path, name: str, feed: str) -> None:
    path = write(tmp_path / name, feed.encode("utf-8"))
    articles = read_all(path)
    assert articles[0].origin == f"{path}#r1"
    if feed is RSS:
        first, second = articles
        assert first.text == "The council voted to close the bridge.\nRepairs take a year."
        assert (first.title, first.url, first.outlet) == (
            "Bridge closed",
            "https://courier.example/bridge",
            "Riverside Courier",
        )
        assert first.meta["published"] == "Tue, 05 Mar 2024 10:00:00 GMT"
        assert second.text == "Stalls are back on the square." and second.origin == f"{path}#r2"
    else:
        (entry,) = articles
        assert entry.text == "Engineers inspected the dam on Wednesday."
        assert (entry.outlet, entry.url, entry.meta["published"]) == (
            "Valley Times",
            "https://valley.example/dam",
            "2024-03-06T08:00:00Z",
        )
    assert all(not a.errors for a in articles)


def test_warc_response_records_become_documents(tmp_path: Path) -> None:
    data = make_warc(
        [
            ("https://courier.example/bridge", PAGE.encode("utf-8"), "text/html; charset=utf-8"),
            ("https://courier.example/logo.png", b"\x89PNG\r\n\x1a\nxxxx", "image/png"),
            ("https://courier.example/plain", STORY.encode("cp1252"), "text/plain; charset=windows-1252"),
        ]
    )
    path = write(tmp_path / "crawl.warc", data)
    page, plain = read_all(path)
    assert page.origin == f"{path}#r1" and plain.origin == f"{path}#r3"
    assert "inspection found cracks" in page.text and page.url == "https://courier.example/bridge"
    assert page.meta["html_date"] == "2024-03-05" and "crawled" in page.meta
    assert plain.text == STORY and plain.encoding == "cp1252"
    assert not page.errors and not plain.errors


def test_warc_body_sent_with_http_gzip_is_decoded(tmp_path: Path) -> None:
    body = gzip.compress(PAGE.encode("utf-8"))
    data = make_warc([("https://courier.example/bridge", body, "text/html")], content_encoding="gzip")
    (article,) = read_all(write(tmp_path / "encoded.warc", data))
    assert "inspection found cracks" in article.text and not article.errors


def test_gzipped_warc_with_member_per_record(tmp_path: Path) -> None:
    data = make_warc([("https://courier.example/bridge", PAGE.encode("utf-8"), "text/html")], compress=True)
    path = write(tmp_path / "crawl.warc.gz", data)
    (article,) = read_all(path)
    assert "inspection found cracks" in article.text
    assert article.origin == f"{path}#r1" and len(article.id) == 16 and not article.errors


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("story.txt", STORY.encode("utf-8")),
        ("page.html", PAGE.encode("utf-8")),
        ("rows.jsonl", json.dumps({"id": "r", "text": STORY}).encode("utf-8")),
        ("news.rss", RSS.encode("utf-8")),
        ("crawl.warc", make_warc([("https://x.example/", PAGE.encode("utf-8"), "text/html")])),
    ],
)
@pytest.mark.parametrize("suffix", [".gz", ""])
def test_gzip_of_each_format_reads_like_the_plain_file(
    tmp_path: Path, name: str, data: bytes, suffix: str
) -> None:
    plain = read_all(write(tmp_path / "plain" / name, data))
    # without the .gz suffix, the gzip magic bytes alone tell the reader to decompress
    packed = read_all(write(tmp_path / "packed" / (name + suffix), gzip.compress(data)))
    assert [a.text for a in packed] == [a.text for a in plain]
    assert [a.title for a in packed] == [a.title for a in plain]
    assert all(not a.errors for a in packed)
    if name == "story.txt":
        assert packed[0].id == "story"


def test_directories_are_read_recursively_sorted_without_hidden_files(tmp_path: Path) -> None:
    root = tmp_path / "in"
    for relative in ["b.txt", "a/z.txt", "a/b/c.txt", "c.txt", ".hidden.txt", ".git/config", "a/.secret"]:
        write(root / relative, f"Report from {relative}.".encode())
    given = str(root) + "/"
    articles = read_all(given)
    assert [a.source for a in articles] == [given + p for p in ["a/b/c.txt", "a/z.txt", "b.txt", "c.txt"]]
    assert articles[0].text == "Report from a/b/c.txt."


def test_input_order_is_kept_across_files_and_directories(tmp_path: Path) -> None:
    for name in ["1.txt", "d/2.txt", "d/3.txt", "4.txt"]:
        write(tmp_path / name, name.encode())
    paths = [tmp_path / "4.txt", tmp_path / "d", tmp_path / "missing.txt", tmp_path / "1.txt"]
    articles = read_all(*paths)
    assert [a.text for a in articles] == ["4.txt", "d/2.txt", "d/3.txt", "", "1.txt"]
    assert articles[3].errors[0].code == "read.missing" and articles[3].source == str(
        tmp_path / "missing.txt"
    )


def test_relative_source_is_kept_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "docs" / "one.txt", b"One.")
    monkeypatch.chdir(tmp_path)
    (article,) = read_all("docs")
    assert (article.source, article.origin, article.id) == ("docs/one.txt", "docs/one.txt", "one")


def test_a_bare_path_string_is_one_path(tmp_path: Path) -> None:
    path = write(tmp_path / "one.txt", b"One report.")
    (raw,) = read_inputs(str(path), settings=SETTINGS)  # type: ignore[arg-type]
    assert raw.text == "One report." and raw.source == str(path)
