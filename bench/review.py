"""Benchmark: the review (复盘) of simulated sessions, DuckDB against pandas (issue 4).

(a) One SKA 服饰 session of about 1 million events: best of 3 of a full review
    (`caopan.engine.review.review`: 41 metrics, series, products, sources, markers) on a DuckDB
    store file, against a straightforward pandas implementation over the same Arrow table
    (`to_pandas()`, loaded before the clock): of the same 41 store-computable metrics, and of
    the whole review (the same metrics, then series, products, sources and markers from the
    same frames). The pandas results are checked against the DuckDB review before anything is
    printed. Bars: ≥ 5× faster than pandas and < 2 s. Each like is timed against its like
    (metrics against metrics, review against review); the full review against pandas doing
    only the metrics is printed too.
(b) N sessions in one DuckDB store, every session reviewed in one run over the store.
    Bar (at 100 × 1 M = 100 million events): < 120 s on a 2-core machine.
(c) With `--spark`: the same reviews on Spark local mode (data fed through Parquet), smaller,
    against DuckDB on the same sessions in the same run. No bar.

    .venv/bin/python bench/review.py                      # (a) + (b) at 20 × 200,000 events
    .venv/bin/python bench/review.py --sessions 100 --events-per-session 1000000   # full (b)
    .venv/bin/python bench/review.py --spark              # adds (c)
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa

from caopan.domain.catalog import METRIC_IDS, metrics_from_measures
from caopan.domain.events import SOURCE_CLASSES
from caopan.engine import breakdowns
from caopan.engine.backend import Engine, connect
from caopan.engine.measures import compute
from caopan.engine.review import review, review_many, review_table
from caopan.engine.scope import Scope, resolve
from caopan.sim.frames import to_arrow
from caopan.sim.room import simulate
from caopan.sim.world import single_room

T = TypeVar("T")
STAGE, CATEGORY = "SKA", "服饰"
LONG_VISIT_MS = 60_000
STORE_METRICS = tuple(m for m in METRIC_IDS if m != "provider_commission_est_fen")
"""The 41 metrics computed from the store (42, the commission estimate, needs a contract)."""
MAIN = (
    "watch_uv",
    "watch_pv",
    "pay_gmv_fen",
    "pay_orders",
    "pay_uv",
    "refund_fen",
    "ad_cost_fen",
    "avg_watch_seconds",
    "peak_online",
)


# -- simulated sessions --------------------------------------------------------------------------


def session(seed: int, target: int, session_id: str | None = None) -> tuple[pa.Table, int]:
    """A simulated SKA 服饰 session of about `target` events (within 5 %), and its minutes.

    Events per minute vary a lot with the seed (the room's audience), so the length is found
    by a few proportional corrections; the closest attempt wins.
    """
    minutes = max(5, round(100 * target / 1_000_000))
    best: tuple[float, int, Any, Any] | None = None
    for _ in range(6):
        room = single_room(seed, minutes, STAGE, CATEGORY, session_id=session_id)
        events = simulate(room, np.random.default_rng([seed, 10]))
        miss = abs(len(events) / target - 1)
        if best is None or miss < best[0]:
            best = (miss, minutes, room, events)
        if miss <= 0.05:
            break
        minutes = max(2, min(720, round(minutes * target / max(len(events), 1))))
    assert best is not None
    _, minutes, room, events = best
    return to_arrow(room.session_id, events, room.products), minutes


# -- the pandas baseline -------------------------------------------------------------------------


@dataclass
class Frames:
    """One session's events split by type, its scope, and what the review's parts share: the
    standing payments with their attribution (`pays`), the visits and the counted refunds."""

    events: pd.DataFrame
    part: Callable[..., pd.DataFrame]
    start: int
    as_of: int
    end: int | None
    pays: pd.DataFrame = field(default_factory=pd.DataFrame)
    visits: pd.DataFrame = field(default_factory=pd.DataFrame)
    refunds: pd.DataFrame = field(default_factory=pd.DataFrame)


def frames(df: pd.DataFrame, session_id: str) -> Frames:
    ev = df[df["session_id"] == session_id]
    parts = dict(tuple(ev.groupby("type", sort=False)))
    empty = ev.iloc[:0]

    def part(*types: str) -> pd.DataFrame:
        found = [parts[t] for t in types if t in parts]
        if not found:
            return empty
        return found[0] if len(found) == 1 else pd.concat(found)

    ends = part("live_end")["ts"]
    end = int(ends.min()) if len(ends) else None
    return Frames(ev, part, int(ev["ts"].min()), int(ev["ts"].max()), end)


def pandas_measures(df: pd.DataFrame, session_id: str, f: Frames | None = None) -> dict[str, int]:
    """The measures of the session range `[start, as_of]` (as_of = the latest `ts`), written
    the way an analyst would: split by type, sort + groupby/shift for visits, drop_duplicates
    for the standing payment, merge_asof for attribution, a grouped cumsum for the refund cap.
    `f`, when given, is `frames(df, session_id)` and keeps the payments and visits."""
    f = f or frames(df, session_id)
    start, as_of, end, part = f.start, f.as_of, f.end, f.part
    lo, hi = start - 1, as_of  # the range (lo, hi]; every event of `ev` lies in it
    m = _event_measures(part)
    m.update(_visit_measures(part("enter", "leave"), end, as_of, lo, hi, f))
    m.update(_order_measures(part, lo, hi, f))
    m["elapsed_ms"] = max(0, (as_of if end is None else min(as_of, end)) - start)
    return m


def _event_measures(part: Callable[..., pd.DataFrame]) -> dict[str, int]:
    def users(*types: str) -> int:
        return int(part(*types)["user_id"].nunique())

    enters = part("enter")
    classes = enters["source"].map(SOURCE_CLASSES).fillna(SOURCE_CLASSES["other"])
    per_class = classes.value_counts()
    spend = part("ad_spend")["amount_fen"].sum()
    return {
        "impression_pv": len(part("impression")),
        "impression_uv": users("impression"),
        "enter_pv": len(enters),
        "enter_uv": users("enter"),
        **{f"enter_pv_{c}": int(per_class.get(c, 0)) for c in ("natural", "private", "paid")},
        "comment_pv": len(part("comment")),
        "comment_uv": users("comment"),
        "share_uv": users("share"),
        "interact_uv": users("like", "comment", "share"),
        "follow_uv": users("follow"),
        "fans_club_uv": users("fans_club_join"),
        "negative_pv": len(part("negative_feedback")),
        "product_impression_uv": users("product_impression"),
        "product_click_uv": users("product_click"),
        "created_orders": int(part("order_created")["order_id"].nunique()),
        "ad_cost_fen": round(spend),
    }


def _visit_measures(
    line: pd.DataFrame, end: int | None, as_of: int, lo: int, hi: int, f: Frames
) -> dict[str, int]:
    """Rule 5: each enter ends at the user's next enter-or-leave, or at live_end."""
    line = line[line["user_id"].notna()].sort_values(["user_id", "ts", "event_id"])
    next_ts = line.groupby("user_id", sort=False)["ts"].shift(-1)
    is_enter = line["type"] == "enter"
    visits = line.loc[is_enter, ["user_id", "ts"]].rename(columns={"ts": "a"})
    e = next_ts[is_enter]
    if end is not None:
        e = np.maximum(visits["a"], np.minimum(e.fillna(end), end))
    stop = e.fillna(as_of)
    overlap = (np.minimum(stop, hi) - np.maximum(visits["a"], lo)).clip(lower=0)
    starts_in = (visits["a"] > lo) & (visits["a"] <= hi)
    real = e.isna() | (e > visits["a"])
    f.visits = visits.assign(e=e, real=real)
    ups = pd.Series(1, index=visits.loc[real, "a"].to_numpy())
    ended = e[real].dropna()
    downs = pd.Series(-1, index=ended.to_numpy().astype(np.int64))
    steps = pd.concat([ups, downs]).groupby(level=0).sum().sort_index()
    online = steps.cumsum()
    inside = online[(online.index > lo) & (online.index <= hi)]
    at_lo = int(steps[steps.index <= lo].sum())
    return {
        "present_uv": int(visits.loc[starts_in | (overlap > 0), "user_id"].nunique()),
        "watch_ms": round(overlap.sum()),
        "peak_online": max(at_lo, int(inside.max()) if len(inside) else 0),
        "online_at_end": int(steps[steps.index <= hi].sum()),
        "long_visits": int((starts_in & (stop - visits["a"] > LONG_VISIT_MS)).sum()),
    }


def _order_measures(
    part: Callable[..., pd.DataFrame], lo: int, hi: int, f: Frames
) -> dict[str, int]:
    """Rules 6 and 8: the earliest payment stands, attribution to the buyer's latest enter,
    refunds capped at what remains of the paid amount."""
    paid = part("order_paid")
    pays = (
        paid[paid["order_id"].notna()].sort_values(["ts", "event_id"]).drop_duplicates("order_id")
    )[["order_id", "ts", "event_id", "user_id", "amount_fen", "quantity", "product_id"]]
    enters = part("enter").sort_values(["ts", "event_id"])
    entries = pd.DataFrame(
        {
            "user_id": enters["user_id"],
            "entry_ts": enters["ts"],
            "entry_source": enters["source"],
            "entry_class": enters["source"].map(SOURCE_CLASSES).fillna(SOURCE_CLASSES["other"]),
            "entry_follower": enters["is_follower"].eq(True),
        }
    )
    att = pd.merge_asof(
        pays, entries, left_on="ts", right_on="entry_ts", by="user_id", direction="backward"
    )
    f.pays = att
    f.refunds = refunds = _counted_refunds(part("refund"), pays)
    here = att[(att["ts"] > lo) & (att["ts"] <= hi)]
    first = here.sort_values(["user_id", "ts", "event_id"]).drop_duplicates("user_id")
    created = part("order_created")
    created = created[created["order_id"].notna()]
    in_range = (created["ts"] > lo) & (created["ts"] <= hi)
    unpaid = created.loc[in_range & ~created["order_id"].isin(pays["order_id"]), "order_id"]
    return {
        "paid_orders": len(here),
        "pay_gmv_fen": round(here["amount_fen"].sum()),
        "pay_items": round(here["quantity"].sum()),
        "pay_uv": int(here["user_id"].nunique()),
        "follower_pay_uv": int(first["entry_follower"].eq(True).sum()),
        "ad_gmv_fen": round(here.loc[here["entry_class"] == "paid", "amount_fen"].sum()),
        "refund_fen": round(refunds.loc[refunds["ts"].between(lo + 1, hi), "counted"].sum()),
        "unpaid_orders": int(unpaid.nunique()),
    }


def _counted_refunds(refunds: pd.DataFrame, pays: pd.DataFrame) -> pd.DataFrame:
    """Each refund with `counted` (capped at what remains of the paid amount; 0 for an order not
    paid as of as_of) and the `product_id` of its order's standing payment."""
    refunds = refunds[refunds["order_id"].notna()].drop(columns="product_id")
    cap = pays[["order_id", "amount_fen", "product_id"]].rename(columns={"amount_fen": "paid"})
    r = refunds.merge(cap, on="order_id", how="left").sort_values(["order_id", "ts", "event_id"])
    running = r.groupby("order_id", sort=False)["amount_fen"].cumsum()
    counted = np.minimum(r["paid"], running) - np.minimum(r["paid"], running - r["amount_fen"])
    return r.assign(counted=counted.fillna(0))


def pandas_review(df: pd.DataFrame, session_id: str) -> dict[str, Any]:
    """The 41 store-computable metrics, by the catalog's formulas."""
    return metrics_from_measures(pandas_measures(df, session_id))


def pandas_full_review(df: pd.DataFrame, session_id: str) -> dict[str, Any]:
    """The whole review in pandas: the metrics of `pandas_measures`, then the series,
    products, sources and markers from the same frames (payments and visits found once). The
    rows become the document through the same functions the DuckDB rows go through."""
    f = frames(df, session_id)
    metrics = metrics_from_measures(pandas_measures(df, session_id, f))
    scope = Scope(session_id, f.start, f.end, f.as_of)
    explains = breakdowns.sorted_explanations(_pandas_explanations(f))
    return {
        "session_id": session_id,
        "as_of": f.as_of,
        "range": {"kind": "session"},
        "metrics": metrics,
        "series": breakdowns.series_from(_pandas_series(f), scope),
        "products": breakdowns.products_from(_pandas_products(f), explains),
        "sources": breakdowns.sources_from(_pandas_sources(f)),
        "markers": breakdowns.markers_from(_records(f.part("marker"), MARKER_COLUMNS), explains),
    }


MARKER_COLUMNS = ["ts", "event_id", "kind", "product_id", "text"]


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """Rows as plain records, with None for missing values and ints as Python ints."""
    out = frame[columns].astype(object).where(frame[columns].notna(), None)
    return [
        {k: int(v) if isinstance(v, np.integer | float) else v for k, v in row.items()}
        for row in out.to_dict("records")
    ]


def _minute(ts: pd.Series) -> pd.Series:
    return ts - ts % 60_000


def _pandas_series(f: Frames) -> list[dict[str, Any]]:
    kinds = f.part("enter", "comment", "product_click", "follow", "ad_spend")
    kinds = kinds.assign(minute=_minute(kinds["ts"]))
    per_type = kinds.groupby(["minute", "type"]).size().unstack(fill_value=0)
    counts = pd.DataFrame(
        {
            "watch_pv": per_type.get("enter", 0),
            "comment_pv": per_type.get("comment", 0),
        },
        index=per_type.index,
    )
    clicks = kinds[kinds["type"] == "product_click"].groupby("minute")["user_id"].nunique()
    follows = kinds[kinds["type"] == "follow"].groupby("minute")["user_id"].nunique()
    spend = kinds[kinds["type"] == "ad_spend"].groupby("minute")["amount_fen"].sum()
    pays = f.pays.assign(minute=_minute(f.pays["ts"])).groupby("minute")
    v = f.visits[f.visits["real"]]
    ups = _minute(v["a"]).value_counts()
    downs = _minute(v["e"].dropna().astype(np.int64)).value_counts()
    table = counts.join(
        [
            clicks.rename("product_click_uv"),
            follows.rename("new_followers"),
            spend.rename("ad_cost_fen"),
            pays["order_id"].count().rename("pay_orders"),
            pays["amount_fen"].sum().rename("pay_gmv_fen"),
            ups.rename("up"),
            downs.rename("down"),
        ],
        how="outer",
    ).fillna(0)
    table["online_step"] = table.pop("up") - table.pop("down")
    return [
        {"minute": int(m), **{k: int(x) for k, x in row.items()}} for m, row in table.iterrows()
    ]


def _pandas_products(f: Frames) -> list[dict[str, Any]]:
    goods = f.part("product_impression", "product_click")
    shown = goods[goods["type"] == "product_impression"].groupby("product_id")["user_id"]
    clicked = goods[goods["type"] == "product_click"].groupby("product_id")["user_id"]
    pays = f.pays.groupby("product_id")
    created = f.part("order_created")
    created = created[created["order_id"].notna()]
    unpaid = created[~created["order_id"].isin(f.pays["order_id"])]
    r = f.refunds[f.refunds["product_id"].notna()]  # refunds of orders paid as of as_of
    named = f.events["product_id"].dropna().unique()
    table = (
        pd.DataFrame(index=pd.Index(named, name="product_id"))
        .join(
            [
                shown.size().rename("impression_pv"),
                shown.nunique().rename("impression_uv"),
                clicked.size().rename("click_pv"),
                clicked.nunique().rename("click_uv"),
                pays["order_id"].count().rename("paid_orders"),
                pays["quantity"].sum().rename("pay_items"),
                pays["amount_fen"].sum().rename("pay_gmv_fen"),
                pays["user_id"].nunique().rename("pay_uv"),
                unpaid.groupby("product_id")["order_id"].nunique().rename("unpaid_orders"),
                r.groupby("product_id")["counted"].sum().rename("refund_fen"),
            ]
        )
        .fillna(0)
    )
    return [{"product_id": p, **{k: int(x) for k, x in row.items()}} for p, row in table.iterrows()]


def _pandas_sources(f: Frames) -> list[dict[str, Any]]:
    enters = f.part("enter").groupby("source")
    bought = f.pays[f.pays["entry_source"].notna()].groupby("entry_source")
    table = (
        pd.DataFrame({"enter_pv": enters.size(), "enter_uv": enters["user_id"].nunique()})
        .join(
            [
                bought["amount_fen"].sum().rename("pay_gmv_fen"),
                bought["order_id"].count().rename("pay_orders"),
            ],
            how="outer",
        )
        .fillna(0)
    )
    return [{"source": s, **{k: int(x) for k, x in row.items()}} for s, row in table.iterrows()]


def _pandas_explanations(f: Frames) -> list[dict[str, Any]]:
    line = f.part("explain_start", "explain_end")
    line = line[line["product_id"].notna()].sort_values(["product_id", "ts", "event_id"])
    next_ts = line.groupby("product_id", sort=False)["ts"].shift(-1)
    starts = line["type"] == "explain_start"
    out = line.loc[starts, ["product_id", "event_id", "ts"]].rename(columns={"ts": "a"})
    e = next_ts[starts]
    if f.end is not None:
        e = np.maximum(out["a"], np.minimum(e.fillna(f.end), f.end))
    out["e"] = e
    return _records(out, ["product_id", "event_id", "a", "e"])


# -- the DuckDB side -----------------------------------------------------------------------------


def duckdb_metrics(engine: Engine, session_id: str) -> dict[str, Any]:
    """Only the 41 metrics of a review (no series, products, sources, markers)."""
    scope = resolve(engine, session_id)
    [measures] = compute(engine, scope, [scope.session_span()])
    return metrics_from_measures(measures)


def compile_only(engine: Engine, session_id: str) -> int:
    """Build and compile to SQL the query of a review, without running it (the Python part of
    a review's cost when nothing is cached); return the length of the SQL."""
    scope = resolve(engine, session_id)
    expr = review_table(engine.table("live_events"), scope, [scope.session_span()])
    return len(str(engine.con.compile(expr)))


def append(engine: Engine, table: pa.Table) -> None:
    """`Engine.insert`, then drop any Arrow view ibis left registered on DuckDB.

    Ibis 12 keeps each memtable registered on its DuckDB connection until the process exits,
    so an `Engine.insert` that goes through `ibis.memtable` holds every inserted table in memory:
    100 sessions of 1 M events reached 15 GB of RSS. Where `Engine.insert` leaves nothing
    registered, this is a no-op.
    """
    before = set(engine.con.list_tables())
    engine.insert("live_events", table)
    if engine.kind == "duckdb":
        for name in set(engine.con.list_tables()) - before:
            if name.startswith("ibis_pyarrow_memtable_"):
                engine.con.con.unregister(name)


def store(url: str, tables: list[pa.Table]) -> Engine:
    engine = connect(url)
    for table in tables:
        append(engine, table)
    return engine


CPU: dict[float, float] = {}
"""CPU seconds of the process (every thread) during each timed run, by its wall time."""


def best_of(repeats: int, fn: Callable[[], T]) -> tuple[float, T]:
    times, result = [], None
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t0)
        CPU[times[-1]] = time.process_time() - c0
    assert result is not None
    return min(times), result


