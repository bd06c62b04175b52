"""Validation by parts (queryapi/validation_parts.py) gives the whole store's verdict: on the
four plans as built, and on breakages in a plan's graph, in the shared graphs and across the two,
each compared, focus, path and component, with `validate_store` on the same broken store."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store, parse, serialize

from ingest.corpus import load_corpus
from ontology.namespaces import PG, PGID
from plangraph.pipeline import _Builder, ownership, plan_checks
from plangraph.settings import Settings
from queryapi.aggregates import AGGREGATES_GRAPH
from queryapi.store import generation_dir
from queryapi.validation import VALIDATION_FILE, recorded_report, validate_store
from queryapi.validation_parts import validate_rest, validate_shared

A = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
TITLE = NamedNode("http://purl.org/dc/terms/title")
ALIGNMENTS = NamedNode(PGID + "graph/alignments")
CITED = NamedNode(PGID + "graph/cited")
AGGREGATES = NamedNode(AGGREGATES_GRAPH)
LUZHAI = NamedNode(PGID + "plan/liuzhou-luzhai-women-2021-2030")
LUZHAI_GRAPH = NamedNode(PGID + "graph/liuzhou-luzhai-women-2021-2030")
SH = "http://www.w3.org/ns/shacl#"


def pg(name: str) -> NamedNode:
    return NamedNode(PG + name)


@pytest.fixture(scope="module")
def parts():
    """Each plan's graph as its build worker made it (N-Quads, with its shared part)."""
    settings = Settings.from_env()
    corpus = load_corpus(settings.corpus)
    builder = _Builder(corpus, ownership(settings), sort=False, check=False)
    return [builder.document(e.path).graph for e in corpus]


def first(store: Store, cls: str, graph: NamedNode = LUZHAI_GRAPH) -> NamedNode:
    return min((q.subject for q in store.quads_for_pattern(None, A, pg(cls), graph)), key=str)


def one(store: Store, s: NamedNode, p: NamedNode) -> Quad:
    return next(iter(store.quads_for_pattern(s, p, None)))


# breakage → (quads to remove, quads to add), found in the built store; the component it raises
Edit = Callable[[Store], tuple[list[Quad], list[Quad]]]
BREAKAGES: dict[str, tuple[Edit, str]] = {
    "goal without span (plan graph)": (
        lambda s: ([one(s, first(s, "Goal"), pg("span"))], []),
        "MinCountConstraintComponent",
    ),
    "measure without lead (plan graph, sh:sparql)": (
        lambda s: (list(s.quads_for_pattern(first(s, "Measure"), pg("leadDepartment"), None)), []),
        "SPARQLConstraintComponent",
    ),
    "alignment score above 1 (shared graph)": (
        lambda s: (
            [q := one(s, first(s, "Alignment", ALIGNMENTS), pg("score"))],
            [Quad(q.subject, q.predicate, Literal("1.5", datatype=q.object.datatype), ALIGNMENTS)],
        ),
        "MaxInclusiveConstraintComponent",
    ),
    "aligned goal no longer a goal (across graphs, sh:class)": (
        lambda s: (
            [
                one(s, one(s, first(s, "Alignment", ALIGNMENTS), pg("fromGoal")).object, A)  # type: ignore[arg-type]
            ],
            [],
        ),
        "ClassConstraintComponent",
    ),
    "a second score given in the aggregates graph (across shared graphs, sh:maxCount)": (
        lambda s: (
            [],
            [
                Quad(
                    (q := one(s, first(s, "Alignment", ALIGNMENTS), pg("score"))).subject,
                    q.predicate,
                    Literal("0.5", datatype=q.object.datatype),  # type: ignore[union-attr]
                    AGGREGATES,
                )
            ],
        ),
        "MaxCountConstraintComponent",
    ),
    "a second title given in the cited graph (across graphs, sh:maxCount)": (
        lambda s: ([], [Quad(LUZHAI, TITLE, Literal("另一个标题", language="zh"), CITED)]),
        "MaxCountConstraintComponent",
    ),
}


