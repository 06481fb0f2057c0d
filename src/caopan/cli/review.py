"""`caopan review` (复盘) and `caopan metrics` (the catalog)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from caopan.cli.common import JsonFlag, err, open_app, out, print_json
from caopan.domain.catalog import GROUPS, METRICS
from caopan.domain.clock import shanghai_text
from caopan.reports import review as review_page
from caopan.reports.formatting import value_text


def review(
    session_id: Annotated[
        str | None, typer.Argument(help="Session to review (optional with --events).")
    ] = None,
    as_of: Annotated[
        int | None, typer.Option("--as-of", help="Evaluate as of this instant (epoch ms).")
    ] = None,
    window: Annotated[
        int | None, typer.Option(help="Last N minutes vs the N before (1, 5, 10, 15, …).")
    ] = None,
    events: Annotated[
        list[Path] | None,
        typer.Option("--events", help="Review events from NDJSON files, without a store."),
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained review page here.")
    ] = None,
    every: Annotated[
        bool,
        typer.Option(
            "--all", help="Review every stored session (as of its latest event) in one pass."
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Review a live session (复盘): the 42 metrics, trends, products, sources, markers."""
    if every:
        if session_id is not None or events or as_of is not None or window or html:
            raise typer.BadParameter("--all reviews every stored session: give no other option")
        with open_app() as app:
            results = app.review_many()
        if as_json:
            print_json(results)
        else:
            _print_summary(results)
        return
    if events:
        result, _ = open_app().review_events(events, session_id, as_of, window)
    else:
        if session_id is None:
            raise typer.BadParameter("name a session, or give --events FILE")
        with open_app() as app:
            result = app.review(session_id, as_of, window)
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(review_page.render(result), encoding="utf-8")
        err.print(f"review page → {html}", highlight=False)
    if as_json:
        print_json(result)
    elif html is None:
        _print_review(result)


SUMMARY = ("watch_uv", "pay_gmv_fen", "pay_orders", "gpm_fen", "peak_online")


def _print_summary(results: list[dict[str, Any]]) -> None:
    names = {m.id: m for m in METRICS}
    table = Table(title=f"复盘 review · {len(results)} 场 sessions")
    table.add_column("场次 session")
    table.add_column("截至 as of")
    for key in SUMMARY:
        table.add_column(f"{names[key].zh} {names[key].en}", justify="right")
    for result in results:
        metrics = result["metrics"]
        values = [value_text(names[key].unit, metrics[key], key) for key in SUMMARY]
        table.add_row(result["session_id"], shanghai_text(result["as_of"]), *values)
    out.print(table)


def _print_review(result: dict[str, Any]) -> None:
    windowed = result["range"]["kind"] == "window"
    span = f"最近 {result['range']['minutes']} 分钟 window" if windowed else "整场 session"
    out.print(
        f"[bold]复盘 review[/] {result['session_id']} · 截至 {shanghai_text(result['as_of'])} · "
        f"{span}",
        highlight=False,
    )
    rows = review_page.metric_rows(result)
    for group in GROUPS:
        table = Table(title=f"{group.zh} {group.en}", title_justify="left")
        table.add_column("#", justify="right")
        table.add_column("指标 metric")
        table.add_column("value", justify="right")
        if windowed:
            table.add_column("previous", justify="right")
            table.add_column("change", justify="right")
        for r in (r for r in rows if r["group"] == group):
            m = r["metric"]
            cells = [str(m.number), f"{m.zh} [dim]{m.en}[/]", r["value"]]
            if windowed:
                colour = {"good": "green", "bad": "red"}.get(r["better"], "")
                change = f"[{colour}]{r['change']}[/]" if colour else r["change"]
                cells += [r["previous"], change]
            table.add_row(*cells)
        out.print(table)
    products = sorted(result["products"], key=lambda p: -p["pay_gmv_fen"])[:10]
    table = Table(title="商品 top products", title_justify="left")
    for col in ("product", "clicks 点击人数", "orders 成交单数", "GMV", "click→pay"):
        table.add_column(col, justify="left" if col == "product" else "right")
    for p in products:
        table.add_row(
            p["product_id"] + (" [red]讲解中[/]" if p["explaining"] else ""),
            f"{p['click_uv']:,}",
            f"{p['paid_orders']:,}",
            value_text("fen", p["pay_gmv_fen"]),
            value_text("ratio", p["click_to_pay_rate"]),
        )
    out.print(table)


def metrics(as_json: JsonFlag = False) -> None:
    """The 42 live metrics: id, 中文名, English name, unit, formula, which way is better."""
    if as_json:
        print_json(
            [
                {
                    "number": m.number,
                    "id": m.id,
                    "zh": m.zh,
                    "en": m.en,
                    "group": m.group.id,
                    "unit": m.unit,
                    "formula": m.formula,
                    "higher_is_better": m.higher_is_better,
                }
                for m in METRICS
            ]
        )
        return
    table = Table(title="直播指标 the 42 live metrics", title_justify="left")
    for col in ("#", "id", "中文名", "English", "group", "unit", "better", "formula"):
        table.add_column(col)
    for m in METRICS:
        table.add_row(
            str(m.number),
            m.id,
            m.zh,
            m.en,
            m.group.zh,
            m.unit,
            "↑" if m.higher_is_better else "↓",
            m.formula,
        )
    out.print(table)
