"""Post a contract's settled commission lines to the journal (`ledger_entries`/`_postings`).

Entries are immutable: the journal is never edited, only appended to. For every commission
line of the contract, the amount the journal should hold is its commission when the line is
`settled` and 0 otherwise; `post_ledger` posts the difference from what is already posted
for that line (its entries carry the line's id as `reference`) as one new balanced entry —
`provider:receivable` +amount, `merchant:payable` −amount (`domain.ledger.settlement_entry`).
So after every run the provider's receivable equals the sum of the contract's settled lines,
and re-running posts nothing. An entry's id is `reference#n`, its n-th entry.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from caopan.domain.ledger import MERCHANT_PAYABLE, PROVIDER_RECEIVABLE, Entry, Posting, Unbalanced
from caopan.domain.money import Money
from caopan.engine.backend import Engine
from caopan.engine.exact import i64


def posted(engine: Engine, contract_id: str) -> ir.Table:
    """What the journal holds per reference of a contract: `reference`, `_posted`, `_entries`."""
    e = engine.table("ledger_entries")
    p = engine.table("ledger_postings")
    mine = e.filter(e.reference.startswith(f"{contract_id}:"))
    j = mine.join(p, mine.entry_id == p.entry_id)
    return j.group_by(_ref="reference").aggregate(
        _posted=j.amount_fen.sum(where=j.account == PROVIDER_RECEIVABLE).coalesce(i64(0)),
        _entries=j.entry_id.nunique(),
    )


def post_ledger(engine: Engine, contract_id: str, lines: ir.Table, posted_at: int) -> int:
    """Post what the journal lacks for the contract's standing `lines`; the entries posted."""
    settled = lines.state == "settled"
    target = lines.select(
        reference=lines.line_id,
        kind=lines.kind,
        dated_at=lines.dated_at,
        _target=ibis.ifelse(settled, lines.commission_fen, i64(0)),
    )
    have = posted(engine, contract_id)
    j = target.outer_join(have, target.reference == have._ref)
    j = j.select(
        reference=j.reference.coalesce(j._ref),
        kind=j.kind.coalesce("adjustment"),
        dated_at=j.dated_at,
        amount=j._target.coalesce(i64(0)) - j._posted.coalesce(i64(0)),
        n=j._entries.coalesce(i64(0)),
    )
    due = engine.to_arrow(j.filter(j.amount != 0).order_by("reference"))
    if not due.num_rows:
        return 0
    n = pc.add(due.column("n"), 1)
    entry_ids = pc.binary_join_element_wise(due.column("reference"), pc.cast(n, pa.string()), "#")
    first = pc.equal(due.column("n"), 0)
    when = pc.if_else(first, pc.fill_null(due.column("dated_at"), posted_at), posted_at)
    kinds = due.column("kind")
    entries = pa.table(
        {
            "entry_id": entry_ids,
            "posted_at": when,
            "description": pc.if_else(
                first, kinds, pc.binary_join_element_wise(kinds, pa.scalar(" adjustment"), "")
            ),
            "reference": due.column("reference"),
        }
    )
    amount = due.column("amount")
    postings = pa.table(
        {
            "entry_id": pa.chunked_array(entry_ids.chunks + entry_ids.chunks),
            "posting_no": pa.array([1] * due.num_rows + [2] * due.num_rows, pa.int64()),
            "account": [PROVIDER_RECEIVABLE] * due.num_rows + [MERCHANT_PAYABLE] * due.num_rows,
            "amount_fen": pa.chunked_array(amount.chunks + pc.negate(amount).chunks),
        }
    )
    _check_balanced(postings)
    engine.insert("ledger_entries", entries)
    engine.insert("ledger_postings", postings)
    return int(due.num_rows)


def _check_balanced(postings: pa.Table) -> None:
    """Refuse to write any entry whose postings do not sum to zero (all at once, in Arrow)."""
    sums = postings.group_by("entry_id").aggregate([("amount_fen", "sum"), ("amount_fen", "count")])
    bad = sums.filter(
        pc.or_(pc.not_equal(sums["amount_fen_sum"], 0), pc.less(sums["amount_fen_count"], 2))
    )
    if bad.num_rows:
        raise Unbalanced(f"entry {bad['entry_id'][0].as_py()} does not balance; nothing written")


def read_entries(engine: Engine, contract_id: str) -> list[Entry]:
    """The contract's journal as domain entries (each checked to balance as it is built)."""
    e = engine.table("ledger_entries")
    p = engine.table("ledger_postings")
    mine = e.filter(e.reference.startswith(f"{contract_id}:"))
    j = mine.join(p, mine.entry_id == p.entry_id).order_by(["entry_id", "posting_no"])
    grouped: dict[str, tuple[dict[str, object], list[Posting]]] = {}
    for row in engine.to_arrow(j).to_pylist():
        _, postings = grouped.setdefault(row["entry_id"], (row, []))
        postings.append(Posting(str(row["account"]), Money(int(row["amount_fen"]))))
    return [
        Entry(
            entry_id,
            int(head["posted_at"]),  # type: ignore[call-overload]
            tuple(postings),
            str(head["description"]),
            str(head["reference"]),
        )
        for entry_id, (head, postings) in sorted(grouped.items())
    ]