def test_a_build_records_the_whole_stores_verdict(built_store):
    recorded = recorded_report(generation_dir(built_store) / VALIDATION_FILE)
    assert recorded is not None
    whole = validate_store(Store.read_only(str(generation_dir(built_store))))
    assert whole.conforms and recorded.conforms
    assert [r.key() for r in recorded.results] == [r.key() for r in whole.results]


def _edited(graph_data: bytes, graph: str, removed: list[Quad], added: list[Quad]) -> bytes:
    quads = set(parse(graph_data, format=RdfFormat.N_QUADS))
    name = NamedNode(graph)
    quads -= {q for q in removed if q.graph_name == name}
    quads |= {q for q in added if q.graph_name == name}
    return serialize(sorted(quads, key=str), format=RdfFormat.N_QUADS)


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_validation_by_parts_gives_the_whole_verdict_on_a_breakage(
    built_store, parts, tmp_path, breakage
):
    edit, component = BREAKAGES[breakage]
    copy = tmp_path / "store"
    shutil.copytree(generation_dir(built_store), copy)
    store = Store(str(copy))
    removed, added = edit(store)
    for q in removed:
        store.remove(q)
    store.extend(added)
    whole = validate_store(store)
    assert SH + component in {r.component for r in whole.results}, whole.text

    results, typed, undecided = [], [], []
    for graph in parts:
        broken = dataclasses.replace(graph, data=_edited(graph.data, graph.iri, removed, added))
        verdict = plan_checks(broken).verdict
        results.extend(verdict.results)
        typed.append(verdict.typed)
        undecided.extend(verdict.undecided)
    graphs = {g.iri for g in parts}  # the outline's graph is validated with the shared ones
    for later in ((), (AGGREGATES_GRAPH,)):  # all shared graphs at once, or the aggregates last
        part = validate_shared(store, graphs, typed, later=later)
        found = validate_rest(store, graphs, typed, results, undecided, part)
        assert [r.key() for r in found.results] == [r.key() for r in whole.results], found.text


def test_recorded_verdict_goes_with_an_update(built_store, tmp_path):
    """`build --update` drops the recorded verdict, so `validate` validates the whole store."""
    store_dir = tmp_path / "var" / "store"
    shutil.copytree(built_store.parent, store_dir.parent, symlinks=True)
    assert recorded_report(generation_dir(store_dir) / VALIDATION_FILE) is not None
    from plangraph.update import update

    settings = Settings.from_env()
    luzhai = next(e.path for e in load_corpus(settings.corpus) if e.key == "luzhai")
    update(settings, store_dir, [luzhai])
    assert recorded_report(generation_dir(store_dir) / VALIDATION_FILE) is None


def test_validate_reads_the_recorded_verdict_unless_full(built_store, tmp_path):
    """A recorded verdict is what `plangraph validate` prints; --full validates again."""
    import subprocess
    import sys

    store_dir = tmp_path / "var" / "store"
    shutil.copytree(built_store.parent, store_dir.parent, symlinks=True)
    record = generation_dir(store_dir) / VALIDATION_FILE
    record.write_text(
        '{"conforms": false, "results": [{"focus": "<urn:x>", "path": null, "component": '
        f'"{SH}MinCountConstraintComponent", "severity": "Violation", "source_shape": null, '
        '"value": null, "message": "recorded"}]}\n',
        "utf-8",
    )
    plangraph = str(Path(sys.executable).with_name("plangraph"))
    recorded = subprocess.run(
        [plangraph, "validate", "--store", str(store_dir)], capture_output=True, text=True
    )
    assert recorded.returncode == 1 and "<urn:x>" in recorded.stdout
    full = subprocess.run(
        [plangraph, "validate", "--full", "--store", str(store_dir)], capture_output=True, text=True
    )
    assert full.returncode == 0, full.stdout
