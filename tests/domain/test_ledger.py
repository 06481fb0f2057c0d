"""Tests for caopan.domain.ledger: immutable, balanced entries and the builders."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caopan.domain.errors import CaopanError, InvalidInput
from caopan.domain.ledger import (
    ACCOUNTS,
    MERCHANT_PAYABLE,
    MERCHANT_PLATFORM_FEES,
    PLATFORM_FEES,
    PROVIDER_RECEIVABLE,
    Entry,
    Posting,
    Unbalanced,
    balances,
    clawback_entry,
    platform_fee_entry,
    settlement_entry,
)
from caopan.domain.money import Money


def test_an_unbalanced_entry_cannot_be_made():
    with pytest.raises(Unbalanced, match="sum to 1 fen"):
        Entry(
            "e1", 0, (Posting(PROVIDER_RECEIVABLE, Money(5)), Posting(MERCHANT_PAYABLE, Money(-4)))
        )
    with pytest.raises(Unbalanced, match="at least two postings"):
        Entry("e1", 0, ())
    assert issubclass(Unbalanced, CaopanError)


def test_entries_and_postings_are_immutable():
    entry = settlement_entry("e1", 10, Money(1990), reference="c1:c:A")
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.posted_at = 11  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.postings[0].amount = Money(0)  # type: ignore[misc]
    assert isinstance(entry.postings, tuple)


def test_postings_take_money_only():
    with pytest.raises(InvalidInput, match="must be Money"):
        Posting(PROVIDER_RECEIVABLE, 5)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="account"):
        Posting(" ", Money(5))
    with pytest.raises(InvalidInput, match="epoch ms"):
        Entry("e1", "today", ())  # type: ignore[arg-type]


def test_builders():
    settled = settlement_entry("e1", 10, Money(1000), reference="c1:c:A", description="commission")
    assert settled.amount_on(PROVIDER_RECEIVABLE) == Money(1000)
    assert settled.amount_on(MERCHANT_PAYABLE) == Money(-1000)
    claw = clawback_entry("e2", 20, Money(-400), reference="c1:k:A")
    assert claw.amount_on(PROVIDER_RECEIVABLE) == Money(-400)
    assert claw.description == "clawback"
    with pytest.raises(InvalidInput, match="negative"):
        clawback_entry("e3", 20, Money(400))
    fee = platform_fee_entry("e4", 30, Money(2100), reference="o1")
    assert fee.amount_on(MERCHANT_PLATFORM_FEES) == Money(2100)
    assert fee.amount_on(PLATFORM_FEES) == Money(-2100)
    assert {p.account for e in (settled, claw, fee) for p in e.postings} <= set(ACCOUNTS)


def test_worked_example_5_in_the_journal():
    entries = [
        settlement_entry("e1", 8, Money(1000), reference="A"),
        clawback_entry("e2", 20, Money(-400), reference="A"),
    ]
    assert balances(entries) == {MERCHANT_PAYABLE: Money(-600), PROVIDER_RECEIVABLE: Money(600)}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-(10**12), 10**12), max_size=30))
def test_any_builder_sequence_balances(amounts):
    entries = [
        settlement_entry(f"e{i}", i, Money(a))
        if i % 2
        else platform_fee_entry(f"e{i}", i, Money(a))
        for i, a in enumerate(amounts)
    ]
    totals = balances(entries)
    assert sum(m.fen for m in totals.values()) == 0
    assert totals.get(PROVIDER_RECEIVABLE, Money(0)) == Money(sum(amounts[1::2]))
    assert all(sum(p.amount.fen for p in e.postings) == 0 for e in entries)
