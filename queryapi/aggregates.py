"""Facts materialised in the store after loading: markers and counts the engine cannot derive
fast at query time (FILTER NOT EXISTS over paths, GROUP BY over every measure), written into
their own named graph so the cookbook queries read them with a lookup.

Each `ontology/aggregates/*.rq` is a CONSTRUCT over the union of the store's graphs; they run
in name order, a later one reading what an earlier one wrote (pg:LocalPlan first). CONSTRUCT
rather than SPARQL UPDATE because pyoxigraph's update sees only the default graph, and these
facts join the plan graphs with the alignments graph. `materialise` drops the graph and
recomputes it whole, so the facts are consistent with whatever else is in the store: a build
calls it on the new generation before the swap, an in-place update after its change.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, Quad, Store

from ontology.namespaces import PGID, PREFIXES

AGGREGATES_GRAPH = PGID + "graph/aggregates"
AGGREGATES_DIR = Path(__file__).resolve().parent.parent / "ontology" / "aggregates"


@dataclass(frozen=True)
class Step:
    """One aggregate query: its file, the triples it wrote and how long it took."""

    name: str
    triples: int
    seconds: float


@dataclass(frozen=True)
class Materialised:
    """What materialise wrote into the aggregates graph."""

    triples: int
    steps: list[Step]


def aggregate_queries(folder: Path = AGGREGATES_DIR) -> list[Path]:
    """The CONSTRUCT queries, in the order they run."""
    return sorted(folder.glob("*.rq"))


def materialise(store: Store, folder: Path = AGGREGATES_DIR) -> Materialised:
    """Recompute the aggregates graph from the rest of the store, replacing what was there."""
    graph = NamedNode(AGGREGATES_GRAPH)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    steps = []
    for path in aggregate_queries(folder):
        t0 = time.perf_counter()
        try:
            triples = list(
                store.query(
                    path.read_text("utf-8"), use_default_graph_as_union=True, prefixes=PREFIXES
                )
            )
        except SyntaxError as err:
            raise SyntaxError(f"{path}: {err}") from None
        store.extend([Quad(t.subject, t.predicate, t.object, graph) for t in triples])
        steps.append(Step(path.stem, len(triples), round(time.perf_counter() - t0, 3)))
    return Materialised(sum(s.triples for s in steps), steps)
