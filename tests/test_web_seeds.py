"""Click through the seeds in headless Chromium: the dossier as of a date, a story's timeline, a search.
Screenshots go to docs/screenshots/ (kept in the repository, refreshed by this test outside CI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser import chromium_page
from click.testing import CliRunner
from server import running_server

from storyline.cli import main

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


@pytest.fixture(scope="module")
def seeds_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import corpus_path

    db = tmp_path_factory.mktemp("web") / "seeds.db"
    result = CliRunner().invoke(main, ["build", "--db", str(db), str(corpus_path("seeds"))])
    assert result.exit_code == 0, result.output
    return db


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if not os.environ.get("CI"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1440, 360])
def test_dossier_timeline_and_search(seeds_store: Path, width: int) -> None:
    with running_server(seeds_store) as base, chromium_page(width=width) as page:
        # the dossier, latest, then as of a date before the August report
        page.goto(base + "/dossier")
        assert page.locator("section.layer").count() >= 3
        body = page.locator("main").inner_text()
        assert "United States" in body and "Layer 3" in body
        shot(page, f"dossier-{width}")
        page.fill("#as-of", "2025-03-01")
        page.locator(".asof button").click()
        page.wait_for_url("**as_of=2025-03-01**")
        early = page.locator("main").inner_text()
        assert "2025-12-18" not in early and "2025-02-20" in early
        # a story and its timeline, by keyboard
        page.goto(base + "/")
        page.locator("ol.cards a").first.click()
        page.wait_for_url("**/stories/**")
        events = page.locator("ol.events > li")
        assert events.count() == 4
        dates = [events.nth(i).get_attribute("data-date") for i in range(4)]
        assert dates == sorted(dates) == ["2025-02-20", "2025-08-22", "2025-09-03", "2025-12-18"]
        events.first.focus()
        page.keyboard.press("ArrowDown")
        assert events.nth(1).get_attribute("aria-current") == "true"
        page.wait_for_function("document.querySelector('figure.timeline img').complete")
        assert page.evaluate("document.querySelector('figure.timeline img').naturalWidth") > 0
        shot(page, f"story-{width}")
        # search with a facet
        page.goto(base + "/search?q=reassurance")
        assert page.locator("ol.hits li").count() >= 1
        assert page.locator("ol.hits mark").first.inner_text().lower().startswith("reassurance")
        shot(page, f"search-{width}")
        page.goto(base + "/articles/000_9193e1416cbcc8de")
        assert "Also carried by" in page.locator("main").inner_text()
        assert page.locator("mark.q").count() > 3
        shot(page, f"article-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
