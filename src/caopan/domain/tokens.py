"""API tokens: a provider's secret for the HTTP intake, stored only as a hash.

>>> token = new_token()
>>> token.startswith("cp_") and len(token) > 40
True
>>> token_hash(token) == token_hash(token) != token_hash(token + "x")
True
"""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "cp_"


def new_token() -> str:
    """A new random token (shown once; only its hash is kept)."""
    return PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
