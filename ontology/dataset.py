"""Plan model → RDF dataset: one named graph per plan, shared vocabularies in their own graphs.

Output is deterministic: the same documents give the same quads, serialised in sorted order.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse, serialize

from derive.alignment import Alignment, Alignments, GoalRef
from derive.areas import area_schemes
from derive.departments import Jurisdiction, Registry
from ingest.citations import canonical_title, edition_title, regional_title, topic_plan
from ingest.corpus import CorpusEntry
from ingest.model import Area, Citation, Item, Note, Plan, Responsibility, Section, Span, Target
from ingest.parse import ParsedDocument
from ingest.regions import NATIONAL, gazetteer, region_level, title_region
from ontology.iris import RegionNames, indicator_key, work_slug
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
ALIGNMENTS_GRAPH = PGID + "graph/alignments"
ONTOLOGY_GRAPH = PGID + "graph/ontology"
SHARED_GRAPHS = {
    VOCABULARY_GRAPH: "vocabulary",
    CITED_GRAPH: "vocabulary",
    ONTOLOGY_GRAPH: "ontology",
    ALIGNMENTS_GRAPH: "alignments",
}
VERDICTS = {
    "stricter": "Stricter",
    "same": "Same",
    "looser": "Looser",
    "not_comparable": "NotComparable",
}
ONTOLOGY_DIR = Path(__file__).resolve().parent

Term = NamedNode | Literal
Chain = list[tuple[str, str, str | None]]  # (region name, level, GB/T 2260 code), nearest first
DERIVED_PLAN_NOTE = (
    "Known from the administrative chain only (the plan above one the corpus names, for the "
    "same topic and period): no document of the corpus cites it."
)


@dataclass
class PlanResource:
    """What the builder knows of one plan resource, ingested or cited: its canonical title,
    its region chain and whether a graph of its own describes it."""

    title: str
    chain: Chain
    own: bool = False  # a graph of its own describes it (its pg:upstreamPlan is said there)
    derived: bool = False  # implied by the chain of a plan below it, cited by no one


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
    plans: dict[str, PlanResource]  # plan resource IRI → what the builder knows of it
    keys: dict[str, str]  # plan key → plan IRI

    @property
    def format(self) -> RdfFormat:
        """The syntax of data (pyoxigraph's formats do not pickle, so it is not a field)."""
        return RdfFormat.TRIG if self.sorted else RdfFormat.N_QUADS


KnownSlug = Callable[[str], "str | None"]  # a text's work_slug as a built store has it, or None


class DatasetBuilder:
    """Turns parsed documents into a Dataset following the ontology contract."""

    def __init__(
        self,
        corpus: list[CorpusEntry],
        registry: Registry | None = None,
        known: KnownSlug | None = None,
        regions: RegionNames | None = None,
    ) -> None:
        self.regions = regions or RegionNames(corpus)  # a build's documents share one
        self.corpus = self.regions.entries
        self.registry = registry or Registry()
        self.known = known
        self.dataset = Dataset()
        self.vocab = self.dataset.graph(VOCABULARY_GRAPH)
        self.cited = self.dataset.graph(CITED_GRAPH)
        self.cited_titles: dict[NamedNode, set[str]] = {}  # the printed forms of each
        self.plans: dict[NamedNode, PlanResource] = {}
        self.based_on: dict[NamedNode, set[NamedNode]] = {}
        self.keys: dict[str, NamedNode] = {}  # plan key → plan IRI, of the plans added so far
        self.restated: set[tuple[NamedNode, NamedNode, Term]] = set()
        self.described: set[NamedNode] = set()  # departments whose triples are added

    def work_slug(self, text: str) -> str:
        """work_slug of an indicator key, actor, unit or cited work: the store's when an update
        names it (a known text needs no pinyin, whose dictionaries take 0.3 s to load)."""
        known = self.known(text) if self.known is not None else None
        return known if known is not None else work_slug(text)

    # --- plans ------------------------------------------------------------------------------
    def plan_iri(self, plan: Plan) -> NamedNode:
        """The plan's IRI, the same whether it is ingested or only cited."""
        return pid("plan/" + self.regions.plan_slug(plan.title))

    def goal_iri(self, ref: GoalRef) -> NamedNode:
        """The IRI of a goal named by its plan's title and its area's and its own sequence."""
        return pid(f"plan/{self.regions.plan_slug(ref.plan)}/area/{ref.area}/goal/{ref.goal}")

    def add_alignments(self, alignments: Alignments) -> None:
        """Each alignment as pg:alignsWith and its qualified pg:Alignment, in their own graph:
        they span plans, and are remade whenever any plan changes."""
        count: dict[NamedNode, int] = {}
        for a in alignments.links:
            source = self.goal_iri(a.source)
            count[source] = count.get(source, 0) + 1
            self.add_alignment(a, count[source])

    def add_alignment(self, a: Alignment, number: int) -> NamedNode:
        """One alignment, its node the `number`-th of its source goal's (1-based); the node."""
        g = self.dataset.graph(ALIGNMENTS_GRAPH)
        source, target = self.goal_iri(a.source), self.goal_iri(a.target)
        node = NamedNode(f"{source.value}/alignment/{number}")
        g.add(source, pg("alignsWith"), target)
        g.add(node, A, pg("Alignment"))
        g.add(node, pg("fromGoal"), source)
        g.add(node, pg("toGoal"), target)
        g.add(node, pg("score"), typed(a.score, "decimal"))
        g.add(node, pg("method"), Literal(a.method))
        g.add(node, pg("rationale"), Literal(a.evidence))
        if a.comparison:
            c = a.comparison
            g.add(node, pg("comparison"), pg(VERDICTS[c.verdict]))
            g.add(node, pg("fromTarget"), NamedNode(f"{source.value}/target/{c.from_target}"))
            if c.to_target:
                to = NamedNode(f"{target.value}/target/{c.to_target}")
                g.add(node, pg("toTarget"), to)
        return node

    def graph_iri(self, plan: Plan) -> str:
        """The named graph holding one ingested plan."""
        return PGID + "graph/" + self.regions.plan_slug(plan.title)

    def add_document(self, doc: ParsedDocument) -> str:
        """Add one parsed plan in its own named graph; returns the graph IRI."""
        plan = doc.plan
        g = self.dataset.graph(self.graph_iri(plan))
        node = self.plan_iri(plan)
        document = pid("document/" + plan.source)
        if plan.derived_from is None:  # else the local plan's graph describes the document
            g.add(document, A, pg("SourceDocument"))
            g.add(document, pg("sourceFile"), Literal(plan.source))
            g.add(document, pg("sha256"), Literal(doc.sha256))
            g.add(document, NamedNode(DCT + "format"), Literal(doc.source.format))
        else:
            self.keys[plan.key] = node
        g.add(node, A, pg("Plan"))
        g.add(node, DERIVED, document)
        g.add(node, NamedNode(DCT + "title"), zh(plan.title))
        g.add(node, pg("level"), pg(LEVELS[plan.level]))
        g.add(node, pg("jurisdiction"), self.region(plan))
        self.plans[node] = PlanResource(canonical_title(plan.title), self.region_chain(plan), True)
        self.keys.setdefault(plan.key, node)
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
        seen: Counter[str] = Counter()
        for section in plan.sections:  # a notice's untitled lead and a 序言 are both preambles
            seen[section.key] += 1
            n = seen[section.key]
            slug = section.key if n == 1 else f"{section.key}-{n}"
            ctx.section(NamedNode(f"{base}/section/{slug}"), node, section)
        for area in plan.areas:
            ctx.area(NamedNode(f"{base}/area/{area.sequence}"), node, area)
        ctx.items(node, "hasKeyProject", "project", plan.key_projects)
        ctx.items(node, "hasImplementationItem", "implementation", plan.implementation)
        ctx.items(node, "hasMonitoringItem", "monitoring", plan.monitoring)
        ctx.notes(node, plan.notes)
        self.link_upstream_of(node, g)
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
            plans={n.value: r for n, r in self.plans.items()},
            keys={k: n.value for k, n in self.keys.items()},
        )

    def merge(self, part: PlanGraph) -> None:
        """Take in what a plan built apart adds to the shared graphs (its own graph goes to the
        store and graphs/ directly, never into this builder's dataset); read leniently, as
        queryapi.store.StoreLoad says why."""
        for q in parse(part.shared, format=RdfFormat.N_QUADS, lenient=True):
            self.dataset.graph(q.graph_name.value).quads.add(q)  # type: ignore[union-attr]
        for node, titles in part.cited_titles.items():
            self.cited_titles.setdefault(NamedNode(node), set()).update(titles)
        self.restated |= {
            (q.subject, q.predicate, q.object)  # type: ignore[misc]
            for q in parse(part.restated, format=RdfFormat.N_QUADS, lenient=True)
        }
        for node, res in part.plans.items():
            known = self.plans.get(NamedNode(node))
            if known is None or (res.own and not known.own) or (known.derived and not res.derived):
                self.plans[NamedNode(node)] = res
        for key, node in part.keys.items():
            self.keys.setdefault(key, NamedNode(node))

    def region_chain(self, plan: Plan) -> Chain:
        """The plan's region and its parents, nearest first (see `chain`)."""
        return self.chain(plan.region, plan.level, plan.key, plan.parent_region)

    def chain(
        self, region: str, level: str, key: str | None = None, parent: str | None = None
    ) -> Chain:
        """A region and its parents as (name, level, GB/T 2260 code), nearest first: names from
        the corpus entry where it gives them, everything else from the gazetteer."""
        if level == "national":
            return [("中国", "national", None)]
        entry = self.corpus.get(key or "")
        where = gazetteer().find(region)
        parents = [(r.name, r.level, r.code) for r in where.parents] if where else []
        if entry and (entry.parent_region or entry.province):
            codes = {name: code for name, _, code in parents}
            stated = ((entry.parent_region, "municipal"), (entry.province, "provincial"))
            parents = [(n, lvl, codes.get(n)) for n, lvl in stated if n]
        elif parent and not parents:
            parents = [(parent, "municipal", None)]
        code = where.region.code if where else None
        return [(region, level, code), *parents, ("中国", "national", None)]

    def title_chain(self, title: str) -> Chain:
        """The region chain of a cited plan, from the region its title begins with: a corpus
        region (also by its short name, 番禺区 for 广州市番禺区), else the gazetteer's; [] when
        the title names no region."""
        t = canonical_title(title)
        if t.startswith(NATIONAL):
            return self.chain("中国", "national")
        entry = self.regions.entry_at_start(t)
        if entry:
            return self.chain(entry.region, entry.level or region_level(entry.region), entry.key)
        name = title_region(t) or self.named_region(t)
        return self.chain(name, region_level(name)) if name else []

    def named_region(self, title: str) -> str | None:
        """A region of the corpus's chains the title names anywhere, by full or short name
        (广东“十四五”规划纲要 → 广东省, 健康韶关行动 → 韶关市): the first, longest mention."""
        names = {n for n in self.regions.slugs if n not in NATIONAL and gazetteer().find(n)}
        hits = [
            (title.find(short), -len(short), name)
            for name in names
            for short in {name, re.sub(r"(?:自治区|省|市|县|区)$", "", name)}
            if len(short) >= 2 and short in title
        ]
        return min(hits)[2] if hits else None

    def region(self, plan: Plan) -> NamedNode:
        """The plan's region with its parents and codes, in the vocabulary graph."""
        return self.region_node(self.region_chain(plan))

    def region_node(self, chain: Chain) -> NamedNode:
        """The first region of a chain, with its parents and codes, in the vocabulary graph."""
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

    def cited_work(
        self,
        title: str,
        kind: str,
        period: tuple[int, int] | None = None,
        printed: str | None = None,
    ) -> NamedNode:
        """The resource of a cited title; plans get the same IRI as when ingested, whatever the
        variant (see canonical_title, edition_title: a period-less development plan is the one
        of the citing plan's period). Each printed form is kept for a skos:altLabel."""
        canonical = edition_title(title, period) if kind == "plan" else canonical_title(title)
        if kind == "plan":
            node = pid("plan/" + self.regions.plan_slug(canonical))
            self.cited.add(node, A, pg("Plan"))
            if node not in self.plans:
                self.plans[node] = PlanResource(canonical, self.title_chain(canonical))
        else:
            node = pid("work/" + self.work_slug(canonical))
            self.cited.add(node, A, pg("Law" if kind == "law" else "Work"))
        self.cited_titles.setdefault(node, set()).add(
            (printed or title) if kind == "plan" else canonical
        )
        return node

    def plan_node(self, title: str) -> NamedNode:
        """The plan resource of a canonical title."""
        return pid("plan/" + self.regions.plan_slug(title))

    def link_upstream(self) -> None:
        """pg:upstreamPlan from every development plan to the next plan up its region chain, for
        the same topic and period (county → city → province → the national outline): the plan
        its basis citations name at that region, else the one the chain implies (made a
        resource when no one cites it). Plans are visited until no new one is implied."""
        done: set[NamedNode] = set()
        while todo := sorted(set(self.plans) - done, key=lambda n: n.value):
            for node in todo:
                done.add(node)
                res = self.plans[node]
                if res.own or len(res.chain) < 2 or not topic_plan(res.title):
                    continue  # a plan with a graph of its own got its link as it was added
                self.cited.add(node, pg("upstreamPlan"), self.upstream_of(node, res))

    def link_upstream_of(self, node: NamedNode, g: GraphBuffer) -> None:
        """pg:upstreamPlan of a plan with a graph of its own, said in that graph (see
        link_upstream): its basis citations are known once the plan is added."""
        res = self.plans[node]
        if len(res.chain) >= 2 and topic_plan(res.title):
            g.add(node, pg("upstreamPlan"), self.upstream_of(node, res))

    def upstream_of(self, node: NamedNode, res: PlanResource) -> NamedNode:
        """The plan one step up from a plan resource (see link_upstream)."""
        name, level, _ = res.chain[1]
        named = sorted(
            (b for b in self.based_on.get(node, ()) if self.plans[b].chain[:1] == res.chain[1:2]),
            key=lambda n: n.value,
        )
        if named:
            return named[0]
        title = regional_title(res.title, name, level == "national")
        up = self.plan_node(title)
        if up not in self.plans:
            self.plans[up] = PlanResource(title, res.chain[1:], derived=True)
        return up

    def describe_plans(self) -> None:
        """In the cited graph: the canonical title, level and jurisdiction of each plan with no
        graph of its own; for every plan, the printed forms of its title as skos:altLabel."""
        for node, res in self.plans.items():
            printed = self.cited_titles.get(node, set())
            if not res.own:
                self.cited.add(node, A, pg("Plan"))
                self.cited.add(node, NamedNode(DCT + "title"), zh(res.title))
                if res.chain:
                    self.cited.add(node, pg("level"), pg(LEVELS[res.chain[0][1]]))
                    self.cited.add(node, pg("jurisdiction"), self.region_node(res.chain))
                if res.derived:
                    comment = Literal(DERIVED_PLAN_NOTE, language="en")
                    self.cited.add(node, NamedNode(RDFS + "comment"), comment)
            for title in sorted(printed - {res.title}):
                self.cited.add(node, NamedNode(SKOS + "altLabel"), zh(title))

    def indicator(self, phrase: str) -> NamedNode:
        """The shared indicator concept of a target's indicator phrase."""
        key = indicator_key(phrase)
        node = pid("indicator/" + self.work_slug(key))
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
        node = pid(f"department/{region}/unit-{self.work_slug(name)}")
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
        self.link_upstream()
        self.describe_plans()
        for node, titles in self.cited_titles.items():
            if node in self.plans:
                continue
            title = max((canonical_title(t) for t in titles), key=lambda t: (len(t), t))
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
        ends = (plan.period_start, plan.period_end)
        self.period = (ends[0], ends[1]) if ends[0] and ends[1] else None

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
        if item.quoted_for:
            key, area, goal = item.quoted_for
            local = self.b.keys.get(key)
            if local is not None:
                g.add(node, DERIVED, NamedNode(f"{local.value}/area/{area}/goal/{goal}"))
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
            actor = pid("actor/" + self.b.work_slug(r.actor or ""))
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
            self.citations(node, note.citations)

    def citations(self, parent: NamedNode, citations: list[Citation]) -> None:
        g = self.g
        own = canonical_title(self.plan.title)
        period = self.period
        for k, c in enumerate(citations, 1):
            node = NamedNode(f"{parent.value}/citation/{k}")
            work = self.b.cited_work(c.title, c.kind, period, c.title + (c.draft or ""))
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
                self.b.based_on.setdefault(self.plan_node, set()).add(work)
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
    alignments: Alignments | None = None,
) -> Dataset:
    """The whole dataset of the given parsed documents (owners named from the registry), of
    the upstream plans (the national outline shipped as data, the plans quoted in footnotes),
    each in its own graph, and of the alignments between their goals."""
    builder = DatasetBuilder(corpus, registry)
    for doc in [*docs, *(upstream or [])]:  # local plans first: quoted goals point at theirs
        builder.add_document(doc)
    if alignments:
        builder.add_alignments(alignments)
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
