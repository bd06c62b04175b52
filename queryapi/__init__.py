"""RDF dataset → store → answers: the pyoxigraph store, SPARQL, validation."""
