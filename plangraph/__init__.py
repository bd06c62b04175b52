"""plangraph: Chinese development plans as an RDF knowledge graph with provenance."""

__version__ = "0.1.0"
