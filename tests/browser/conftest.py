"""Browser tests: Playwright (sync API) driving Debian's Chromium against a live server.

They are skipped only when /usr/bin/chromium is absent (CI installs it with apt-get). The
screenshots go to artifacts/screenshots/ at the top of the repository.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"browser tests need Chromium at {CHROMIUM} "
                                   "(apt-get install -y chromium)")
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    # Playwright's sync API keeps an event loop on this thread; the ORM calls the tests make
    # between page steps are ordinary synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def fresh_pack_cache():
    """The registry caches parsed packs by row id; on SQLite a rolled-back test can leave an
    id that a later test reuses for another pack, so each test starts with an empty cache."""
    from tousu.packs import registry

    registry._parsed.clear()
    yield
    registry._parsed.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Desk:
    """One staff member at their browser: ``desk.page`` is logged in as ``username``."""

    def __init__(self, browser: Any, base: str, username: str, viewport: dict[str, int]):
        self.base = base
        self.username = username
        # an English browser on purpose: the console is Chinese unless English is chosen
        self.context = browser.new_context(locale="en-US", viewport=viewport,
                                           timezone_id="Asia/Shanghai")
        self.page = self.context.new_page()
        self.page.set_default_timeout(20_000)
        self.page.goto(f"{base}/console/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", factories.PASSWORD)
        self.page.press("#id_password", "Enter")
        self.page.wait_for_url(f"{base}/console/")

    def go(self, path: str) -> Any:
        return self.page.goto(self.base + path)

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def desk(browser, live_server, org):
    """``desk("agent")``: a logged-in browser page for that user of the test org."""
    opened: list[Desk] = []

    def make(username: str, viewport: dict[str, int] = DESKTOP) -> Desk:
        opened.append(Desk(browser, live_server.url, username, viewport))
        return opened[-1]

    yield make
    for d in opened:
        d.context.close()
