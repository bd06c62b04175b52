"""The ontology implements the analysts' contract; the shapes catch broken data; the docs are fresh.

Real files only: ontology/*.ttl, docs/contract.md (the project's copy of the contract) and
docs/ontology.md; the SHACL tests validate a small hand-written graph of one plan.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import RdfFormat, parse
from pyshacl import validate as pyshacl_validate
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from rdflib.term import BNode, Literal, URIRef

from ontology import AREAS, ONTOLOGY, PG, PGID, SHAPES
from ontology.docs import DOCS, render_markdown
from queryapi.validation import validate_graph
from tests.shacl_keys import report_keys

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = (ROOT / "docs" / "contract.md").read_text("utf-8")
CONTRACT_TERMS = sorted(set(re.findall(r"\bpg:([A-Za-z]+)", CONTRACT)))
CONTRACT_CLASSES = sorted(
    {
        term
        for terms in re.findall(r"^\| (pg:[^|]+) \| class \|", CONTRACT, re.M)
        for term in re.findall(r"pg:([A-Za-z]+)", terms)
    }
)

P = rdflib.Namespace(PG)
ID = rdflib.Namespace(PGID)
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY)


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES)


@pytest.fixture(scope="module")
def areas() -> rdflib.Graph:
    return rdflib.Graph().parse(AREAS)


# --- the Turtle ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [ONTOLOGY, SHAPES, AREAS], ids=lambda p: p.name)
def test_turtle_parses_with_rdflib_and_pyoxigraph(path):
    in_rdflib = rdflib.Graph().parse(path, format="turtle")
    in_oxigraph = list(parse(path=str(path), format=RdfFormat.TURTLE))
    assert len(in_rdflib) > 50
    assert len(in_oxigraph) == len(in_rdflib)


@pytest.mark.parametrize("path", [ONTOLOGY, AREAS], ids=lambda p: p.name)
def test_published_vocabularies_have_no_blank_nodes(path):
    """They are copied into graphs/ontology.trig, which must be byte-stable across builds."""
    g = rdflib.Graph().parse(path)
    assert not [t for t in g if any(isinstance(x, BNode) for x in t)]


def test_ontology_header(ontology):
    onto = URIRef("https://w3id.org/plangraph/ontology")
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert str(ontology.value(onto, OWL.versionInfo)) == "0.1.0"
    vann = rdflib.Namespace("http://purl.org/vocab/vann/")
    assert str(ontology.value(onto, vann.preferredNamespacePrefix)) == "pg"
    dct = rdflib.Namespace("http://purl.org/dc/terms/")
    assert ontology.value(onto, dct.title) and ontology.value(onto, dct.description)


# --- the contract -------------------------------------------------------------------------------


def test_the_contract_names_its_terms():
    assert len(CONTRACT_TERMS) > 60
    assert {"Plan", "leadDepartment", "AtLeast", "NotComparable", "span"} <= set(CONTRACT_TERMS)
    assert {"Plan", "Area", "Goal", "Department", "Alignment"} <= set(CONTRACT_CLASSES)


def labelled(g: rdflib.Graph, term: URIRef) -> set[str]:
    return {lbl.language for lbl in g.objects(term, RDFS.label)}


@pytest.mark.parametrize("term", CONTRACT_TERMS)
def test_contract_term_is_defined_labelled_and_commented(ontology, term):
    iri = P[term]
    assert (iri, RDF.type, None) in ontology, f"pg:{term} is not defined"
    assert {"zh", "en"} <= labelled(ontology, iri), f"pg:{term} needs rdfs:label @zh and @en"
    assert any(c.language == "en" for c in ontology.objects(iri, RDFS.comment)), (
        f"pg:{term} needs an rdfs:comment @en"
    )


@pytest.mark.parametrize("term", CONTRACT_CLASSES)
def test_contract_classes_are_classes(ontology, term):
    assert (P[term], RDF.type, OWL.Class) in ontology


ENUMERATIONS = {
    "Level": ["National", "Provincial", "Municipal", "County"],
    "Comparator": ["AtLeast", "AtMost", "Approximately", "Exactly"],
    "Role": ["Lead", "Support"],
    "Basis": ["Stated", "Inferred"],
    "Comparison": ["Stricter", "Looser", "Same", "NotComparable"],
    "TextStatus": ["Confirmed", "Recalled"],
}


@pytest.mark.parametrize("cls", sorted(ENUMERATIONS))
def test_enumerations_are_exactly_their_individuals(ontology, cls):
    members = {str(s).removeprefix(PG) for s in ontology.subjects(RDF.type, P[cls])}
    assert members == set(ENUMERATIONS[cls])
    for m in members:
        assert (P[m], RDF.type, OWL.NamedIndividual) in ontology


def test_reused_vocabularies(ontology):
    org = rdflib.Namespace("http://www.w3.org/ns/org#")
    assert (P.Department, RDFS.subClassOf, org.Organization) in ontology
    assert (P.Plan, RDFS.subClassOf, PROV.Entity) in ontology
    for cls in ("Indicator", "AreaType", "DepartmentType"):
        assert (P[cls], RDFS.subClassOf, SKOS.Concept) in ontology
    for item in (
        "Goal",
        "Measure",
        "KeyProject",
        "ImplementationItem",
        "MonitoringItem",
        "Principle",
    ):
        assert (P[item], RDFS.subClassOf, P.Item) in ontology


def test_every_term_of_ours_is_labelled_and_commented_in_both_languages(ontology):
    ours = {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(PG)}
    assert len(ours) > 100
    for term in ours:
        assert {"zh", "en"} <= labelled(ontology, term), term
        assert {c.language for c in ontology.objects(term, RDFS.comment)} >= {"zh", "en"}, term


def test_properties_are_typed_and_ranged(ontology):
    props = set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty)
    )
    assert not set(ontology.subjects(RDF.type, OWL.ObjectProperty)) & set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty)
    )
    schema = rdflib.Namespace("http://schema.org/")
    for p in props:
        assert ontology.value(p, RDFS.range) or ontology.value(p, schema.rangeIncludes), p


def test_every_pg_term_the_shapes_use_is_defined(ontology, shapes):
    used = {x for t in shapes for x in t if isinstance(x, URIRef) and str(x).startswith(PG)}
    undefined = sorted(str(u) for u in used if (u, RDF.type, None) not in ontology)
    assert not undefined


# --- the areas scheme ---------------------------------------------------------------------------


SCHEMES = {
    "scheme/areas": (
        "妇女",
        {
            "1": ("area-type/health", "妇女与健康"),
            "2": ("area-type/education", "妇女与教育"),
            "3": ("area-type/economy", "妇女与经济"),
            "4": ("area-type/decision-making", "妇女参与决策和管理"),
            "5": ("area-type/social-security", "妇女与社会保障"),
            "6": ("area-type/family", "妇女与家庭建设"),
            "7": ("area-type/environment", "妇女与环境"),
            "8": ("area-type/law", "妇女与法律"),
        },
    ),
    "scheme/children-areas": (
        "儿童",
        {
            "1": ("area-type/children-health", "儿童与健康"),
            "2": ("area-type/children-safety", "儿童与安全"),
            "3": ("area-type/children-education", "儿童与教育"),
            "4": ("area-type/children-welfare", "儿童与福利"),
            "5": ("area-type/children-family", "儿童与家庭"),
            "6": ("area-type/children-environment", "儿童与环境"),
            "7": ("area-type/children-law", "儿童与法律保护"),
        },
    ),
}


@pytest.mark.parametrize("scheme_id", list(SCHEMES))
def test_areas_schemes_have_the_outlines_areas(areas, scheme_id):
    """The women's eight and the children's seven areas, each with its wording variants."""
    scheme = ID[scheme_id]
    word, want = SCHEMES[scheme_id]
    assert (scheme, RDF.type, SKOS.ConceptScheme) in areas
    assert {lbl.language for lbl in areas.objects(scheme, SKOS.prefLabel)} == {"zh", "en"}
    assert word + "发展纲要" in str(areas.value(scheme, rdflib.DCTERMS.source))
    concepts = set(areas.subjects(SKOS.inScheme, scheme))
    assert len(concepts) == len(want)
    assert concepts <= set(areas.subjects(RDF.type, P.AreaType))
    by_notation = {}
    for c in concepts:
        assert {lbl.language for lbl in areas.objects(c, SKOS.prefLabel)} == {"zh", "en"}
        assert (c, SKOS.topConceptOf, scheme) in areas
        assert areas.value(c, SKOS.definition).language == "en"
        zh = next(v for v in areas.objects(c, SKOS.prefLabel) if v.language == "zh")
        alts = {str(a) for a in areas.objects(c, SKOS.altLabel)}
        assert str(zh).removeprefix(word).removeprefix("与") in alts
        by_notation[str(areas.value(c, SKOS.notation))] = (str(c).removeprefix(PGID), str(zh))
    assert by_notation == want


# --- SHACL --------------------------------------------------------------------------------------

PLAN = "https://w3id.org/plangraph/id/plan/jiangmen-kaiping-women-2021-2030"

# One plan of the corpus as the builder writes it, cut down to one area, one goal with its target,
# one measure, their spans and the department that leads both.
DATA = f"""
@prefix pg: <{PG}> .
@prefix pgid: <{PGID}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix org: <http://www.w3.org/ns/org#> .

