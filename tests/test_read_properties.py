"""Properties of the readers: any bytes under any name never raise; text round-trips exactly."""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from storyline.errors import CODES
from storyline.read import read_inputs, to_article
from storyline.settings import Settings

SETTINGS = Settings()
NAMES = ["a.txt", "a.html", "a.jsonl", "a.json", "a.rss", "a.xml", "a.warc", "a.txt.gz", "a.warc.gz", "a"]
# Printable text: controls (other than line ends and tabs) are read as binary, by design.
PRINTABLE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff")
    | st.sampled_from("\n\t\r"),
    min_size=1,
)
SEEDS = [
    b"<html><body><p>",
    b'<html><head><meta charset="unicode_escape"><p>',
    b'<meta charset="base64">\xe9 ',
    b"WARC/1.0\r\n",
    b'{"text": "',
    b"<?xml version='1.0'?><rss><channel><item>",
    b"\x1f\x8b\x08\x00",
]
ARBITRARY = st.one_of(
    st.binary(max_size=3000), st.tuples(st.sampled_from(SEEDS), st.binary(max_size=500)).map(b"".join)
)
QUICK = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_one_file(name: str, data: bytes) -> list:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        articles = [to_article(raw, settings=SETTINGS) for raw in read_inputs([str(path)], settings=SETTINGS)]
    for article in articles:
        assert article.source == str(path)
        assert isinstance(article.text, str) and isinstance(article.id, str) and article.id
        assert all(error.code in CODES for error in article.errors)
    return articles


@QUICK
@given(name=st.sampled_from(NAMES), data=ARBITRARY)
def test_any_bytes_under_any_name_never_raise(name: str, data: bytes) -> None:
    assert read_one_file(name, data)  # at least one record, a document or an error


@QUICK
@given(name=st.sampled_from(NAMES), data=ARBITRARY)
def test_any_gzipped_bytes_never_raise(name: str, data: bytes) -> None:
    assert read_one_file(name + ".gz", gzip.compress(data))


@QUICK
@given(text=PRINTABLE, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_text_files_round_trip_exactly(text: str, encoding: str) -> None:
    assume(text.strip())
    (article,) = read_one_file("story.txt", text.encode(encoding))
    assert article.text == text and article.errors == []


@QUICK
@given(
    text=PRINTABLE,
    title=st.text(max_size=50),
    record_id=st.one_of(st.integers(), st.text(min_size=1, max_size=8)),
)
def test_jsonl_text_field_is_the_text(text: str, title: str, record_id: int | str) -> None:
    assume(text.strip() and str(record_id).strip())
    line = json.dumps({"id": record_id, "title": title, "text": text})
    (article,) = read_one_file("rows.jsonl", line.encode("utf-8"))
    assert (article.text, article.id) == (text, str(record_id))
