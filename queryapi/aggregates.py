"""Facts materialised in the store after loading: markers and counts the engine cannot derive
fast at query time (FILTER NOT EXISTS over paths, GROUP BY over every measure), written into
their own named graph so the cookbook queries read them with a lookup.

Each `ontology/aggregates/*.rq` is a CONSTRUCT over the union of the store's graphs; they run
in name order, a later one reading what an earlier one wrote (pg:LocalPlan first). CONSTRUCT
rather than SPARQL UPDATE because pyoxigraph's update sees only the default graph, and these
facts join the plan graphs with the alignments graph. A build calls `materialise` on the new
generation before the swap: it drops the graph and recomputes it whole.

An update changes a few plans, so it recomputes only theirs (`share` before the change,
`refresh` after it). Each query says how, in a line `# update: facts` or `# update: counts`:

- facts: about a plan, its areas and its goals only, from the plan's graph, the alignments of
  its goals and the national outline. For given plans, their facts are dropped and the query
  runs with `?p` bound to them: each `#plans:` line of the query becomes `VALUES ?p { … }`
  followed by the rest of the line, so the binding reaches into subqueries and MINUS (which a
  pyoxigraph substitution does not) and the query starts from the plans;
- counts: totals over every plan (integers per subject). For given plans the query gives their
  share, which is taken off the totals before the change and added after it; a subject whose
  counts all come to 0 has none, as in the whole query's GROUP BY.

A query marked `# built: per plan` reads nothing but one plan's own graph (and what that plan
adds to the shared graphs), so a build's workers ask it of each plan's graph alone (`plan_share`)
and the build adds up the answers (`Shares`) instead of asking it of the whole store.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, parse, serialize

from ontology.namespaces import PG, PGID, PREFIXES

AGGREGATES_GRAPH = PGID + "graph/aggregates"
AGGREGATES_DIR = Path(__file__).resolve().parent.parent / "ontology" / "aggregates"
PLANS_MARK = "#plans:"
PER_PLAN_MARK = "# built: per plan"
KINDS = ("facts", "counts")

Key = tuple[NamedNode, NamedNode]  # (subject, predicate) of a count


@dataclass(frozen=True)
class Step:
    """One aggregate query: its file, the triples it wrote and how long it took."""

    name: str
    triples: int
    seconds: float


@dataclass(frozen=True)
class Materialised:
    """What materialise (or refresh) wrote into the aggregates graph."""

    triples: int
    steps: list[Step]


@dataclass(frozen=True)
class Aggregate:
    """One aggregate query, read from its file: its text and how an update recomputes it."""

    path: Path
    text: str
    kind: str  # "facts" or "counts"
    per_plan: bool  # marked `# built: per plan`: asked of each plan's graph alone in a build

    def for_plans(self, plans: Iterable[NamedNode]) -> str:
        """The query restricted to the plans: each `#plans:` line bound to them."""
        values = "VALUES ?p { " + " ".join(str(p) for p in sorted(plans, key=str)) + " } "
        return "\n".join(
            values + line.strip()[len(PLANS_MARK) :]
            if line.strip().startswith(PLANS_MARK)
            else line
            for line in self.text.splitlines()
        )


@dataclass
class Share:
    """What some plans hold of the aggregates graph: the facts about them, and their share of
    each counts query's totals (read before an update changes them, for refresh to take off)."""

    facts: set[Quad] = field(default_factory=set)
    counts: dict[str, Counter[Key]] = field(default_factory=dict)  # by query name


def aggregate_queries(folder: Path = AGGREGATES_DIR) -> list[Path]:
    """The CONSTRUCT queries, in the order they run."""
    return sorted(folder.glob("*.rq"))


def aggregates(folder: Path = AGGREGATES_DIR) -> list[Aggregate]:
    """The queries with their kind, in the order they run."""
    found = []
    for path in aggregate_queries(folder):
        text = path.read_text("utf-8")
        kinds = [
            line.split(":", 1)[1].split()[0]
            for line in text.splitlines()
            if line.startswith("# update:") and line.split(":", 1)[1].split()
        ]
        if len(kinds) != 1 or kinds[0] not in KINDS:
            raise ValueError(
                f"{path}: needs one line '# update: facts' or '# update: counts' (found {kinds})"
            )
        if PLANS_MARK not in text:
            raise ValueError(f"{path}: no '{PLANS_MARK}' line, where an update binds ?p")
        per_plan = any(line.strip() == PER_PLAN_MARK for line in text.splitlines())
        found.append(Aggregate(path, text, kinds[0], per_plan))
    return found


def _construct(store: Store, path: Path, text: str) -> list:
    try:
        return list(store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES))
    except SyntaxError as err:
        raise SyntaxError(f"{path}: {err}") from None


