"""Generate docs/ontology.md from the ontology, the area scheme and the SHACL shapes.

Run `python -m ontology.docs` after changing the Turtle; a test fails when the page is stale.
"""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from ontology import AREAS, ONTOLOGY, PG, SHAPES

DOCS = Path(__file__).resolve().parent.parent / "docs" / "ontology.md"
PREFIXES = {
    PG: "pg:",
    "https://w3id.org/plangraph/id/": "pgid:",
    str(RDFS): "rdfs:",
    str(SKOS): "skos:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://www.w3.org/ns/org#": "org:",
    str(OWL): "owl:",
}


def short(term: rdflib.term.Node) -> str:
    """A prefixed name for an IRI, the lexical form for anything else."""
    text = str(term)
    for ns, prefix in PREFIXES.items():
        if text.startswith(ns):
            return prefix + text[len(ns) :]
    return text


def label(g: rdflib.Graph, term: rdflib.term.Node, lang: str) -> str:
    """The term's rdfs:label in one language, or an empty string."""
    return next(
        (str(v) for v in g.objects(term, RDFS.label) if getattr(v, "language", None) == lang), ""
    )


def render_markdown(
    ontology_path: Path = ONTOLOGY, shapes_path: Path = SHAPES, areas_path: Path = AREAS
) -> str:
    """The whole reference page as Markdown, sorted so that it is deterministic."""
    g = rdflib.Graph().parse(ontology_path)
    shapes = rdflib.Graph().parse(shapes_path)
    areas = rdflib.Graph().parse(areas_path)
    out = [
        "# plangraph ontology reference",
        "",
        "Generated from `ontology/plangraph.ttl`, `ontology/shapes.ttl` and `ontology/areas.ttl` "
        "by `python -m ontology.docs`; do not edit by hand. The analysts' contract is "
        "[contract.md](contract.md).",
        "",
        "## Prefixes",
        "",
    ]
    out += [f"- `{p}` <{ns}>" for ns, p in sorted(PREFIXES.items(), key=lambda x: x[1])]
    constraints = _constraints(shapes)
    out += ["", "## Classes", ""]
    for cls in sorted(g.subjects(RDF.type, OWL.Class), key=short):
        out += [
            f"### {short(cls)} — {label(g, cls, 'zh')} / {label(g, cls, 'en')}",
            "",
            str(g.value(cls, RDFS.comment) or ""),
            "",
        ]
        supers = sorted(short(s) for s in g.objects(cls, RDFS.subClassOf))
        if supers:
            out += [f"Subclass of {', '.join(supers)}.", ""]
        props = sorted(short(p) for p in g.subjects(RDFS.domain, cls))
        if props:
            out += [f"Properties: {', '.join(props)}.", ""]
        rows = constraints.get(short(cls), [])
        if rows:
            out += ["| path | min | max | type / values |", "|---|---|---|---|", *rows, ""]
    out += [
        "## Properties",
        "",
        "| property | 中文 | English | domain | range | meaning |",
        "|---|---|---|---|---|---|",
    ]
    props = set(g.subjects(RDF.type, OWL.ObjectProperty)) | set(
        g.subjects(RDF.type, OWL.DatatypeProperty)
    )
    for p in sorted(props, key=short):
        dom = short(g.value(p, RDFS.domain)) if g.value(p, RDFS.domain) else ""
        rng = short(g.value(p, RDFS.range)) if g.value(p, RDFS.range) else ""
        out.append(
            f"| {short(p)} | {label(g, p, 'zh')} | {label(g, p, 'en')} | {dom} | {rng} | "
            f"{g.value(p, RDFS.comment) or ''} |"
        )
    out += ["", "## Individuals", ""]
    for ind in sorted(g.subjects(RDF.type, OWL.NamedIndividual), key=short):
        kinds = sorted(short(t) for t in g.objects(ind, RDF.type) if t != OWL.NamedIndividual)
        out.append(
            f"- {short(ind)} ({', '.join(kinds)}): {label(g, ind, 'zh')} / "
            f"{label(g, ind, 'en')}. {g.value(ind, RDFS.comment) or ''}"
        )
    out += [
        "",
        "## Development areas (pgid:scheme/areas)",
        "",
        "| notation | concept | 中文 | English |",
        "|---|---|---|---|",
    ]
    for c in sorted(
        areas.subjects(RDF.type, SKOS.Concept), key=lambda c: int(areas.value(c, SKOS.notation))
    ):
        zh = next(str(v) for v in areas.objects(c, SKOS.prefLabel) if v.language == "zh")
        en = next(str(v) for v in areas.objects(c, SKOS.prefLabel) if v.language == "en")
        out.append(f"| {areas.value(c, SKOS.notation)} | {short(c)} | {zh} | {en} |")
    return "\n".join(out) + "\n"


def _constraints(shapes: rdflib.Graph) -> dict[str, list[str]]:
    """SHACL property constraints by target class, as Markdown table rows."""
    out: dict[str, list[str]] = {}
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        for cls in shapes.objects(shape, SH.targetClass):
            rows = out.setdefault(short(cls), [])
            for prop in shapes.objects(shape, SH.property):
                path = short(shapes.value(prop, SH.path))
                lo = shapes.value(prop, SH.minCount) or ""
                hi = shapes.value(prop, SH.maxCount) or ""
                kind = shapes.value(prop, SH.datatype) or shapes.value(prop, SH["class"])
                values = shapes.value(prop, SH["in"])
                what = short(kind) if kind else ""
                if values is not None:
                    what = ", ".join(short(v) for v in rdflib.collection.Collection(shapes, values))
                rows.append(f"| {path} | {lo} | {hi} | {what} |")
            rows.sort()
    return out


def main() -> None:
    """Write docs/ontology.md."""
    DOCS.parent.mkdir(exist_ok=True)
    DOCS.write_text(render_markdown(), encoding="utf-8")
    print(f"wrote {DOCS}")


if __name__ == "__main__":
    main()