<{PLAN}> a pg:Plan ;
    dcterms:title "开平市妇女发展规划（2021—2030年）"@zh ;
    pg:level pg:County ;
    pg:jurisdiction pgid:region\\/kaiping ;
    pg:periodStart "2021"^^xsd:gYear ;
    pg:periodEnd "2030"^^xsd:gYear ;
    prov:wasDerivedFrom pgid:document\\/kaiping.txt ;
    pg:hasArea <{PLAN}/area/1> .

pgid:document\\/kaiping.txt a pg:SourceDocument ;
    pg:sourceFile "kaiping.txt" ;
    pg:sha256 "3b1f0c3c0e9a4d7d8f1b2a6c5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d" ;
    dcterms:format "txt" .

pgid:region\\/kaiping a pg:Region ; rdfs:label "开平市"@zh ; pg:level pg:County ;
    pg:partOf pgid:region\\/jiangmen .
pgid:region\\/jiangmen a pg:Region ; rdfs:label "江门市"@zh ; pg:level pg:Municipal .

<{PLAN}/area/1> a pg:Area ;
    rdfs:label "妇女与健康"@zh ;
    pg:sequence 1 ;
    pg:number "（一）" ;
    pg:areaType pgid:area-type\\/health ;
    pg:span <{PLAN}/area/1/span> ;
    pg:hasGoal <{PLAN}/area/1/goal/2> ;
    pg:hasMeasure <{PLAN}/area/1/measure/3> .

