"""The HTTP API in process: filters, pagination, the one error shape, tokens, escaping, exports."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from storyline.api import _safe_upload_path, create_app
from storyline.model import Article, Entity, PublishedDate, Quote, Span
from storyline.store import Store

TEXTS = [
    ("a1", "Outlet One", "2025-02-20", "Rutte backs guarantees", 'Mark Rutte said: "We need a backup from the US."'),
    ("a2", "Outlet Two", "2025-08-22", "Coalition plans force", "Britain and France plan a reassurance force."),
    ("a3", "Outlet One", "2025-12-18", "<script>alert(1)</script>", "A body with <img src=x onerror=alert(1)>."),
]


def make_store(path: Path) -> Path:
    with Store(path) as store, store.transaction():
        for aid, outlet, date, title, text in TEXTS:
            a = Article(id=aid, source=f"{aid}.txt", text=text, title=title, outlet=outlet,
                        body=[Span(0, len(text))], published=PublishedDate(date, "metadata", 1.0))
            store.put_article(a)
            if aid == "a1":
                a.entities = [Entity(0, 10, "Mark Rutte", "PERSON", "Mark Rutte")]
                a.quotes = [Quote("direct", Span(17, len(text)), Span(11, 15), Span(0, 10), "Mark Rutte")]
            store.put_analysis(a)
    return path


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    app = create_app(make_store(tmp_path / "api.db"), token="s3cret", upload_dir=tmp_path / "up")
    return TestClient(app)


def test_openapi_lists_the_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/articles", "/api/articles/{article_id}", "/api/quotes", "/api/actors", "/api/claims",
                 "/api/events", "/api/stories", "/api/search", "/api/export"):
        assert path in paths


def test_articles_filters_and_cursor_pagination(client: TestClient) -> None:
    page = client.get("/api/articles", params={"limit": 2}).json()
    assert [a["id"] for a in page["items"]] == ["a3", "a2"] and page["next_cursor"]
    rest = client.get("/api/articles", params={"limit": 2, "cursor": page["next_cursor"]}).json()
    assert [a["id"] for a in rest["items"]] == ["a1"] and rest["next_cursor"] is None
    assert [a["id"] for a in client.get("/api/articles", params={"outlet": "Outlet Two"}).json()["items"]] == ["a2"]
    assert [a["id"] for a in client.get("/api/articles", params={"since": "2025-08-01", "until": "2025-09-01"})
            .json()["items"]] == ["a2"]
    assert [a["id"] for a in client.get("/api/articles", params={"actor": "Mark Rutte"}).json()["items"]] == ["a1"]


def test_article_with_spans_and_group(client: TestClient) -> None:
    item = client.get("/api/articles/a1").json()
    assert item["quotes"][0]["speaker"] == "Mark Rutte"
    assert item["group"]["canonical"] == "a1" and [m["id"] for m in item["group"]["members"]] == ["a1"]


def test_quotes_by_speaker_and_words(client: TestClient) -> None:
    items = client.get("/api/quotes", params={"speaker": "Mark Rutte", "q": "backup"}).json()["items"]
    assert len(items) == 1 and items[0]["outlet"] == "Outlet One"


def test_search_snippets_and_facets(client: TestClient) -> None:
    result = client.get("/api/search", params={"q": "reassurance"}).json()
    assert result["total"] == 1 and "<mark>reassurance</mark>" in result["hits"][0]["snippet_html"]
    assert result["facets"]["outlet"] == [{"value": "Outlet Two", "count": 1}]


# The one JSON error shape, pinned: {"error": {"code": str, "message": str}}.
@pytest.mark.parametrize(("path", "params", "status", "code"), [
    ("/api/search", {"q": '"broken'}, 400, "usage.bad_query"),
    ("/api/search", {"q": "a AND"}, 400, "usage.bad_query"),
    ("/api/articles/nope", {}, 404, "http.not_found"),
    ("/api/articles", {"limit": 0}, 422, "usage.invalid"),
    ("/api/articles", {"cursor": "!!"}, 400, "usage.bad_cursor"),
    ("/api/nowhere", {}, 404, "http.not_found"),
])
def test_error_shape(client: TestClient, path: str, params: dict, status: int, code: str) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and body["error"]["message"]


def test_writes_need_the_token(client: TestClient) -> None:
    item = {"id": "n1", "title": "New", "text": "A new report about the coalition.", "outlet": "Outlet Three",
            "published": "2025-09-01"}
    assert client.post("/api/articles", json=[item]).status_code == 401
    assert client.post("/api/articles", json=[item], headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client.post("/api/articles", json=[item], headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 202 and ok.json()["stored"] == 1
    assert client.get("/api/articles/n1").status_code == 200


def test_writes_disabled_without_a_token(tmp_path: Path) -> None:
    app = create_app(make_store(tmp_path / "w.db"), token="")
    response = TestClient(app).post("/api/articles", json=[{"id": "x", "text": "t"}])
    assert response.status_code == 403 and response.json()["error"]["code"] == "auth.disabled"


def test_upload_names_cannot_leave_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "up"
    folder.mkdir()
    for name in ("../../etc/passwd", "..\\..\\x.txt", "/abs/path.txt", ".hidden", ""):
        path = _safe_upload_path(folder, name)
        assert folder.resolve() in path.parents


def test_upload_ingests_files(client: TestClient) -> None:
    files = [("files", ("../evil name.txt", io.BytesIO(b"Title line\n\nA body about the reassurance force."),
                        "text/plain"))]
    response = client.post("/api/upload", files=files, headers={"Authorization": "Bearer s3cret"})
    assert response.status_code == 202 and response.json()["stored"] == 1


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_exports_stream_every_article(client: TestClient, fmt: str) -> None:
    response = client.get("/api/export", params={"format": fmt})
    assert response.status_code == 200
    if fmt == "jsonl":
        ids = [json.loads(line)["id"] for line in response.text.splitlines()]
    elif fmt == "csv":
        ids = [line.split(",")[0] for line in response.text.splitlines()[1:]]
    else:
        ids = pq.read_table(io.BytesIO(response.content)).column("id").to_pylist()
    assert ids == ["a1", "a2", "a3"]


def test_pages_escape_hostile_titles(client: TestClient) -> None:
    page = client.get("/articles/a3").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page
    home = client.get("/").text
    assert "<script>alert(1)</script>" not in home


def test_search_page_bad_syntax_is_400_not_500(client: TestClient) -> None:
    response = client.get("/search", params={"q": '"broken'})
    assert response.status_code == 400 and "bad search query" in response.text
