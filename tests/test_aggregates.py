"""The facts materialised at build time (queryapi/aggregates.py) are what a direct query over the
plan and alignment graphs computes, on the four plans; they follow a change to the store when
recomputed; and the index-backed text search gives the .rq's rows."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad, Store

from ontology.namespaces import PREFIXES
from queryapi.aggregates import (
    AGGREGATES_GRAPH,
    aggregate_queries,
    aggregates,
    materialise,
    realigned_plans,
)
from queryapi.search import SEARCH_FILE, IndexWriter, build_index, index_rows_of
from queryapi.store import generation_dir, open_store, run_query
from queryapi.text_search import text_search
from tests.cookbook_answers import whole_corpus

ROOT = Path(__file__).resolve().parent.parent
PG = "https://w3id.org/plangraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LOCAL_PLANS = """
  { SELECT ?p ?plan WHERE {
      { SELECT DISTINCT ?p WHERE { ?p pg:hasArea ?x } }
      ?p dcterms:title ?plan ; pg:level ?level .
      FILTER(?level != pg:National)
      FILTER NOT EXISTS { ?p pg:hasArea/pg:hasGoal/pg:textStatus ?status } } }
"""
# The cookbook's queries as they were before the aggregates: computed from the graphs directly.
DIRECT = {
    "national-gaps": """SELECT ?plan ?area ?goal ?text WHERE {LOCAL_PLANS
      ?outline pg:level pg:National ; pg:hasArea ?na .
      ?na pg:hasGoal ?goal ; rdfs:label ?area .
      ?goal pg:text ?text .
      MINUS { ?p pg:hasArea/pg:hasGoal/pg:alignsWith ?goal } }""".replace(
        "LOCAL_PLANS", LOCAL_PLANS
    ),
    "local-additions": """SELECT ?plan ?goal ?text (COUNT(DISTINCT ?peer) AS ?peers) WHERE {LOCAL_PLANS
      ?p pg:hasArea/pg:hasGoal ?goal .
      ?goal pg:text ?text .
      MINUS { ?goal pg:alignsWith ?n . ?outline pg:level pg:National ; pg:hasArea/pg:hasGoal ?n }
      OPTIONAL { ?goal pg:alignsWith|^pg:alignsWith ?peer } }
      GROUP BY ?plan ?goal ?text""".replace("LOCAL_PLANS", LOCAL_PLANS),
    "area-counts": """SELECT ?plan ?seq ?area
      (COUNT(DISTINCT ?goal) AS ?goals) (COUNT(DISTINCT ?measure) AS ?measures) WHERE {
      ?p pg:hasArea ?a ; dcterms:title ?plan .
      ?a pg:sequence ?seq ; rdfs:label ?area .
      OPTIONAL { ?a pg:hasGoal ?goal }
      OPTIONAL { ?a pg:hasMeasure ?measure } }
      GROUP BY ?plan ?seq ?area""",
    "departments-by-load": """SELECT ?type (SUM(?isLead) AS ?leads) (SUM(1 - ?isLead) AS ?supports)
      WHERE {
      ?m a pg:Measure ; pg:hasResponsibility ?r .
      ?r pg:role ?role ; pg:department/pg:departmentType/skos:prefLabel ?type .
      FILTER(lang(?type) = "zh")
      BIND(IF(?role = pg:Lead, 1, 0) AS ?isLead) }
      GROUP BY ?type""",
}


def rows(store: Store, text: str) -> Counter[tuple]:
    result = run_query(store, text)
    return Counter(tuple(r) for r in result.rows)


def cookbook_rows(store: Store, name: str) -> Counter[tuple]:
    """The cookbook query's answer over every plan, as rows."""
    return Counter(tuple(r.values()) for r in whole_corpus(store, ROOT / "queries" / f"{name}.rq"))


@pytest.fixture(scope="module")
def store(built_store):
    return open_store(built_store)


@pytest.mark.parametrize("name", sorted(DIRECT))
def test_cookbook_answer_equals_the_direct_query(store, name):
    cookbook = (ROOT / "queries" / f"{name}.rq").read_text("utf-8")
    assert "pg:hasArea/pg:hasGoal/pg:textStatus" not in cookbook  # it reads the aggregates
    direct = rows(store, DIRECT[name])
    assert direct, name
    assert cookbook_rows(store, name) == direct


