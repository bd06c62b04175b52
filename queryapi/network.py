"""The department–measure network (networkx): load, co-ownership and centrality, per plan and
overall, read from the store with SPARQL."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from pyoxigraph import Store

from queryapi.store import run_query

RESPONSIBILITIES = """
SELECT ?plan ?planTitle ?item ?itemLabel ?kind ?dept ?deptLabel ?type ?role ?confidence WHERE {
  ?plan a pg:Plan ; dcterms:title ?planTitle ; pg:hasArea ?area .
  { ?area pg:hasMeasure ?item . BIND("measure" AS ?kind) }
  UNION { ?area pg:hasGoal ?item . BIND("goal" AS ?kind) }
  ?item rdfs:label ?itemLabel ; pg:hasResponsibility ?r .
  ?r pg:department ?dept ; pg:role ?roleNode ; pg:confidence ?confidence .
  ?dept skos:prefLabel ?deptLabel ; pg:departmentType/skos:prefLabel ?type .
  FILTER(lang(?type) = "zh")
  BIND(IF(?roleNode = pg:Lead, "lead", "support") AS ?role)
}
"""


@dataclass(frozen=True)
class DepartmentLoad:
    """One department's share of the work in one scope (a plan, or all plans)."""

    department: str
    type: str
    lead: int
    support: int
    co_owners: int
    degree_centrality: float
    betweenness: float


@dataclass(frozen=True)
class NetworkReport:
    """The network of one scope: departments by load, and the most shared pairs."""

    scope: str  # the plan's title, or "all plans"
    key: str  # the plan's IRI slug, or "all"
    measures: int
    departments: list[DepartmentLoad]
    shared_pairs: list[tuple[str, str, int]]
    graph: nx.Graph


def responsibility_rows(
    store: Store, kinds: tuple[str, ...] = ("measure",)
) -> list[dict[str, str]]:
    """Every responsibility of the given item kinds, one dict a row."""
    result = run_query(store, RESPONSIBILITIES)
    rows = [dict(zip(result.variables, r, strict=True)) for r in result.rows]
    return [r for r in rows if r["kind"] in kinds]


def network(rows: list[dict[str, str]], scope: str, key: str) -> NetworkReport:
    """The bipartite department–item graph of some rows and its department projection."""
    g = nx.Graph()
    for r in rows:
        g.add_node(r["dept"], bipartite="department", label=r["deptLabel"], type=r["type"])
        g.add_node(r["item"], bipartite="item", label=r["itemLabel"], plan=r["planTitle"])
        g.add_edge(r["dept"], r["item"], role=r["role"], confidence=float(r["confidence"]))
    depts = sorted(n for n, d in g.nodes(data=True) if d["bipartite"] == "department")
    co = nx.bipartite.weighted_projected_graph(g, depts) if depts else nx.Graph()
    degree = nx.degree_centrality(co) if len(co) > 1 else dict.fromkeys(co, 0.0)
    between = nx.betweenness_centrality(co, weight=None) if len(co) > 2 else dict.fromkeys(co, 0.0)
    roles = Counter((r["dept"], r["role"]) for r in rows)
    loads = [
        DepartmentLoad(
            department=g.nodes[d]["label"],
            type=g.nodes[d]["type"],
            lead=roles[(d, "lead")],
            support=roles[(d, "support")],
            co_owners=co.degree(d),
            degree_centrality=round(degree.get(d, 0.0), 4),
            betweenness=round(between.get(d, 0.0), 4),
        )
        for d in depts
    ]
    loads.sort(key=lambda x: (-(x.lead + x.support), -x.lead, x.department))
    pairs = sorted(
        (
            (g.nodes[a]["label"], g.nodes[b]["label"], w["weight"])
            for a, b, w in co.edges(data=True)
        ),
        key=lambda p: (-p[2], p[0], p[1]),
    )
    items = sum(1 for _, d in g.nodes(data=True) if d["bipartite"] == "item")
    return NetworkReport(scope, key, items, loads, pairs, g)


def reports(store: Store, kinds: tuple[str, ...] = ("measure",)) -> list[NetworkReport]:
    """One report per plan, then one over all plans."""
    rows = responsibility_rows(store, kinds)
    plans = sorted({(r["planTitle"], r["plan"]) for r in rows})
    out = [
        network([r for r in rows if r["plan"] == iri], title, iri.rsplit("/", 1)[-1])
        for title, iri in plans
    ]
    by_type = [r | {"dept": "type:" + r["type"], "deptLabel": r["type"]} for r in rows]
    return [*out, network(by_type, "all plans, by department type", "all")]


def write_graphml(report: NetworkReport, path: Path) -> None:
    """The bipartite network as GraphML (opens in Gephi, yEd, Cytoscape)."""
    nx.write_graphml(report.graph, path)
