"""Plan model → RDF dataset: one named graph per plan, shared vocabularies in their own graphs.

Output is deterministic: the same documents give the same quads, serialised in sorted order.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse, serialize

from derive.areas import area_schemes
from derive.departments import Jurisdiction, Registry
from ingest.citations import canonical_title
from ingest.corpus import CorpusEntry
from ingest.model import Area, Citation, Item, Note, Plan, Responsibility, Section, Span, Target
from ingest.parse import ParsedDocument
from ingest.regions import gazetteer
from ontology.iris import RegionNames, indicator_key, plan_level, work_slug
from ontology.namespaces import DCT, ORG, PG, PGID, PREFIXES, PROV, RDF, RDFS, SKOS, XSD

LEVELS = {
    "national": "National",
    "provincial": "Provincial",
    "municipal": "Municipal",
    "county": "County",
}
COMPARATORS = {
    "at_least": "AtLeast",
    "at_most": "AtMost",
    "approximately": "Approximately",
    "exactly": "Exactly",
}
ITEM_CLASSES = {
    "goal": "Goal",
    "measure": "Measure",
    "project": "KeyProject",
    "implementation": "ImplementationItem",
    "monitoring": "MonitoringItem",
    "principle": "Principle",
}

TEXT_STATUSES = {"confirmed": "Confirmed", "recalled": "Recalled"}

VOCABULARY_GRAPH = PGID + "graph/vocabulary"
CITED_GRAPH = PGID + "graph/cited"
DEPARTMENTS_GRAPH = PGID + "graph/departments"
ONTOLOGY_GRAPH = PGID + "graph/ontology"
SHARED_GRAPHS = {
    VOCABULARY_GRAPH: "vocabulary",
    CITED_GRAPH: "vocabulary",
    ONTOLOGY_GRAPH: "ontology",
}
ONTOLOGY_DIR = Path(__file__).resolve().parent

Term = NamedNode | Literal


@cache
def pg(name: str) -> NamedNode:
    """A term of the plangraph ontology."""
    return NamedNode(PG + name)


def pid(path: str) -> NamedNode:
    """A plangraph resource."""
    return NamedNode(PGID + path)


def typed(value: object, datatype: str) -> Literal:
    """A literal of an XSD datatype."""
    return Literal(str(value), datatype=NamedNode(XSD + datatype))


def zh(text: str) -> Literal:
    """A Chinese-language literal."""
    return Literal(text, language="zh")


A = NamedNode(RDF + "type")
LABEL = NamedNode(RDFS + "label")
PREF = NamedNode(SKOS + "prefLabel")
DERIVED = NamedNode(PROV + "wasDerivedFrom")


@dataclass
class GraphBuffer:
    """The triples of one named graph, kept as quads."""

    name: NamedNode
    quads: set[Quad] = field(default_factory=set)

    def add(self, s: NamedNode, p: NamedNode, o: Term | None) -> None:
        """Add a triple; a None object adds nothing."""
        if o is not None:
            self.quads.add(Quad(s, p, o, self.name))


@dataclass
class Dataset:
    """Named graphs by IRI."""

    graphs: dict[str, GraphBuffer] = field(default_factory=dict)

    def graph(self, iri: str) -> GraphBuffer:
        """The buffer of a named graph, created on first use."""
        if iri not in self.graphs:
            self.graphs[iri] = GraphBuffer(NamedNode(iri))
        return self.graphs[iri]

    def quads(self) -> list[Quad]:
        """Every quad, sorted for byte-identical output."""
        return sorted((q for g in self.graphs.values() for q in g.quads), key=str)

    def trig(self, iris: Iterable[str]) -> bytes:
        """The given graphs as TriG, deterministic."""
        return trig(q for i in iris for q in self.graphs[i].quads)


def trig(quads: Iterable[Quad]) -> bytes:
    """Quads as TriG with the project's prefixes, sorted: byte-identical for the same quads."""
    return serialize(sorted(quads, key=str), format=RdfFormat.TRIG, prefixes=PREFIXES)