<{PLAN}/area/1/goal/2> a pg:Goal ;
    pg:sequence 2 ;
    pg:number "2" ;
    rdfs:label "孕产妇死亡率下降到8/10万以下"@zh ;
    pg:text "孕产妇死亡率下降到8/10万以下，城乡、区域差距逐步缩小。"@zh ;
    pg:span <{PLAN}/area/1/goal/2/span> ;
    pg:hasTarget <{PLAN}/area/1/goal/2/target/1> ;
    pg:leadDepartment pgid:department\\/kaiping\\/health ;
    pg:hasResponsibility <{PLAN}/area/1/goal/2/responsibility/1> .

<{PLAN}/area/1/goal/2/target/1> a pg:Target ;
    rdfs:label "孕产妇死亡率下降到8/10万以下"@zh ;
    pg:indicator pgid:indicator\\/yun-chan-fu-si-wang-lv ;
    pg:value 8.0 ;
    pg:unit "1/10万" ;
    pg:comparator pg:AtMost ;
    pg:targetYear "2030"^^xsd:gYear ;
    pg:span <{PLAN}/area/1/goal/2/target/1/span> .

<{PLAN}/area/1/measure/3> a pg:Measure ;
    pg:sequence 3 ;
    pg:number "3" ;
    rdfs:label "保障孕产妇安全分娩"@zh ;
    pg:text "保障孕产妇安全分娩。提倡住院分娩，住院分娩率保持在99%以上。"@zh ;
    pg:span <{PLAN}/area/1/measure/3/span> ;
    pg:supportsGoal <{PLAN}/area/1/goal/2> ;
    pg:leadDepartment pgid:department\\/kaiping\\/health ;
    pg:hasResponsibility <{PLAN}/area/1/measure/3/responsibility/1> .

