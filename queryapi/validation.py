"""SHACL validation of the store against the contract's shapes (pySHACL)."""

from __future__ import annotations

from dataclasses import dataclass

import rdflib
from pyoxigraph import RdfFormat, Store, serialize
from pyshacl import validate

from ontology import ONTOLOGY, SHAPES


@dataclass(frozen=True)
class ValidationReport:
    """pySHACL's verdict, the number of violations and its readable report."""

    conforms: bool
    violations: int
    text: str


def validate_graph(data: rdflib.Graph) -> ValidationReport:
    """Validate one rdflib graph (the union of the dataset) against the shapes."""
    shapes = rdflib.Graph().parse(SHAPES)
    ontology = rdflib.Graph().parse(ONTOLOGY)
    conforms, report, text = validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True
    )
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = sum(1 for _ in report.subjects(rdflib.RDF.type, sh.ValidationResult))
    return ValidationReport(bool(conforms), violations, str(text))


def validate_store(store: Store) -> ValidationReport:
    """Validate everything in the store as one graph."""
    triples = serialize(
        (q.triple for q in store.quads_for_pattern(None, None, None, None)),
        format=RdfFormat.N_TRIPLES,
    )
    return validate_graph(rdflib.Graph().parse(data=triples, format="nt"))