@dataclass(frozen=True)
class PlanShare:
    """One plan's answers to the per-plan queries, from its graph alone (in a build worker, so
    plain data that crosses processes), by query name: each facts query's triples as
    N-Triples, and its share of each counts query's totals as (subject, predicate IRI) → count."""

    facts: dict[str, bytes]
    counts: dict[str, dict[tuple[str, str], int]]


def plan_share(store: Store, folder: Path = AGGREGATES_DIR) -> PlanShare:
    """The per-plan queries asked of a store holding one plan's graph (and its shared part)."""
    share = PlanShare({}, {})
    for query in aggregates(folder):
        if not query.per_plan:
            continue
        triples = _construct(store, query.path, query.text)
        if query.kind == "facts":
            share.facts[query.path.stem] = serialize(triples, format=RdfFormat.N_TRIPLES)
        else:
            share.counts[query.path.stem] = {
                (t.subject.value, t.predicate.value): int(t.object.value) for t in triples
            }
    return share


@dataclass
class Shares:
    """The plans' shares added up as a build receives them, for materialise to write."""

    plans: set[str] = field(default_factory=set)  # the IRIs of the plans whose shares these are
    facts: dict[str, list[bytes]] = field(default_factory=dict)
    counts: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)

    def add(self, plans: Iterable[str], share: PlanShare) -> None:
        """Take in one plan's share (the plans with areas whose share it is: that one plan)."""
        self.plans.update(plans)
        for name, data in share.facts.items():
            self.facts.setdefault(name, []).append(data)
        for name, values in share.counts.items():
            self.counts.setdefault(name, Counter()).update(values)

    def missing(self, store: Store) -> set[NamedNode]:
        """The store's plans with areas that have no share here (none at all without shares)."""
        if not self.plans:
            return set()
        return plans_with_areas(store) - {NamedNode(p) for p in self.plans}


def materialise(
    store: Store, folder: Path = AGGREGATES_DIR, shares: Shares | None = None
) -> Materialised:
    """Recompute the aggregates graph from the rest of the store, replacing what was there.

    With the plans' shares, a per-plan query is asked only of the plans without one (the
    upstream plans a build makes itself), and its answer is added to the shares."""
    graph = NamedNode(AGGREGATES_GRAPH)
    if store.contains_named_graph(graph):
        store.remove_graph(graph)
    shares = shares or Shares()
    others = shares.missing(store)
    steps = []
    for query in aggregates(folder):
        t0 = time.perf_counter()
        if not (query.per_plan and shares.plans):
            quads = _in_graph(_construct(store, query.path, query.text))
        elif query.kind == "facts":
            given = shares.facts.get(query.path.stem, [])
            quads = _in_graph(parse(b"".join(given), format=RdfFormat.N_TRIPLES, lenient=True))
            if others:
                quads += _in_graph(_construct(store, query.path, query.for_plans(others)))
        else:
            totals = _counts(store, query, others) if others else Counter()
            for (s, p), n in shares.counts.get(query.path.stem, Counter()).items():
                totals[(NamedNode(s), NamedNode(p))] += n
            quads = [Quad(s, p, Literal(n), graph) for (s, p), n in sorted(totals.items(), key=str)]
        store.extend(quads)
        steps.append(Step(query.path.stem, len(quads), round(time.perf_counter() - t0, 3)))
    return Materialised(sum(s.triples for s in steps), steps)


def _in_graph(triples: Iterable) -> list[Quad]:
    graph = NamedNode(AGGREGATES_GRAPH)
    return [Quad(t.subject, t.predicate, t.object, graph) for t in triples]


def plans_with_areas(store: Store) -> set[NamedNode]:
    """The plans that have areas: those the per-plan queries are about."""
    has_area = NamedNode(PG + "hasArea")
    return {q.subject for q in store.quads_for_pattern(None, has_area, None)}  # type: ignore[misc]


def _subjects(store: Store, plans: set[NamedNode]) -> set[NamedNode]:
    """The plans, their areas and their goals: the subjects of the facts about them."""
    has_area, has_goal = NamedNode(PG + "hasArea"), NamedNode(PG + "hasGoal")
    areas = {q.object for p in plans for q in store.quads_for_pattern(p, has_area, None)}
    goals = {q.object for a in areas for q in store.quads_for_pattern(a, has_goal, None)}  # type: ignore[arg-type]
    return plans | areas | goals  # type: ignore[return-value]


def _facts(store: Store, plans: set[NamedNode]) -> set[Quad]:
    """The quads of the aggregates graph about the plans, their areas and their goals."""
    graph = NamedNode(AGGREGATES_GRAPH)
    return {
        q for s in _subjects(store, plans) for q in store.quads_for_pattern(s, None, None, graph)
    }


