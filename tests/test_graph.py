"""The RDF dataset: deterministic, published in graphs/, loadable by rdflib and pyoxigraph."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from pyoxigraph import RdfFormat, Store
from rdflib.compare import isomorphic

from ontology.dataset import write_graphs
from plangraph.pipeline import dataset_for, parse_all
from plangraph.settings import Settings
from queryapi.store import build_store, export_store, open_store, run_query

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def owned():
    """The corpus parsed with owners, as `plangraph build` does it."""
    return parse_all(Settings.from_env())


@pytest.fixture(scope="session")
def dataset(owned):
    return dataset_for(Settings.from_env(), owned)


@pytest.fixture(scope="session")
def store_dir(dataset, tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "store"
    build_store(dataset, path)
    return path


def test_same_input_gives_byte_identical_graphs(dataset, tmp_path):
    again = dataset_for(Settings.from_env(), parse_all(Settings.from_env()))
    first = write_graphs(dataset, tmp_path / "a")
    second = write_graphs(again, tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()


def test_published_graphs_are_fresh(dataset, tmp_path):
    """graphs/ is what `plangraph build` writes from the corpus today: rebuild when this fails."""
    fresh = {p.name: p.read_bytes() for p in write_graphs(dataset, tmp_path)}
    published = {p.name: p.read_bytes() for p in (ROOT / "graphs").glob("*.trig")}
    assert sorted(published) == sorted(fresh), "run `plangraph build` and commit graphs/"
    stale = [name for name in fresh if fresh[name] != published[name]]
    assert not stale, f"stale: {stale}; run `plangraph build` and commit graphs/"


def test_one_named_graph_per_plan(store_dir):
    store = open_store(store_dir)
    result = run_query(
        store,
        "SELECT ?g (COUNT(DISTINCT ?p) AS ?plans) WHERE { GRAPH ?g { ?p pg:hasArea ?a } } GROUP BY ?g ORDER BY ?g",
    )
    assert [r[1] for r in result.rows] == ["1"] * 7
    assert [r[0].rsplit("/", 1)[-1] for r in result.rows] == [
        "china-women-outline-2021-2030",  # the national outline, from data/upstream/
        "guangdong-women-2021-2030",  # quoted in the Panyu plan's footnotes
        "guangzhou-panyu-women-2021-2030",
        "guangzhou-women-2021-2030",
        "jiangmen-kaiping-women-2021-2030",
        "liuzhou-luzhai-women-2021-2030",
        "shaoguan-qujiang-women-2021-2030",
    ]


def test_no_blank_nodes(dataset):
    assert not [
        q
        for q in dataset.quads()
        if q.subject.__class__.__name__ == "BlankNode" or q.object.__class__.__name__ == "BlankNode"
    ]


@pytest.mark.parametrize("fmt", ["nquads", "trig"])
def test_export_loads_isomorphically_in_rdflib_and_pyoxigraph(store_dir, tmp_path, fmt):
    out = tmp_path / f"dataset.{fmt}"
    export_store(open_store(store_dir), fmt, out)
    rd = rdflib.Dataset()
    rd.parse(out, format={"nquads": "nquads", "trig": "trig"}[fmt])
    ox = Store()
    ox.load(path=str(out), format={"nquads": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG}[fmt])
    assert len(ox) == len(open_store(store_dir))
    for graph in ox.named_graphs():
        ours = rdflib.Graph()
        nt = "".join(f"{q.triple} .\n" for q in ox.quads_for_pattern(None, None, None, graph))
        ours.parse(data=nt, format="nt")
        theirs = rd.graph(rdflib.URIRef(graph.value))
        assert isomorphic(ours, theirs), graph.value


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_export_merged_formats_parse(store_dir, tmp_path, fmt):
    out = tmp_path / f"dataset.{fmt}"
    export_store(open_store(store_dir), fmt, out)
    g = rdflib.Dataset() if fmt == "jsonld" else rdflib.Graph()
    g.parse(out, format={"turtle": "turtle", "jsonld": "json-ld"}[fmt])
    assert len(g) > 10000


def test_failed_build_leaves_the_store_whole(tmp_path):
    """A build that fails on a bad document keeps the previous store, quad for quad."""
    from ingest.errors import PlanError
    from plangraph.pipeline import build

    settings = Settings.from_env()
    store = tmp_path / "store"
    first = build(settings, [ROOT / "data/plans/luzhai.txt"], store=store)
    bad = tmp_path / "broken.txt"
    bad.write_text("鹿寨县妇女发展规划（2021—2030年）\n一、总体要求\n", encoding="utf-8")
    with pytest.raises(PlanError):
        build(settings, [ROOT / "data/plans/kaiping.txt", bad], store=store)
    assert len(open_store(store)) == first.store.quads


def test_two_sections_of_one_kind_get_two_nodes(owned):
    """Regression: a notice's untitled lead and its 序言 are both `preamble` sections; they were
    one node with two texts and two spans (5 violations in a 3,000-plan synthetic store)."""
    import dataclasses

    from queryapi.validation import validate_triples

    settings = Settings.from_env()
    doc = owned[0]
    lead = dataclasses.replace(doc.plan.sections[0], title="")
    plan = dataclasses.replace(doc.plan, sections=[lead, *doc.plan.sections])
    twice = dataclasses.replace(doc, plan=plan)
    quads = dataset_for(settings, [twice]).quads()
    key = doc.plan.sections[0].key
    nodes = {
        q.subject.value
        for q in quads
        if q.subject.value.split("/section/")[-1] in (key, f"{key}-2")
    }
    assert len(nodes) == 2
    assert validate_triples(q.triple for q in quads).conforms
