"""Read commission plans (JSON or YAML) and calculator order lines (NDJSON) from files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from caopan.domain.commission import Plan
from caopan.domain.errors import InvalidInput, NotFound


def read_plan(path: Path) -> Plan:
    """A plan file: `.yaml`/`.yml` as YAML, anything else as JSON."""
    if not path.is_file():
        raise NotFound(f"{path}: no such plan file")
    text = path.read_text(encoding="utf-8-sig")
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            terms = yaml.safe_load(text)
        else:
            terms = json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{path}: not a readable plan: {exc}") from exc
    if not isinstance(terms, dict):
        raise InvalidInput(f"{path}: a plan is a mapping of terms, not {type(terms).__name__}")
    try:
        return Plan.from_dict(terms)
    except InvalidInput as exc:
        raise InvalidInput(f"{path}: {exc}") from exc


def read_order_lines(path: Path) -> list[dict[str, Any]]:
    """Calculator order lines, one JSON object per line; a bad line names file and line."""
    if not path.is_file():
        raise NotFound(f"{path}: no such orders file")
    lines: list[dict[str, Any]] = []
    with path.open(encoding="utf-8-sig") as f:
        for number, text in enumerate(f, 1):
            if not text.strip():
                continue
            try:
                row = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InvalidInput(f"{path}:{number}: malformed JSON: {exc}") from exc
            if not isinstance(row, dict):
                raise InvalidInput(f"{path}:{number}: an order line is a JSON object")
            lines.append(row)
    return lines
