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

from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
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


def _with_types(store: Store, quads: list[Quad]) -> list[Triple]:
    """The quads' triples, and the types in the store of the IRIs they point to by a
    constrained property but do not type."""
    triples = [q.triple for q in quads]
    has_type = {t.subject for t in triples if t.predicate == RDF_TYPE}
    paths = constrained_paths()
    pointed = {
        t.object for t in triples if t.predicate in paths and isinstance(t.object, NamedNode)
    } - has_type
    for node in sorted(pointed, key=str):
        triples.extend(q.triple for q in store.quads_for_pattern(node, RDF_TYPE, None))
    return triples


def _validate_graph(store: Store, graph: str) -> list[Violation]:
    """One plan graph of the store validated with the types of what it points to: the results
    about its own nodes."""
    quads = list(store.quads_for_pattern(None, None, None, NamedNode(graph)))
    subjects = {str(q.subject) for q in quads}
    report = _validate(_with_types(store, quads), graph)
    return [r for r in report.results if r.focus in subjects]


def _plan_types(store: Store, graph: str) -> bytes:
    """The Plan, Goal and Target type triples of one graph of the store, as N-Triples."""
    own = NamedNode(graph)
    typed = [
        q.triple for c in TYPED_CLASSES for q in store.quads_for_pattern(None, RDF_TYPE, c, own)
    ]
    return serialize(typed, format=RdfFormat.N_TRIPLES)


def _scratch(graphs: list[NamedNode], texts: list[bytes]) -> Store:
    """The shared graphs in an in-memory store, for the questions validate_rest asks of them
    (the store's own dumps, read leniently)."""
    scratch = Store()
    for graph, text in zip(graphs, texts, strict=True):
        scratch.bulk_load(text, format=RdfFormat.N_QUADS, to_graph=graph, lenient=True)
    return scratch


def _values(name: str, nodes: Iterable[NamedNode]) -> str:
    return f"VALUES ?{name} {{ {' '.join(str(n) for n in sorted(nodes, key=str))} }}"


def _described_untyped(scratch: Store, graphs: list[NamedNode]) -> list[NamedNode]:
    """The IRIs the shared graphs give a constrained property without typing them (a type in
    the aggregates graph does not count: it only marks plan nodes): described elsewhere too."""
    query = f"""SELECT ?s {{
      {{ SELECT DISTINCT ?s {{ {_values("p", constrained_paths())} GRAPH ?g {{ ?s ?p ?o }}
                              FILTER(isIRI(?s)) }} }}
      MINUS {{ {_values("h", (g for g in graphs if g != AGGREGATES))} GRAPH ?h {{ ?s a ?type }} }}
    }}"""
    return [s["s"] for s in scratch.query(query)]  # type: ignore[index,union-attr,misc]


def _described_in_both(scratch: Store, late: list[NamedNode]) -> list[NamedNode]:
    """The IRIs described both in the late graphs and in the other shared graphs."""
    if not late:
        return []
    query = f"""SELECT DISTINCT ?s {{
      {_values("late", late)} GRAPH ?late {{ ?s ?p ?o }} FILTER(isIRI(?s))
      FILTER EXISTS {{ GRAPH ?g {{ ?s ?q ?r }} FILTER(?g NOT IN ({", ".join(str(g) for g in late)})) }}
    }}"""
    return [s["s"] for s in scratch.query(query)]  # type: ignore[index,union-attr,misc]


def _typing_plan_nodes(scratch: Store) -> list[str]:
    """Goals or targets the shared graphs type (validation by parts expects none)."""
    query = f"""SELECT DISTINCT ?s {{ {_values("c", PLAN_CLASSES)} GRAPH ?g {{ ?s a ?c }} }}
      ORDER BY ?s LIMIT 3"""
    return [str(s["s"]) for s in scratch.query(query)]  # type: ignore[index,union-attr,misc]


@dataclass(frozen=True)
class SharedPart:
    """The shared graphs validated so far (all but those left for later), and what validate_rest
    needs of them to finish: their N-Quads in an in-memory store, the type triples of the plan
    nodes (N-Triples) and the upstream plans' graphs with their results."""

    graphs: list[NamedNode]
    scratch: Store
    borrowed: bytes
    upstream: list[str]
    results: list[Violation]  # the engine's, about the shared graphs' nodes or borrowed ones
    found: list[Violation]  # about the upstream plans' nodes


def _engine_results(texts: list[bytes], borrowed: bytes) -> list[Violation]:
    data = b"".join([*texts, borrowed]).decode()
    return list(_validate_text(data, "nquads", "the shared graphs", shared_shapes()).results)


