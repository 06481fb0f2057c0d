"""One exception root for caopan, with narrow subclasses.

Business problems (a bad event line, a finding) are *values*; exceptions are for refused
requests and broken infrastructure. Every caopan exception derives from `CaopanError`, so the
edges (CLI, HTTP) translate exactly one root into a message and an exit code or status.

>>> try:
...     raise NotFound("merchant m9 does not exist")
... except CaopanError as exc:
...     print(type(exc).__name__, exc.status, exc)
NotFound 404 merchant m9 does not exist
"""

from __future__ import annotations


class CaopanError(Exception):
    """Root of every error caopan raises on purpose. `status` is the HTTP status it maps to."""

    status: int = 500


class InvalidInput(CaopanError):
    """The caller gave something caopan cannot use (bad argument, bad file, bad plan)."""

    status = 422


class NotFound(CaopanError):
    """A referenced thing (session, merchant, provider, file) does not exist."""

    status = 404


class AlreadyExists(CaopanError):
    """Creating something whose id is already taken with different content."""

    status = 409


class UnitMismatch(CaopanError, TypeError):
    """Money or rates of different units were mixed (fen with ppm, fen with a float)."""

    status = 500


class EngineError(CaopanError):
    """The storage engine is unreachable or misconfigured."""

    status = 503


class Unauthorized(CaopanError):
    """No credentials were given."""

    status = 401


class Forbidden(CaopanError):
    """Credentials were given but do not allow this (unknown token, another provider's data)."""

    status = 403


class TooLarge(CaopanError):
    """A request body over the limit."""

    status = 413
