"""The pipeline end to end: documents → plan model → RDF dataset → store and graphs/."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import itertools
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import RdfFormat, Store, serialize

from derive import derive
from derive.alignment import (
    Alignments,
    GoalFeatures,
    GoalRef,
    Quoting,
    UpstreamNote,
    align,
    goals_of,
)
from derive.departments import Registry, load_registry
from derive.ownership import OwnerModel, load_lexicon
from derive.quoted import quoted_plans
from ingest.citations import canonical_title
from ingest.config import read_toml, shape_error
from ingest.corpus import CorpusEntry, load_corpus
from ingest.model import Plan
from ingest.parse import ParsedDocument, parse_document
from ingest.quotations import find_quotations
from ingest.upstream import read_outline
from ontology.dataset import (
    ALIGNMENTS_GRAPH,
    Dataset,
    DatasetBuilder,
    GraphFiles,
    KnownSlug,
    PlanGraph,
    build_dataset,
)
from ontology.iris import RegionNames
from plangraph.peers import PEERS_FILE, peer_state, save_peers
from plangraph.settings import Settings
from queryapi.aggregates import (
    AGGREGATES_GRAPH,
    PlanShare,
    Shares,
    materialise,
    plan_share,
    plans_with_areas,
)
from queryapi.search import SEARCH_FILE, IndexWriter, index_rows_of
from queryapi.store import BuildReport, new_store, writing
from queryapi.validation import VALIDATION_FILE, Violation, save_report
from queryapi.validation_parts import PlanVerdict, validate_plan, validate_rest, validate_shared

if TYPE_CHECKING:
    from concurrent.futures import Future


@dataclass(frozen=True)
class BuiltPlan:
    """One document a build read: its plan's key, its file and what it keeps but a reader
    should know (an area of no known type)."""

    key: str
    source: str
    warnings: list[str]


@dataclass(frozen=True)
class BuildResult:
    """What `plangraph build` did."""

    plans: list[BuiltPlan]
    store: BuildReport | None
    graph_files: list[Path]


Progress = Callable[[int, int], None]  # documents built so far, documents in all


@dataclass(frozen=True)
class Ownership:
    """The department registry and the owner-inference model built on it."""

    registry: Registry
    model: OwnerModel


def ownership(settings: Settings) -> Ownership:
    """The registry and model from the data files named in the settings."""
    read_toml(settings.departments, "PLANGRAPH_DEPARTMENTS")
    try:
        registry = load_registry(settings.departments)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise shape_error(settings.departments, "PLANGRAPH_DEPARTMENTS", err) from None
    read_toml(settings.lexicon, "PLANGRAPH_LEXICON")
    try:
        return Ownership(registry, OwnerModel(load_lexicon(settings.lexicon, registry)))
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise shape_error(settings.lexicon, "PLANGRAPH_LEXICON", err) from None


def parse_all(settings: Settings, paths: list[Path] | None = None) -> list[ParsedDocument]:
    """Parse the given documents (the corpus by default) and give every goal and measure its
    owners; the first bad document raises PlanError."""
    corpus = load_corpus(settings.corpus)
    model = ownership(settings).model
    docs = [parse_document(p, corpus) for p in (paths or [e.path for e in corpus])]
    for doc in docs:
        derive(doc.plan, model)
    return docs


def upstream_all(settings: Settings) -> list[ParsedDocument]:
    """The upstream plans shipped as data (the national outline), read and given area types;
    their goals get no owners: an upstream goal carries pg:textStatus instead."""
    doc = read_outline(settings.upstream)
    derive(doc.plan)
    return [doc]


def quoted_all(docs: list[ParsedDocument]) -> list[ParsedDocument]:
    """The provincial and city plans the documents' footnotes quote (the Panyu plan's quote the
    Guangdong and Guangzhou plans), as upstream plans whose goals are the quoted wordings."""
    return [up for doc in docs for up in quoted_plans(doc)]


@dataclass(frozen=True)
class AlignmentInput:
    """What alignment needs of one document: its plan's goals and citations (no measures, so
    that thousands of them stay small), what its footnotes say of the outline's goals, and the
    plans they quote."""

    plan: Plan
    notes: list[UpstreamNote]
    quoted: list[ParsedDocument]
    goals: list[GoalFeatures]  # goals_of(plan), made where the document was parsed


def alignment_input(doc: ParsedDocument) -> AlignmentInput:
    """The document's share of the alignment (see AlignmentInput)."""
    plan = doc.plan
    notes = [
        UpstreamNote(
            GoalRef(plan.title, q.area, q.goal),
            canonical_title(q.cited_title),
            q.wording,
            f"{q.local_plan} footnote {q.note}",
        )
        for q in find_quotations(plan)
    ]
    goals_only = dataclasses.replace(
        plan,
        sections=[],
        key_projects=[],
        implementation=[],
        monitoring=[],
        notes=[],
        areas=[dataclasses.replace(a, measures=[], notes=[]) for a in plan.areas],
    )
    return AlignmentInput(goals_only, notes, quoted_plans(doc), goals_of(goals_only))


