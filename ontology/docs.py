"""Generate docs/ontology.md, the ontology reference, from the Turtle with rdflib.

Run `python -m ontology.docs` after changing ontology/*.ttl; tests/test_ontology.py fails while the
page is stale. The output is deterministic: everything is sorted, nothing depends on the machine.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS, XSD
from rdflib.term import BNode, Literal, Node, URIRef

from ontology import ONTOLOGY, PG, PGID, SHAPES

DOCS = Path(__file__).resolve().parent.parent / "docs" / "ontology.md"

SCHEMA = rdflib.Namespace("http://schema.org/")
PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "owl": str(OWL),
    "pg": PG,
    "pgid": PGID,
    "pgs": "https://w3id.org/plangraph/shapes#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "sh": str(SH),
    "skos": str(SKOS),
    "vann": "http://purl.org/vocab/vann/",
    "xsd": str(XSD),
}


def short(term: Node) -> str:
    """A prefixed name for an IRI, a quoted form for a literal."""
    if isinstance(term, Literal):
        return f'"{term}"' + (f"@{term.language}" if term.language else "")
    text = str(term)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns) and text != ns:
            return f"{prefix}:{text[len(ns) :]}"
    return f"<{text}>"


def cell(text: object) -> str:
    """Text made safe for one Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def in_lang(g: rdflib.Graph, term: Node, prop: URIRef, lang: str) -> str:
    """The term's value of prop in one language (the first in sorted order), or ''."""
    values = sorted(str(v) for v in g.objects(term, prop) if getattr(v, "language", None) == lang)
    return values[0] if values else ""


def render_markdown(ontology_path: Path, shapes_path: Path, areas_path: Path | None = None) -> str:
    """The reference page: prefixes, classes, properties, individuals and the area scheme.

    The area scheme is read from areas.ttl beside the ontology unless areas_path is given."""
    onto = rdflib.Graph().parse(ontology_path, format="turtle")
    shapes = rdflib.Graph().parse(shapes_path, format="turtle")
    areas = rdflib.Graph().parse(
        areas_path or ontology_path.with_name("areas.ttl"), format="turtle"
    )
    out: list[str] = []
    out += _header(onto)
    out += _prefixes()
    out += _classes(onto, shapes)
    out += _properties(onto)
    out += _individuals(onto)
    out += _areas(areas)
    return "\n".join(out).rstrip("\n") + "\n"


# --- sections ----------------------------------------------------------------------------------


def _header(g: rdflib.Graph) -> list[str]:
    dct = rdflib.Namespace(PREFIXES["dcterms"])
    onto = next(iter(sorted(g.subjects(RDF.type, OWL.Ontology))))
    return [
        "# plangraph ontology reference",
        "",
        "Generated from `ontology/plangraph.ttl`, `ontology/shapes.ttl` and `ontology/areas.ttl` "
        "by `python -m ontology.docs`; do not edit by hand. The analysts' contract it implements "
        "is [contract.md](contract.md).",
        "",
        f"**{in_lang(g, onto, dct.title, 'en')}** ({in_lang(g, onto, dct.title, 'zh')}), "
        f"`<{onto}>`, version {g.value(onto, OWL.versionInfo)}.",
        "",
        in_lang(g, onto, dct.description, "en"),
        "",
        in_lang(g, onto, dct.description, "zh"),
        "",
    ]


def _prefixes() -> list[str]:
    out = ["## Prefixes", "", "| prefix | namespace |", "|---|---|"]
    out += [f"| `{p}:` | <{ns}> |" for p, ns in sorted(PREFIXES.items())]
    return [*out, ""]


def _ours(g: rdflib.Graph, kind: URIRef) -> list[URIRef]:
    return sorted((s for s in set(g.subjects(RDF.type, kind)) if str(s).startswith(PG)), key=short)


