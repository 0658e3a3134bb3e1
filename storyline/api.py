"""The HTTP API (FastAPI, OpenAPI at /openapi.json) and the app that also serves the web pages.

Reads go through read-only SQLite connections, one per request, so a build can write meanwhile;
write endpoints need the token in STORYLINE_TOKEN, compared in constant time.
"""

from __future__ import annotations

import contextlib
import csv
import hmac
import html
import io
import json
import os
import queue
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from . import queries
from .errors import StorylineError, UsageError

API_VERSION = "1"


def _date(value: str | None) -> str | None:
    """A YYYY-MM-DD query parameter, or a 400 in the one error shape."""
    import datetime as dt

    if value is None or value == "":
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ApiError(400, "usage.bad_date", f"not a date (YYYY-MM-DD): {value!r}") from exc
    return value


class ApiError(Exception):
    """An error with an HTTP status, a code and a one-line message: the one JSON error shape."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def snippet_html(snippet: str | None) -> str:
    """Escape a search snippet and turn its match markers into <mark> elements."""
    return html.escape(snippet or "").replace("\x02", "<mark>").replace("\x03", "</mark>")


def snippet_text(snippet: str | None) -> str:
    return (snippet or "").replace("\x02", "").replace("\x03", "")


class Config:
    """What the app serves: the store path, the write token, the upload folder."""

    def __init__(self, db: str | Path, *, token: str | None = None, upload_dir: str | Path | None = None) -> None:
        self.db = Path(db)
        self.token = token if token is not None else os.environ.get("STORYLINE_TOKEN")
        self.upload_dir = Path(upload_dir) if upload_dir else self.db.parent / "uploads"


def create_app(db: str | Path, *, token: str | None = None, upload_dir: str | Path | None = None) -> FastAPI:
    """The FastAPI app for a store: JSON API under /api, pages at /, static files at /static."""
    config = Config(db, token=token, upload_dir=upload_dir)
    if not config.db.exists():
        # A server on a missing store creates it empty, so that ingest through the API can start it.
        from .store import Store

        Store(config.db).close()
    app = FastAPI(title="storyline", version=API_VERSION,
                  description="News reports in, a sourced and dated record of the story out.")
    app.state.config = config
    app.state.readers = ReaderPool(config.db)

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status)

    @app.exception_handler(StorylineError)
    async def _lib_error(_: Request, exc: StorylineError) -> JSONResponse:
        status = 400 if isinstance(exc, UsageError) else 500
        return JSONResponse(error_body(exc.code, exc.message), status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()))
        return JSONResponse(error_body("usage.invalid", f"{where}: {first.get('msg', 'invalid request')}"),
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "http.not_found", 405: "http.method_not_allowed"}.get(exc.status_code, "http.error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)

    _add_api_routes(app)
    from .web.pages import add_page_routes

    add_page_routes(app)
    return app


def app_from_env() -> FastAPI:
    """The app for `storyline serve` (uvicorn factory): the store named by STORYLINE_DB."""
    return create_app(os.environ.get("STORYLINE_DB", "storyline.db"))


class ReaderPool:
    """Read-only connections kept between requests, so each keeps its page cache warm (a new connection
    per request re-read the same index pages from the OS every time). A connection serves one request
    at a time; each statement outside a transaction sees the latest commit (WAL)."""

    def __init__(self, db: Path, *, keep: int = 8) -> None:
        self.db, self.keep = db, keep
        self._idle: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, check_same_thread=False, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
        conn.execute(f"PRAGMA mmap_size = {READER_MMAP_BYTES}")
        return conn

    @contextlib.contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            conn = self._open()
        try:
            yield conn
        except BaseException:
            conn.close()  # a request that failed may leave a statement or transaction open
            raise
        if conn.in_transaction or self._idle.qsize() >= self.keep:
            conn.close()
        else:
            self._idle.put(conn)


READER_CACHE_KIB = 65536  # page cache per pooled reader
READER_MMAP_BYTES = 1 << 30  # reads map the file instead of copying pages (shared with the OS cache)


def reader(request: Request) -> Iterator[sqlite3.Connection]:
    """A read-only connection for one request (readers never block the writer in WAL mode)."""
    with request.app.state.readers.connection() as conn:
        yield conn


def require_token(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    """Write endpoints: `Authorization: Bearer <STORYLINE_TOKEN>`; no token configured means no writes."""
    expected = request.app.state.config.token
    if not expected:
        raise ApiError(403, "auth.disabled", "writes are disabled: start the server with STORYLINE_TOKEN set")
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(401, "auth.bad_token", "missing or wrong token")


Conn = Annotated[sqlite3.Connection, Depends(reader)]
Limit = Annotated[int, Query(ge=1, le=1000)]


def _add_api_routes(app: FastAPI) -> None:  # noqa: C901 - one route table
    @app.get("/api/articles", tags=["articles"])
    def articles(conn: Conn, outlet: str | None = None, since: str | None = None, until: str | None = None,
                 actor: str | None = None, story: str | None = None, event: str | None = None,
                 q: str | None = None, copies: bool = True, cursor: str | None = None,
                 limit: Limit = 50) -> dict[str, Any]:
        """Articles, newest first, filtered; `next_cursor` fetches the next page."""
        return queries.list_articles(conn, outlet=outlet, since=since, until=until, actor=actor, story=story,
                                     event=event, q=q, copies=copies, cursor=cursor, limit=limit)

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def article(conn: Conn, article_id: str) -> dict[str, Any]:
        """One article with its text, spans (entities, quotes, time expressions, claims) and its copies."""
        item = queries.get_article(conn, article_id)
        if item is None:
            raise ApiError(404, "http.not_found", f"no article {article_id!r}")
        return item

    @app.get("/api/quotes", tags=["quotes"])
    def quotes(conn: Conn, speaker: str | None = None, actor: str | None = None, since: str | None = None,
               until: str | None = None, q: str | None = None, limit: Limit = 100,
               offset: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
        """Quotes by speaker, actor, date and words."""
        return {"items": queries.list_quotes(conn, speaker=speaker, actor=actor, since=since, until=until, q=q,
                                             limit=limit, offset=offset)}

    @app.get("/api/actors", tags=["actors"])
    def actors(conn: Conn, limit: Limit = 200) -> dict[str, Any]:
        """Actors by how many articles name them."""
        return {"items": queries.list_actors(conn, limit=limit)}

    @app.get("/api/claims", tags=["dossier"])
    def claims(conn: Conn, actor: str | None = None, stance: str | None = None, layer: str | None = None,
               topic: str | None = None, since: str | None = None, until: str | None = None,
               limit: Limit = 500) -> dict[str, Any]:
        """Claims (commitments and positions) with their evidence sentence and outlet."""
        return {"items": queries.list_claims(conn, actor=actor, stance=stance, layer=layer, topic=topic,
                                             since=since, until=until, limit=limit)}

    @app.get("/api/events", tags=["events"])
    def events(conn: Conn, story: str | None = None, limit: Limit = 200) -> dict[str, Any]:
        """Events, newest first, with article and outlet counts."""
        return {"items": queries.list_events(conn, story=story, limit=limit)}

    @app.get("/api/stories", tags=["events"])
    def stories(conn: Conn, limit: Limit = 100) -> dict[str, Any]:
        """Stories by recent activity."""
        return {"items": queries.list_stories(conn, limit=limit)}

    @app.get("/api/positions", tags=["dossier"])
    def positions(conn: Conn, actor: str | None = None, topic: str | None = None,
                  as_of: str | None = None) -> dict[str, Any]:
        """Each actor's stances over time per topic, with the points where they change."""
        from .model import to_dict
        from .views import positions as find_positions

        return {"items": to_dict(find_positions(conn, actor=actor, topic=topic, as_of=_date(as_of)))}

    @app.get("/api/dossier", tags=["dossier"])
    def dossier(conn: Conn, name: str | None = None, as_of: str | None = None) -> dict[str, Any]:
        """The layered picture of a dossier as of a date (default: the dossier the store was built with)."""
        from .views import built_with, picture

        return picture(conn, name or built_with(conn), as_of=_date(as_of))

    @app.get("/api/timeline", tags=["events"])
    def timeline(conn: Conn, story: str | None = None, actor: str | None = None,
                 dossier: str | None = None) -> dict[str, Any]:
        """Dated entries for a story, an actor or a dossier, with position changes on the same axis."""
        from .model import to_dict
        from .views import timeline_entries

        return {"items": to_dict(timeline_entries(conn, story=story, actor=actor, dossier=dossier))}

    @app.get("/api/timeline.svg", tags=["events"])
    def timeline_svg(conn: Conn, story: str | None = None, actor: str | None = None,
                     dossier: str | None = None) -> Response:
        """The timeline chart as SVG (matplotlib)."""
        import tempfile

        from .timeline import render_timeline
        from .views import timeline_entries, timeline_heading

        entries = timeline_entries(conn, story=story, actor=actor, dossier=dossier)
        if not entries:
            raise ApiError(404, "http.not_found", "no dated entries")
        heading = timeline_heading(conn, story=story, actor=actor, dossier=dossier)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "t.svg"
            render_timeline(entries, "svg", path, heading=heading)
            return Response(path.read_bytes(), media_type="image/svg+xml")

    @app.get("/api/search", tags=["search"])
    def search(conn: Conn, q: str, outlet: str | None = None, actor: str | None = None, since: str | None = None,
               until: str | None = None, limit: Limit = 20,
               offset: Annotated[int, Query(ge=0)] = 0,
               sort: Annotated[str, Query(pattern="^(relevance|newest)$")] = "relevance") -> dict[str, Any]:
        """Full-text search (FTS5 syntax) with highlighted snippets and facets; broken syntax gives a 400.

        Hits are ranked (BM25, or newest first) among the newest 300 matches passing the filters, and the
        facets count those; `total` counts the matches up to 10,000 (`total_capped` when there are more)."""
        result = queries.search(conn, q, outlet=outlet, actor=actor, since=since, until=until, limit=limit,
                                offset=offset, sort=sort)
        for hit in result["hits"]:
            hit["snippet_html"] = snippet_html(hit["snippet"])
            hit["snippet"] = snippet_text(hit["snippet"])
        return result

    @app.get("/api/export", tags=["exports"])
    def export(request: Request, format: Annotated[str, Query(pattern="^(jsonl|csv|parquet)$")] = "jsonl"):  # noqa: A002
        """Every article's metadata, streamed, uncapped: JSON lines, CSV or Parquet."""
        db = request.app.state.config.db
        return _export_response(db, format)

    @app.post("/api/articles", tags=["ingest"], dependencies=[Depends(require_token)], status_code=202)
    def post_articles(request: Request, body: list[dict[str, Any]] | dict[str, Any]) -> dict[str, Any]:
        """Ingest JSON articles (fields of the JSON-lines input: id, title, text or html, url, outlet, published)."""
        items = body if isinstance(body, list) else [body]
        config = request.app.state.config
        config.upload_dir.mkdir(parents=True, exist_ok=True)
        path = _safe_upload_path(config.upload_dir, f"post-{os.urandom(6).hex()}.jsonl")
        with path.open("w", encoding="utf-8") as f:
            for item in items:
                f.write(json.dumps(item) + "\n")  # ASCII escapes: a lone surrogate cannot break the write
        return _ingest(config.db, [path])

    @app.post("/api/upload", tags=["ingest"], dependencies=[Depends(require_token)], status_code=202)
    async def upload(request: Request, files: list[UploadFile]) -> dict[str, Any]:
        """Ingest uploaded files (text, HTML, JSON lines, feeds, WARC, gzip); names cannot leave the upload folder."""
        config = request.app.state.config
        config.upload_dir.mkdir(parents=True, exist_ok=True)
        from .settings import DEFAULT

        paths = []
        for f in files:
            path = _safe_upload_path(config.upload_dir, f.filename or "upload")
            size = 0
            with path.open("wb") as out:
                while chunk := await f.read(1 << 20):
                    size += len(chunk)
                    if size > DEFAULT.max_file_bytes:
                        out.close()
                        path.unlink(missing_ok=True)
                        raise ApiError(413, "read.too_large", f"{f.filename}: over {DEFAULT.max_file_bytes} bytes")
                    out.write(chunk)
            paths.append(path)
        return _ingest(config.db, paths)