def alignments_of(inputs: list[AlignmentInput], outline: Plan) -> Alignments:
    """The alignments of the documents' goals and of the goals their footnotes quote."""
    notes = [n for i in inputs for n in i.notes]
    quoted = [q.plan for i in inputs for q in i.quoted]
    features = {i.plan.title: i.goals for i in inputs}
    return align([i.plan for i in inputs], outline, notes, quoted, features=features)


@dataclass(frozen=True)
class CorpusAlignments:
    """The corpus's alignments, with the plans' titles by corpus key and the outline's title."""

    alignments: Alignments
    titles: dict[str, str]
    upstream: str


def alignments_for(settings: Settings) -> CorpusAlignments:
    """Parse the corpus and align its goals (no owners needed): for scoring the alignment."""
    corpus = load_corpus(settings.corpus)
    docs = [parse_document(e.path, corpus) for e in corpus]
    for doc in docs:
        derive(doc.plan)
    outline = upstream_all(settings)[0].plan
    found = alignments_of([alignment_input(d) for d in docs], outline)
    return CorpusAlignments(found, {d.plan.key: d.plan.title for d in docs}, outline.title)


def dataset_for(settings: Settings, docs: list[ParsedDocument]) -> Dataset:
    """The RDF dataset of parsed documents, of the upstream plans they cite and of the
    alignments of their goals with the national outline's, all in memory."""
    corpus = load_corpus(settings.corpus)
    registry = ownership(settings).registry
    outline = upstream_all(settings)
    inputs = [alignment_input(d) for d in docs]
    quoted = [q for i in inputs for q in i.quoted]
    links = alignments_of(inputs, outline[0].plan)
    return build_dataset(docs, corpus, registry, [*outline, *quoted], links)


@dataclass(frozen=True)
class PlanChecks:
    """What a build process derives from one plan's graph alone, while it has it: its rows of
    the search index, its share of the aggregates and its validation results."""

    plans: list[str]  # the IRIs of the plans with areas in it (the plan itself)
    rows: list[tuple[str, ...]]
    share: PlanShare
    verdict: PlanVerdict


def plan_checks(graph: PlanGraph) -> PlanChecks:
    """Ask the plan's graph (with its part of the shared graphs) in a store of its own (read
    leniently, as StoreLoad says why)."""
    store = Store()
    store.load(graph.data, format=graph.format, lenient=True)
    store.load(graph.shared, format=RdfFormat.N_QUADS, lenient=True)
    return PlanChecks(
        sorted(p.value for p in plans_with_areas(store)),
        index_rows_of(store),
        plan_share(store),
        validate_plan(store, graph.iri),
    )


@dataclass(frozen=True)
class _Part:
    """A document as a build process hands it back: what it was and its graph, as bytes."""

    plan: BuiltPlan
    graph: PlanGraph
    alignment: AlignmentInput
    checks: PlanChecks | None  # for a build into a store


