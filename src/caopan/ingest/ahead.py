"""Items produced on a second thread ahead of their consumer: the file intake parses the next
block of events, and the importers read and type the next chunk of a sheet, while the previous
one is stored."""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def read_ahead(
    items: Iterator[T], depth: int = 2, name: str = "caopan-read"
) -> Generator[T, None, None]:
    """The items of `items`, produced on a second thread up to `depth` ahead of the consumer,
    in order; an exception it raises is raised here, where it came in the sequence. Arrow's
    readers and compute kernels and DuckDB release the GIL, so reading and typing a chunk
    overlap with storing the previous one, and at most `depth` chunks wait in memory. Closing
    it early stops the thread after its current item."""
    results: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[bool, Any]) -> bool:
        while not stop.is_set():
            try:
                results.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((False, item)):
                    return
        except BaseException as exc:  # handed to the consumer, which raises it
            put((True, exc))
            return
        put((True, None))

    worker = threading.Thread(target=produce, name=name, daemon=True)
    worker.start()
    try:
        while True:
            done, item = results.get()
            if done:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stop.set()
        worker.join()