<{PLAN}/area/1/goal/2/responsibility/1> a pg:Responsibility ;
    pg:department pgid:department\\/kaiping\\/health ;
    pg:role pg:Lead ;
    pg:basis pg:Inferred ;
    pg:confidence 0.82 ;
    pg:evidence "孕产妇死亡率"@zh .

<{PLAN}/area/1/measure/3/responsibility/1> a pg:Responsibility ;
    pg:department pgid:department\\/kaiping\\/health ;
    pg:role pg:Lead ;
    pg:basis pg:Inferred ;
    pg:confidence 0.9 ;
    pg:evidence "孕产妇"@zh , "住院分娩"@zh .

pgid:department\\/kaiping\\/health a pg:Department , org:Organization ;
    skos:prefLabel "开平市卫生健康局"@zh ;
    skos:altLabel "卫健局"@zh ;
    pg:departmentType pgid:department-type\\/health ;
    pg:jurisdiction pgid:region\\/kaiping .

pgid:department-type\\/health a pg:DepartmentType , skos:Concept ;
    skos:prefLabel "卫生健康"@zh , "Health"@en ;
    skos:inScheme pgid:scheme\\/department-types .

pgid:indicator\\/yun-chan-fu-si-wang-lv a pg:Indicator , skos:Concept ;
    skos:prefLabel "孕产妇死亡率"@zh ;
    skos:inScheme pgid:scheme\\/indicators .