def check_same(ours: dict[str, Any], theirs: dict[str, Any], other: str = "pandas") -> list[str]:
    """Metrics that differ (floats within 1e-9 relative); the main ones must all agree."""
    differ = []
    for key in STORE_METRICS:
        a, b = ours[key], theirs[key]
        same = (
            math.isclose(a, b, rel_tol=1e-9)
            if isinstance(a, float) and isinstance(b, float)
            else a == b
        )
        if not same:
            differ.append(f"{key}: {other} {b!r} vs DuckDB {a!r}")
    main = [d for d in differ if d.split(":")[0] in MAIN]
    assert not main, f"{other} and DuckDB disagree: " + "; ".join(main)
    return differ


# -- the three parts -----------------------------------------------------------------------------


def one_session(args: argparse.Namespace, folder: Path) -> None:
    table, minutes = session(args.seed, args.events)
    sid = table.column("session_id")[0].as_py()
    print(f"(a) one session: {sid}, {STAGE} {CATEGORY}, {minutes} min, {table.num_rows:,} events")
    store(f"duckdb:///{(folder / 'one.duckdb').resolve()}", [table]).close()
    df = table.to_pandas()
    del table
    engine = connect(f"duckdb:///{(folder / 'one.duckdb').resolve()}")
    full, doc = best_of(3, lambda: review(engine, sid))
    only, duck = best_of(3, lambda: duckdb_metrics(engine, sid))
    compiling, _ = best_of(3, lambda: compile_only(engine, sid))
    engine.close()
    base, pandas_metrics = best_of(3, lambda: pandas_review(df, sid))
    whole, pandas_doc = best_of(3, lambda: pandas_full_review(df, sid))
    differ = check_same(doc["metrics"], pandas_metrics)
    assert duck == doc["metrics"]
    assert pandas_doc["metrics"] == pandas_metrics
    for part in ("series", "products", "sources", "markers"):
        assert pandas_doc[part] == doc[part], f"pandas and DuckDB disagree on the {part}"
    agree = f"all {len(STORE_METRICS)}" if not differ else "main; differ: " + "; ".join(differ)
    print(
        f"    metrics agree (pandas vs DuckDB): {agree}; series, products, sources, markers equal"
    )
    print(
        f"    pandas, 41 metrics:               {base:7.3f} s   (best of 3; {CPU[base]:.3f} s CPU)"
    )
    print(
        f"    pandas, full review:              {whole:7.3f} s   (best of 3;"
        f" {CPU[whole]:.3f} s CPU)"
    )
    print(
        f"    DuckDB full review:               {full:7.3f} s   (best of 3;"
        f" {CPU[full]:.3f} s CPU; bar < 2 s)"
    )
    print(
        f"    DuckDB metrics only:              {only:7.3f} s   (best of 3; {CPU[only]:.3f} s CPU)"
    )
    print(f"    its Ibis build + compile to SQL:  {compiling:7.3f} s   (best of 3; not run)")
    print(f"    speed-up, full review vs pandas full review:   {whole / full:6.2f} x   (bar ≥ 5 x)")
    print(f"    speed-up, metrics only vs pandas metrics:      {base / only:6.2f} x   (bar ≥ 5 x)")
    print(f"    full review vs pandas doing the metrics only:  {base / full:6.2f} x")
    print(
        f"    CPU seconds, pandas / DuckDB full review: {CPU[whole] / CPU[full]:.2f} x; {_load()}"
    )