@dataclass(frozen=True)
class PlanGraph:
    """One plan's named graph built apart from the others (in a worker process), as bytes that
    cross processes cheaply: the graph itself, and what the plan adds to the shared graphs."""

    iri: str
    data: bytes  # the plan's graph: sorted TriG (for graphs/), or N-Quads with its departments
    # (the departments graph's share of the plan, which the store merges: builds of thousands
    # of plans need not hold the departments of them all)
    sorted: bool  # data is sorted TriG
    quads: int
    shared: bytes  # N-Quads: the plan's regions, indicators, cited works, departments
    cited_titles: dict[str, frozenset[str]]  # cited resource → the titles it was cited by
    restated: bytes  # N-Quads: the plan node's own triples (see DatasetBuilder.drop_restated)

    @property
    def format(self) -> RdfFormat:
        """The syntax of data (pyoxigraph's formats do not pickle, so it is not a field)."""
        return RdfFormat.TRIG if self.sorted else RdfFormat.N_QUADS


class DatasetBuilder:
    """Turns parsed documents into a Dataset following the ontology contract."""

    def __init__(self, corpus: list[CorpusEntry], registry: Registry | None = None) -> None:
        self.corpus = {e.key: e for e in corpus}
        self.registry = registry or Registry()
        self.regions = RegionNames(corpus)
        self.dataset = Dataset()
        self.vocab = self.dataset.graph(VOCABULARY_GRAPH)
        self.cited = self.dataset.graph(CITED_GRAPH)
        self.cited_titles: dict[NamedNode, set[str]] = {}
        self.restated: set[tuple[NamedNode, NamedNode, Term]] = set()
        self.described: set[NamedNode] = set()  # departments whose triples are added

    # --- plans ------------------------------------------------------------------------------
    def plan_iri(self, plan: Plan) -> NamedNode:
        """The plan's IRI, the same whether it is ingested or only cited."""
        return pid("plan/" + self.regions.plan_slug(plan.title))

    def graph_iri(self, plan: Plan) -> str:
        """The named graph holding one ingested plan."""
        return PGID + "graph/" + self.regions.plan_slug(plan.title)

    def add_document(self, doc: ParsedDocument) -> str:
        """Add one parsed plan in its own named graph; returns the graph IRI."""
        plan = doc.plan
        g = self.dataset.graph(self.graph_iri(plan))
        node = self.plan_iri(plan)
        document = pid("document/" + plan.source)
        g.add(document, A, pg("SourceDocument"))
        g.add(document, pg("sourceFile"), Literal(plan.source))
        g.add(document, pg("sha256"), Literal(doc.sha256))
        g.add(document, NamedNode(DCT + "format"), Literal(doc.source.format))
        g.add(node, A, pg("Plan"))
        g.add(node, DERIVED, document)
        g.add(node, NamedNode(DCT + "title"), zh(plan.title))
        g.add(node, pg("level"), pg(LEVELS[plan.level]))
        g.add(node, pg("jurisdiction"), self.region(plan))
        if plan.kind:
            g.add(node, pg("areaScheme"), NamedNode(area_schemes()[plan.kind]))
        if plan.period_start:
            g.add(node, pg("periodStart"), typed(plan.period_start, "gYear"))
        if plan.period_end:
            g.add(node, pg("periodEnd"), typed(plan.period_end, "gYear"))
        if plan.issued:
            g.add(node, NamedNode(DCT + "issued"), typed(plan.issued, "date"))
        if plan.doc_number:
            g.add(node, NamedNode(DCT + "identifier"), Literal(plan.doc_number))
        if plan.issuer:
            g.add(node, pg("issuer"), zh(plan.issuer))
        if plan.comment:
            g.add(node, NamedNode(RDFS + "comment"), Literal(plan.comment, language="en"))
        base = node.value
        ctx = _Context(self, g, plan, document)
        for section in plan.sections:
            ctx.section(NamedNode(f"{base}/section/{section.key}"), node, section)
        for area in plan.areas:
            ctx.area(NamedNode(f"{base}/area/{area.sequence}"), node, area)
        ctx.items(node, "hasKeyProject", "project", plan.key_projects)
        ctx.items(node, "hasImplementationItem", "implementation", plan.implementation)
        ctx.items(node, "hasMonitoringItem", "monitoring", plan.monitoring)
        ctx.notes(node, plan.notes)
        self.restated |= {(q.subject, q.predicate, q.object) for q in g.quads if q.subject == node}
        return g.name.value

    def plan_graph(self, doc: ParsedDocument, sort: bool) -> PlanGraph:
        """Build one document apart, on a builder of its own: its graph and its share of the
        shared graphs, for merge() in the process that writes the store."""
        if self.dataset.graphs.keys() - {VOCABULARY_GRAPH, CITED_GRAPH}:
            raise ValueError("plan_graph needs a fresh builder: one document each")
        iri = self.add_document(doc)
        own = self.dataset.graphs.pop(iri).quads
        if sort:
            data = trig(own)
        else:  # for the store only: the plan's departments go straight in with its graph
            departments = self.dataset.graphs.pop(DEPARTMENTS_GRAPH, GraphBuffer(pid(""))).quads
            data = serialize(own | departments, format=RdfFormat.N_QUADS)
        shared = [q for g in self.dataset.graphs.values() for q in g.quads]
        restated = [Quad(s, p, o, NamedNode(iri)) for s, p, o in self.restated]
        return PlanGraph(
            iri=iri,
            data=data,
            sorted=sort,
            quads=len(own),
            shared=serialize(shared, format=RdfFormat.N_QUADS),
            cited_titles={n.value: frozenset(t) for n, t in self.cited_titles.items()},
            restated=serialize(restated, format=RdfFormat.N_QUADS),
        )

    def merge(self, part: PlanGraph) -> None:
        """Take in what a plan built apart adds to the shared graphs (its own graph goes to the
        store and graphs/ directly, never into this builder's dataset)."""
        for q in parse(part.shared, format=RdfFormat.N_QUADS):
            self.dataset.graph(q.graph_name.value).quads.add(q)  # type: ignore[union-attr]
        for node, titles in part.cited_titles.items():
            self.cited_titles.setdefault(NamedNode(node), set()).update(titles)
        self.restated |= {
            (q.subject, q.predicate, q.object)  # type: ignore[misc]
            for q in parse(part.restated, format=RdfFormat.N_QUADS)
        }

    def region_chain(self, plan: Plan) -> list[tuple[str, str, str | None]]:
        """The plan's region and its parents as (name, level, GB/T 2260 code), nearest first:
        names from the corpus entry where it gives them, everything else from the gazetteer."""
        if plan.level == "national":
            return [("中国", "national", None)]
        entry = self.corpus.get(plan.key)
        where = gazetteer().find(plan.region)
        parents = [(r.name, r.level, r.code) for r in where.parents] if where else []
        if entry and (entry.parent_region or entry.province):
            codes = {name: code for name, _, code in parents}
            stated = ((entry.parent_region, "municipal"), (entry.province, "provincial"))
            parents = [(n, lvl, codes.get(n)) for n, lvl in stated if n]
        elif plan.parent_region and not parents:
            parents = [(plan.parent_region, "municipal", None)]
        code = where.region.code if where else None
        return [(plan.region, plan.level, code), *parents, ("中国", "national", None)]

    def region(self, plan: Plan) -> NamedNode:
        """The plan's region with its parents and codes, in the vocabulary graph."""
        chain = self.region_chain(plan)
        nodes = [pid("region/" + self.regions.slug(name)) for name, _, _ in chain]
        for (name, level, code), r in zip(chain, nodes, strict=True):
            self.vocab.add(r, A, pg("Region"))
            self.vocab.add(r, LABEL, zh(name))
            self.vocab.add(r, pg("level"), pg(LEVELS[level]))
            self.vocab.add(r, pg("regionCode"), Literal(code) if code else None)
        for child, parent in itertools.pairwise(nodes):
            self.vocab.add(child, pg("partOf"), parent)
        return nodes[0]

    def province(self, plan: Plan) -> str | None:
        """The name of the plan's province, from the corpus entry or the gazetteer."""
        entry = self.corpus.get(plan.key)
        if entry and entry.province:
            return entry.province
        where = gazetteer().find(plan.region)
        return where.province.name if where and where.province else None

    def cited_work(self, title: str, kind: str) -> NamedNode:
        """The resource of a cited title; plans get the same IRI as when ingested."""
        canonical = canonical_title(title)
        if kind == "plan":
            node = pid("plan/" + self.regions.plan_slug(canonical))
            self.cited.add(node, A, pg("Plan"))
            level = plan_level(canonical)
            if level:
                self.cited.add(node, pg("level"), pg(LEVELS[level]))
        else:
            node = pid("work/" + work_slug(canonical))
            self.cited.add(node, A, pg("Law" if kind == "law" else "Work"))
        self.cited_titles.setdefault(node, set()).add(canonical)
        return node

    def indicator(self, phrase: str) -> NamedNode:
        """The shared indicator concept of a target's indicator phrase."""
        key = indicator_key(phrase)
        node = pid("indicator/" + work_slug(key))
        self.vocab.add(node, A, pg("Indicator"))
        self.vocab.add(node, A, NamedNode(SKOS + "Concept"))
        self.vocab.add(node, PREF, zh(key))
        self.vocab.add(node, NamedNode(SKOS + "inScheme"), pid("scheme/indicators"))
        return node

    def department(self, plan: Plan, kind: str) -> NamedNode:
        """The department of one function in the plan's jurisdiction (开平市卫生健康局); its
        triples are added once (a plan names the same departments hundreds of times)."""
        region = self.regions.slug(plan.region)
        node = pid(f"department/{region}/{kind}")
        if node in self.described:
            return node
        self.described.add(node)
        g = self.dataset.graph(DEPARTMENTS_GRAPH)
        dtype = self.registry[kind]
        city = plan.region if plan.level == "municipal" else plan.parent_region
        where = Jurisdiction(plan.region, city, self.province(plan))
        g.add(node, A, pg("Department"))
        g.add(node, A, NamedNode(ORG + "Organization"))
        g.add(node, PREF, zh(dtype.name(plan.level, where)))
        for short in dtype.short:
            g.add(node, NamedNode(SKOS + "altLabel"), zh(short))
        g.add(node, pg("departmentType"), self.department_type(kind))
        g.add(node, pg("jurisdiction"), pid("region/" + region))
        return node

    def unit(self, plan: Plan, name: str) -> NamedNode:
        """A stated department the registry cannot type, kept under its printed name."""
        region = self.regions.slug(plan.region)
        node = pid(f"department/{region}/unit-{work_slug(name)}")
        g = self.dataset.graph(DEPARTMENTS_GRAPH)
        g.add(node, A, pg("Department"))
        g.add(node, A, NamedNode(ORG + "Organization"))
        g.add(node, PREF, zh(name))
        g.add(node, pg("jurisdiction"), pid("region/" + region))
        return node

    def department_type(self, kind: str) -> NamedNode:
        """The shared concept of a department function (卫生健康 …)."""
        dtype = self.registry[kind]
        node = pid("department-type/" + kind)
        if node in self.described:
            return node
        self.described.add(node)
        g = self.dataset.graph(DEPARTMENTS_GRAPH)
        scheme = pid("scheme/department-types")
        g.add(node, A, pg("DepartmentType"))
        g.add(node, A, NamedNode(SKOS + "Concept"))
        g.add(node, PREF, zh(dtype.label_zh))
        g.add(node, PREF, Literal(dtype.label_en, language="en"))
        g.add(node, NamedNode(SKOS + "inScheme"), scheme)
        g.add(scheme, A, NamedNode(SKOS + "ConceptScheme"))
        g.add(scheme, PREF, zh("部门职能"))
        g.add(scheme, PREF, Literal("Department types", language="en"))
        return node

    def drop_restated(self) -> None:
        """Drop from the cited graph what a plan's own graph states (the national outline's
        title, type and level): the union default graph would return such a triple twice.

        The cited graph's subjects are plans and works (plan/…, work/…), and the only such
        subject a plan's graph has is the plan itself, so the plan nodes' own triples
        (self.restated, kept by add_document) are all that can be restated."""
        self.cited.quads = {
            q for q in self.cited.quads if (q.subject, q.predicate, q.object) not in self.restated
        }

    def finish(self) -> Dataset:
        """Add the ontology, the concept schemes and return the dataset."""
        onto = self.dataset.graph(ONTOLOGY_GRAPH)
        for name in ("plangraph.ttl", "areas.ttl"):
            for t in parse(path=str(ONTOLOGY_DIR / name), format=RdfFormat.TURTLE):
                onto.quads.add(Quad(t.subject, t.predicate, t.object, onto.name))
        for node, titles in self.cited_titles.items():
            title = max(titles, key=lambda t: (len(t), t))
            self.cited.add(node, NamedNode(DCT + "title"), zh(title))
            for other in titles - {title}:
                self.cited.add(node, NamedNode(SKOS + "altLabel"), zh(other))
        self.drop_restated()
        scheme = pid("scheme/indicators")
        self.vocab.add(scheme, A, NamedNode(SKOS + "ConceptScheme"))
        self.vocab.add(scheme, PREF, zh("指标"))
        self.vocab.add(scheme, PREF, Literal("Indicators", language="en"))
        return self.dataset


