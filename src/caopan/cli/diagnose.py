"""`caopan diagnose` (诊断): one merchant's report, or every merchant with a summary table;
`caopan stages`: the stage history and the leaps (跃迁)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from caopan.cli.common import JsonFlag, err, open_app, out, print_json, rows_table
from caopan.domain.errors import InvalidInput
from caopan.domain.indicators import LENSES
from caopan.domain.stages import Thresholds, parse_thresholds
from caopan.reports import diagnosis as report
from caopan.reports.formatting import value_text

WindowOpt = Annotated[int, typer.Option("--window", help="Window in days (vs the one before).")]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Last day of the window, YYYY-MM-DD (default today).")
]
StagesOpt = Annotated[
    Path | None,
    typer.Option("--stages", help="TOML file with [stages] thresholds (see docs/diagnosis.md)."),
]


def _day(text: str | None, option: str = "--as-of") -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{option} must be a date YYYY-MM-DD (got {text!r})") from None


def _thresholds(path: Path | None) -> Thresholds:
    if path is None:
        return Thresholds()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None
    return parse_thresholds(text, str(path))


def diagnose(
    merchant_id: Annotated[
        str | None, typer.Argument(help="Merchant to diagnose (or --all).")
    ] = None,
    window: WindowOpt = 30,
    as_of: AsOfOpt = None,
    all_merchants: Annotated[
        bool, typer.Option("--all", help="Diagnose every merchant in one pass.")
    ] = False,
    html: Annotated[Path | None, typer.Option("--html", help="Write the report page here.")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Write the workbook here.")] = None,
    summary: Annotated[
        Path | None, typer.Option("--summary", help="With --all: write the summary as CSV here.")
    ] = None,
    stages: StagesOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Diagnose a merchant (诊断): indicators, peer percentiles, stage, findings, actions."""
    thresholds = _thresholds(stages)
    day = _day(as_of)
    if all_merchants:
        if merchant_id is not None:
            raise typer.BadParameter("name a merchant or give --all, not both")
        _diagnose_all(window, day, thresholds, summary, as_json)
        return
    if merchant_id is None:
        raise typer.BadParameter("name a merchant, or give --all")
    with open_app() as app:
        result = app.diagnose(merchant_id, window, day, thresholds)
    if html is not None:
        html.parent.mkdir(parents=True, exist_ok=True)
        html.write_text(report.render(result), encoding="utf-8")
        err.print(f"diagnosis page → {html}", highlight=False)
    if xlsx is not None:
        xlsx.parent.mkdir(parents=True, exist_ok=True)
        xlsx.write_bytes(report.xlsx(result))
        err.print(f"diagnosis workbook → {xlsx}", highlight=False)
    if as_json:
        print_json({k: v for k, v in result.items() if k != "details"})
    elif html is None and xlsx is None:
        _print(result)


def _diagnose_all(
    window: int, day: date | None, thresholds: Thresholds, summary: Path | None, as_json: bool
) -> None:
    with (
        open_app() as app,
        Progress(
            TextColumn("诊断 diagnosing"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} steps"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as bar,
    ):
        task = bar.add_task("diagnose", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        results = app.diagnose_all(window, day, thresholds, progress=progress)
    rows = report.summary_rows(results)
    if summary is not None:
        summary.parent.mkdir(parents=True, exist_ok=True)
        with summary.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["merchant_id"])
            writer.writeheader()
            writer.writerows(rows)
        err.print(f"summary → {summary}", highlight=False)
    if as_json:
        print_json(results)
        return
    table = Table(title=f"诊断汇总 diagnosis summary · {len(rows)} merchants", title_justify="left")
    for col in ("merchant", "category", "stage 阶段", "GMV", "change", "refund", "repurchase",
                "red", "amber", "green", "top action 首要动作"):  # fmt: skip
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["merchant_id"],
            r["category"] or "—",
            r["stage"],
            value_text("fen", r["gmv_fen"]),
            "—" if r["gmv_change"] is None else f"{r['gmv_change'] * 100:+.1f}%",
            value_text("ratio", r["refund_rate"]),
            value_text("ratio", r["repurchase_rate"]),
            f"[red]{r['red']}[/]" if r["red"] else "0",
            f"[yellow]{r['amber']}[/]" if r["amber"] else "0",
            str(r["green"]),
            r["top_action"] or "—",
        )
    out.print(table)


def _print(result: dict[str, Any]) -> None:
    w = result["window"]
    out.print(
        f"[bold]诊断 diagnosis[/] {result['merchant_id']} {result.get('name') or ''} · "
        f"{w['from']} – {w['to']} · 阶段 stage [bold]{result['stage']}[/]",
        highlight=False,
    )
    for i, a in enumerate(result["top_actions"], 1):
        out.print(f"  {i}. [cyan]{a['method']}[/] {a['action']}", highlight=False)
    colour = {"red": "red", "amber": "yellow", "green": "green"}
    for f in result["findings"]:
        out.print(
            f"[{colour[f['severity']]}]● {f['severity']}[/] {f['message_zh']}", highlight=False
        )
    rows = report.indicator_rows(result)
    for lens in LENSES:
        table = Table(title=f"{lens.zh} {lens.en}", title_justify="left")
        for col in ("指标 indicator", "value", "previous", "change", "peer pct"):
            table.add_column(col, justify="left" if col.startswith("指标") else "right")
        for r in (r for r in rows if r["ind"].lens == lens):
            table.add_row(
                f"{r['ind'].zh} [dim]{r['ind'].id}[/]", r["value"], r["previous"], r["change"],
                r["percentile"],
            )  # fmt: skip
        out.print(table)
    if result["peers_note"]:
        out.print(f"[dim]{result['peers_note']}[/]", highlight=False)


stages_app = typer.Typer(help="Lifecycle stages (STEPS) and leaps (跃迁).", no_args_is_help=True)


@stages_app.command("history")
def stages_history(
    merchant_id: Annotated[str | None, typer.Argument(help="One merchant (default all).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Every recorded stage change; a move up is a leap (跃迁)."""
    with open_app() as app:
        rows = app.stage_history(merchant_id)
    if as_json:
        print_json(rows)
        return
    columns = ["merchant_id", "changed_on", "from_stage", "to_stage", "leap", "provider_id"]
    out.print(rows_table("阶段变化 stage changes", rows, columns))


@stages_app.command("track")
def stages_track(
    start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD.")],
    every: Annotated[int, typer.Option("--every", help="Days between placements.")] = 7,
    window: WindowOpt = 30,
    stages: StagesOpt = None,
    as_json: JsonFlag = False,
) -> None:
    """Place every merchant in its stage over a period and record the changes."""
    first, last = _day(start, "--from"), _day(end, "--to")
    assert first is not None and last is not None
    with open_app() as app:
        changes = app.track_stages(first, last, every, window, _thresholds(stages))
    if as_json:
        print_json(changes)
        return
    columns = ["merchant_id", "changed_on", "from_stage", "to_stage", "leap", "provider_id"]
    out.print(rows_table(f"阶段变化 stage changes · {len(changes)}", changes, columns))


@stages_app.command("leaps")
def stages_leaps(as_json: JsonFlag = False) -> None:
    """Leaps per provider: providers are judged by how many merchants they help leap."""
    with open_app() as app:
        rows = app.leaps_by_provider()
    if as_json:
        print_json(rows)
        return
    out.print(rows_table("跃迁 leaps by provider", rows, ["provider_id", "leaps", "merchants"]))