def _domains(g: rdflib.Graph, prop: URIRef) -> list[Node]:
    return [*g.objects(prop, RDFS.domain), *g.objects(prop, SCHEMA.domainIncludes)]


def _ranges(g: rdflib.Graph, prop: URIRef) -> list[Node]:
    return [*g.objects(prop, RDFS.range), *g.objects(prop, SCHEMA.rangeIncludes)]


def _properties_of(g: rdflib.Graph) -> list[URIRef]:
    return sorted(
        set(_ours(g, OWL.ObjectProperty)) | set(_ours(g, OWL.DatatypeProperty)), key=short
    )


def _classes(onto: rdflib.Graph, shapes: rdflib.Graph) -> list[str]:
    by_class = _shapes_by_class(onto, shapes)
    props = _properties_of(onto)
    out = ["## Classes", ""]
    shown: dict[Node, URIRef] = {}  # a shape's table is shown once, under its first class
    for cls in _ours(onto, OWL.Class):
        out += [
            f"### {short(cls)}",
            "",
            f"**{in_lang(onto, cls, RDFS.label, 'zh')}** / **{in_lang(onto, cls, RDFS.label, 'en')}**"
            f" — {in_lang(onto, cls, RDFS.comment, 'en')}",
            "",
        ]
        zh = in_lang(onto, cls, RDFS.comment, "zh")
        if zh:
            out += [zh, ""]
        facts = [
            ("Subclass of", sorted(short(s) for s in onto.objects(cls, RDFS.subClassOf))),
            ("Subclasses", sorted(short(s) for s in onto.subjects(RDFS.subClassOf, cls))),
            ("Properties", sorted(short(p) for p in props if cls in _domains(onto, p))),
            ("Values of", sorted(short(p) for p in props if cls in _ranges(onto, p))),
            ("Instances", sorted(short(i) for i in onto.subjects(RDF.type, cls))),
        ]
        lines = [f"- {name}: {', '.join(values)}" for name, values in facts if values]
        if lines:
            out += [*lines, ""]
        for shape, target in sorted(by_class.get(cls, []), key=lambda st: short(st[0])):
            if shape in shown:
                out += [f"SHACL `{short(shape)}` ({target}): see {short(shown[shape])}.", ""]
                continue
            shown[shape] = cls
            out += [
                f"SHACL `{short(shape)}` ({target}):",
                "",
                "| path | count | constraint | message |",
                "|---|---|---|---|",
                *_shape_rows(shapes, shape),
                "",
            ]
    return out


