"""The diagnosis (诊断) report: a self-contained HTML page with charts, and an XLSX workbook.

The page puts first what an operator reads first: the stage, the three most valuable actions
and the findings by severity; then each lens (货 场 人 服务 渠道) with its indicators and charts.
It opens from a file or an e-mail with no network (ECharts, data and styles inlined), prints
on A4 and reads on a phone.
"""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from openpyxl import Workbook
from openpyxl.styles import Font

from caopan.domain.diagnosis import SEVERITIES, SEVERITY_ZH
from caopan.domain.indicators import INDICATORS, LENSES, Indicator
from caopan.domain.money import Money
from caopan.reports.formatting import NULL, change_text
from caopan.reports.review import echarts_source

_env = Environment(
    loader=PackageLoader("caopan.reports", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
UNKNOWN = "未知 unknown"


def indicator_text(ind: Indicator, value: float | int | None) -> str:
    """An indicator's value as a person reads it.

    >>> from caopan.domain.indicators import BY_ID
    >>> indicator_text(BY_ID["gmv_fen"], 123456), indicator_text(BY_ID["room_roi"], 2.345)
    ('¥1,234.56', '2.35')
    >>> indicator_text(BY_ID["repurchase_rate"], 0.25), indicator_text(BY_ID["gpm_fen"], None)
    ('25.0%', '未知 unknown')
    >>> indicator_text(BY_ID["orders_per_buyer"], 1.8735)  # a mean count, not a share
    '1.87'
    """
    if value is None:
        return UNKNOWN
    if ind.unit == "fen":
        return str(Money(int(value)))
    if "roi" in ind.id:
        return f"{value:.2f}"
    if ind.unit == "ratio":
        return f"{value * 100:.1f}%"
    if ind.unit == "s":
        return f"{value:.0f}秒"
    if ind.unit == "hours":
        return f"{value:,.1f}h"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}"


def _better(ind: Indicator, value: Any, previous: Any) -> str:
    if ind.higher_is_better is None or value is None or previous is None or value == previous:
        return ""
    return "good" if (value > previous) == ind.higher_is_better else "bad"


def indicator_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Every indicator with display text, in catalog order."""
    rows = []
    for ind in INDICATORS:
        r = result["indicators"][ind.id]
        p = r["percentile"]
        rows.append(
            {
                "ind": ind,
                "value": indicator_text(ind, r["value"]),
                "previous": indicator_text(ind, r["previous"])
                if r["previous"] is not None
                else NULL,
                "change": change_text(r["value"], r["previous"]),
                "percentile": NULL if p is None else f"{p * 100:.0f}%",
                "better": _better(ind, r["value"], r["previous"]),
                "unknown": r["value"] is None,
            }
        )
    return rows


def render(result: dict[str, Any]) -> str:
    """The diagnosis page as HTML text."""
    details = result.get("details") or {}
    indicators = {k: v["value"] for k, v in result["indicators"].items()}
    chart_data = {
        "daily": details.get("daily", []),
        "window": result["window"],
        "previous_window": result["previous_window"],
        "products": [
            {
                k: p[k]
                for k in (
                    "product",
                    "name",
                    "gmv_fen",
                    "cumulative_share",
                    "refund_rate",
                    "refund_fen",
                )
            }
            for p in details.get("products", [])[:20]
        ],
        "price_bands": details.get("price_bands", []),
        "sources": details.get("sources", []),
        "refund_reasons": details.get("refund_reasons", []),
        "segments": details.get("segments", []),
        "buyers": {
            "cur": [
                result["indicators"]["new_buyers"]["value"],
                result["indicators"]["returning_buyers"]["value"],
            ],
            "prev": [
                result["indicators"]["new_buyers"]["previous"],
                result["indicators"]["returning_buyers"]["previous"],
            ],
        },
        "channels": {
            k: indicators[k] for k in ("self_broadcast_share", "distribution_share", "shelf_share")
        },
    }
    by_severity = {s: [f for f in result["findings"] if f["severity"] == s] for s in SEVERITIES}
    rows = indicator_rows(result)
    return _env.get_template("diagnosis.html").render(
        r=result,
        title=f"诊断 · {result.get('name') or result['merchant_id']}",
        lenses=LENSES,
        rows=rows,
        by_severity=by_severity,
        severity_zh=SEVERITY_ZH,
        headline=[row for row in rows if row["ind"].id in HEADLINE],
        data_json=json.dumps(chart_data, ensure_ascii=False, default=str).replace("</", "<\\/"),
        echarts=echarts_source(),
    )


HEADLINE = (
    "gmv_fen",
    "orders",
    "buyers",
    "repurchase_rate",
    "top5_sku_share",
    "refund_rate",
    "gpm_fen",
    "ship_48h_rate",
)


def xlsx(result: dict[str, Any]) -> bytes:
    """Indicators, findings and stage history as sheets of one workbook."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "指标 indicators"
    ws.append(
        [
            "id",
            "指标",
            "indicator",
            "lens",
            "unit",
            "value",
            "previous",
            "change",
            "percentile",
            "peers",
        ]
    )
    for ind in INDICATORS:
        r = result["indicators"][ind.id]
        ws.append(
            [ind.id, ind.zh, ind.en, f"{ind.lens.zh} {ind.lens.en}", ind.unit, r["value"],
             r["previous"], r["change"], r["percentile"], r["peers"]]
        )  # fmt: skip
    fs = wb.create_sheet("发现 findings")
    fs.append(
        [
            "severity",
            "rule",
            "lens",
            "message_zh",
            "message_en",
            "method",
            "action",
            "action_en",
            "evidence",
        ]
    )
    for f in result["findings"]:
        fs.append(
            [f["severity"], f["rule"], f["lens"], f["message_zh"], f["message_en"], f["method"],
             f["action"], f["action_en"], json.dumps(f["evidence"], ensure_ascii=False)]
        )  # fmt: skip
    ss = wb.create_sheet("阶段 stages")
    ss.append(["merchant_id", "changed_on", "from_stage", "to_stage", "leap", "provider_id"])
    for h in result.get("stage_history", []):
        ss.append(
            [
                h["merchant_id"],
                h["changed_on"],
                h["from_stage"],
                h["to_stage"],
                h["leap"],
                h["provider_id"],
            ]
        )
    info = wb.create_sheet("概要 summary", 0)
    for key, value in (
        ("merchant_id", result["merchant_id"]),
        ("name", result.get("name")),
        ("category", result.get("category")),
        ("stage 阶段", result["stage"]),
        ("window", f"{result['window']['from']} – {result['window']['to']}"),
        ("unknown 未知", ", ".join(result["unknown"])),
    ):
        info.append([key, value])
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def summary_rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per merchant for `diagnose --all`: stage, GMV, change, findings by severity."""
    rows = []
    for r in results:
        ind = r["indicators"]
        counts = {s: sum(1 for f in r["findings"] if f["severity"] == s) for s in SEVERITIES}
        rows.append(
            {
                "merchant_id": r["merchant_id"],
                "category": r["category"],
                "stage": r["stage"],
                "gmv_fen": ind["gmv_fen"]["value"],
                "gmv_change": ind["gmv_fen"]["change"],
                "refund_rate": ind["refund_rate"]["value"],
                "repurchase_rate": ind["repurchase_rate"]["value"],
                **counts,
                "top_action": r["top_actions"][0]["action"] if r["top_actions"] else None,
            }
        )
    return rows
