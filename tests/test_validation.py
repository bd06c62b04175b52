"""SHACL: the four plans conform to the contract's shapes; broken data is caught and named.

Through the fast validator (queryapi.validation); tests/test_ontology.py checks it against pySHACL
on a small plan, benchmarks/validation.py on these four plans and breakages.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

from plangraph.pipeline import dataset_for, parse_all
from plangraph.settings import Settings
from queryapi.store import build_store
from queryapi.validation import ValidationError, validate_graph, validate_ntriples

PG = rdflib.Namespace("https://w3id.org/plangraph/ontology#")
SH = "http://www.w3.org/ns/shacl#"
PLANGRAPH = Path(sys.executable).with_name("plangraph")


@pytest.fixture(scope="module")
def graph():
    settings = Settings.from_env()
    dataset = dataset_for(settings, parse_all(settings))
    data = "".join(f"{q.triple} .\n" for q in dataset.quads())
    return rdflib.Graph().parse(data=data, format="nt")


def test_the_four_plans_conform(graph):
    report = validate_graph(graph)
    assert report.conforms, report.text[:4000]
    assert report.violations == 0


def first(graph, cls):
    return sorted(graph.subjects(rdflib.RDF.type, cls))[0]


BREAKAGES = {
    "goal without span": lambda g: g.remove((first(g, PG.Goal), PG.span, None)),
    "comparator not in the list": lambda g: g.set(
        (first(g, PG.Target), PG.comparator, PG.Sometimes)
    ),
    "span ends before it starts": lambda g: g.set(
        (first(g, PG.SourceSpan), PG.endOffset, rdflib.Literal(0))
    ),
    "measure without lead": lambda g: g.remove((first(g, PG.Measure), PG.leadDepartment, None)),
    "confidence above 1": lambda g: g.set(
        (
            first(g, PG.Responsibility),
            PG.confidence,
            rdflib.Literal("1.5", datatype=rdflib.XSD.decimal),
        )
    ),
}


# breakage → the constraint component its result must name
CAUGHT_BY = {
    "goal without span": "MinCountConstraintComponent",
    "comparator not in the list": "InConstraintComponent",
    "span ends before it starts": "SPARQLConstraintComponent",
    "measure without lead": "SPARQLConstraintComponent",
    "confidence above 1": "MaxInclusiveConstraintComponent",
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_broken_data_is_a_violation(graph, breakage):
    broken = rdflib.Graph()
    for t in graph:
        broken.add(t)
    BREAKAGES[breakage](broken)
    report = validate_graph(broken)
    assert not report.conforms
    assert report.violations >= 1
    assert SH + CAUGHT_BY[breakage] in {r.component for r in report.results}, report.text


def test_unreadable_data_is_an_error_not_a_verdict():
    with pytest.raises(ValidationError):
        validate_ntriples("this is not N-Triples\n")


def test_validate_command_exit_codes(tmp_path):
    """0 when the store conforms, 1 when it has violations, 2 when there is no store."""
    settings = Settings.from_env()
    store = tmp_path / "store"
    build_store(dataset_for(settings, parse_all(settings)), store)
    ok = subprocess.run(
        [str(PLANGRAPH), "validate", "--store", str(store)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert ok.returncode == 0, ok.stdout[-2000:]
    from pyoxigraph import NamedNode, Store

    writable = Store(str(store))
    lead = NamedNode(str(PG.leadDepartment))
    writable.remove(next(iter(writable.quads_for_pattern(None, lead, None, None))))
    writable.flush()
    del writable
    broken = subprocess.run(
        [str(PLANGRAPH), "validate", "--store", str(store)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert broken.returncode == 1
    assert "Result Path: pg:leadDepartment" in broken.stdout
    assert "Focus Node: <https://w3id.org/plangraph/id/plan/" in broken.stdout
    assert "SPARQLConstraintComponent" in broken.stdout
    missing = subprocess.run(
        [str(PLANGRAPH), "validate", "--store", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2
    assert "no store here" in missing.stderr
