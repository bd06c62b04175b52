"""Answers kept between identical requests: the dataset changes only when a build swaps in a new
store, so an answer stays right until the store's generation changes."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from queryapi.results import Serialized
from queryapi.workers import Job


@dataclass
class AnswerCache:
    """A least-recently-used map from (store generation, job) to its answer, within a byte budget."""

    max_bytes: int
    _entries: OrderedDict[tuple[str, Job], Serialized] = field(default_factory=OrderedDict)
    _bytes: int = 0

    def get(self, generation: str | None, job: Job) -> Serialized | None:
        """The kept answer, if any (never for a store with no generation)."""
        if generation is None:
            return None
        answer = self._entries.get((generation, job))
        if answer is not None:
            self._entries.move_to_end((generation, job))
        return answer

    def put(self, generation: str | None, job: Job, answer: Serialized) -> None:
        """Keep an answer, dropping the least recently used beyond the budget."""
        size = len(answer.body)
        if generation is None or size > self.max_bytes // 4:
            return
        key = (generation, job)
        if key in self._entries:
            return
        self._entries[key] = answer
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= len(dropped.body)