def _safe_upload_path(folder: Path, name: str) -> Path:
    """A path inside the upload folder for a client-given name: directories and dots stripped."""
    base = Path(name.replace("\\", "/")).name.lstrip(".") or "upload"
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in base)[:120]
    path = (folder / f"{os.urandom(4).hex()}-{safe}").resolve()
    if folder.resolve() not in path.parents:
        raise ApiError(400, "usage.bad_filename", "bad file name")
    return path


def _ingest(db: Path, paths: list[Path]) -> dict[str, Any]:
    from .pipeline import build
    from .settings import DEFAULT
    from .store import Store

    with Store(db) as store:
        report = build(store, [str(p) for p in paths], settings=DEFAULT)
    return {"stored": report.stored, "unchanged": report.unchanged, "errors": report.errors,
            "copies": report.copies, "summary": report.summary()}


def _export_response(db: Path, fmt: str) -> StreamingResponse:
    from .exports import EXPORT_FIELDS, export_rows
    from .store import Store

    def rows() -> Iterator[dict[str, Any]]:
        with contextlib.closing(Store(db, readonly=True)) as store:
            yield from export_rows(store)

    if fmt == "jsonl":
        body: Iterator[bytes] = ((json.dumps(r, ensure_ascii=False) + "\n").encode() for r in rows())
        return StreamingResponse(body, media_type="application/x-ndjson")
    if fmt == "csv":
        def csv_lines() -> Iterator[bytes]:
            buf = io.StringIO()
            writer = csv.DictWriter(buf, fieldnames=EXPORT_FIELDS)
            writer.writeheader()
            for r in rows():
                writer.writerow(r)
                if buf.tell() > 1 << 16:
                    yield buf.getvalue().encode()
                    buf.seek(0)
                    buf.truncate()
            yield buf.getvalue().encode()

        return StreamingResponse(csv_lines(), media_type="text/csv")

    def parquet_chunks() -> Iterator[bytes]:
        import tempfile

        from .exports import write_parquet

        with tempfile.NamedTemporaryFile(suffix=".parquet") as tmp:
            write_parquet(rows(), tmp.name, fields=EXPORT_FIELDS)
            with open(tmp.name, "rb") as f:
                while chunk := f.read(1 << 20):
                    yield chunk

    return StreamingResponse(parquet_chunks(), media_type="application/vnd.apache.parquet",
                             headers={"Content-Disposition": 'attachment; filename="articles.parquet"'})
