"""The one component that touches the store in a server: a single worker thread.

DuckDB allows one writer, and a connection is not to be shared across threads. A server hands
every store operation (writes and the reads that must see them) to this worker and awaits the
result; operations run one at a time, in the order they were submitted.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class Writer:
    """Runs store operations one at a time on one thread."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="caopan-store")

    def submit(self, operation: Callable[[], T]) -> Future[T]:
        return self._pool.submit(operation)

    def run(self, operation: Callable[[], T]) -> T:
        """Run and wait (for callers that are not async)."""
        return self.submit(operation).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
