"""Real-browser tests: Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
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


# Package scope, not session: the sync API keeps its event loop marked running in this thread
# while it lives, so a browser held past this package would break every later `asyncio.run`.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not shutil.which("chromium"):
        pytest.fail("Debian's chromium is missing: `make test` installs it (make system)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()
