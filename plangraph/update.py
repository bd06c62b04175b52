"""Replace, add or remove plans in the built store without rebuilding it (`plangraph build
--update FILE…`, `--remove KEY…`).

The change is made on a copy of the current store generation (queryapi.store.next_generation:
hard links, so the copy costs milliseconds whatever the store's size) and swapped in whole, so a
server's readers answer from the old generation until the new one is complete, and a failed
update changes nothing. What one plan changes:

- its graph (and the graphs of the plans its footnotes quote, which come from its document):
  dropped and written again, exactly as a full build writes them;
- the departments graph: its departments added; departments no plan refers to any more dropped;
- the vocabulary and cited graphs: additive (regions, indicators and cited works of a removed plan
  stay); a plan that now has a graph of its own loses its cited-only description, a removed one
  that others still cite gets one;
- the alignments starting at its goals: recomputed with derive.alignment.align against the
  national outline and the plans other documents' footnotes quote, its local additions matched
  against the canonical goals of every other plan (the peer index kept beside the store,
  PEERS_FILE, with those quoted plans), as if the plan came last in the corpus. A
  link of another plan pointing at one of its goals stays when that goal is still there (and,
  for a peer link, still a canonical goal); else a peer link is matched again, the same way, and
  any other kind is dropped (a full build finds it again);
- its rows of the full-text index;
- then the materialised aggregates (queryapi.aggregates): the old plans' facts and their share of
  the department-type counts taken out, those of the plans put in and of the other plans whose
  goals' alignments with the national outline changed computed for just those plans (all of
  them when a national plan changes, or when the store has none yet).

Validation is not run here (see `plangraph validate`). graphs/ (TriG files) is left as it is:
a full build writes it.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store

from derive.alignment import (
    Alignment,
    Alignments,
    GoalRef,
    PeerIndex,
    Quoting,
    align,
)
from ingest.corpus import CorpusEntry, entry_for, load_corpus
from ingest.model import Plan
from ontology.dataset import (
    ALIGNMENTS_GRAPH,
    CITED_GRAPH,
    DEPARTMENTS_GRAPH,
    ONTOLOGY_GRAPH,
    DatasetBuilder,
    KnownSlug,
    pg,
)
from ontology.namespaces import DCT, PGID, PREFIXES, PROV, RDF, RDFS, SKOS
from plangraph.peers import PEERS_FILE, load_peers, save_peers
from plangraph.pipeline import BuiltPlan, Ownership, _Builder, _Part, ownership, upstream_all
from plangraph.settings import Settings
from queryapi.aggregates import (
    AGGREGATES_GRAPH,
    Share,
    materialise,
    realigned_plans,
    refresh,
    share,
)
from queryapi.search import SEARCH_FILE, delta_path, update_index
from queryapi.store import StoreEdit, StoreError, next_generation, open_store, writing
from queryapi.validation import VALIDATION_FILE

ALIGNMENTS = NamedNode(ALIGNMENTS_GRAPH)
CITED = NamedNode(CITED_GRAPH)
DEPARTMENTS = NamedNode(DEPARTMENTS_GRAPH)
AGGREGATES = NamedNode(AGGREGATES_GRAPH)
TITLE = NamedNode(DCT + "title")
ALT_LABEL = NamedNode(SKOS + "altLabel")
TYPE = NamedNode(RDF + "type")
CITED_DESCRIPTION = {TYPE, TITLE, pg("level"), pg("jurisdiction"), pg("upstreamPlan")}
# The labels of the nodes named by a work_slug (DatasetBuilder.work_slug), and those IRIs
LABELS = (NamedNode(SKOS + "prefLabel"), NamedNode(RDFS + "label"), TITLE, ALT_LABEL)
SLUGGED = re.compile(re.escape(PGID) + r"(?:indicator/|actor/|work/|department/[a-z0-9-]+/unit-)")


@dataclass(frozen=True)
class UpdateResult:
    """What an update did: the plans put in, the graphs taken out, and the time of each step."""

    plans: list[BuiltPlan]
    removed: list[str]  # named graphs dropped (a replaced plan's graph is dropped, then written)
    store: Path
    links: int  # alignments written
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class _OldPlan:
    """A plan graph in the store that the update drops."""

    graph: NamedNode
    plan: NamedNode
    title: str


def _sources(paths: list[Path], remove: list[str], corpus: list[CorpusEntry]) -> set[str]:
    """The source file names whose plans the update drops: each document's and its corpus
    entry's (a .docx replacing a .txt), and each removed key's (or the name itself)."""
    names = set()
    for path in paths:
        names.add(path.name)
        if (entry := entry_for(path, corpus)) is not None:
            names.add(entry.path.name)
    by_key = {e.key: e for e in corpus}
    for key in remove:
        names.add(by_key[key].path.name if key in by_key else key)
    return names


def _old_plans(store: Store, sources: set[str], graphs: set[str]) -> list[_OldPlan]:
    """The plan graphs of the given documents (the plans derived from them: a document's own
    plan and the plans its footnotes quote), and the named graphs the update writes anew."""
    docs = " ".join(str(_document(s)) for s in sorted(sources))
    names = " ".join(str(NamedNode(g)) for g in sorted(graphs))
    query = f"""
    SELECT DISTINCT ?g ?plan ?title WHERE {{
      {{ VALUES ?doc {{ {docs} }} GRAPH ?g {{ ?plan prov:wasDerivedFrom ?doc }} }}
      UNION {{ VALUES ?g {{ {names} }} GRAPH ?g {{ ?plan a pg:Plan ; prov:wasDerivedFrom ?any }} }}
      GRAPH ?g {{ ?plan dcterms:title ?title }}
    }} ORDER BY ?g"""
    return [
        _OldPlan(s["g"], s["plan"], s["title"].value)  # type: ignore[arg-type,union-attr]
        for s in store.query(query, prefixes=PREFIXES)  # type: ignore[union-attr]
    ]


def _document(source: str) -> NamedNode:
    """The IRI of a source document, as the build names it."""
    return NamedNode(f"{PGID}document/{source}")


def _goals(store: Store, graph: NamedNode) -> list[NamedNode]:
    """The goals of a plan graph."""
    query = "SELECT ?goal WHERE { ?plan pg:hasArea/pg:hasGoal ?goal }"
    return [s["goal"] for s in store.query(query, prefixes=PREFIXES, default_graph=graph)]  # type: ignore[misc,union-attr]


def _links_from(store: Store, goal: NamedNode) -> list[NamedNode]:
    """The alignment nodes starting at a goal."""
    return [q.subject for q in store.quads_for_pattern(None, pg("fromGoal"), goal, ALIGNMENTS)]  # type: ignore[misc]


def _drop_link(store: Store, node: NamedNode, changed: set[Quad]) -> None:
    """An alignment node's quads, and its source's pg:alignsWith unless another link keeps it
    (noted in changed, for the aggregates)."""
    source = next(iter(store.quads_for_pattern(node, pg("fromGoal"), None, ALIGNMENTS)), None)
    target = next(iter(store.quads_for_pattern(node, pg("toGoal"), None, ALIGNMENTS)), None)
    for q in list(store.quads_for_pattern(node, None, None, ALIGNMENTS)):
        store.remove(q)
    if source is None or target is None:
        return
    others = [
        n
        for n in _links_from(store, source.object)  # type: ignore[arg-type]
        if next(iter(store.quads_for_pattern(n, pg("toGoal"), target.object, ALIGNMENTS)), None)
    ]
    if not others:
        aligns = Quad(source.object, pg("alignsWith"), target.object, ALIGNMENTS)  # type: ignore[arg-type]
        store.remove(aligns)
        changed.add(aligns)


def _number(node: NamedNode) -> int:
    """The number of an alignment node (…/goal/3/alignment/2 → 2)."""
    return int(node.value.rsplit("/", 1)[1])


def _has_title(store: Store, node: NamedNode) -> bool:
    return next(iter(store.quads_for_pattern(node, TITLE, None, None)), None) is not None


def _stated(store: Store, q: Quad) -> bool:
    """Whether the store says the quad's triple in some graph (see drop_restated)."""
    triple = store.quads_for_pattern(q.subject, q.predicate, q.object, None)
    return next(iter(triple), None) is not None


