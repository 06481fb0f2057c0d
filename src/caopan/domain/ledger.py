"""The double-entry journal: immutable postings and entries that must balance.

Every settlement, clawback and fee the provider is owed is an `Entry` whose postings sum to
zero exactly; constructing one that does not raises `Unbalanced`. A positive amount is a
debit: the provider's receivable grows by what the merchant's payable grows by (negatively).

Accounts, named once:

* `provider:receivable` — what the merchant owes the provider (commission, slot and monthly
  fees; clawbacks and guarantee give-backs reduce it);
* `merchant:payable` — the same debt seen from the merchant;
* `merchant:platform-fees` / `platform:fees` — what the platform charges the merchant.

>>> entry = settlement_entry("e1", 1_000, Money(1990), reference="o1", description="commission")
>>> [(p.account, p.amount) for p in entry.postings]
[('provider:receivable', Money(1990)), ('merchant:payable', Money(-1990))]
>>> balances([entry, clawback_entry("e2", 2_000, Money(-400), reference="o1")])
{'merchant:payable': Money(-1590), 'provider:receivable': Money(1590)}
>>> Entry("e3", 0, (Posting(PROVIDER_RECEIVABLE, Money(5)), Posting(MERCHANT_PAYABLE, Money(-4))))
Traceback (most recent call last):
...
caopan.domain.ledger.Unbalanced: entry e3 does not balance: its postings sum to 1 fen
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from caopan.domain.errors import InvalidInput
from caopan.domain.money import Money

PROVIDER_RECEIVABLE: Final = "provider:receivable"
MERCHANT_PAYABLE: Final = "merchant:payable"
MERCHANT_PLATFORM_FEES: Final = "merchant:platform-fees"
PLATFORM_FEES: Final = "platform:fees"
ACCOUNTS: Final = (PROVIDER_RECEIVABLE, MERCHANT_PAYABLE, MERCHANT_PLATFORM_FEES, PLATFORM_FEES)


class Unbalanced(InvalidInput):
    """An entry whose postings do not sum to zero (or that has too few postings)."""


@dataclass(frozen=True, slots=True)
class Posting:
    """One side of an entry: an amount (positive: debit) on a named account."""

    account: str
    amount: Money

    def __post_init__(self) -> None:
        if not isinstance(self.account, str) or not self.account.strip():
            raise InvalidInput("a posting needs an account name")
        if not isinstance(self.amount, Money):
            raise InvalidInput(f"a posting amount must be Money, not {type(self.amount).__name__}")


@dataclass(frozen=True, slots=True)
class Entry:
    """A journal entry: at least two postings summing to zero, dated `posted_at` (epoch ms)."""

    entry_id: str
    posted_at: int
    postings: tuple[Posting, ...]
    description: str = ""
    reference: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "postings", tuple(self.postings))
        if not isinstance(self.entry_id, str) or not self.entry_id:
            raise InvalidInput("an entry needs an id")
        if isinstance(self.posted_at, bool) or not isinstance(self.posted_at, int):
            raise InvalidInput(f"entry {self.entry_id}: posted_at must be epoch ms")
        if len(self.postings) < 2:
            raise Unbalanced(f"entry {self.entry_id} needs at least two postings")
        total = sum(p.amount.fen for p in self.postings)
        if total != 0:
            raise Unbalanced(
                f"entry {self.entry_id} does not balance: its postings sum to {total} fen"
            )

    def amount_on(self, account: str) -> Money:
        """The sum of this entry's postings on one account."""
        return Money(sum(p.amount.fen for p in self.postings if p.account == account))


def _pair(
    entry_id: str,
    posted_at: int,
    amount: Money,
    debit: str,
    credit: str,
    description: str,
    reference: str,
) -> Entry:
    postings = (Posting(debit, amount), Posting(credit, -amount))
    return Entry(entry_id, posted_at, postings, description, reference)


def settlement_entry(
    entry_id: str,
    posted_at: int,
    amount: Money,
    *,
    reference: str = "",
    description: str = "settlement",
) -> Entry:
    """The provider is owed `amount` (commission or fee; negative for a give-back)."""
    return _pair(
        entry_id, posted_at, amount, PROVIDER_RECEIVABLE, MERCHANT_PAYABLE, description, reference
    )


def clawback_entry(
    entry_id: str,
    posted_at: int,
    amount: Money,
    *,
    reference: str = "",
    description: str = "clawback",
) -> Entry:
    """A refund after settling took `amount` (negative) back from the provider."""
    if amount.fen > 0:
        raise InvalidInput(f"a clawback is a negative amount, not {amount}")
    return settlement_entry(
        entry_id, posted_at, amount, reference=reference, description=description
    )


def platform_fee_entry(
    entry_id: str,
    posted_at: int,
    amount: Money,
    *,
    reference: str = "",
    description: str = "technical service fee",
) -> Entry:
    """The platform charges the merchant `amount` (技术服务费 and the like)."""
    return _pair(
        entry_id,
        posted_at,
        amount,
        MERCHANT_PLATFORM_FEES,
        PLATFORM_FEES,
        description,
        reference,
    )


def balances(entries: Iterable[Entry]) -> dict[str, Money]:
    """Every account's balance over the entries, by account name."""
    totals: dict[str, int] = {}
    for entry in entries:
        for posting in entry.postings:
            totals[posting.account] = totals.get(posting.account, 0) + posting.amount.fen
    return {account: Money(fen) for account, fen in sorted(totals.items())}