def _properties(g: rdflib.Graph) -> list[str]:
    out = [
        "## Properties",
        "",
        "| property | type | 中文 | English | domain | range | meaning |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in _properties_of(g):
        kind = "object" if (p, RDF.type, OWL.ObjectProperty) in g else "datatype"
        out.append(
            "| "
            + " | ".join(
                cell(x)
                for x in (
                    short(p),
                    kind,
                    in_lang(g, p, RDFS.label, "zh"),
                    in_lang(g, p, RDFS.label, "en"),
                    _either(g, p, RDFS.domain, SCHEMA.domainIncludes),
                    _either(g, p, RDFS.range, SCHEMA.rangeIncludes),
                    in_lang(g, p, RDFS.comment, "en"),
                )
            )
            + " |"
        )
    return [*out, ""]


def _either(g: rdflib.Graph, p: URIRef, strict: URIRef, includes: URIRef) -> str:
    """rdfs:domain/range as is; schema:domainIncludes/rangeIncludes as 'one of'; else 'any'."""
    exact = sorted(short(v) for v in g.objects(p, strict))
    some = sorted(short(v) for v in g.objects(p, includes))
    parts = exact + ([" or ".join(some)] if some else [])
    return ", ".join(parts) or "any"


def _individuals(g: rdflib.Graph) -> list[str]:
    groups: dict[URIRef, list[URIRef]] = defaultdict(list)
    for ind in _ours(g, OWL.NamedIndividual):
        for kind in g.objects(ind, RDF.type):
            if kind != OWL.NamedIndividual:
                groups[kind].append(ind)
    out = ["## Individuals", ""]
    for kind in sorted(groups, key=short):
        out += [
            f"### {short(kind)} ({in_lang(g, kind, RDFS.label, 'zh')} / "
            f"{in_lang(g, kind, RDFS.label, 'en')})",
            "",
            "| individual | 中文 | English | meaning |",
            "|---|---|---|---|",
        ]
        out += [
            "| "
            + " | ".join(
                cell(x)
                for x in (
                    short(i),
                    in_lang(g, i, RDFS.label, "zh"),
                    in_lang(g, i, RDFS.label, "en"),
                    in_lang(g, i, RDFS.comment, "en"),
                )
            )
            + " |"
            for i in sorted(groups[kind], key=short)
        ]
        out.append("")
    return out


def _areas(g: rdflib.Graph) -> list[str]:
    out: list[str] = []
    for scheme in sorted(g.subjects(RDF.type, SKOS.ConceptScheme), key=short):
        out += [
            f"## {in_lang(g, scheme, SKOS.prefLabel, 'en')} ({short(scheme)})",
            "",
            f"{in_lang(g, scheme, SKOS.prefLabel, 'zh')}. {in_lang(g, scheme, SKOS.definition, 'en')}",
            "",
            "| notation | concept | 中文 | English | altLabel | definition |",
            "|---|---|---|---|---|---|",
        ]
        concepts = sorted(
            g.subjects(SKOS.inScheme, scheme),
            key=lambda c: (int(str(g.value(c, SKOS.notation) or 0)), short(c)),
        )
        for c in concepts:
            alt = ", ".join(sorted(str(v) for v in g.objects(c, SKOS.altLabel)))
            out.append(
                "| "
                + " | ".join(
                    cell(x)
                    for x in (
                        g.value(c, SKOS.notation) or "",
                        short(c),
                        in_lang(g, c, SKOS.prefLabel, "zh"),
                        in_lang(g, c, SKOS.prefLabel, "en"),
                        alt,
                        in_lang(g, c, SKOS.definition, "en"),
                    )
                )
                + " |"
            )
        out.append("")
    return out


# --- SHACL -------------------------------------------------------------------------------------


def _shapes_by_class(onto: rdflib.Graph, shapes: rdflib.Graph) -> dict[Node, list[tuple]]:
    """Each node shape under the classes it constrains, with a description of its target.

    sh:targetClass names the class; sh:targetSubjectsOf / sh:targetObjectsOf a property go under
    the property's rdfs:domain / rdfs:range."""
    out: dict[Node, list[tuple]] = defaultdict(list)
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        classes = sorted(shapes.objects(shape, SH.targetClass), key=short)
        if classes:
            target = "instances of " + ", ".join(short(c) for c in classes)
            for cls in classes:
                out[cls].append((shape, target))
        for how, via, words in (
            (SH.targetSubjectsOf, RDFS.domain, "subjects of"),
            (SH.targetObjectsOf, RDFS.range, "values of"),
        ):
            props = sorted(shapes.objects(shape, how), key=short)
            if not props:
                continue
            target = f"{words} " + ", ".join(short(p) for p in props)
            for cls in sorted({c for p in props for c in onto.objects(p, via)}, key=short):
                out[cls].append((shape, target))
    return out


def _shape_rows(g: rdflib.Graph, shape: Node) -> list[str]:
    """One table row per property shape, then the node-level constraints, sorted."""
    rows = []
    for prop in g.objects(shape, SH.property):
        lo = g.value(prop, SH.minCount)
        hi = g.value(prop, SH.maxCount)
        if g.value(prop, SH.qualifiedValueShape) is not None:
            lo = g.value(prop, SH.qualifiedMinCount)
            hi = g.value(prop, SH.qualifiedMaxCount)
        count = "" if lo is None and hi is None else f"{lo or 0}..{hi if hi is not None else '*'}"
        rows.append(
            (
                _path(g, g.value(prop, SH.path)),
                count,
                _constraint(g, prop),
                " ".join(sorted(str(m) for m in g.objects(prop, SH.message))),
            )
        )
    node_message = " ".join(sorted(str(m) for m in g.objects(shape, SH.message)))
    for kind in (SH["or"], SH.xone, SH["and"]):
        for lst in g.objects(shape, kind):
            rows.append(("(node)", "", _constraint_list(g, kind, lst), node_message))
    for sparql in g.objects(shape, SH.sparql):
        messages = " ".join(sorted(str(m) for m in g.objects(sparql, SH.message)))
        rows.append(("(node)", "", "SPARQL", messages))
    return ["| " + " | ".join(cell(x) for x in row) + " |" for row in sorted(rows)]


def _path(g: rdflib.Graph, path: Node) -> str:
    if isinstance(path, BNode):
        inverse = g.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{short(inverse)}"
        return " / ".join(short(p) for p in Collection(g, path))
    return short(path)


def _constraint(g: rdflib.Graph, node: Node) -> str:
    """The value constraints of a property (or nested) shape in a few words."""
    parts = []
    parts += [short(v) for v in sorted(g.objects(node, SH.datatype), key=short)]
    parts += [f"a {short(v)}" for v in sorted(g.objects(node, SH["class"]), key=short)]
    parts += [
        "an IRI" if v == SH.IRI else "a literal" if v == SH.Literal else short(v)
        for v in sorted(g.objects(node, SH.nodeKind), key=short)
    ]
    for lst in g.objects(node, SH["in"]):
        parts.append("one of " + ", ".join(_value(v) for v in Collection(g, lst)))
    for lst in g.objects(node, SH.languageIn):
        parts.append("in language " + ", ".join(f"@{v}" for v in Collection(g, lst)))
    for p, words in (
        (SH.minInclusive, "≥ {}"),
        (SH.maxInclusive, "≤ {}"),
        (SH.minExclusive, "> {}"),
        (SH.maxExclusive, "< {}"),
        (SH.minLength, "length ≥ {}"),
        (SH.maxLength, "length ≤ {}"),
        (SH.pattern, "matches `{}`"),
    ):
        parts += [words.format(v) for v in sorted(g.objects(node, p))]
    if (node, SH.uniqueLang, Literal(True)) in g:
        parts.append("one per language")
    for kind in (SH["or"], SH.xone, SH["and"]):
        for lst in g.objects(node, kind):
            parts.append(_constraint_list(g, kind, lst))
    for nested in g.objects(node, SH.qualifiedValueShape):
        parts.append(f"counting values that are {_constraint(g, nested)}")
    return "; ".join(parts)


def _constraint_list(g: rdflib.Graph, kind: URIRef, lst: Node) -> str:
    """sh:or / sh:xone / sh:and of shapes, in words."""
    joiner = {SH["or"]: " or ", SH.xone: " xor ", SH["and"]: " and "}[kind]
    members = []
    for member in Collection(g, lst):
        path = g.value(member, SH.path)
        text = _constraint(g, member)
        if path is not None:
            lo = g.value(member, SH.minCount)
            text = f"{_path(g, path)}" + (f" (min {lo})" if lo is not None else "")
            text += f" {_constraint(g, member)}" if _constraint(g, member) else ""
        members.append(text.strip())
    return joiner.join(members) if kind != SH.xone else "exactly one of: " + "; ".join(members)


def _value(v: Node) -> str:
    return f"`{v}`" if isinstance(v, Literal) else short(v)


def main() -> None:
    """Write docs/ontology.md from the ontology, the shapes and the area scheme."""
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(render_markdown(ONTOLOGY, SHAPES), encoding="utf-8")
    print(f"wrote {DOCS}")


if __name__ == "__main__":
    main()
