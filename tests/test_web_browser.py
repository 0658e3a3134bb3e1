"""The web UI in headless Chromium against a real server: hostile content stays inert, pages work."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import chromium_page
from server import running_server

from storyline.model import Article, PublishedDate, Span
from storyline.store import Store

pytestmark = pytest.mark.browser

HOSTILE = [
    ("x1", "<script>window.__pwned = 1</script>Title", 'Body <img src=x onerror="window.__pwned=2"> text.',
     "javascript:window.__pwned=3"),
    ("x2", '<img src=x onerror="window.__pwned=4">', "<script>window.__pwned=5</script> more text about guarantees",
     "https://example.invalid/a"),
    ("x3", "Plain title", '<a href="javascript:window.__pwned=6">click</a> guarantees', "javascript:alert(1)"),
]


def hostile_store(path: Path) -> Path:
    with Store(path) as store, store.transaction():
        for aid, title, text, url in HOSTILE:
            store.put_article(Article(id=aid, source=aid, text=text, title=title, url=url, outlet="<b>Outlet</b>",
                                      body=[Span(0, len(text))], published=PublishedDate("2025-01-01", "metadata", 1)))
    return path


def test_hostile_titles_and_bodies_are_inert(tmp_path: Path) -> None:
    db = hostile_store(tmp_path / "h.db")
    with running_server(db) as base, chromium_page() as page:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in ["/", "/articles/x1", "/articles/x2", "/articles/x3", "/search?q=guarantees"]:
            page.goto(base + path)
            page.wait_for_load_state("load")
            assert page.evaluate("window.__pwned === undefined"), path
            assert page.locator("a[href^='javascript:']").count() == 0, path
        assert dialogs == []
        page.goto(base + "/articles/x1")
        assert "<script>window.__pwned = 1</script>Title" in page.locator("h1").inner_text()


@pytest.mark.parametrize("width", [360, 1440])
def test_search_by_keyboard_at_both_widths(tmp_path: Path, width: int) -> None:
    db = hostile_store(tmp_path / "k.db")
    with running_server(db) as base, chromium_page(width=width) as page:
        page.goto(base + "/")
        page.keyboard.press("/")
        assert page.evaluate("document.activeElement.id") == "quick-q"
        page.keyboard.type("guarantees")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search?q=guarantees")
        assert page.locator("ol.hits li").count() == 2
        # Nothing wider than the viewport: usable at 360 px without sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
