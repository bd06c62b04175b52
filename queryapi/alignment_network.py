"""The goal-alignment network (networkx), read from the store: clusters of equivalent goals with
one canonical goal each, and the way up from any goal to the national outline."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass

import networkx as nx
from pyoxigraph import Store

from queryapi.store import run_query

LEVEL_RANK = {"County": 0, "Municipal": 1, "Provincial": 2, "National": 3}

GOALS = """
SELECT ?goal ?plan ?planTitle ?level ?area ?text WHERE {
  ?plan pg:hasArea ?a ; dcterms:title ?planTitle ; pg:level ?l .
  ?a pg:hasGoal ?goal ; rdfs:label ?area .
  ?goal pg:text ?text .
  BIND(STRAFTER(STR(?l), "#") AS ?level)
}
"""

LINKS = """
SELECT ?from ?to ?score ?method ?rationale ?verdict ?fromTarget ?toTarget WHERE {
  ?x a pg:Alignment ; pg:fromGoal ?from ; pg:toGoal ?to ; pg:score ?score ;
     pg:method ?method ; pg:rationale ?rationale .
  OPTIONAL { ?x pg:comparison ?c . BIND(STRAFTER(STR(?c), "#") AS ?verdict) }
  OPTIONAL { ?x pg:fromTarget/rdfs:label ?fromTarget }
  OPTIONAL { ?x pg:toTarget/rdfs:label ?toTarget }
}
"""

TARGETS = """
SELECT ?goal (GROUP_CONCAT(?label; separator="；") AS ?targets) WHERE {
  ?goal pg:hasTarget/rdfs:label ?label .
} GROUP BY ?goal
"""


@dataclass(frozen=True)
class GoalNode:
    """A goal as the network knows it."""

    iri: str
    plan: str  # the plan's title
    level: str  # County | Municipal | Provincial | National
    area: str
    text: str
    targets: str  # its target phrases, "；"-separated


@dataclass(frozen=True)
class Step:
    """One step of a goal's way up: the goal reached, and how the step's link was found."""

    goal: GoalNode
    score: str | None = None  # None for the goal the trace starts from
    method: str | None = None
    verdict: str | None = None  # the lower goal's target against this one's
    compared: str | None = None  # the two target phrases compared


@dataclass(frozen=True)
class Cluster:
    """Goals that are one goal across plans, with the canonical one: the national goal where
    the cluster has one, else the goal linked to most."""

    canonical: GoalNode
    members: list[GoalNode]


@dataclass
class AlignmentNetwork:
    """Goals and their alignments as a directed graph, lower level to higher (and peer to
    canonical peer)."""

    graph: nx.DiGraph
    goals: dict[str, GoalNode]

    def clusters(self) -> list[Cluster]:
        """Connected groups of aligned goals, the largest first."""
        out = []
        for comp in nx.weakly_connected_components(self.graph):
            if len(comp) < 2:
                continue
            members = sorted((self.goals[g] for g in comp), key=lambda g: g.iri)
            national = [g for g in members if g.level == "National"]
            degree = Counter({g.iri: self.graph.in_degree(g.iri) for g in members})
            canonical = national[0] if national else self.goals[max(degree, key=degree.get)]
            out.append(Cluster(canonical, members))
        return sorted(out, key=lambda c: (-len(c.members), c.canonical.iri))

    def trace(self, iri: str) -> list[Step]:
        """The way up from a goal over alignments that each climb a level: to a national goal
        where one is reached, by the path with the most steps (county → city → province →
        nation where the data has them), the best scored among equals; else as far as it goes."""
        if iri not in self.goals:
            raise KeyError(iri)
        best: list[str] = [iri]
        best_key = (False, 1, 0.0)
        stack = [[iri]]
        while stack:
            path = stack.pop()
            here = path[-1]
            if self.goals[here].level == "National" and len(path) > 1:
                score = sum(
                    float(self.graph.edges[a, b]["score"]) for a, b in itertools.pairwise(path)
                )
                key = (len(path), score)
                if key > best_key or (key == best_key and path < best):
                    best, best_key = path, key
                continue
            for nxt in self.graph.successors(here):
                if LEVEL_RANK[self.goals[nxt].level] > LEVEL_RANK[self.goals[here].level]:
                    stack.append([*path, nxt])
        steps = [Step(self.goals[iri])]
        for a, b in itertools.pairwise(best):
            e = self.graph.edges[a, b]
            compared = f"{e['fromTarget']} / {e['toTarget']}" if e.get("fromTarget") else None
            steps.append(Step(self.goals[b], e["score"], e["method"], e.get("verdict"), compared))
        return steps


def alignment_network(store: Store) -> AlignmentNetwork:
    """The alignment network of everything in the store."""
    targets = {r[0]: r[1] for r in run_query(store, TARGETS).rows}
    goals = {}
    for r in run_query(store, GOALS).rows:
        row = dict(zip(("goal", "plan", "title", "level", "area", "text"), r, strict=True))
        goals[row["goal"]] = GoalNode(
            row["goal"],
            row["title"],
            row["level"],
            row["area"],
            row["text"],
            targets.get(row["goal"], ""),
        )
    graph = nx.DiGraph()
    graph.add_nodes_from(goals)
    result = run_query(store, LINKS)
    for r in result.rows:
        row = dict(zip(result.variables, r, strict=True))
        if row["from"] in goals and row["to"] in goals:
            graph.add_edge(row["from"], row["to"], **row)
    return AlignmentNetwork(graph, goals)


def report(network: AlignmentNetwork) -> str:
    """The network in a few lines: goals, links by method, clusters, goals reaching the outline."""
    local = [g for g in network.goals.values() if g.level != "National"]
    methods = Counter(d["method"] for _, _, d in network.graph.edges(data=True))
    verdicts = Counter(
        d.get("verdict") for _, _, d in network.graph.edges(data=True) if d.get("verdict")
    )
    up = sum(1 for g in local if len(network.trace(g.iri)) > 1)
    clusters = network.clusters()
    lines = [
        f"goals {len(network.goals)} ({len(local)} local), alignments "
        f"{network.graph.number_of_edges()}: "
        + ", ".join(f"{m} {n}" for m, n in sorted(methods.items())),
        "verdicts: " + ", ".join(f"{v} {n}" for v, n in sorted(verdicts.items())),
        f"local goals reaching the national outline: {up}/{len(local)} ({up / max(len(local), 1):.1%})",
        f"clusters of equivalent goals: {len(clusters)}, "
        f"{sum(1 for c in clusters if c.canonical.level != 'National')} without a national goal",
    ]
    for c in clusters[:10]:
        lines.append(
            f"  {len(c.members):3d} goals  canonical {c.canonical.plan} “{c.canonical.text[:30]}”"
        )
    return "\n".join(lines)
