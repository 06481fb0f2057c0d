"""Stored contracts (the `contracts` table): add one with its checks, end one, read them back.

A contract row keeps its validity days in `valid_from`/`valid_to` and the whole plan as JSON in
`plan` (the calculator's shape, `Plan.to_json`). The table is append-only: ending a contract
appends a new version of its row with `ended_at` set, and every reader takes the standing
version (the latest `created_at`; the first version's `created_at` is when it was agreed).
Adding a contract refuses an overlap with another contract of the same merchant and provider
(`domain.commission.check_no_overlap`), an ended contract counting up to its last day; adding
the same contract twice changes nothing, and reusing its id for another is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from caopan.domain.clock import day_start_ms, shanghai_date
from caopan.domain.commission import Contract, Plan, check_no_overlap
from caopan.domain.errors import AlreadyExists, InvalidInput, NotFound
from caopan.engine.backend import Engine


@dataclass(frozen=True, slots=True)
class StoredContract:
    """A contract as stored: its terms, when it was agreed, and when it was ended (if it was)."""

    contract: Contract
    created_at: int
    ended_at: int | None

    @property
    def last_day(self) -> date | None:
        """The last day the contract is in force: `valid_to`, or the day it was ended on."""
        plan = self.contract.plan
        ended = None if self.ended_at is None else shanghai_date(self.ended_at - 1)
        if ended is None:
            return plan.valid_to
        return ended if plan.valid_to is None else min(ended, plan.valid_to)

    def in_force(self, lo: date, hi: date) -> bool:
        """Whether the contract is in force on any day of `[lo, hi]` (inclusive)."""
        first = self.contract.plan.valid_from or date.min
        last = self.last_day or date.max
        return first <= hi and lo <= last and first <= last

    def effective(self) -> Contract | None:
        """The contract with `valid_to` cut to its last day (what overlap checks compare);
        None when it was ended before it started (cancelled)."""
        last, first = self.last_day, self.contract.plan.valid_from
        if last is not None and first is not None and last < first:
            return None
        return replace(self.contract, plan=replace(self.contract.plan, valid_to=last))


def _contract(row: dict[str, object]) -> Contract:
    plan = Plan.from_json(str(row["plan"]))
    return Contract(str(row["contract_id"]), str(row["merchant_id"]), str(row["provider_id"]), plan)


def _stored(row: dict[str, Any], created: int) -> StoredContract:
    ended = row["ended_at"]
    return StoredContract(_contract(row), created, None if ended is None else int(ended))


def standing(engine: Engine) -> ir.Table:
    """The standing version of every contract, with `agreed_at` (its first `created_at`)."""
    t = engine.table("contracts")
    latest = ibis.window(group_by=[t.contract_id], order_by=[t.created_at.desc()])
    every = ibis.window(group_by=[t.contract_id])
    ranked = t.mutate(_v=ibis.row_number().over(latest), agreed_at=t.created_at.min().over(every))
    return ranked.filter(ranked._v == 0).drop("_v")


def stored_contracts(
    engine: Engine, merchant_id: str | None = None, provider_id: str | None = None
) -> list[StoredContract]:
    """Every standing contract (of one merchant and/or provider), by id."""
    t = standing(engine)
    if merchant_id is not None:
        t = t.filter(t.merchant_id == merchant_id)
    if provider_id is not None:
        t = t.filter(t.provider_id == provider_id)
    rows = engine.to_arrow(t.order_by("contract_id")).to_pylist()
    return [_stored(row, int(row["agreed_at"])) for row in rows]


def contracts_of(engine: Engine, merchant_id: str, provider_id: str) -> list[Contract]:
    """Every stored contract between one merchant and one provider (as stored, not cut)."""
    return [s.contract for s in stored_contracts(engine, merchant_id, provider_id)]


def load_stored(engine: Engine, contract_id: str) -> StoredContract:
    """The standing version of one contract; NotFound if absent."""
    t = standing(engine)
    rows = engine.to_arrow(t.filter(t.contract_id == contract_id)).to_pylist()
    if not rows:
        raise NotFound(f"contract {contract_id!r} does not exist")
    return _stored(rows[0], int(rows[0]["agreed_at"]))


def load_contract(engine: Engine, contract_id: str) -> tuple[Contract, int | None]:
    """The stored contract and its `ended_at` (None while it runs); NotFound if absent."""
    stored = load_stored(engine, contract_id)
    return stored.contract, stored.ended_at


def _row(contract: Contract, created_at: int, ended_at: int | None) -> pa.Table:
    plan = contract.plan
    return pa.table(
        {
            "contract_id": [contract.contract_id],
            "merchant_id": [contract.merchant_id],
            "provider_id": [contract.provider_id],
            "valid_from": pa.array([plan.valid_from], pa.date32()),
            "valid_to": pa.array([plan.valid_to], pa.date32()),
            "plan": [plan.to_json()],
            "created_at": pa.array([created_at], pa.int64()),
            "ended_at": pa.array([ended_at], pa.int64()),
        }
    )


def add_contract(engine: Engine, contract: Contract, created_at: int) -> bool:
    """Store a contract; False when the very same contract is already stored."""
    t = engine.table("contracts")
    if engine.to_arrow(t.filter(t.contract_id == contract.contract_id).limit(1)).num_rows:
        if load_stored(engine, contract.contract_id).contract == contract:
            return False
        raise AlreadyExists(f"contract {contract.contract_id!r} exists with other terms")
    others = stored_contracts(engine, contract.merchant_id, contract.provider_id)
    check_no_overlap(contract, _effective(others))
    engine.insert("contracts", _row(contract, created_at, None))
    return True


def end_contract(engine: Engine, contract_id: str, last_day: date, at: int) -> StoredContract:
    """End a contract after `last_day` (inclusive, Asia/Shanghai): orders paid and sessions
    started from the next day on are no longer its. Ending it again on the same day changes
    nothing; another day is a new version (an earlier or later end, never past `valid_to`)."""
    stored = load_stored(engine, contract_id)
    plan = stored.contract.plan
    if plan.valid_from is not None and last_day < plan.valid_from - timedelta(days=1):
        raise InvalidInput(
            f"contract {contract_id}: cannot end on {last_day}, before it starts on "
            f"{plan.valid_from} (end it the day before to cancel it)"
        )
    if plan.valid_to is not None and last_day > plan.valid_to:
        raise InvalidInput(
            f"contract {contract_id}: cannot end on {last_day}, after its last day {plan.valid_to}"
        )
    ended_at = day_start_ms(last_day + timedelta(days=1))
    if stored.ended_at == ended_at:
        return stored
    if stored.ended_at is not None and ended_at > stored.ended_at:
        later = replace(stored, ended_at=ended_at).effective()
        c = stored.contract
        if later is not None:
            check_no_overlap(
                later, _effective(stored_contracts(engine, c.merchant_id, c.provider_id))
            )
    version = max(at, _latest_version(engine, contract_id) + 1)
    engine.insert("contracts", _row(stored.contract, version, ended_at))
    return replace(stored, ended_at=ended_at)


def _effective(contracts: list[StoredContract]) -> list[Contract]:
    return [c for c in (s.effective() for s in contracts) if c is not None]


def _latest_version(engine: Engine, contract_id: str) -> int:
    t = engine.table("contracts")
    latest = t.filter(t.contract_id == contract_id).created_at.max().to_pyarrow().as_py()
    return -1 if latest is None else int(latest)