"""

SPANS = {  # node → (start, end, line)
    "area/1": (412, 417, 23),
    "area/1/goal/2": (455, 486, 26),
    "area/1/goal/2/target/1": (455, 472, 26),
    "area/1/measure/3": (1203, 1236, 52),
}


def good_graph() -> rdflib.Graph:
    """The hand-written plan, with the shared area scheme as the store holds it."""
    g = rdflib.Graph().parse(data=DATA, format="turtle")
    for node, (start, end, line) in SPANS.items():
        span = URIRef(f"{PLAN}/{node}/span")
        g.add((span, RDF.type, P.SourceSpan))
        g.add((span, P.sourceFile, Literal("kaiping.txt")))
        g.add((span, P.inDocument, ID["document/kaiping.txt"]))
        g.add((span, P.startOffset, Literal(start)))
        g.add((span, P.endOffset, Literal(end)))
        g.add((span, P.startLine, Literal(line)))
    return g.parse(AREAS)


def shacl(data: rdflib.Graph) -> tuple[bool, set[tuple], str]:
    """Validate as `plangraph validate` does (the fast validator, ontology added); returns the
    verdict and (focus, path, component) of each result, as N-Triples terms, and the report."""
    report = validate_graph(data)
    return report.conforms, {r.key() for r in report.results}, report.text


def reference(data: rdflib.Graph, meta_shacl: bool = False) -> tuple[bool, set[tuple]]:
    """Validate with pySHACL as the project did before the fast validator (the reference)."""
    conforms, report, _ = pyshacl_validate(
        data,
        shacl_graph=rdflib.Graph().parse(SHAPES),
        ont_graph=rdflib.Graph().parse(ONTOLOGY),
        inference="none",
        advanced=True,
        meta_shacl=meta_shacl,
    )
    results = set(report_keys(report))
    return bool(conforms), results


def key(focus: URIRef, path: URIRef | None, component: URIRef) -> tuple[str, str | None, str]:
    """The (focus, path, component) of an expected result, in the form shacl() returns."""
    return (focus.n3(), path.n3() if path is not None else None, str(component))


GOAL = URIRef(f"{PLAN}/area/1/goal/2")
MEASURE = URIRef(f"{PLAN}/area/1/measure/3")
TARGET = URIRef(f"{PLAN}/area/1/goal/2/target/1")
GOAL_SPAN = URIRef(f"{PLAN}/area/1/goal/2/span")
RESPONSIBILITY = URIRef(f"{PLAN}/area/1/goal/2/responsibility/1")
DEPARTMENT = ID["department/kaiping/health"]


def test_the_hand_written_plan_conforms():
    conforms, results, text = shacl(good_graph())
    assert conforms, text
    assert not results


def test_the_shapes_are_valid_shacl_and_pyshacl_agrees_the_plan_conforms():
    """pySHACL checks the shapes graph against SHACL-SHACL (meta_shacl), which `shacl` does not."""
    conforms, results = reference(good_graph(), meta_shacl=True)
    assert conforms and not results


def drop(s, p) -> Callable[[rdflib.Graph], object]:
    return lambda g: g.remove((s, p, None))


def put(s, p, o) -> Callable[[rdflib.Graph], object]:
    return lambda g: g.set((s, p, o))


def add(s, p, o) -> Callable[[rdflib.Graph], object]:
    return lambda g: g.add((s, p, o))


# breakage → how to break the graph, and the (focus, path, component) it must report
BREAKAGES = {
    "goal without span": (drop(GOAL, P.span), (GOAL, P.span, SH.MinCountConstraintComponent)),
    "target comparator not in the list": (
        put(TARGET, P.comparator, P.Sometimes),
        (TARGET, P.comparator, SH.InConstraintComponent),
    ),
    "span with start equal to end": (
        put(GOAL_SPAN, P.endOffset, Literal(455)),
        (GOAL_SPAN, P.endOffset, SH.SPARQLConstraintComponent),
    ),
    "span with start after end": (
        put(GOAL_SPAN, P.endOffset, Literal(400)),
        (GOAL_SPAN, P.endOffset, SH.SPARQLConstraintComponent),
    ),
    "negative offset": (
        put(GOAL_SPAN, P.startOffset, Literal(-1)),
        (GOAL_SPAN, P.startOffset, SH.MinInclusiveConstraintComponent),
    ),
    "measure without lead department": (
        drop(MEASURE, P.leadDepartment),
        (MEASURE, P.leadDepartment, SH.SPARQLConstraintComponent),
    ),
    "goal without responsibility": (
        drop(GOAL, P.hasResponsibility),
        (GOAL, P.hasResponsibility, SH.SPARQLConstraintComponent),
    ),
    "confidence above 1": (
        put(RESPONSIBILITY, P.confidence, Literal("1.5", datatype=rdflib.XSD.decimal)),
        (RESPONSIBILITY, P.confidence, SH.MaxInclusiveConstraintComponent),
    ),
    "responsibility names a department and an actor": (
        add(RESPONSIBILITY, P.actor, ID["actor/yong-ren-dan-wei"]),
        (RESPONSIBILITY, None, SH.XoneConstraintComponent),
    ),
    "role not lead or support": (
        put(RESPONSIBILITY, P.role, P.Stated),
        (RESPONSIBILITY, P.role, SH.InConstraintComponent),
    ),
    "title without language": (
        put(URIRef(PLAN), rdflib.DCTERMS.title, Literal("开平市妇女发展规划（2021—2030年）")),
        (URIRef(PLAN), rdflib.DCTERMS.title, SH.DatatypeConstraintComponent),
    ),
    "level outside the four": (
        put(URIRef(PLAN), P.level, P.Township),
        (URIRef(PLAN), P.level, SH.InConstraintComponent),
    ),
    "ingested plan without its source document": (
        drop(URIRef(PLAN), PROV.wasDerivedFrom),
        (URIRef(PLAN), PROV.wasDerivedFrom, SH.QualifiedMinCountConstraintComponent),
    ),
    "period ends before it starts": (
        put(URIRef(PLAN), P.periodEnd, Literal("2020", datatype=rdflib.XSD.gYear)),
        (URIRef(PLAN), P.periodEnd, SH.SPARQLConstraintComponent),
    ),
    "area with two area types": (
        add(URIRef(f"{PLAN}/area/1"), P.areaType, ID["area-type/education"]),
        (URIRef(f"{PLAN}/area/1"), P.areaType, SH.MaxCountConstraintComponent),
    ),
    "department with two Chinese names": (
        add(DEPARTMENT, SKOS.prefLabel, Literal("开平市卫生和计划生育局", lang="zh")),
        (DEPARTMENT, SKOS.prefLabel, SH.QualifiedMaxCountConstraintComponent),
    ),
    "empty item text": (
        put(MEASURE, P.text, Literal("", lang="zh")),
        (MEASURE, P.text, SH.MinLengthConstraintComponent),
    ),
    "value not a decimal": (
        put(TARGET, P.value, Literal("8/10万")),
        (TARGET, P.value, SH.DatatypeConstraintComponent),
    ),
}


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_broken_data_is_a_violation_naming_what_broke(breakage):
    g = good_graph()
    brk, expected = BREAKAGES[breakage]
    brk(g)
    conforms, results, text = shacl(g)
    assert not conforms
    assert key(*expected) in results, text


def upstream_goal(g: rdflib.Graph) -> None:
    """The goal as an only-cited upstream plan has it: pg:textStatus and no owner."""
    g.remove((GOAL, P.leadDepartment, None))
    g.remove((GOAL, P.hasResponsibility, None))
    g.add((GOAL, P.textStatus, P.Recalled))


EQUIVALENCE_CASES = {
    "as written": lambda g: None,
    "upstream goal": upstream_goal,
    **{name: brk for name, (brk, _) in BREAKAGES.items()},
}


@pytest.mark.parametrize("case", list(EQUIVALENCE_CASES))
def test_the_fast_validator_gives_pyshacls_verdicts(case):
    """Same verdict, same (focus, path, component) of every result as pySHACL, the reference."""
    g = good_graph()
    EQUIVALENCE_CASES[case](g)
    conforms, results, text = shacl(g)
    assert (conforms, results) == reference(g), text


def test_upstream_goals_need_no_owner():
    """A goal of an only-cited upstream plan carries pg:textStatus and no responsibility."""
    g = good_graph()
    upstream_goal(g)
    conforms, _, text = shacl(g)
    assert conforms, text


def test_violations_read_well():
    g = good_graph()
    g.remove((MEASURE, P.leadDepartment, None))
    g.set((GOAL_SPAN, P.endOffset, Literal(455)))
    _, _, text = shacl(g)
    assert "has no lead department (pg:leadDepartment)" in text
    assert "start offset (455) is not before its end offset (455)" in text
    assert "Results (2):" in text
    assert (
        "Focus Node: <https://w3id.org/plangraph/id/plan/jiangmen-kaiping-women-2021-2030/area/1/measure/3>"
        in text
    )
    assert "Result Path: pg:leadDepartment" in text
    assert (
        "SPARQLConstraintComponent (http://www.w3.org/ns/shacl#SPARQLConstraintComponent)" in text
    )


def test_every_property_shape_is_named_and_explained(shapes):
    for prop in set(shapes.objects(None, SH.property)):
        assert shapes.value(prop, SH.name) and shapes.value(prop, SH.message), prop
    for constraint in set(shapes.objects(None, SH.sparql)):
        assert shapes.value(constraint, SH.message), constraint
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        assert shapes.value(shape, RDFS.label), shape


# --- the reference page -------------------------------------------------------------------------


def test_reference_page_is_fresh():
    assert DOCS.read_text("utf-8") == render_markdown(ONTOLOGY, SHAPES), (
        "docs/ontology.md is stale: run `python -m ontology.docs`"
    )


def test_reference_page_covers_every_term(ontology):
    page = render_markdown(ONTOLOGY, SHAPES)
    lines = page.splitlines()
    for kind, line in (
        (OWL.Class, "### pg:{}"),
        (OWL.ObjectProperty, "| pg:{} | object |"),
        (OWL.DatatypeProperty, "| pg:{} | datatype |"),
    ):
        for term in ontology.subjects(RDF.type, kind):
            assert line.format(str(term).removeprefix(PG)) in page, term
    for term in ontology.subjects(RDF.type, OWL.NamedIndividual):
        assert any(x.startswith(f"| pg:{str(term).removeprefix(PG)} | ") for x in lines), term
    for shape in (
        "pgs:PlanShape",
        "pgs:OwnedItemShape",
        "pgs:SourceSpanShape",
        "pgs:IngestedPlanShape",
    ):
        assert f"SHACL `{shape}`" in page
    assert "| 8 | pgid:area-type/law | 妇女与法律 | Women and the law |" in page
