"""Text that remembers where each character came from, so cleaning never loses provenance."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class TextMap:
    """A cleaned text and, per character, the [start, end) it covers in the original text."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def identity(cls, text: str) -> TextMap:
        """The original text mapped onto itself."""
        return cls(text, tuple(range(len(text))), tuple(range(1, len(text) + 1)))

    def original(self, start: int, end: int) -> tuple[int, int]:
        """Map a clean [start, end) back to original offsets."""
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else self._tail()
            return pos, pos
        return self.starts[start], self.ends[end - 1]

    def _tail(self) -> int:
        return self.ends[-1] if self.ends else 0

    def sub(self, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str]) -> TextMap:
        """Like re.sub, keeping provenance: replaced characters map to the matched passage."""
        text, starts, ends = self.text, self.starts, self.ends
        out: list[str] = []
        new_starts: list[int] = []
        new_ends: list[int] = []
        last = 0
        for m in pattern.finditer(text):
            a, b = m.span()
            out.append(text[last:a])
            new_starts += starts[last:a]
            new_ends += ends[last:a]
            r = repl if isinstance(repl, str) else repl(m)
            if r:
                if len(r) == b - a:
                    new_starts += starts[a:b]
                    new_ends += ends[a:b]
                else:
                    s0 = starts[a] if a < b else (starts[a] if a < len(starts) else self._tail())
                    e0 = ends[b - 1] if a < b else s0
                    new_starts += [s0] * len(r)
                    new_ends += [e0] * len(r)
                out.append(r)
            last = b
        if last == 0 and not out:
            return self
        out.append(text[last:])
        new_starts += starts[last:]
        new_ends += ends[last:]
        return TextMap("".join(out), tuple(new_starts), tuple(new_ends))

    def delete(self, ranges: Iterable[tuple[int, int]]) -> TextMap:
        """Drop the given clean ranges (sorted, non-overlapping)."""
        keep_text: list[str] = []
        keep_s: list[int] = []
        keep_e: list[int] = []
        last = 0
        for a, b in sorted(ranges):
            if a < last:
                a = last
            keep_text.append(self.text[last:a])
            keep_s += self.starts[last:a]
            keep_e += self.ends[last:a]
            last = max(last, b)
        keep_text.append(self.text[last:])
        keep_s += self.starts[last:]
        keep_e += self.ends[last:]
        return TextMap("".join(keep_text), tuple(keep_s), tuple(keep_e))

    def translate(self, table: dict[int, str]) -> TextMap:
        """Map characters one to one (the table must not change lengths)."""
        return TextMap(self.text.translate(table), self.starts, self.ends)