def realigned_plans(store: Store, links: Iterable[Quad]) -> set[NamedNode]:
    """The plans whose facts change with these pg:alignsWith triples added or removed: those of
    the links' source goals, for links to a goal of a national plan. The facts read pg:alignsWith
    only towards the national outline's goals (20-national-gaps, 30-local-additions), so a link
    between local goals (a peer link, matched again when its target goes) changes none."""
    has_area, has_goal, level = (NamedNode(PG + n) for n in ("hasArea", "hasGoal", "level"))
    national = NamedNode(PG + "National")

    def owners(goal: NamedNode) -> set[NamedNode]:
        areas = {q.subject for q in store.quads_for_pattern(None, has_goal, goal)}
        return {q.subject for a in areas for q in store.quads_for_pattern(None, has_area, a)}  # type: ignore[misc,arg-type]

    links = list(links)
    targets = {q.object for q in links}
    to_national = {
        t
        for t in targets
        if any(next(iter(store.quads_for_pattern(p, level, national)), None) for p in owners(t))  # type: ignore[arg-type]
    }
    return {p for q in links if q.object in to_national for p in owners(q.subject)}  # type: ignore[arg-type]


def _counts(store: Store, query: Aggregate, plans: set[NamedNode]) -> Counter[Key]:
    """The plans' share of a counts query."""
    share: Counter[Key] = Counter()
    for t in _construct(store, query.path, query.for_plans(plans)):
        share[(t.subject, t.predicate)] += int(t.object.value)
    return share


def share(store: Store, plans: Iterable[NamedNode], folder: Path = AGGREGATES_DIR) -> Share:
    """What the plans hold of the aggregates graph now (call before changing their graphs)."""
    plans = set(plans)
    found = Share()
    if not plans:
        return found
    found.facts = _facts(store, plans)
    for query in aggregates(folder):
        if query.kind == "counts":
            found.counts[query.path.stem] = _counts(store, query, plans)
    return found


def refresh(
    store: Store,
    before: Share,
    plans: Iterable[NamedNode],
    realigned: Iterable[NamedNode] = (),
    folder: Path = AGGREGATES_DIR,
) -> Materialised:
    """Bring the aggregates graph up to date after a change of some plans: `before` is what the
    changed plans held (share), `plans` the plans now written in their place, `realigned` other
    plans whose goals' alignments changed (their facts are recomputed, their counts kept)."""
    graph = NamedNode(AGGREGATES_GRAPH)
    plans = set(plans)
    recomputed = plans | set(realigned)
    for q in before.facts | (_facts(store, recomputed) if recomputed else set()):
        store.remove(q)
    steps = []
    for query in aggregates(folder):
        t0 = time.perf_counter()
        if query.kind == "facts":
            triples = (
                _construct(store, query.path, query.for_plans(recomputed)) if recomputed else []
            )
            quads = [Quad(t.subject, t.predicate, t.object, graph) for t in triples]
        else:
            old = before.counts.get(query.path.stem, Counter())
            quads = _recount(store, query, old, plans)
        store.extend(quads)
        steps.append(Step(query.path.stem, len(quads), round(time.perf_counter() - t0, 3)))
    return Materialised(sum(s.triples for s in steps), steps)


def _recount(
    store: Store, query: Aggregate, before: Counter[Key], plans: set[NamedNode]
) -> list[Quad]:
    """A counts query's totals with the old share taken off and the plans' new share added:
    the totals of the subjects concerned are removed from the store and returned anew."""
    graph = NamedNode(AGGREGATES_GRAPH)
    after = _counts(store, query, plans) if plans else Counter()
    changed = set(before) | set(after)
    predicates = {p for _, p in changed}
    totals: dict[NamedNode, dict[NamedNode, int]] = {}
    for s in {s for s, _ in changed}:
        totals[s] = {}
        for p in predicates:
            for q in list(store.quads_for_pattern(s, p, None, graph)):
                totals[s][p] = totals[s].get(p, 0) + int(q.object.value)  # type: ignore[union-attr]
                store.remove(q)
    for s, p in changed:
        totals[s][p] = totals[s].get(p, 0) + after[(s, p)] - before[(s, p)]
        if totals[s][p] < 0:
            raise ValueError(
                f"{query.path}: {p.value} of {s.value} would be {totals[s][p]}: the aggregates "
                "graph does not match the plans' share of it; rebuild the store (plangraph build)"
            )
    return [
        Quad(s, p, Literal(n), graph)
        for s, values in totals.items()
        if any(values.values())
        for p, n in values.items()
    ]
