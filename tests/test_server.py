"""The API against a real started server (uvicorn) on loopback."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from server import running_server
from test_api import make_store


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_real_server_serves_api_and_pages(tmp_path: Path) -> None:
    db = make_store(tmp_path / "s.db")
    with running_server(db) as base:
        status, body = get(base + "/api/articles?limit=10")
        assert status == 200 and len(json.loads(body)["items"]) == 3
        status, body = get(base + "/")
        assert status == 200 and b"storyline" in body
        status, body = get(base + "/api/search?q=%22broken")
        assert status == 400 and json.loads(body)["error"]["code"] == "usage.bad_query"
        status, body = get(base + "/static/style.css")
        assert status == 200 and b"--ink" in body


def test_server_binds_loopback_by_default(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from storyline.cli import main, serve

    option = next(p for p in serve.params if p.name == "host")
    assert option.default == "127.0.0.1"
    # Through the group, so the help option is the group's (-h, --help) as docs/cli.md shows it.
    assert "127.0.0.1" in CliRunner().invoke(main, ["serve", "--help"]).output
