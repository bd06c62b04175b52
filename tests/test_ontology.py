"""The ontology implements the contract: every contract term defined, labelled zh and en,
commented; the Turtle parses in rdflib and pyoxigraph; the generated reference is fresh."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import RdfFormat, parse
from rdflib.namespace import RDF, RDFS, SKOS

from ontology import AREAS, ONTOLOGY, PG, SHAPES
from ontology.docs import DOCS, render_markdown

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = (ROOT / "docs" / "contract.md").read_text("utf-8")
CONTRACT_TERMS = sorted(set(re.findall(r"\bpg:([A-Za-z]+)", CONTRACT)))


@pytest.fixture(scope="module")
def ontology():
    return rdflib.Graph().parse(ONTOLOGY)


@pytest.mark.parametrize("path", [ONTOLOGY, SHAPES, AREAS], ids=lambda p: p.name)
def test_turtle_parses_in_both_libraries(path):
    assert len(rdflib.Graph().parse(path)) > 50
    assert len(list(parse(path=str(path), format=RdfFormat.TURTLE))) > 50


def test_the_contract_names_its_terms():
    assert len(CONTRACT_TERMS) > 60
    assert {"Plan", "leadDepartment", "AtLeast", "NotComparable", "span"} <= set(CONTRACT_TERMS)


@pytest.mark.parametrize("term", CONTRACT_TERMS)
def test_contract_term_is_defined_and_labelled(ontology, term):
    iri = rdflib.URIRef(PG + term)
    assert (iri, RDF.type, None) in ontology, f"pg:{term} is not defined"
    langs = {lbl.language for lbl in ontology.objects(iri, RDFS.label)}
    assert {"zh", "en"} <= langs, f"pg:{term} needs rdfs:label @zh and @en"
    assert ontology.value(iri, RDFS.comment), f"pg:{term} needs an rdfs:comment"


def test_every_term_of_ours_is_labelled(ontology):
    ours = {s for s in ontology.subjects(RDF.type, None) if str(s).startswith(PG)}
    unlabelled = [s for s in ours if len(set(ontology.objects(s, RDFS.label))) < 2]
    assert not unlabelled


def test_areas_scheme_has_the_eight_areas():
    g = rdflib.Graph().parse(AREAS)
    concepts = set(g.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == 8
    for c in concepts:
        assert {lbl.language for lbl in g.objects(c, SKOS.prefLabel)} == {"zh", "en"}


def test_reference_page_is_fresh():
    assert DOCS.read_text("utf-8") == render_markdown(), "run `python -m ontology.docs`"