@dataclass(frozen=True)
class _Builder:
    """What a process needs to turn a document into its plan graph."""

    corpus: list[CorpusEntry]
    own: Ownership
    sort: bool  # sorted TriG for graphs/, else N-Quads for the store only
    check: bool  # PlanChecks too: the build writes a store
    known: KnownSlug | None = None  # an update's slugs from the store (not for processes)

    @cached_property
    def regions(self) -> RegionNames:
        """The corpus's region names, made once for all the documents this builder reads."""
        return RegionNames(self.corpus)

    def part(self, doc: ParsedDocument) -> _Part:
        builder = DatasetBuilder(self.corpus, self.own.registry, self.known, self.regions)
        graph = builder.plan_graph(doc, self.sort)
        built = BuiltPlan(doc.plan.key, doc.plan.source, doc.plan.warnings)
        checks = plan_checks(graph) if self.check else None
        return _Part(built, graph, alignment_input(doc), checks)

    def document(self, path: Path) -> _Part:
        doc = parse_document(path, self.corpus)
        derive(doc.plan, self.own.model)
        return self.part(doc)


_worker: _Builder | None = None  # a build process's builder, set by _start_worker


def _start_worker(builder: _Builder) -> None:
    global _worker
    _worker = builder


def _work(path: Path) -> _Part:
    assert _worker is not None
    return _worker.document(path)


POOL_MIN_DOCUMENTS = 8  # fewer are parsed in the build's own process
FREEZE_EVERY = 100  # documents: what a build holds from them is moved out of the cyclic
# collector's sight (gc.freeze), which otherwise rescans it all at every full collection


@contextlib.contextmanager
def _parts(builder: _Builder, paths: list[Path], jobs: int) -> Iterator[Iterator[_Part]]:
    """The documents' parts in document order, parsed by `jobs` processes (in this one for a
    few documents); at most a few parts wait at a time, so memory stays flat."""
    if jobs <= 1 or len(paths) < POOL_MIN_DOCUMENTS:
        yield map(builder.document, paths)
        return
    import multiprocessing  # here: 20 ms of imports an update (one document) does without
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(builder,),
    )

    def ordered() -> Iterator[_Part]:
        waiting: deque[Future[_Part]] = deque()
        todo = iter(paths)
        for path in itertools.islice(todo, 4 * jobs):
            waiting.append(pool.submit(_work, path))
        while waiting:
            part = waiting.popleft().result()
            for path in itertools.islice(todo, 1):
                waiting.append(pool.submit(_work, path))
            yield part

    try:
        yield ordered()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _thawed_at_end() -> Iterator[None]:
    """Give what the block froze (FREEZE_EVERY) back to the cyclic collector when it ends."""
    try:
        yield
    finally:
        gc.unfreeze()