def _referenced(store: Store, node: NamedNode) -> bool:
    return next(iter(store.quads_for_pattern(None, None, node, None)), None) is not None


def known_slugs(store: Store) -> KnownSlug:
    """The work_slug of a text from the store: the end of the indicator, actor, work or unit
    IRI it labels (built from work_slug of that very label), or None for a text new to it;
    asked once a text (a plan names the same indicators and actors many times)."""

    @functools.cache
    def known(text: str) -> str | None:
        label = Literal(text, language="zh")
        for predicate in LABELS:
            for q in store.quads_for_pattern(None, predicate, label, None):
                if (slugged := SLUGGED.match(q.subject.value)) is not None:
                    return q.subject.value[slugged.end() :]
        return None

    return known


def _step(seconds: dict[str, float], name: str, started: float) -> float:
    now = time.perf_counter()
    seconds[name] = round(seconds.get(name, 0.0) + now - started, 4)
    return now


def update(
    settings: Settings,
    store_dir: Path,
    paths: Iterable[Path] = (),
    remove: Iterable[str] = (),
) -> UpdateResult:
    """Put the documents' plans into the built store in place of their old versions, and take
    the removed keys' plans out (see the module's docstring for what follows them).

    Every document is parsed before the store is touched, so a bad one raises PlanError and
    changes nothing; the store's writer lock is held throughout, so a concurrent build or update
    fails at once (StoreBusy)."""
    paths, remove = list(paths), list(remove)
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    with writing(store_dir):
        corpus = load_corpus(settings.corpus)
        own = ownership(settings)
        known = known_slugs(open_store(store_dir))
        builder = _Builder(corpus, own, sort=False, check=False, known=known)
        parts: list[_Part] = [builder.document(p) for p in paths]
        outline = upstream_all(settings)[0].plan if parts else None
        t = _step(seconds, "parse", t)
        with next_generation(store_dir) as edit:
            t = _step(seconds, "copy", t)
            (edit.generation / VALIDATION_FILE).unlink(missing_ok=True)  # `validate` goes whole
            changed = _change(
                edit, corpus, own, known, parts, outline, paths, remove, seconds, store_dir
            )
            t = time.perf_counter()
        _step(seconds, "swap", t)
    built = [p.plan for p in parts]
    removed = sorted({o.graph.value for o in changed.old})
    return UpdateResult(built, removed, store_dir, changed.links, seconds)


