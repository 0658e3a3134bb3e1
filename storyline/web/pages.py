"""Server-rendered pages: home, dossier, story, actor, article and search (same queries as the API)."""

from __future__ import annotations

import html
import sqlite3
import urllib.parse
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from .. import queries
from ..errors import UsageError
from ..store import Store

HERE = Path(__file__).resolve().parent
ENV = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)

# Span kinds drawn in the article view, in the order they nest (outer first).
MARK_CLASSES = {"quote": "q", "entity": "e", "timex": "t"}


def safe_url(url: str | None) -> str | None:
    """Only http(s) links are rendered as links; javascript:, data: and the rest are dropped."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def highlight(text: str, marks: list[tuple[int, int, str, str]]) -> Markup:
    """The text escaped, with non-overlapping marks (start, end, class, title) wrapped in <mark>."""
    out, pos = [], 0
    for start, end, cls, title in sorted(marks, key=lambda m: (m[0], -m[1])):
        if start < pos or end <= start:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark class="{cls}" title="{html.escape(title, quote=True)}">'
                   f"{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return Markup("".join(out))


ENV.filters["safe_url"] = safe_url
ENV.filters["snippet"] = lambda s: Markup(
    html.escape(s or "").replace("\x02", "<mark>").replace("\x03", "</mark>"))


def render(template: str, **context: Any) -> HTMLResponse:
    return HTMLResponse(ENV.get_template(template).render(**context))


def page_reader(request: Request) -> Any:
    from ..api import reader

    yield from reader(request)


Conn = Annotated[sqlite3.Connection, Depends(page_reader)]


def add_page_routes(app: FastAPI) -> None:  # noqa: C901 - one route table
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(conn: Conn) -> HTMLResponse:
        stories = queries.list_stories(conn, limit=30)
        recent = queries.list_articles(conn, limit=15, copies=False)["items"]
        figures = {"articles": conn.execute("SELECT count(*) FROM articles").fetchone()[0],
                   "outlets": conn.execute("SELECT count(DISTINCT outlet) FROM articles").fetchone()[0]}
        return render("home.html", stories=stories, recent=recent, figures=figures, title="storyline")

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article(conn: Conn, article_id: str) -> HTMLResponse:
        item = queries.get_article(conn, article_id)
        if item is None:
            return render("error.html", title="Not found", message=f"No article {article_id!r}.")
        marks = [(q["content"][0], q["content"][1], "q", f"quote: {q.get('speaker') or 'unknown speaker'}")
                 for q in item["quotes"]]
        marks += [(e["start"], e["end"], "e", f"{e['label']}: {e.get('canonical') or e['text']}")
                  for e in item["entities"]]
        marks += [(t["start"], t["end"], "t", f"{t['type']} {t['value']}") for t in item["timex"]]
        paragraphs = [highlight_region(item["text"], b, marks) for b in item["body"]] or \
            [highlight(item["text"], marks)]
        return render("article.html", title=item["title"] or item["id"], a=item, paragraphs=paragraphs)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search(conn: Conn, q: str = "", outlet: str | None = None, actor: str | None = None,
               since: str | None = None, until: str | None = None, sort: str = "relevance",
               page: Annotated[int, Query(ge=1, le=1000)] = 1) -> HTMLResponse:
        result, error = None, None
        if q.strip():
            try:
                result = queries.search(conn, q, outlet=outlet, actor=actor, since=since, until=until, limit=20,
                                        offset=(page - 1) * 20, sort=sort)
            except UsageError as exc:
                error = exc.message
        keep = {k: v for k, v in (("q", q), ("outlet", outlet), ("actor", actor), ("since", since),
                                  ("until", until), ("sort", sort)) if v}
        response = render("search.html", title=f"Search: {q}" if q else "Search", q=q, result=result, error=error,
                          outlet=outlet, actor=actor, since=since, until=until, sort=sort, page=page,
                          next_query=urllib.parse.urlencode({**keep, "page": page + 1}),
                          candidates=queries.CANDIDATES)
        if error:
            response.status_code = 400
        return response

    @app.get("/actors/{name}", response_class=HTMLResponse, include_in_schema=False)
    def actor(conn: Conn, name: str) -> HTMLResponse:
        said = queries.list_quotes(conn, speaker=name, limit=200)
        claims = queries.list_claims(conn, actor=name, limit=500)
        articles = queries.list_articles(conn, actor=name, limit=30)["items"]
        return render("actor.html", title=name, name=name, quotes=said, claims=claims, articles=articles)

    @app.get("/dossier", response_class=HTMLResponse, include_in_schema=False)
    def dossier(conn: Conn, name: str = "", as_of: str = "") -> HTMLResponse:
        import datetime as dt

        from ..views import picture

        error = None
        if as_of:
            try:
                dt.date.fromisoformat(as_of)
            except ValueError:
                error, as_of = f"not a date: {as_of}", ""
        from ..views import built_with

        name = name or built_with(conn)
        result = picture(conn, name, as_of=as_of or None)
        response = render("dossier.html", title=result.get("title") or name, p=result, name=name, as_of=as_of,
                          error=error)
        if error:
            response.status_code = 400
        return response

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story(conn: Conn, story_id: str) -> HTMLResponse:
        rows = [s for s in queries.list_stories(conn, limit=10000) if s["id"] == story_id]
        if not rows:
            return render("error.html", title="Not found", message=f"No story {story_id!r}.")
        events = list(reversed(queries.list_events(conn, story=story_id, limit=1000)))
        for e in events:
            e["articles_list"] = queries.list_articles(conn, event=e["id"], limit=20)["items"]
        return render("story.html", title=rows[0]["title"], story=rows[0], events=events)


def highlight_region(text: str, region: list[int], marks: list[tuple[int, int, str, str]]) -> Markup:
    start, end = region
    inside = [(s - start, e - start, c, t) for s, e, c, t in marks if s >= start and e <= end]
    return highlight(text[start:end], inside)


__all__ = ["add_page_routes", "highlight", "safe_url", "Store"]