def fill(engine: Engine, count: int, per_session: int, first_seed: int) -> int:
    """Generate `count` sessions one at a time into the store; return the events written."""
    total = 0
    for k in range(count):
        table, _ = session(first_seed + k, per_session)
        append(engine, table)
        total += table.num_rows
    return total


def review_each(engine: Engine, ids: list[str]) -> tuple[float, float, dict[str, Any]]:
    """The sessions reviewed one after another (the per-session path): wall s, CPU s, docs."""
    w0, c0 = time.perf_counter(), time.process_time()
    docs = {sid: review(engine, sid) for sid in ids}
    return time.perf_counter() - w0, time.process_time() - c0, docs


def review_batched(engine: Engine, chunk: int) -> tuple[float, float, dict[str, Any]]:
    """Every session of the store by `review_many` (grouped queries): wall s, CPU s, docs."""
    w0, c0 = time.perf_counter(), time.process_time()
    docs = review_many(engine, chunk=chunk)
    return time.perf_counter() - w0, time.process_time() - c0, docs


def review_all(engine: Engine) -> tuple[float, int]:
    """Every session of the store reviewed in turn (for (c))."""
    t0 = time.perf_counter()
    t = engine.table("live_events")
    ids = sorted(t.select("session_id").distinct().to_pyarrow().column(0).to_pylist())
    for sid in ids:
        review(engine, sid)
    return time.perf_counter() - t0, len(ids)


