"""`caopan commission calc`: the spec's calculator interface through the real command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CAOPAN = str(Path(sys.executable).parent / "caopan")
DAY = 86_400_000
T0 = 1_790_000_000_000


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CAOPAN, *args], capture_output=True, text=True, timeout=300, check=False)


def order(order_id: str, paid: int, refunds: list[int]) -> dict[str, object]:
    return {
        "order_id": order_id,
        "session_id": "S1",
        "product_id": "p",
        "paid_fen": paid,
        "paid_at": T0,
        "received_at": None,
        "refunds": [{"amount_fen": r, "at": T0 + DAY} for r in refunds],
    }


def test_worked_example_1_from_a_yaml_plan(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("# 10 % on net paid\nrate_ppm: 100000\nbase: net_paid\n", encoding="utf-8")
    orders = tmp_path / "orders.ndjson"
    lines = [
        order("A", 19900, []),
        order("B", 5990, []),
        order("C", 12900, [12900]),
        order("D", 3333, [1000]),
    ]
    orders.write_text("".join(json.dumps(o) + "\n" for o in lines))
    done = run(
        "commission",
        "calc",
        "--plan",
        str(plan),
        "--orders",
        str(orders),
        "--as-of",
        str(T0 + 2 * DAY),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["total_fen"] == 2822
    by_id = {o["order_id"]: o for o in result["orders"]}
    assert {k: (v["commission_fen"], v["state"]) for k, v in by_id.items()} == {
        "A": (1990, "estimated"),
        "B": (599, "estimated"),
        "C": (0, "void"),
        "D": (233, "estimated"),
    }
    table = run(
        "commission",
        "calc",
        "--plan",
        str(plan),
        "--orders",
        str(orders),
        "--as-of",
        str(T0 + 2 * DAY),
    )
    assert "¥28.22" in table.stdout


def test_bad_plans_and_files_are_clear_errors(tmp_path: Path) -> None:
    orders = tmp_path / "orders.ndjson"
    orders.write_text(json.dumps(order("A", 100, [])) + "\n{broken\n")
    both = tmp_path / "both.json"
    both.write_text(json.dumps({"rate_ppm": 1, "tiers": [{"from_fen": 0, "rate_ppm": 1}]}))
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"rate_ppm": 100000}))
    cases = [
        (("--plan", str(both), "--orders", str(orders)), "both.json"),
        (("--plan", str(good), "--orders", str(orders)), "orders.ndjson:2"),
        (("--plan", str(tmp_path / "nope.yaml"), "--orders", str(orders)), "no such plan"),
    ]
    for args, message in cases:
        done = run("commission", "calc", *args)
        assert done.returncode == 1, args
        assert message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
