"""SHACL validation of the store against the contract's shapes, by the `shacl` engine (Rust).

pySHACL was the engine until it took 24-42 s on the four plans; `shacl` gives the same results
(focus node, path, constraint component) on them and on every deliberate breakage in the tests,
including the sh:sparql constraints, in a fraction of a second. pySHACL stays the reference:
tests/test_ontology.py checks the two agree, benchmarks/validation.py times both.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import shacl
from pyoxigraph import RdfFormat, Store, Triple, parse, serialize

from ontology import AREAS, ONTOLOGY, SHAPES
from queryapi.store import StoreError

if TYPE_CHECKING:  # rdflib takes 70 ms to import; only validate_graph's callers use it
    import rdflib

SH = "http://www.w3.org/ns/shacl#"
VALIDATION_FILE = "validation.json"  # the build's verdict, beside the store in its generation
PREFIXES = {
    "pg": "https://w3id.org/plangraph/ontology#",
    "pgs": "https://w3id.org/plangraph/shapes#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": SH,
}


class ValidationError(StoreError):
    """Data the validator cannot read; a StoreError, so `plangraph validate` exits 2."""


@dataclass(frozen=True)
class Violation:
    """One validation result: what broke (focus node, path, component) and the shape's message."""

    focus: str
    path: str | None
    component: str
    severity: str
    source_shape: str | None
    value: str | None
    message: str | None

    def key(self) -> tuple[str, str | None, str]:
        """(focus node, result path, constraint component IRI), the triple verdicts are compared on."""
        return (self.focus, self.path, self.component)


@dataclass(frozen=True)
class ValidationReport:
    """The verdict, the number of violations, its readable report and the results themselves."""

    conforms: bool
    violations: int
    text: str
    results: tuple[Violation, ...] = ()


@cache
def compiled_shapes() -> shacl.Shapes:
    """The contract's shapes, compiled once per process."""
    shapes = shacl.Shapes.from_file(str(SHAPES))
    if not len(shapes):
        raise ValidationError(f"no shapes in {SHAPES}")
    return shapes


@cache
def ontology_ntriples() -> str:
    """The ontology and the area concepts as N-Triples (they have no blank nodes), as the store's
    ontology graph holds them: rdfs:subClassOf behind sh:class, the pg:AreaType of each area."""
    return "".join(
        serialize(parse(path=str(p), format=RdfFormat.TURTLE), format=RdfFormat.N_TRIPLES).decode()
        for p in (ONTOLOGY, AREAS)
    )


def short(term: str | None) -> str | None:
    """A shape, path or component IRI as a prefixed name where one fits (focus nodes stay whole)."""
    if term is None or not term.startswith("<"):
        return term
    iri = term[1:-1]
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri.removeprefix(namespace)}"
    return term


def render(conforms: bool, results: tuple[Violation, ...]) -> str:
    """A readable report in pySHACL's layout: one block per result, naming focus, path, component."""
    lines = ["Validation Report", f"Conforms: {conforms}"]
    if results:
        lines.append(f"Results ({len(results)}):")
    for r in results:
        name = r.component.removeprefix(SH)
        lines.append(f"Constraint {r.severity} in {name} ({r.component}):")
        lines.append(f"\tSeverity: sh:{r.severity}")
        if r.source_shape:
            lines.append(f"\tSource Shape: {short(r.source_shape)}")
        lines.append(f"\tFocus Node: {r.focus}")
        if r.value is not None:
            lines.append(f"\tValue Node: {r.value}")
        if r.path:
            lines.append(f"\tResult Path: {short(r.path)}")
        if r.message:
            lines.append(f"\tMessage: {r.message}")
    return "\n".join(lines) + "\n"


def report_of(report: shacl.Report) -> ValidationReport:
    """The engine's report as ours (see verdict)."""
    return verdict(
        Violation(
            focus=r.focus_node,
            path=r.path,
            component=r.component_iri,
            severity=r.severity,
            source_shape=r.root_shape or r.source_shape,
            value=r.value,
            message=r.message,
        )
        for r in report.results
    )


def verdict(results: Iterable[Violation]) -> ValidationReport:
    """The report of these results, each once, sorted by focus node, path, component, value."""
    ordered = tuple(
        sorted(set(results), key=lambda v: (v.focus, v.path or "", v.component, v.value or ""))
    )
    conforms = not ordered
    return ValidationReport(conforms, len(ordered), render(conforms, ordered), ordered)


def validate_file(path: Path) -> ValidationReport:
    """Validate an N-Triples file that already holds the ontology; the engine reads it itself."""
    try:
        return report_of(compiled_shapes().validate_file(str(path)))
    except (ValueError, OSError) as err:
        raise ValidationError(f"cannot validate {path}: {err}") from err


def validate_ntriples(data: str) -> ValidationReport:
    """Validate N-Triples text, with the ontology added as pySHACL's ont_graph was."""
    try:
        text = data + "\n" + ontology_ntriples()
        return report_of(compiled_shapes().validate_text(text, format="ntriples"))
    except ValueError as err:
        raise ValidationError(f"cannot validate: {err}") from err


def validate_triples(triples: Iterable[Triple]) -> ValidationReport:
    """Validate pyoxigraph triples and the ontology, streamed to a temporary N-Triples file."""
    with tempfile.TemporaryDirectory(prefix="plangraph-validate-") as tmp:
        path = Path(tmp) / "data.nt"
        with path.open("wb") as out:
            serialize(triples, out, format=RdfFormat.N_TRIPLES)
            out.write(b"\n" + ontology_ntriples().encode())
        return validate_file(path)


def validate_graph(data: rdflib.Graph) -> ValidationReport:
    """Validate one rdflib graph (the union of the dataset) against the shapes."""
    return validate_ntriples(data.serialize(format="nt"))


def validate_store(store: Store) -> ValidationReport:
    """Validate everything in the store as one graph (the union of its named graphs)."""
    return validate_triples(q.triple for q in store.quads_for_pattern(None, None, None, None))


def save_report(report: ValidationReport, path: Path) -> None:
    """Record a verdict (a build records its store's, in the store's generation)."""
    results = [dataclasses.asdict(r) for r in report.results]
    data = {"conforms": report.conforms, "results": results}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")


def recorded_report(path: Path) -> ValidationReport | None:
    """The verdict recorded at path, or None when there is none (an update removes it)."""
    try:
        data = json.loads(path.read_text("utf-8"))
        results = [Violation(**r) for r in data["results"]]
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as err:
        raise ValidationError(f"{path}: not a recorded verdict ({err}); run with --full") from err
    return verdict(results)