def test_every_aggregate_query_writes_something(store):
    counts = Counter()
    graph = NamedNode(AGGREGATES_GRAPH)
    for quad in store.quads_for_pattern(None, None, None, graph):
        counts[quad.predicate.value] += 1
    local_plans = rows(store, f"SELECT ?p WHERE {{ {LOCAL_PLANS} }}")
    assert counts[RDF_TYPE] > 0
    assert len(local_plans) == 4  # the four plans; not the outline nor the two quoted plans
    assert {p.stem for p in aggregate_queries()} >= {"10-local-plans", "20-national-gaps"}
    for prop in (
        "lacksNationalGoal",
        "goalCount",
        "measureCount",
        "leadMeasureCount",
        "targetPlanCount",
    ):
        assert counts[PG + prop] > 0, prop


INDICATOR_COUNTS = """SELECT ?iri ?label (COUNT(DISTINCT ?plan) AS ?plans)
    (COUNT(DISTINCT ?target) AS ?targets) WHERE {
  ?iri a pg:Indicator . OPTIONAL { ?iri skos:prefLabel ?label }
  ?target pg:indicator ?iri . ?item pg:hasTarget ?target . ?plan pg:hasArea ?area .
  { ?area pg:hasGoal ?item } UNION { ?area pg:hasMeasure ?item }
} GROUP BY ?iri ?label"""


def test_the_indicator_list_reads_what_it_used_to_count(store):
    listed = rows(store, (ROOT / "queryapi/rest/indicators.rq").read_text("utf-8"))
    assert len(listed) > 10
    assert listed == rows(store, INDICATOR_COUNTS)


def test_materialise_follows_a_change(store):
    """Recomputed after an alignment is removed, the gap and the local addition appear; the
    graph is replaced, not added to."""
    copy = Store()
    copy.extend(list(store.quads_for_pattern(None, None, None, None)))
    before = len(copy)
    materialise(copy)
    assert len(copy) == before  # the same facts again, nothing duplicated
    goal = NamedNode(
        "https://w3id.org/plangraph/id/plan/liuzhou-luzhai-women-2021-2030/area/1/goal/2"
    )
    aligned = list(copy.quads_for_pattern(goal, NamedNode(PG + "alignsWith"), None, None))
    national = [q for q in aligned if "china-women-outline" in q.object.value]
    assert national
    gaps_before = cookbook_rows(copy, "national-gaps")
    for q in national:
        copy.remove(q)
    materialise(copy)
    marker = Quad(
        goal, NamedNode(RDF_TYPE), NamedNode(PG + "LocalAddition"), NamedNode(AGGREGATES_GRAPH)
    )
    assert marker in copy
    gaps = cookbook_rows(copy, "national-gaps")
    assert gaps - gaps_before and not gaps_before - gaps
    assert {r[2] for r in gaps - gaps_before} == {q.object.value for q in national}
    assert rows(copy, DIRECT["national-gaps"]) == gaps


def test_a_builds_shares_make_the_whole_aggregates(store):
    """The build asks the per-plan queries of each plan's graph in its worker and adds up the
    answers (`# built: per plan`): the graph it writes is the one the whole queries give."""
    graph = NamedNode(AGGREGATES_GRAPH)
    built = set(store.quads_for_pattern(None, None, None, graph))
    copy = Store()
    copy.extend(list(store.quads_for_pattern(None, None, None, None)))
    materialise(copy)
    assert {q.subject for q in built if "area/" in q.subject.value}  # area counts, per plan
    assert set(copy.quads_for_pattern(None, None, None, graph)) == built
    assert [q.path.stem for q in aggregates() if q.per_plan] == [
        "10-local-plans",
        "40-area-counts",
        "50-department-load",
        "60-indicator-use",
    ]