@dataclass(frozen=True)
class _Changed:
    old: list[_OldPlan]
    links: int


def _change(
    edit: StoreEdit,
    corpus: list[CorpusEntry],
    own: Ownership,
    known: KnownSlug,
    parts: list[_Part],
    outline: Plan | None,
    paths: list[Path],
    remove: list[str],
    seconds: dict[str, float],
    store_dir: Path,
) -> _Changed:
    """The update's change of the generation's copy (a function of its own so that no reference
    to the writable store outlives it: the store must be closed before the swap)."""
    t = time.perf_counter()
    store = edit.store
    old = _old_plans(store, _sources(paths, remove, corpus), {p.graph.iri for p in parts})
    for key in remove:
        if not any(_derived(store, s) for s in _sources([], [key], corpus)):
            raise StoreError(
                f"{key}: no plan of this corpus key or source file in {store_dir}; "
                "give a key of the corpus file or the name of a built document"
            )
    shared = DatasetBuilder(corpus, own.registry, known)
    peers = load_peers(edit.generation / PEERS_FILE)
    t = _step(seconds, "find", t)
    # What the old plans hold of the aggregates, taken off at the end (a national plan changes
    # every local plan's gaps: then they are all recomputed).
    old_plans = {o.plan for o in old}
    whole = not store.contains_named_graph(AGGREGATES) or _national(store, old_plans)
    held = Share() if whole else share(store, old_plans)
    t = _step(seconds, "aggregates", t)

    # Out: the old graphs, their alignments, the links into their goals noted.
    realigned: set[Quad] = set()  # pg:alignsWith removed or written
    old_goals = {g for o in old for g in _goals(store, o.graph)}
    incoming: list[NamedNode] = []  # links of other plans into the old goals
    for goal in sorted(old_goals, key=lambda n: n.value):
        for node in _links_from(store, goal):
            _drop_link(store, node, realigned)
        for q in store.quads_for_pattern(None, pg("toGoal"), goal, ALIGNMENTS):
            incoming.append(q.subject)  # type: ignore[arg-type]
    departments = {
        q.object
        for o in old
        for q in store.quads_for_pattern(None, pg("department"), None, o.graph)
    }
    described = [
        (o.plan, [q for q in store.quads_for_pattern(o.plan, None, None, o.graph)]) for o in old
    ]
    for o in old:
        store.remove_graph(o.graph)
    t = _step(seconds, "drop", t)

    # In: the new graphs (with their departments) and their shares of the shared graphs. Plain
    # (transactional) writes, not bulk ones: a plan is a few thousand quads, and the bulk loader
    # writes and ingests files for every index on each call (0.1-0.2 s a call, where these cost
    # a few hundredths and the one flush before the swap).
    for part in parts:
        store.load(part.graph.data, format=RdfFormat.N_QUADS, lenient=True)  # ours: see StoreLoad
        shared.merge(part.graph)
    quoted = [q for p in parts for q in p.alignment.quoted]
    for doc in quoted:
        shared.add_document(doc)
    new_plans = {NamedNode(n) for p in parts for n in p.graph.keys.values()}
    new_plans |= {shared.plan_iri(q.plan) for q in quoted}
    dataset = shared.finish()
    adds: list[Quad] = []
    for iri, buffer in dataset.graphs.items():
        if iri == ONTOLOGY_GRAPH:
            continue
        if iri != CITED_GRAPH:
            adds += buffer.quads
            continue
        for q in buffer.quads:  # what is described already gets its new names only
            if q.subject in new_plans:
                keep = q.predicate == ALT_LABEL
            elif _has_title(store, q.subject):  # type: ignore[arg-type]
                keep = q.predicate == ALT_LABEL or (q.predicate == TYPE and not _stated(store, q))
            else:
                keep = True
            if keep:
                adds.append(q)
    for node in new_plans:  # a plan with a graph of its own: no cited description
        for q in list(store.quads_for_pattern(node, None, None, CITED)):
            if q.predicate != ALT_LABEL:
                store.remove(q)
    store.extend(adds)
    for node, quads in described:  # a removed plan others still cite: described there
        if node not in new_plans and _referenced(store, node):
            store.extend(
                Quad(q.subject, q.predicate, q.object, CITED)
                for q in quads
                if q.predicate in CITED_DESCRIPTION
            )
    for dept in departments:
        if not _referenced(store, dept):  # type: ignore[arg-type]
            for q in list(store.quads_for_pattern(dept, None, None, DEPARTMENTS)):  # type: ignore[arg-type]
                store.remove(q)
    t = _step(seconds, "write", t)

    # Alignments: the new plans' own, then the links of others into the old goals.
    gone = {o.title for o in old}
    waiting = [
        e for title in sorted(gone) for e in peers.take_linked(title) if e.goal.ref.plan not in gone
    ]
    for title in gone:
        peers.versions.pop(title, None)
    plans = [p.alignment.plan for p in parts] + [q.plan for p in parts for q in p.alignment.quoted]
    peers.write(plan.title for plan in plans)
    kept = [e for e in peers.canonical if e.goal.ref.plan not in gone]
    for key in [k for k, q in peers.quoting.items() if q.title in gone]:
        del peers.quoting[key]
    known = list(peers.quoting.values())
    for p in parts:
        i = p.alignment
        if i.quoted:
            peers.quoting[i.plan.key] = Quoting(
                i.plan.key, i.plan.title, i.notes, [q.plan for q in i.quoted]
            )
    peers.canonical = []
    index = PeerIndex(kept)
    start = len(index.entries)
    links: list[Alignment] = []
    if parts and outline is not None:
        inputs = [p.alignment for p in parts]
        found_links = align(
            [i.plan for i in inputs],
            outline,
            [n for i in inputs for n in i.notes],
            [q.plan for i in inputs for q in i.quoted],
            index,
            known,
        )
        links = found_links.links
    writer = DatasetBuilder(corpus, own.registry)
    writer.add_alignments(Alignments(links))
    new_goals = {
        writer.goal_iri(GoalRef(plan.title, a.sequence, g.sequence))
        for p in parts
        for plan in [p.alignment.plan, *(q.plan for q in p.alignment.quoted)]
        for a in plan.areas
        for g in a.goals
    }
    for entry in waiting:
        if entry.canonical in index.canonical:
            index.entries.append(entry)  # its link still holds
            continue
        source = writer.goal_iri(entry.goal.ref)
        number = None
        for node in _links_from(store, source):
            method = next(iter(store.quads_for_pattern(node, pg("method"), None)), None)
            if method is not None and method.object == Literal("peer"):
                number = _number(node)
                _drop_link(store, node, realigned)
        link = index.match(entry.goal)
        if link is not None:
            total = len(_links_from(store, source))
            writer.add_alignment(link, number or total + 1)
            links.append(link)
    for node in incoming:  # other kinds of links into goals that are gone
        target = next(iter(store.quads_for_pattern(node, pg("toGoal"), None, ALIGNMENTS)), None)
        if target is not None and target.object not in new_goals:
            _drop_link(store, node, realigned)
    written = writer.dataset.graph(ALIGNMENTS_GRAPH).quads
    realigned |= {q for q in written if q.predicate == pg("alignsWith")}
    store.extend(written)
    peers.add(index.entries[:start])  # the canonical goals kept, in their order
    peers.add(index.entries[start:])
    save_peers(peers, edit.generation / PEERS_FILE)
    t = _step(seconds, "align", t)

    edit.own(delta_path(Path(SEARCH_FILE)).name)
    update_index(
        store,
        edit.generation / SEARCH_FILE,
        [o.plan.value for o in old],
        sorted(n.value for n in new_plans),
    )
    t = _step(seconds, "search", t)
    if whole or _national(store, new_plans):
        materialise(store)
    else:
        refresh(store, held, new_plans, realigned_plans(store, realigned))
    _step(seconds, "aggregates", t)
    return _Changed(old, len(links))


def _derived(store: Store, source: str) -> bool:
    """Whether the store has a plan built from the source document."""
    derived = NamedNode(PROV + "wasDerivedFrom")
    return next(iter(store.quads_for_pattern(None, derived, _document(source))), None) is not None


def _national(store: Store, plans: set[NamedNode]) -> bool:
    """Whether one of the plans is a national one (every local plan's gaps depend on it)."""
    national = pg("National")
    return any(
        next(iter(store.quads_for_pattern(p, pg("level"), national)), None) is not None
        for p in plans
    )
