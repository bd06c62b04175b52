"""Work handed to a thread of its own, in order: for steps that release the GIL (pyoxigraph
loading a batch, SQLite inserting rows) while the build goes on receiving plans."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    """Calls `job(item)` for each item put, in order, in one thread, with at most one item
    waiting (so memory stays bounded); the first error is raised by the next put or by close,
    and the items after it are dropped."""

    def __init__(self, job: Callable[[T], None], name: str) -> None:
        self._job = job
        self._name = name
        self._items: queue.Queue[tuple[T] | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        while (item := self._items.get()) is not None:
            if self._error is None:
                try:
                    self._job(item[0])
                except BaseException as err:  # handed to the caller's thread by _check
                    self._error = err

    def _check(self) -> None:
        if self._error is not None:
            raise self._error

    def put(self, item: T) -> None:
        """Hand an item to the thread (waits while one is already waiting)."""
        self._check()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()
        self._items.put((item,))

    def close(self) -> None:
        """Wait for the thread to finish what it was handed; raises what it raised."""
        if self._thread is not None:
            self._items.put(None)
            self._thread.join()
            self._thread = None
        self._check()
