"""Generated artefacts that users and scripts rely on: `--help` texts and the OpenAPI schema.

A change here is a change of interface: review it, then regenerate with
`CAOPAN_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_snapshots.py`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from caopan.app import App
from caopan.cli import app as cli
from caopan.web.app import create_app

SNAPSHOTS = Path(__file__).parent / "snapshots"
COMMANDS = [
    [],
    ["db"],
    ["provider"],
    ["merchant"],
    ["ingest", "events"],
    ["quarantine", "list"],
    ["simulate"],
    ["simulate", "session"],
    ["simulate", "replay"],
    ["review"],
    ["metrics"],
    ["serve"],
    ["token", "create"],
    ["diagnose"],
    ["stages"],
]


def check(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("CAOPAN_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {path.name}: run with CAOPAN_UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} changed"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c) or "caopan")
def test_help(command: list[str]) -> None:
    result = CliRunner().invoke(
        cli, [*command, "--help"], env={"COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}
    )
    assert result.exit_code == 0, result.output
    check(f"help-{'-'.join(command) or 'caopan'}.txt", result.output)


def test_openapi_schema() -> None:
    schema = create_app(App("duckdb://:memory:")).openapi()
    check("openapi.json", json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
