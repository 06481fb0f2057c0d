"""The review page: self-contained HTML carrying every metric, from real review data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from caopan.app import App
from caopan.domain.catalog import METRICS
from caopan.reports import review as review_page
from caopan.reports.formatting import change_text, value_text

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "demo-session.ndjson"


@pytest.fixture(scope="module")
def example_review() -> dict:
    result, _ = App.review_events([EXAMPLE])
    return result


def test_the_page_carries_all_42_metrics_in_both_languages(example_review: dict) -> None:
    page = review_page.render(example_review)
    for m in METRICS:
        assert m.zh in page, m.id
        assert m.en in page, m.id
    assert "复盘" in page
    assert "demo-s1" in page


def test_the_page_is_self_contained(example_review: dict) -> None:
    page = review_page.render(example_review)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "echarts" in page and len(page) > 1_000_000  # ECharts is inlined


def test_data_cannot_break_out_of_the_page(example_review: dict) -> None:
    hostile = dict(example_review)
    marker = dict(example_review["markers"][0], text="</script><script>alert(1)</script>")
    hostile["markers"] = [marker]
    product = dict(example_review["products"][0], product_id="<b>p1</b>")
    hostile["products"] = [product]
    page = review_page.render(hostile)
    assert page.count("</script>") == 2  # the library and the page script, nothing else
    assert "<b>p1</b>" not in page
    assert "&lt;b&gt;p1&lt;/b&gt;" in page


def test_window_pages_show_the_previous_window_and_the_change(tmp_path: Path) -> None:
    result, _ = App.review_events([EXAMPLE], window=5, as_of=1_763_800_600_000)
    page = review_page.render(result)
    assert "上一窗口 previous" in page
    rows = review_page.metric_rows(result)
    assert len(rows) == 42
    watch = next(r for r in rows if r["metric"].id == "watch_pv")
    raw = result["metrics"]["watch_pv"]
    assert watch["value"] == f"{raw['value']:,}"
    assert watch["previous"] == f"{raw['previous']:,}"


def test_values_read_as_people_read_them() -> None:
    assert value_text("fen", 123456) == "¥1,234.56"
    assert value_text("fen", -5) == "-¥0.05"
    assert value_text("ratio", 0.1234) == "12.34%"
    assert value_text("ratio", 3.21, "room_roi") == "3.21"
    assert value_text("s", 59.4) == "59.4秒"
    assert value_text("s", 59.94) == "1分00秒"
    assert value_text("s", 3600) == "60分00秒"
    assert value_text("人", None) == "—"
    assert change_text(120, 100) == "+20.0%"
    assert change_text(5, 0) == "—"


def test_the_example_review_matches_hand_counts(example_review: dict) -> None:
    """The example file: 60 viewers, each entering once; two broken lines are not counted."""
    metrics = example_review["metrics"]
    assert metrics["watch_uv"] == 60
    assert metrics["watch_pv"] == 60
    assert metrics["impression_to_entry_rate"] == 1.0
    assert metrics["ad_cost_fen"] == 4 * 5000
