"""Stored contracts (the `contracts` table): add one with its checks, read them back.

A contract row keeps its validity days in `valid_from`/`valid_to` and the whole plan as JSON in
`plan` (the calculator's shape, `Plan.to_json`). Adding a contract refuses an overlap with
another contract of the same merchant and provider (`domain.commission.check_no_overlap`);
adding the same contract twice changes nothing, and reusing its id for another is refused.
"""

from __future__ import annotations

import pyarrow as pa

from caopan.domain.commission import Contract, Plan, check_no_overlap
from caopan.domain.errors import AlreadyExists, NotFound
from caopan.engine.backend import Engine


def _contract(row: dict[str, object]) -> Contract:
    plan = Plan.from_json(str(row["plan"]))
    return Contract(str(row["contract_id"]), str(row["merchant_id"]), str(row["provider_id"]), plan)


def contracts_of(engine: Engine, merchant_id: str, provider_id: str) -> list[Contract]:
    """Every stored contract between one merchant and one provider."""
    t = engine.table("contracts")
    mine = t.filter((t.merchant_id == merchant_id) & (t.provider_id == provider_id))
    rows = mine.select("contract_id", "merchant_id", "provider_id", "plan").to_pyarrow()
    return [_contract(row) for row in rows.to_pylist()]


def load_contract(engine: Engine, contract_id: str) -> tuple[Contract, int | None]:
    """The stored contract and its `ended_at` (None while it runs); NotFound if absent."""
    t = engine.table("contracts")
    rows = t.filter(t.contract_id == contract_id).to_pyarrow().to_pylist()
    if not rows:
        raise NotFound(f"contract {contract_id!r} does not exist")
    ended = rows[0]["ended_at"]
    return _contract(rows[0]), None if ended is None else int(ended)


def add_contract(engine: Engine, contract: Contract, created_at: int) -> bool:
    """Store a contract; False when the very same contract is already stored."""
    t = engine.table("contracts")
    same_id = t.filter(t.contract_id == contract.contract_id).to_pyarrow().to_pylist()
    if same_id:
        if _contract(same_id[0]) == contract:
            return False
        raise AlreadyExists(f"contract {contract.contract_id!r} exists with other terms")
    check_no_overlap(contract, contracts_of(engine, contract.merchant_id, contract.provider_id))
    plan = contract.plan
    engine.insert(
        "contracts",
        pa.table(
            {
                "contract_id": [contract.contract_id],
                "merchant_id": [contract.merchant_id],
                "provider_id": [contract.provider_id],
                "valid_from": pa.array([plan.valid_from], pa.date32()),
                "valid_to": pa.array([plan.valid_to], pa.date32()),
                "plan": [plan.to_json()],
                "created_at": pa.array([created_at], pa.int64()),
                "ended_at": pa.array([None], pa.int64()),
            }
        ),
    )
    return True