def _load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def many_sessions(args: argparse.Namespace, folder: Path) -> None:
    n, per = args.sessions, args.events_per_session
    path = args.store or folder / "many.duckdb"
    url = f"duckdb:///{path.resolve()}"
    if args.store is not None and path.exists():
        engine = connect(url)
        events = engine.table("live_events").count().to_pyarrow().as_py()
        engine.close()
        print(f"(b) the store {path} as it is: {events:,} events (reused, not generated)")
    else:
        t0 = time.perf_counter()
        engine = connect(url)
        events = fill(engine, n, per, args.seed + 1000)
        engine.con.raw_sql("CHECKPOINT")
        engine.close()
        made = time.perf_counter() - t0
        print(f"(b) {n} sessions, {events:,} events in the store (generated in {made:.0f} s)")
    engine = connect(url)
    took, cpu, docs = review_batched(engine, args.chunk)
    count = len(docs)
    how = (
        "each session's own query, two sessions at a time"
        if args.chunk == 1
        else f"{args.chunk} sessions per grouped query"
    )
    print(f"    review_many ({how}): {_load()} after")
    rate = f"{count / took:6.2f} sessions/s"
    print(f"    all {count} reviews: {took:7.1f} s wall, {cpu:7.1f} s CPU   {rate}")
    print(f"    {took / count:.2f} s per review; {events / took:,.0f} events/s")
    sample = sorted(docs)[: args.baseline_sessions]
    each, each_cpu, alone = review_each(engine, sample)
    engine.close()
    assert all(alone[sid] == docs[sid] for sid in sample), "review_many differs from review"
    scaled = each / len(sample) * count
    print(
        f"    baseline, each session reviewed alone ({len(sample)} sessions, same reviews):"
        f" {each:.1f} s wall, {each_cpu:.1f} s CPU; × {count}/{len(sample)} = {scaled:.1f} s"
    )
    print(f"    batched vs one by one (wall, scaled): {scaled / took:.2f} x; {_load()}")
    full = count >= 100 and events >= 95_000_000
    scale = "" if full else "; not this size: --sessions 100 --events-per-session 1000000"
    print(f"    bar (100 sessions × 1 M events): < 120 s{scale}")