def _apart(store: Store, plan_graphs: set[str]) -> tuple[list[str], set[str]]:
    """The upstream plans' graphs the build made itself (quoted in footnotes: validated apart),
    and the set of every graph validated apart from the shared ones."""
    upstream = sorted(
        {q.graph_name.value for q in store.quads_for_pattern(None, HAS_AREA, None)} - plan_graphs  # type: ignore[union-attr]
    )
    return upstream, plan_graphs | set(upstream)


def _shared_graphs(store: Store, apart: set[str], skip: Iterable[str] = ()) -> list[NamedNode]:
    left = apart | set(skip)
    return [
        g
        for g in sorted(store.named_graphs(), key=str)
        if isinstance(g, NamedNode) and g.value not in left
    ]


def _texts(store: Store, graphs: list[NamedNode], held: Mapping[str, bytes]) -> list[bytes]:
    return [held.get(g.value) or store.dump(format=RdfFormat.N_QUADS, from_graph=g) for g in graphs]


def validate_shared(
    store: Store,
    plan_graphs: set[str],
    typed: Iterable[bytes],
    held: Mapping[str, bytes] | None = None,
    later: Iterable[str] = (),
) -> SharedPart:
    """Validate the graphs of the store that no plan's piece covers (but the `later` ones, which
    the build is still writing), with the type triples of every plan node (`typed`, and those of
    the upstream plans, validated here too). `held`: N-Quads of some of those graphs exactly as
    the build wrote them (its alignments), which spares reading them back from the store. The
    engine runs in a thread while this one copies the graphs into an in-memory store."""
    upstream, apart = _apart(store, plan_graphs)
    graphs = _shared_graphs(store, apart, later)
    texts = _texts(store, graphs, held or {})
    borrowed = b"".join([*typed, *(_plan_types(store, g) for g in upstream)])
    with ThreadPoolExecutor(max_workers=1) as pool:
        engine = pool.submit(_engine_results, texts, borrowed)
        found = [r for g in upstream for r in _validate_graph(store, g)]
        scratch = _scratch(graphs, texts)
        return SharedPart(graphs, scratch, borrowed, upstream, engine.result(), found)


def validate_rest(
    store: Store,
    plan_graphs: set[str],
    typed: Iterable[bytes],
    plan_results: Iterable[Violation],
    undecided: Iterable[str] = (),
    part: SharedPart | None = None,
) -> ValidationReport:
    """The whole store's verdict from the plans' results (validate_plan, one per graph of
    `plan_graphs`) and the validation of every other graph of the store: those of `part`
    (validate_shared, run beside the build's last steps) and the ones it left, done here.

    A node of a plan graph that the shared graphs give a constrained property, a node described
    both in `part`'s graphs and in the ones left, and the focus of a result naming a value node
    (whose type the piece may lack) are validated again with all their triples from the store."""
    part = part or validate_shared(store, plan_graphs, typed)
    apart = plan_graphs | set(part.upstream)
    late = _shared_graphs(store, apart, (g.value for g in part.graphs))
    texts = _texts(store, late, {})
    results = [*part.results, *(_engine_results(texts, part.borrowed) if late else [])]
    scratch = part.scratch
    for graph, text in zip(late, texts, strict=True):
        scratch.bulk_load(text, format=RdfFormat.N_QUADS, to_graph=graph, lenient=True)
    graphs = [*part.graphs, *late]
    own = _typing_plan_nodes(scratch)
    if own:
        raise ValidationError(
            f"the shared graphs describe goals or targets ({', '.join(own[:3])}): "
            "validation by parts expects them only in plan graphs; run `plangraph validate --full`"
        )
    straddlers = {
        s for s in _described_untyped(scratch, graphs) if _described(store, str(s), apart)
    }
    straddlers |= {
        s for s in _described_in_both(scratch, late) if not _described(store, str(s), apart)
    }
    # a result about a plan node (typed by `typed` alone) is its plan's; one naming a value node
    # may hang on a type the piece lacks: its focus is validated again with the whole store
    shared = [r for r in results if not _described(store, r.focus, apart)]
    straddlers |= {NamedNode(n[1:-1]) for n in undecided}
    straddlers |= {NamedNode(r.focus[1:-1]) for r in shared if r.value and r.value.startswith("<")}
    whole: list[Violation] = []
    if straddlers:
        quads = [
            q for s in sorted(straddlers, key=str) for q in store.quads_for_pattern(s, None, None)
        ]
        again = _validate(_with_types(store, quads), "nodes across graphs")
        whole = [r for r in again.results if NamedNode(r.focus[1:-1]) in straddlers]
    names = {str(s) for s in straddlers}
    kept = (r for r in [*plan_results, *part.found, *shared] if r.focus not in names)
    return verdict([*kept, *whole])