def build(
    settings: Settings,
    paths: list[Path] | None = None,
    store: Path | None = None,
    graphs: Path | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Parse, build the dataset, then write graphs/ and swap in a new store (either optional).

    Documents are parsed and turned into their plan graphs by settings.jobs processes, in
    document order, and each graph goes to the store and graphs/ as it comes: only the shared
    graphs (regions, indicators, cited works, departments) are held until the end. Each process
    also hands back what it found of its plan's graph (PlanChecks), so the search index, the
    aggregates and the verdict (validation.json beside the store) need no pass over the
    whole store. A bad document raises PlanError and leaves the store and graphs/ as they were.

    With a store, the store's writer lock is held from the start, so a second build into the
    same store fails at once (StoreBusy) instead of racing this one."""
    with writing(store) if store else contextlib.nullcontext(), _thawed_at_end():
        corpus = load_corpus(settings.corpus)
        sources = paths or [e.path for e in corpus]
        own = ownership(settings)
        builder = _Builder(corpus, own, sort=graphs is not None, check=store is not None)
        shared = DatasetBuilder(corpus, own.registry)
        jobs = settings.jobs or os.cpu_count() or 1
        plans: list[BuiltPlan] = []
        checked: _Checked | None = None

        def finish(built: Store, generation: Path) -> None:
            assert checked is not None
            checked.finish(built, generation)

        with (
            _parts(builder, sources, jobs) as parts,
            new_store(store, finish) if store else contextlib.nullcontext() as load,
            GraphFiles(graphs) if graphs else contextlib.nullcontext() as files,
        ):
            if load and load.generation:
                checked = _Checked(IndexWriter.forked(load.generation / SEARCH_FILE))

            def take(part: _Part) -> None:
                graph = part.graph
                shared.merge(graph)
                if files:
                    files.add(graph.iri, graph.data)
                if load:
                    load.add(graph.data, graph.format)
                if checked and part.checks:
                    checked.add(graph.iri, part.checks)

            outline = upstream_all(settings)
            for doc in outline:
                take(builder.part(doc))
            inputs: list[AlignmentInput] = []
            for part in parts:
                take(part)
                plans.append(part.plan)
                inputs.append(part.alignment)
                if progress:
                    progress(len(plans), len(sources))
                if len(plans) % FREEZE_EVERY == 0:
                    gc.freeze()
            if load:  # the last plans load while the shared graphs are made
                load.flush()
            if checked:  # the workers are done: the index takes the core they leave
                checked.index.start()
            for doc in (q for i in inputs for q in i.quoted):  # they point at the local goals
                shared.add_document(doc)
            links = alignments_of(inputs, outline[0].plan)
            shared.add_alignments(links)
            if load and load.generation and links.peers:  # for `build --update` (update.py)
                quoting = [
                    Quoting(i.plan.key, i.plan.title, i.notes, [q.plan for q in i.quoted])
                    for i in inputs
                    if i.quoted
                ]
                save_peers(peer_state(links.peers, quoting), load.generation / PEERS_FILE)
            dataset = shared.finish()
            for g in dataset.graphs.values():
                if load:
                    data = serialize(g.quads, format=RdfFormat.N_QUADS)
                    load.add(data, RdfFormat.N_QUADS)
                    if checked and g.name.value == ALIGNMENTS_GRAPH:  # the store's, whole
                        checked.held[g.name.value] = data
            if files:
                files.add_dataset(dataset)
    return BuildResult(plans, load.report if load else None, files.written if files else [])


@dataclass
class _Checked:
    """The plans' checks as a build receives them, and what it makes of them once the store
    is loaded: the search index, the aggregates graph and the recorded verdict."""

    index: IndexWriter
    shares: Shares = dataclasses.field(default_factory=Shares)
    graphs: set[str] = dataclasses.field(default_factory=set)
    typed: list[bytes] = dataclasses.field(default_factory=list)
    results: list[Violation] = dataclasses.field(default_factory=list)
    undecided: list[str] = dataclasses.field(default_factory=list)
    held: dict[str, bytes] = dataclasses.field(default_factory=dict)  # graphs as the store has them

    def add(self, graph: str, checks: PlanChecks) -> None:
        """Take in one plan's checks (its rows go to the index writer as they come)."""
        self.index.add(checks.rows)
        self.shares.add(checks.plans, checks.share)
        self.graphs.add(graph)
        self.typed.append(checks.verdict.typed)
        self.results.extend(checks.verdict.results)
        self.undecided.extend(checks.verdict.undecided)

    def finish(self, store: Store, generation: Path) -> None:
        """Derive from the loaded store what the plans' checks leave to do, and record it; the
        shared graphs but the aggregates are validated meanwhile, in a thread."""
        with ThreadPoolExecutor(max_workers=1) as pool:
            part = pool.submit(
                validate_shared, store, self.graphs, self.typed, self.held, [AGGREGATES_GRAPH]
            )
            materialise(store, shares=self.shares)
            others = sorted(p.value for p in self.shares.missing(store))
            if others:  # the upstream plans the build made itself (quoted in footnotes)
                self.index.add(index_rows_of(store, others))
            self.index.close()
            report = validate_rest(
                store, self.graphs, self.typed, self.results, self.undecided, part.result()
            )
        save_report(report, generation / VALIDATION_FILE)
