"""The published pages in headless Chromium with the network blocked."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@contextmanager
def chromium():
    """Headless Chromium through playwright; the test is skipped when either is missing."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    if not executable:
        pytest.skip("chromium is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(executable), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


class Visit:
    """One page opened offline: console errors, page errors, failed and blocked requests."""

    def __init__(self, browser, url: str):
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.blocked: list[str] = []
        self.context = browser.new_context(offline=True)
        self.page = self.context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.response = self.page.goto(url)

    def _route(self, route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def close(self):
        self.context.close()


def test_index_and_supplements_open_offline_without_errors(browser, mini_batch):
    out = mini_batch["out"]
    index = Visit(browser, (out / "index.html").as_uri())
    try:
        assert index.page.locator("html").get_attribute("lang") == "nl"
        hrefs = index.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        assert len(hrefs) == 7  # six supplements and the manifest
        for href in hrefs:
            visit = Visit(browser, href)
            try:
                assert visit.response is not None and visit.response.ok, href
                assert visit.errors == [] and visit.failed == [] and visit.blocked == [], href
            finally:
                visit.close()
        assert index.errors == [] and index.failed == [] and index.blocked == []
    finally:
        index.close()

    for name in ("national.html", "region-B.html"):
        visit = Visit(browser, (out / name).as_uri())
        try:
            page = visit.page
            assert visit.errors == [] and visit.failed == [] and visit.blocked == [], name
            assert page.locator("h1").count() == 1
            assert page.locator("script").count() == 0
            toc = page.eval_on_selector_all("nav.isx-toc a",
                                            "els => els.map(e => e.getAttribute('href'))")
            assert "#response" in toc and "#methods" in toc
            for anchor in toc:  # every TOC entry lands on a heading
                assert page.locator(anchor).count() == 1, anchor
            assert page.locator("table.isx-table").count() >= 1
            alts = page.eval_on_selector_all("img", "els => els.map(e => e.alt)")
            assert all(alt.strip() for alt in alts)
        finally:
            visit.close()
