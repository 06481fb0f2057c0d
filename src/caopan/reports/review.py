"""The review (复盘) page: one self-contained HTML file with charts, from `review` data.

Self-contained means it opens from a file or an e-mail with no network: the vendored ECharts
is inlined, and so are the data and the styles.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from caopan.domain.catalog import BY_ID, GROUPS, METRICS
from caopan.domain.clock import shanghai_text
from caopan.domain.events import SOURCE_CLASS_NAMES
from caopan.reports.formatting import change_text, value_text

_env = Environment(
    loader=PackageLoader("caopan.reports", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def echarts_source() -> str:
    """The vendored ECharts (Apache-2.0; see web/static/vendor/echarts/NOTICE)."""
    path = resources.files("caopan.web") / "static" / "vendor" / "echarts" / "echarts.min.js"
    return path.read_text(encoding="utf-8")


def metric_rows(review: dict[str, Any]) -> list[dict[str, Any]]:
    """The 42 metrics grouped as the catalog groups them, with display text."""
    windowed = review["range"]["kind"] == "window"
    rows = []
    for group in GROUPS:
        for m in (m for m in METRICS if m.group == group):
            raw = review["metrics"].get(m.id)
            value, previous = (raw["value"], raw["previous"]) if windowed else (raw, None)
            rows.append(
                {
                    "group": group,
                    "metric": m,
                    "value": value_text(m.unit, value, m.id),
                    "previous": value_text(m.unit, previous, m.id) if windowed else "",
                    "change": change_text(value, previous) if windowed else "",
                    "better": _better(m.higher_is_better, value, previous),
                }
            )
    return rows


def _better(higher_is_better: bool, value: Any, previous: Any) -> str:
    if value is None or previous is None or value == previous:
        return ""
    up = value > previous
    return "good" if up == higher_is_better else "bad"


def render(review: dict[str, Any], title: str | None = None) -> str:
    """The review page as HTML text."""
    template = _env.get_template("review.html")
    funnel_ids = (
        "impression_uv",
        "watch_uv",
        "product_impression_uv",
        "product_click_uv",
        "pay_uv",
    )
    metrics = review["metrics"]
    windowed = review["range"]["kind"] == "window"
    plain = {k: (v["value"] if windowed else v) for k, v in metrics.items()}
    funnel = [{"id": i, "zh": BY_ID[i].zh, "value": plain[i] or 0} for i in funnel_ids]
    chart_data = {
        "series": review["series"],
        "markers": review["markers"],
        "sources": review["sources"],
        "funnel": funnel,
        "classes": list(SOURCE_CLASS_NAMES),
    }
    return template.render(
        title=title or f"复盘 · {review['session_id']}",
        review=review,
        as_of=shanghai_text(review["as_of"]),
        rows=metric_rows(review),
        groups=GROUPS,
        headline=_headline(plain),
        products=[_product(p) for p in review["products"]],
        sources=[_source(s) for s in review["sources"]],
        data_json=json.dumps(chart_data, ensure_ascii=False).replace("</", "<\\/"),
        echarts=echarts_source(),
        windowed=windowed,
    )


def _headline(metrics: dict[str, Any]) -> list[dict[str, str]]:
    picks = (
        "pay_gmv_fen",
        "watch_uv",
        "gpm_fen",
        "watch_to_pay_rate",
        "avg_watch_seconds",
        "ad_roi",
        "refund_rate",
        "provider_commission_est_fen",
    )
    return [
        {
            "zh": BY_ID[i].zh,
            "en": BY_ID[i].en,
            "value": value_text(BY_ID[i].unit, metrics.get(i), i),
        }
        for i in picks
    ]


def _product(p: dict[str, Any]) -> dict[str, Any]:
    return {
        **p,
        "gmv": value_text("fen", p["pay_gmv_fen"]),
        "refund": value_text("fen", p["refund_fen"]),
        "ctp": value_text("ratio", p["click_to_pay_rate"]),
        "explained": ", ".join(
            f"{shanghai_text(e['start'])[11:16]}–{shanghai_text(e['end'])[11:16]}"
            if e["end"] is not None
            else f"{shanghai_text(e['start'])[11:16]}–"
            for e in p["explains"]
        ),
    }


def _source(s: dict[str, Any]) -> dict[str, Any]:
    return {**s, "gmv": value_text("fen", s["pay_gmv_fen"]), "gpm": value_text("fen", s["gpm_fen"])}
