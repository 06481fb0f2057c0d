"""Tests for caopan.domain.ids.check_id and the validated records of caopan.domain.entities."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caopan.domain.entities import (
    MERCHANT_CATEGORIES,
    PROVIDER_CATEGORIES,
    PROVIDER_TIERS,
    STAGES,
    Merchant,
    Operator,
    Provider,
)
from caopan.domain.errors import CaopanError, InvalidInput
from caopan.domain.ids import MAX_ID_LENGTH, check_id

# --------------------------------------------------------------------------- check_id


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (" m-001 ", "m-001"),
        ("m-001", "m-001"),
        ("\tp1\n", "p1"),
        ("0012345678901234567", "0012345678901234567"),  # leading zeros and 19 digits kept
        ("店铺 A", "店铺 A"),  # inner spaces and non-ASCII are fine
        ("x" * MAX_ID_LENGTH, "x" * MAX_ID_LENGTH),
        ("  " + "x" * MAX_ID_LENGTH + "  ", "x" * MAX_ID_LENGTH),  # length counted after strip
    ],
)
def test_check_id_strips_and_accepts(raw, clean):
    assert check_id("merchant", raw) == clean


@pytest.mark.parametrize("raw", ["", " ", "   ", "\t\n", "\u3000"])
def test_check_id_refuses_empty(raw):
    with pytest.raises(InvalidInput, match=r"^merchant id must not be empty$"):
        check_id("merchant", raw)


def test_check_id_refuses_too_long():
    assert MAX_ID_LENGTH == 128
    with pytest.raises(InvalidInput, match="shop id is longer than 128 characters"):
        check_id("shop", "x" * (MAX_ID_LENGTH + 1))
    with pytest.raises(InvalidInput):
        check_id("shop", "店" * (MAX_ID_LENGTH + 1))


@pytest.mark.parametrize("raw", ["a\x00b", "a\tb", "a\nb", "a\rb", "a\x1bb", "a\x1fb", "\x01abc"])
def test_check_id_refuses_ascii_control_characters(raw):
    with pytest.raises(InvalidInput, match="order id must not contain control characters"):
        check_id("order", raw)


@pytest.mark.parametrize("raw", ["a\x7fb", "a\x85b", "a\x9bb"])
def test_check_id_refuses_del_and_c1_control_characters(raw):
    # U+007F (DEL) and U+0080..U+009F (C1, e.g. CSI) are control characters (category Cc) too.
    with pytest.raises(InvalidInput, match="control characters"):
        check_id("order", raw)


@pytest.mark.parametrize("value", [None, 123, 12.5, b"m1", ["m1"], True])
def test_check_id_refuses_non_strings(value):
    with pytest.raises(InvalidInput, match=f"must be a string, not {type(value).__name__}"):
        check_id("merchant", value)


def test_check_id_error_names_the_kind_and_is_a_caopan_error():
    with pytest.raises(CaopanError) as info:
        check_id("anchor", "")
    assert "anchor id" in str(info.value)
    assert info.value.status == 422


@settings(max_examples=200)
@given(
    st.text(
        alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FFF, exclude_categories=("Cc",)),
        min_size=1,
        max_size=MAX_ID_LENGTH,
    ).filter(lambda text: text == text.strip())
)
def test_check_id_property_printable_ids_are_kept(text):
    assert check_id("event", text) == text
    assert check_id("event", f"  {text} ") == text


# --------------------------------------------------------------------------- Provider


def test_provider_valid_construction_and_defaults():
    provider = Provider(" p1 ", " 杭州星火 ", category="MCN", tier="核心")
    assert provider.provider_id == "p1"
    assert provider.name == "杭州星火"
    assert provider.category == "MCN"
    assert provider.tier == "核心"
    default = Provider("p2", "x")
    assert (default.category, default.tier) == ("MCN", None)


@pytest.mark.parametrize("category", PROVIDER_CATEGORIES)
def test_provider_accepts_every_category(category):
    assert Provider("p1", "x", category=category).category == category


@pytest.mark.parametrize("tier", PROVIDER_TIERS)
def test_provider_accepts_every_tier(tier):
    assert Provider("p1", "x", tier=tier).tier == tier


def test_provider_constants():
    assert PROVIDER_CATEGORIES == ("MCN", "产业带", "商家", "品牌")
    assert PROVIDER_TIERS == ("优质", "核心", "战略")


def test_provider_bad_category_names_the_value():
    with pytest.raises(InvalidInput) as info:
        Provider("p1", "x", category="agency")
    message = str(info.value)
    assert "'agency'" in message
    assert "provider category" in message
    assert all(allowed in message for allowed in PROVIDER_CATEGORIES)


def test_provider_bad_tier_names_the_value():
    with pytest.raises(InvalidInput, match=r"provider tier .*'gold'"):
        Provider("p1", "x", tier="gold")


def test_provider_category_is_case_sensitive():
    with pytest.raises(InvalidInput, match="'mcn'"):
        Provider("p1", "x", category="mcn")


def test_provider_bad_id_and_name():
    with pytest.raises(InvalidInput, match="provider id must not be empty"):
        Provider("  ", "x")
    with pytest.raises(InvalidInput, match="provider name must not be empty"):
        Provider("p1", "   ")
    with pytest.raises(InvalidInput, match="provider id must not contain control characters"):
        Provider("p\x00", "x")


def test_provider_is_frozen():
    provider = Provider("p1", "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        provider.name = "y"  # type: ignore[misc]


# --------------------------------------------------------------------------- Operator


def test_operator_valid_and_invalid():
    operator = Operator(" o1 ", " p1 ", " 小王 ")
    assert (operator.operator_id, operator.provider_id, operator.name) == ("o1", "p1", "小王")
    with pytest.raises(InvalidInput, match="operator id must not be empty"):
        Operator("", "p1", "x")
    with pytest.raises(InvalidInput, match="provider id must not be empty"):
        Operator("o1", "", "x")
    with pytest.raises(InvalidInput, match="operator name must not be empty"):
        Operator("o1", "p1", "")


# --------------------------------------------------------------------------- Merchant


def test_merchant_valid_construction_and_defaults():
    merchant = Merchant(
        " m1 ",
        " 雅鹿旗舰店 ",
        category="服饰",
        stage="爬坡",
        provider_id=" p1 ",
        opened_on=date(2026, 3, 1),
    )
    assert merchant.merchant_id == "m1"
    assert merchant.name == "雅鹿旗舰店"
    assert merchant.category == "服饰"
    assert merchant.stage == "爬坡"
    assert merchant.provider_id == "p1"
    assert merchant.opened_on == date(2026, 3, 1)
    default = Merchant("m2", "x")
    assert (default.category, default.stage, default.provider_id, default.opened_on) == (
        "其他",
        "新店破0",
        None,
        None,
    )


@pytest.mark.parametrize("category", MERCHANT_CATEGORIES)
def test_merchant_accepts_every_category(category):
    assert Merchant("m1", "x", category=category).category == category


@pytest.mark.parametrize("stage", STAGES)
def test_merchant_accepts_every_stage(stage):
    assert Merchant("m1", "x", stage=stage).stage == stage


def test_merchant_stages_lowest_first():
    assert STAGES == ("新店破0", "爬坡", "KA", "SKA")


def test_merchant_bad_category_names_the_value():
    with pytest.raises(InvalidInput) as info:
        Merchant("m1", "x", category="电器")
    message = str(info.value)
    assert "merchant category" in message
    assert "'电器'" in message


def test_merchant_bad_stage_names_the_value():
    with pytest.raises(InvalidInput, match=r"stage must be one of .*'growth'"):
        Merchant("m1", "x", stage="growth")


def test_merchant_bad_ids_and_name():
    with pytest.raises(InvalidInput, match="merchant id must not be empty"):
        Merchant("", "x")
    with pytest.raises(InvalidInput, match="merchant id is longer than 128"):
        Merchant("m" * 129, "x")
    with pytest.raises(InvalidInput, match="merchant name must not be empty"):
        Merchant("m1", " ")
    with pytest.raises(InvalidInput, match="provider id must not be empty"):
        Merchant("m1", "x", provider_id=" ")
    with pytest.raises(InvalidInput, match="provider id must be a string, not int"):
        Merchant("m1", "x", provider_id=7)  # type: ignore[arg-type]
