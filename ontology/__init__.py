"""Plan model → RDF: the plangraph ontology, SHACL shapes, area scheme and dataset builder."""

from pathlib import Path

ONTOLOGY = Path(__file__).with_name("plangraph.ttl")
SHAPES = Path(__file__).with_name("shapes.ttl")
AREAS = Path(__file__).with_name("areas.ttl")
PG = "https://w3id.org/plangraph/ontology#"
PGID = "https://w3id.org/plangraph/id/"
