"""The alignment's peer index kept beside the store (PEERS_FILE in the store's generation), so
that `plangraph build --update` (plangraph/update.py) matches a plan's local additions against
every other plan's without reading the corpus; written by the full build (pipeline.build)."""

from __future__ import annotations

import dataclasses
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from derive.alignment import PeerEntry, PeerIndex, Quoting
from queryapi.store import StoreError

PEERS_FILE = "peers.pickle"


@dataclass
class PeerState:
    """The peer index as kept beside the store (PEERS_FILE): the canonical goals in order, and
    the additions linked to them in chunks by the plan of their canonical goal, each chunk
    pickled apart, so that an update unpickles only the chunks of the plans it changes (there
    are few canonical goals and very many linked ones). Each linked entry carries the version of
    its own plan (a counter bumped whenever a plan is written), so entries of a plan replaced or
    removed since are known stale and skipped."""

    canonical: list[PeerEntry]
    linked: dict[str, list[bytes]]  # canonical goal's plan title → pickled [(version, entry)]
    versions: dict[str, int]  # plan title → the version of it in the store
    counter: int = 0
    quoting: dict[str, Quoting] = field(default_factory=dict)  # documents that quote plans

    def write(self, titles: Iterable[str]) -> None:
        """Note that these plans were written anew: their older entries are stale now."""
        for title in sorted(set(titles)):
            self.counter += 1
            self.versions[title] = self.counter

    def add(self, entries: Iterable[PeerEntry]) -> None:
        """Keep new entries: canonical ones in order, linked ones in a chunk per plan."""
        chunks: dict[str, list[tuple[int, PeerEntry]]] = {}
        for e in entries:
            if e.canonical is None:
                self.canonical.append(_slim(e))
            else:
                version = self.versions[e.goal.ref.plan]
                chunks.setdefault(e.canonical.plan, []).append((version, _slim(e)))
        for title, chunk in chunks.items():
            data = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
            self.linked.setdefault(title, []).append(data)

    def take_linked(self, title: str) -> list[PeerEntry]:
        """The current entries linked to the plan's canonical goals, taken out of the state."""
        return [
            e
            for data in self.linked.pop(title, [])
            for version, e in pickle.loads(data)
            if self.versions.get(e.goal.ref.plan) == version
        ]


def _slim(e: PeerEntry) -> PeerEntry:
    """An entry with its goal's item cut to what matching reads (text, targets)."""
    item = dataclasses.replace(
        e.goal.item, notes=[], citations=[], responsibilities=[], owner_clause=None
    )
    return PeerEntry(dataclasses.replace(e.goal, item=item), e.canonical)


def peer_state(index: PeerIndex, quoting: Iterable[Quoting] = ()) -> PeerState:
    """The state of a full build's peer index (every plan at its first version), with the
    documents whose footnotes quote plans."""
    state = PeerState([], {}, {}, quoting={q.key: q for q in quoting})
    state.write(e.goal.ref.plan for e in index.entries)
    state.add(index.entries)
    return state


def save_peers(state: PeerState, path: Path) -> None:
    """Write the state beside the store, replacing the file (never in place: see own())."""
    part = path.with_name(path.name + ".part")
    part.write_bytes(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
    os.replace(part, path)


def load_peers(path: Path) -> PeerState:
    """The peer state a build or update kept beside the store."""
    if not path.is_file():
        raise StoreError(
            f"{path.parent}: the store has no peer index ({PEERS_FILE}), it was built by an older "
            "version; run a full `plangraph build` first"
        )
    state = pickle.loads(path.read_bytes())
    if isinstance(state, PeerIndex):  # as the first version of this module kept it
        state = peer_state(state)
    state.__dict__.setdefault("quoting", {})  # kept before quoting documents were
    return state