def test_each_plans_share_adds_up_to_the_whole(store):
    """Run for each plan alone (its #plans: lines bound), a query's facts together are the whole
    query's, and its counts add up to the whole's totals: what an update relies on."""
    listing = "SELECT DISTINCT ?p WHERE { ?p pg:hasArea ?a }"
    found = store.query(listing, use_default_graph_as_union=True, prefixes=PREFIXES)
    plans = [s["p"] for s in found]
    assert len(plans) > 4  # the four plans, the outline and the plans Panyu quotes
    for query in aggregates():
        whole = Counter(construct(store, query.text))
        parts: Counter = Counter()
        for plan in plans:
            one = construct(store, query.for_plans([plan]))
            if query.kind == "facts":
                parts.update(one)
            else:
                parts.update({(s, p): int(o) for s, p, o in one})
        if query.kind == "counts":
            whole = Counter({(s, p): int(o) for s, p, o in whole})
        assert whole and parts == whole, query.path.name


def test_links_between_local_goals_change_no_fact(store):
    """Without its pg:alignsWith to goals of no national plan (peer links), the store has the
    same aggregates: what lets an update skip the plans whose peer links it matches again."""
    copy = Store()
    copy.extend(list(store.quads_for_pattern(None, None, None, None)))
    graph = NamedNode(AGGREGATES_GRAPH)
    before = set(copy.quads_for_pattern(None, None, None, graph))
    national = "SELECT ?n WHERE { ?o pg:level pg:National ; pg:hasArea/pg:hasGoal ?n }"
    goals = {
        s["n"] for s in copy.query(national, use_default_graph_as_union=True, prefixes=PREFIXES)
    }
    links = list(copy.quads_for_pattern(None, NamedNode(PG + "alignsWith"), None, None))
    local = [q for q in links if q.object not in goals]
    assert local and len(local) < len(links)
    for q in local:
        copy.remove(q)
    materialise(copy)
    assert set(copy.quads_for_pattern(None, None, None, graph)) == before
    assert realigned_plans(copy, local) == set()
    towards = [q for q in links if q.object in goals][:3]
    sources = {q.subject.value.split("/area/")[0] for q in towards}
    assert {p.value for p in realigned_plans(copy, towards)} == sources


def construct(store: Store, text: str) -> list[tuple[str, str, str]]:
    triples = store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES)
    return [(t.subject.value, t.predicate.value, t.object.value) for t in triples]


@pytest.mark.parametrize("word", ["母婴室", "孕产妇死亡率", "妇女", "宫颈癌", "不在任何规划里的词"])
def test_index_text_search_gives_the_rq_rows(store, built_store, word):
    text = (ROOT / "queries/text-search.rq").read_text("utf-8").replace('"母婴室"', f'"{word}"')
    result = run_query(store, text)
    direct = [dict(zip(result.variables, r, strict=True)) for r in result.rows]
    found = text_search(generation_dir(built_store) / SEARCH_FILE, word)
    assert Counter(tuple(r.values()) for r in found) == Counter(tuple(r.values()) for r in direct)
    assert [(r["title"], int(r["line"])) for r in found] == sorted(
        (r["title"], int(r["line"])) for r in direct
    )
    assert bool(found) == (word != "不在任何规划里的词")


def test_the_builds_forked_index_writer_writes_what_one_in_process_does(
    store, built_store, tmp_path
):
    import sqlite3

    def items(path: Path) -> list[tuple]:
        with sqlite3.connect(path) as db:
            return db.execute("SELECT * FROM items ORDER BY rowid").fetchall()

    rows = index_rows_of(store)
    writer = IndexWriter.forked(tmp_path / "forked.sqlite")
    writer.add(rows[:10])
    writer.start()
    writer.add(rows[10:])
    assert writer.close() == len(rows)
    assert sorted(items(tmp_path / "forked.sqlite")) == sorted(
        items(generation_dir(built_store) / SEARCH_FILE)
    )
    assert build_index(store, tmp_path / "here.sqlite") == len(rows)
    assert items(tmp_path / "here.sqlite") == items(tmp_path / "forked.sqlite")


def test_a_failing_index_process_names_the_file(store, tmp_path):
    missing = tmp_path / "no such folder" / "search.sqlite"
    writer = IndexWriter.forked(missing)
    writer.add(index_rows_of(store)[:5])
    with pytest.raises(OSError, match=re.escape(f"{missing}: cannot write the search index")):
        writer.close()
