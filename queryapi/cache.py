"""Answers kept between identical requests: the dataset changes only when a build swaps in a new
store, so an answer stays right until the store's generation changes."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar


class HasBody(Protocol):
    """What a kept answer must have: its bytes, which the budget counts."""

    @property
    def body(self) -> bytes: ...


K = TypeVar("K", bound=Hashable)
V = TypeVar("V", bound=HasBody)


@dataclass
class AnswerCache(Generic[K, V]):
    """A least-recently-used map from (store generation, key) to an answer, within a byte budget
    of the answers' bodies."""

    max_bytes: int
    _entries: OrderedDict[tuple[str, K], V] = field(default_factory=OrderedDict)
    _bytes: int = 0

    def get(self, generation: str | None, key: K) -> V | None:
        """The kept answer, if any (never for a store with no generation)."""
        if generation is None:
            return None
        answer = self._entries.get((generation, key))
        if answer is not None:
            self._entries.move_to_end((generation, key))
        return answer

    def put(self, generation: str | None, key: K, answer: V) -> None:
        """Keep an answer, dropping the least recently used beyond the budget."""
        size = len(answer.body)
        if generation is None or size > self.max_bytes // 4:
            return
        entry = (generation, key)
        if entry in self._entries:
            return
        self._entries[entry] = answer
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= len(dropped.body)