class _Context:
    """Adds one plan's nodes to its graph."""

    def __init__(self, builder: DatasetBuilder, g: GraphBuffer, plan: Plan, doc: NamedNode):
        self.b, self.g, self.plan, self.doc = builder, g, plan, doc
        self.plan_node = builder.plan_iri(plan)

    def span(self, node: NamedNode, span: Span) -> None:
        s = NamedNode(node.value + "/span")
        g = self.g
        g.add(node, pg("span"), s)
        g.add(s, A, pg("SourceSpan"))
        g.add(s, pg("sourceFile"), Literal(self.plan.source))
        g.add(s, pg("inDocument"), self.doc)
        g.add(s, pg("startOffset"), typed(span.start, "integer"))
        g.add(s, pg("endOffset"), typed(span.end, "integer"))
        g.add(s, pg("startLine"), typed(span.line, "integer"))

    def section(self, node: NamedNode, parent: NamedNode, section: Section) -> None:
        g = self.g
        g.add(parent, pg("hasSection"), node)
        g.add(node, A, pg("Section"))
        g.add(node, pg("sectionType"), Literal(section.key))
        g.add(node, LABEL, zh(section.title.replace(" ", "") or "序言"))
        g.add(node, pg("text"), zh(section.text))
        self.span(node, section.span)
        self.notes(node, section.notes)
        self.citations(node, section.citations)
        for item in section.items:
            it = NamedNode(f"{node.value}/item/{item.sequence}")
            g.add(node, pg("hasItem"), it)
            self.item(it, item, cite=False)

    def area(self, node: NamedNode, parent: NamedNode, area: Area) -> None:
        g = self.g
        g.add(parent, pg("hasArea"), node)
        g.add(node, A, pg("Area"))
        g.add(node, LABEL, zh(area.title))
        g.add(node, pg("sequence"), typed(area.sequence, "integer"))
        if area.number:
            g.add(node, pg("number"), Literal(area.number))
        if area.concept:
            g.add(node, pg("areaType"), pid("area-type/" + area.concept))
        self.span(node, area.span)
        self.notes(node, area.notes)
        self.items(node, "hasGoal", "goal", area.goals)
        self.items(node, "hasMeasure", "measure", area.measures)

    def items(self, parent: NamedNode, prop: str, kind: str, items: list[Item]) -> None:
        """Link a parent to its numbered items ({parent}/{kind}/{sequence}) and add each."""
        for item in items:
            node = NamedNode(f"{parent.value}/{kind}/{item.sequence}")
            self.g.add(parent, pg(prop), node)
            self.item(node, item)

    def item(self, node: NamedNode, item: Item, cite: bool = True) -> None:
        g = self.g
        g.add(node, A, pg(ITEM_CLASSES[item.kind]))
        g.add(node, pg("sequence"), typed(item.sequence, "integer"))
        if item.number is not None:
            g.add(node, pg("number"), Literal(item.number))
        g.add(node, LABEL, zh(item.label))
        g.add(node, pg("text"), zh(item.text))
        self.span(node, item.span)
        if item.status:
            g.add(node, pg("textStatus"), pg(TEXT_STATUSES[item.status]))
        if item.status_source:
            g.add(node, NamedNode(DCT + "source"), Literal(item.status_source))
        for k, target in enumerate(item.targets, 1):
            self.target(NamedNode(f"{node.value}/target/{k}"), node, target)
        self.notes(node, item.notes)
        if cite:
            self.citations(node, item.citations)
        for k, r in enumerate(item.responsibilities, 1):
            self.responsibility(NamedNode(f"{node.value}/responsibility/{k}"), node, r)

    def responsibility(self, node: NamedNode, item: NamedNode, r: Responsibility) -> None:
        g = self.g
        if r.department is None and r.unresolved:
            dept = self.b.unit(self.plan, r.actor or "")
            g.add(item, pg("hasResponsibility"), node)
            g.add(item, pg("leadDepartment" if r.role == "lead" else "supportingDepartment"), dept)
            g.add(node, A, pg("Responsibility"))
            g.add(node, pg("department"), dept)
            g.add(node, pg("role"), pg("Lead" if r.role == "lead" else "Support"))
            g.add(node, pg("basis"), pg("Stated"))
            g.add(node, pg("confidence"), typed(r.confidence, "decimal"))
            g.add(node, pg("evidence"), zh(r.evidence))
            return
        if r.department is None:
            actor = pid("actor/" + work_slug(r.actor or ""))
            g.add(item, pg("involvesActor"), actor)
            self.b.dataset.graph(DEPARTMENTS_GRAPH).add(actor, A, pg("GenericActor"))
            self.b.dataset.graph(DEPARTMENTS_GRAPH).add(actor, LABEL, zh(r.actor or ""))
            return
        dept = self.b.department(self.plan, r.department)
        g.add(item, pg("hasResponsibility"), node)
        g.add(item, pg("leadDepartment" if r.role == "lead" else "supportingDepartment"), dept)
        g.add(node, A, pg("Responsibility"))
        g.add(node, pg("department"), dept)
        g.add(node, pg("role"), pg("Lead" if r.role == "lead" else "Support"))
        g.add(node, pg("basis"), pg("Stated" if r.basis == "stated" else "Inferred"))
        g.add(node, pg("confidence"), typed(r.confidence, "decimal"))
        g.add(node, pg("evidence"), zh(r.evidence))

    def target(self, node: NamedNode, parent: NamedNode, t: Target) -> None:
        g = self.g
        g.add(parent, pg("hasTarget"), node)
        g.add(node, A, pg("Target"))
        g.add(node, LABEL, zh(t.phrase))
        g.add(node, pg("indicator"), self.b.indicator(t.indicator))
        g.add(node, pg("value"), typed(t.value, "decimal"))
        g.add(node, pg("unit"), Literal(t.unit))
        g.add(node, pg("comparator"), pg(COMPARATORS[t.comparator]))
        g.add(node, pg("targetYear"), typed(t.year, "gYear"))
        self.span(node, t.span)

    def notes(self, parent: NamedNode, notes: list[Note]) -> None:
        g = self.g
        for k, note in enumerate(notes, 1):
            node = NamedNode(f"{parent.value}/note/{k}")
            g.add(parent, pg("hasNote"), node)
            g.add(node, A, pg("Note"))
            g.add(node, pg("marker"), Literal(note.marker))
            g.add(node, pg("text"), zh(note.text))
            self.span(node, note.span)

    def citations(self, parent: NamedNode, citations: list[Citation]) -> None:
        g = self.g
        own = canonical_title(self.plan.title)
        for k, c in enumerate(citations, 1):
            node = NamedNode(f"{parent.value}/citation/{k}")
            work = self.b.cited_work(c.title, c.kind)
            g.add(parent, pg("hasCitation"), node)
            g.add(node, A, pg("Citation"))
            g.add(node, pg("citedWork"), work)
            g.add(node, pg("isBasis"), typed(str(c.basis).lower(), "boolean"))
            g.add(node, pg("sentence"), zh(c.sentence))
            self.span(node, c.span)
            if work == self.plan_node or canonical_title(c.title) == own:
                continue
            g.add(self.plan_node, pg("cites"), work)
            if c.kind == "plan" and c.basis:
                g.add(self.plan_node, pg("basedOn"), work)
            if c.kind == "plan" and self._is_predecessor(c.title):
                g.add(self.plan_node, pg("supersedes"), work)

    def _is_predecessor(self, title: str) -> bool:
        """The same region's plan on the same topic for the previous period."""
        mine = self.b.regions.plan_slug(self.plan.title)
        theirs = self.b.regions.plan_slug(title)
        if not self.plan.period_start:
            return False
        prev = f"{self.plan.period_start - 10}-{self.plan.period_start - 1}"
        return theirs == mine.rsplit("-", 2)[0] + "-" + prev