def spark_part(args: argparse.Namespace, folder: Path) -> None:
    n, per = args.spark_sessions, args.spark_events
    tables = [session(args.seed + 2000 + k, per)[0] for k in range(n)]
    events = sum(t.num_rows for t in tables)
    duck = store(f"duckdb:///{(folder / 'spark-base.duckdb').resolve()}", tables)
    spark = store(f"pyspark://local?warehouse={folder / 'warehouse'}", tables)
    del tables
    print(f"(c) Spark local[2]: {n} sessions, {events:,} events (fed through Parquet)")
    first = spark.table("live_events").select("session_id").distinct().to_pyarrow().column(0)
    sid = sorted(first.to_pylist())[0]
    cold, doc = best_of(1, lambda: review(spark, sid))
    warm, _ = best_of(2, lambda: review(spark, sid))
    base, expected = best_of(2, lambda: review(duck, sid))
    differ = check_same(expected["metrics"], doc["metrics"], "Spark")
    print(f"    metrics agree (Spark vs DuckDB): {differ or 'all 41'}")
    print(f"    one review: Spark {cold:.1f} s cold, {warm:.1f} s warm; DuckDB {base:.2f} s")
    print(f"    Spark / DuckDB (warm): {warm / base:.0f} x slower")
    spark_all, count = review_all(spark)
    duck_all, _ = review_all(duck)
    print(
        f"    all {count} reviews: Spark {spark_all:.1f} s ({count / spark_all:.2f} sessions/s);"
        f" DuckDB {duck_all:.2f} s; Spark / DuckDB {spark_all / duck_all:.0f} x   (no bar)"
    )
    duck.close()
    spark.close()
    spark.con._session.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of (a); others follow it")
    parser.add_argument("--events", type=int, default=1_000_000, help="events of (a)")
    parser.add_argument("--sessions", type=int, default=20, help="sessions of (b)")
    parser.add_argument("--events-per-session", type=int, default=200_000, help="for (b)")
    parser.add_argument("--spark", action="store_true", help="run (c) on Spark local mode")
    parser.add_argument("--spark-sessions", type=int, default=3, help="sessions of (c)")
    parser.add_argument("--spark-events", type=int, default=200_000, help="per session, (c)")
    parser.add_argument(
        "--chunk", type=int, default=1, help="(b): sessions per grouped query (1: each alone)"
    )
    parser.add_argument(
        "--baseline-sessions", type=int, default=3, help="(b): sessions reviewed alone, scaled"
    )
    parser.add_argument(
        "--store", type=Path, help="(b): a store file to reuse (generated there if missing)"
    )
    parser.add_argument("--skip-a", action="store_true", help="leave out (a)")
    parser.add_argument("--skip-b", action="store_true", help="leave out (b)")
    parser.add_argument("--workdir", type=Path, help="where stores go (default: a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="caopan-bench-", dir=args.workdir) as tmp:
        folder = Path(tmp)
        if not args.skip_a:
            one_session(args, folder)
        if not args.skip_b:
            many_sessions(args, folder)
        if args.spark:
            spark_part(args, folder)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
