"""Identifiers: plain strings with a name per kind, checked once where they enter.

Ids are strings everywhere, never numbers: platform order ids have 16–19 digits and lose
precision as floats, and leading zeros matter.

>>> check_id("merchant", " m-001 ")
'm-001'
>>> check_id("merchant", "")
Traceback (most recent call last):
...
caopan.domain.errors.InvalidInput: merchant id must not be empty
"""

from __future__ import annotations

import unicodedata
from typing import NewType

from caopan.domain.errors import InvalidInput

ProviderId = NewType("ProviderId", str)
OperatorId = NewType("OperatorId", str)
MerchantId = NewType("MerchantId", str)
ShopId = NewType("ShopId", str)
AnchorId = NewType("AnchorId", str)
ProductId = NewType("ProductId", str)
SessionId = NewType("SessionId", str)
EventId = NewType("EventId", str)
OrderId = NewType("OrderId", str)
ContractId = NewType("ContractId", str)

MAX_ID_LENGTH = 128


def check_id(kind: str, value: str) -> str:
    """Strip an id and refuse empty, over-long or control-character ids."""
    if not isinstance(value, str):
        raise InvalidInput(f"{kind} id must be a string, not {type(value).__name__}")
    text = value.strip()
    if not text:
        raise InvalidInput(f"{kind} id must not be empty")
    if len(text) > MAX_ID_LENGTH:
        raise InvalidInput(f"{kind} id is longer than {MAX_ID_LENGTH} characters")
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise InvalidInput(f"{kind} id must not contain control characters")
    return text