def build_dataset(
    docs: list[ParsedDocument],
    corpus: list[CorpusEntry],
    registry: Registry | None = None,
    upstream: list[ParsedDocument] | None = None,
) -> Dataset:
    """The whole dataset of the given parsed documents (owners named from the registry) and of
    the upstream plans shipped as data (the national outline), each in its own graph."""
    builder = DatasetBuilder(corpus, registry)
    for doc in [*(upstream or []), *docs]:
        builder.add_document(doc)
    return builder.finish()


def graph_file(iri: str) -> str:
    """The graphs/ file (without .trig) a named graph is written to: one per plan graph, one
    per group of shared graphs."""
    return SHARED_GRAPHS.get(iri) or iri.rsplit("/", 1)[-1]


class GraphFiles:
    """graphs/ as a build writes it, a plan at a time: the files go to a folder beside it and
    replace graphs/'s files when the block ends, so a failed build leaves graphs/ as it was.
    Files of graphs no longer in the dataset are removed: the folder mirrors the dataset."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.building = out.with_name(f".{out.name}.building-{os.getpid()}")
        self.names: dict[str, str] = {}  # graph IRI → file name
        self.written: list[Path] = []

    def __enter__(self) -> GraphFiles:
        shutil.rmtree(self.building, ignore_errors=True)
        self.building.mkdir(parents=True)
        return self

    def add(self, iri: str, trig_bytes: bytes) -> None:
        """Write one graph's file (sorted TriG, as PlanGraph.data is when sorted)."""
        self.names[iri] = graph_file(iri)
        (self.building / f"{self.names[iri]}.trig").write_bytes(trig_bytes)

    def add_dataset(self, dataset: Dataset) -> None:
        """Write a file per plan graph and per group of shared graphs of a dataset."""
        groups: dict[str, list[str]] = {}
        for iri in sorted(dataset.graphs):
            groups.setdefault(graph_file(iri), []).append(iri)
        for name, iris in groups.items():
            self.names.update(dict.fromkeys(iris, name))
            (self.building / f"{name}.trig").write_bytes(dataset.trig(iris))

    def __exit__(self, kind: object, error: object, tb: object) -> None:
        if kind is not None:
            shutil.rmtree(self.building, ignore_errors=True)
            return
        self.out.mkdir(parents=True, exist_ok=True)
        names = list(dict.fromkeys(self.names[iri] for iri in sorted(self.names)))
        self.written = [self.out / f"{name}.trig" for name in names]
        for name in names:
            os.replace(self.building / f"{name}.trig", self.out / f"{name}.trig")
        for stale in set(self.out.glob("*.trig")) - set(self.written):
            stale.unlink()
        shutil.rmtree(self.building, ignore_errors=True)


def write_graphs(dataset: Dataset, out: Path) -> list[Path]:
    """Write a TriG file per plan graph and per group of shared graphs; returns the files.

    Files of graphs no longer in the dataset are removed, so the folder mirrors the dataset."""
    with GraphFiles(out) as files:
        files.add_dataset(dataset)
    return files.written
