"""SHACL validation of a build by parts: each plan's graph in the worker that made it, the
rest of the store once at the end, so that 3,000 plans validate in minutes instead of an hour.

The verdict is the whole store's (`queryapi.validation.validate_store`, `plangraph validate
--full`), because the shapes only ever look at a focus node's own triples, at the types of the
nodes those point to (sh:class) and, in their sh:sparql constraints, at `$this`'s own triples:

- a plan's piece is its graph, what it adds to the shared graphs (regions, indicators, cited
  works, its departments) and the ontology; only results about nodes its own graph describes are
  kept, the others belong to the shared piece;
- the shared piece is every other graph of the store (alignments, aggregates, departments,
  regions, vocabularies, the upstream plans) with the types of the plan nodes it points to
  (the workers' `typed` triples); results about nodes a plan's graph describes are dropped,
  since their plan's piece holds all their triples;
- a node of a plan's graph that the shared graphs give a property some shape constrains (a
  "straddler"), or whose results in its plan's piece name a value node the piece does not type
  (its sh:class cannot be decided there), is validated once more with all its triples from the
  store and the types of what they point to, and that verdict replaces its plan's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import shacl
from pyoxigraph import NamedNode, Quad, RdfFormat, Store, Triple, parse, serialize

from ontology import SHAPES
from queryapi.aggregates import AGGREGATES_GRAPH
from queryapi.validation import (
    ValidationError,
    ValidationReport,
    Violation,
    compiled_shapes,
    ontology_ntriples,
    report_of,
    verdict,
)

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SH_PATH = NamedNode("http://www.w3.org/ns/shacl#path")
PG = "https://w3id.org/plangraph/ontology#"
TYPED_CLASSES = tuple(NamedNode(PG + c) for c in ("Plan", "Goal", "Target"))  # what the shared
# graphs point to in plan graphs: plans (pg:upstreamPlan …), goals and targets (alignments)


@dataclass(frozen=True)
class PlanVerdict:
    """What a worker found of one plan's graph: the results about its own nodes, and the type
    triples (N-Triples) of its nodes the shared graphs may point to, and the nodes it cannot
    decide: a result names a value node the piece does not type (a plan the build describes
    only at the end), so the node is validated again with the whole store."""

    results: tuple[Violation, ...]
    typed: bytes
    undecided: tuple[str, ...] = ()


def _validate(
    triples: Iterable[Triple], where: str, shapes: shacl.Shapes | None = None
) -> ValidationReport:
    text = serialize(triples, format=RdfFormat.N_TRIPLES).decode()
    return _validate_text(text, "ntriples", where, shapes)


def _validate_text(
    text: str, fmt: str, where: str, shapes: shacl.Shapes | None = None
) -> ValidationReport:
    try:  # the engine reads N-Quads as one graph, the union of the named ones
        engine = shapes or compiled_shapes()
        return report_of(engine.validate_text(text + ontology_ntriples(), format=fmt))
    except ValueError as err:
        raise ValidationError(f"cannot validate {where}: {err}") from err


def validate_plan(store: Store, graph: str) -> PlanVerdict:
    """Validate a store holding one plan's graph (named `graph`) and its share of the shared
    graphs, in the worker that built it: the results about the nodes of its own graph."""
    own = NamedNode(graph)
    report = _validate_text(store.dump(format=RdfFormat.N_QUADS).decode(), "nquads", graph)
    typed = [
        q.triple for c in TYPED_CLASSES for q in store.quads_for_pattern(None, RDF_TYPE, c, own)
    ]
    mine = [r for r in report.results if _described(store, r.focus, {graph})]
    undecided = {r.focus for r in mine if r.value and not _typed(store, r.value)}
    return PlanVerdict(
        tuple(r for r in mine if r.focus not in undecided),
        serialize(typed, format=RdfFormat.N_TRIPLES),
        tuple(sorted(undecided)),
    )


def _typed(store: Store, value: str) -> bool:
    """Whether a value node (in N-Triples form) has a type in the store; a literal counts."""
    if not value.startswith("<"):
        return True
    node = NamedNode(value[1:-1])
    return next(iter(store.quads_for_pattern(node, RDF_TYPE, None)), None) is not None


def _described(store: Store, focus: str, graphs: set[str]) -> bool:
    """Whether a node (an IRI in N-Triples form) has triples in one of the graphs."""
    if not focus.startswith("<"):
        return False
    return any(
        isinstance(q.graph_name, NamedNode) and q.graph_name.value in graphs
        for q in store.quads_for_pattern(NamedNode(focus[1:-1]), None, None)
    )


AGGREGATES = NamedNode(AGGREGATES_GRAPH)
SH_TARGET_CLASS = NamedNode("http://www.w3.org/ns/shacl#targetClass")
HAS_AREA = NamedNode(PG + "hasArea")
PLAN_CLASSES = tuple(NamedNode(PG + c) for c in ("Goal", "Target"))  # only in plan graphs


@cache
def shared_shapes() -> shacl.Shapes:
    """The shapes without their targets on goals and targets: for the shared graphs, which
    point to many goals and targets (their types borrowed) but describe none."""
    kept = [
        t
        for t in parse(path=str(SHAPES), format=RdfFormat.TURTLE)
        if not (t.predicate == SH_TARGET_CLASS and t.object in PLAN_CLASSES)
    ]
    return shacl.Shapes.from_text(
        serialize(kept, format=RdfFormat.N_TRIPLES).decode(), format="ntriples"
    )


@cache
def constrained_paths() -> frozenset[NamedNode]:
    """Every predicate some shape constrains (the objects of sh:path in the shapes)."""
    shapes = parse(path=str(SHAPES), format=RdfFormat.TURTLE)
    return frozenset(
        t.object for t in shapes if t.predicate == SH_PATH and isinstance(t.object, NamedNode)
    )


@dataclass(frozen=True)
class _Piece:
    """Triples to validate, and the nodes among them typed only from elsewhere (the plan nodes
    the triples point to: validated in their plans' pieces, so results about them are not news)."""

    triples: list[Triple]
    borrowed: set[str]


def _with_types(store: Store, quads: list[Quad], typed: dict[NamedNode, list[Triple]]) -> _Piece:
    """The quads' triples, and the types of the IRIs they point to by a constrained property but
    do not type: from the workers' typed triples, else looked up in the store."""
    triples = [q.triple for q in quads]
    has_type = {t.subject for t in triples if t.predicate == RDF_TYPE}
    paths = constrained_paths()
    pointed = {
        t.object for t in triples if t.predicate in paths and isinstance(t.object, NamedNode)
    } - has_type
    borrowed = set()
    for node in sorted(pointed, key=str):
        found = typed.get(node)
        if found is None:
            found = [q.triple for q in store.quads_for_pattern(node, RDF_TYPE, None)]
        triples.extend(found)
        borrowed.add(str(node))
    return _Piece(triples, borrowed)


def _validate_graph(
    store: Store, graph: str, types: dict[NamedNode, list[Triple]]
) -> list[Violation]:
    """One plan graph of the store validated with the types of what it points to: the results
    about its own nodes."""
    quads = list(store.quads_for_pattern(None, None, None, NamedNode(graph)))
    subjects = {str(q.subject) for q in quads}
    report = _validate(_with_types(store, quads, types).triples, graph)
    return [r for r in report.results if r.focus in subjects]


def validate_rest(
    store: Store,
    plan_graphs: set[str],
    typed: Iterable[bytes],
    plan_results: Iterable[Violation],
    undecided: Iterable[str] = (),
) -> ValidationReport:
    """The whole store's verdict from the plans' results (validate_plan, one per graph of
    `plan_graphs`) and the validation of every other graph of the store, done here."""
    types: dict[NamedNode, list[Triple]] = {}
    for t in parse(b"".join(typed), format=RdfFormat.N_TRIPLES):
        types.setdefault(t.subject, []).append(t)  # type: ignore[arg-type]
    upstream = sorted(
        {q.graph_name.value for q in store.quads_for_pattern(None, HAS_AREA, None)} - plan_graphs  # type: ignore[union-attr]
    )  # the upstream plans the build made itself (quoted in footnotes): validated apart
    found = [r for g in upstream for r in _validate_graph(store, g, types)]
    apart = plan_graphs | set(upstream)
    rest = [
        q
        for g in sorted(store.named_graphs(), key=str)
        if isinstance(g, NamedNode) and g.value not in apart
        for q in store.quads_for_pattern(None, None, None, g)
    ]
    own = sorted(
        {str(q.subject) for q in rest if q.predicate == RDF_TYPE and q.object in PLAN_CLASSES}
    )
    if own:
        raise ValidationError(
            f"the shared graphs describe goals or targets ({', '.join(own[:3])}): validation by "
            "parts expects them only in plan graphs; run `plangraph validate --full`"
        )
    piece = _with_types(store, rest, types)
    report = _validate(piece.triples, "the shared graphs", shared_shapes())
    shared = [
        r
        for r in report.results
        if r.focus not in piece.borrowed and not _described(store, r.focus, apart)
    ]
    paths = constrained_paths()
    # nodes the shared graphs describe, typed there; the aggregates graph only types plan nodes
    typed_here = {q.subject for q in rest if q.predicate == RDF_TYPE and q.graph_name != AGGREGATES}
    straddlers = {
        q.subject
        for q in rest
        if q.predicate in paths
        and isinstance(q.subject, NamedNode)
        and q.subject not in typed_here
        and _described(store, str(q.subject), apart)
    }
    straddlers |= {NamedNode(n[1:-1]) for n in undecided}
    whole: list[Violation] = []
    if straddlers:
        quads = [
            q for s in sorted(straddlers, key=str) for q in store.quads_for_pattern(s, None, None)
        ]
        again = _validate(_with_types(store, quads, types).triples, "nodes across graphs")
        whole = [r for r in again.results if NamedNode(r.focus[1:-1]) in straddlers]
    names = {str(s) for s in straddlers}
    return verdict([*(r for r in [*plan_results, *found] if r.focus not in names), *shared, *whole])
