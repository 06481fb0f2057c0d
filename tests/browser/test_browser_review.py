"""The review page in a real browser: charts draw, no script errors, fits a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from caopan.app import App
from caopan.reports import review as review_page

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "demo-session.ndjson"


def test_charts_render_without_errors(browser: Any, tmp_path: Path) -> None:
    result, _ = App.review_events([EXAMPLE])
    page_file = tmp_path / "review.html"
    page_file.write_text(review_page.render(result), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(page_file.as_uri())
    page.wait_for_function(
        "document.querySelectorAll('#trend canvas, #funnel canvas, #sources canvas').length >= 3"
    )
    assert errors == []
    assert page.inner_text("h1").startswith("复盘")
    page.screenshot(path=str(tmp_path / "desktop.png"))

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(page_file.as_uri())
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, "the page must not scroll sideways on a phone"
