"""Query answers as bytes: the media types each query form offers, content negotiation, and the
SPARQL results and RDF serialisations, capped at a row limit.

pyoxigraph writes SELECT answers itself (in Rust) when the query was made to stop one row past
the cap (`native_solutions`); otherwise they are written here, where the cap stops reading at the
limit. Either way the answer says when it was cut.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    serialize,
)

from ontology.namespaces import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
N_TRIPLES = "application/n-triples"
JSON_LD = "application/ld+json"
RDF_XML = "application/rdf+xml"

SOLUTION_TYPES = (SPARQL_JSON, SPARQL_XML, CSV, TSV)  # SELECT, in the server's preference
BOOLEAN_TYPES = (SPARQL_JSON, SPARQL_XML)  # ASK: CSV and TSV define no boolean
GRAPH_TYPES = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML)  # CONSTRUCT, DESCRIBE, graph store
RDF_FORMATS = {
    TURTLE: RdfFormat.TURTLE,
    N_TRIPLES: RdfFormat.N_TRIPLES,
    JSON_LD: RdfFormat.JSON_LD,
    RDF_XML: RdfFormat.RDF_XML,
}
NATIVE_SOLUTION_FORMATS = {  # what pyoxigraph writes whose rows can be counted exactly in bytes
    SPARQL_JSON: QueryResultsFormat.JSON,
    SPARQL_XML: QueryResultsFormat.XML,
    TSV: QueryResultsFormat.TSV,
}
ALIASES = {  # what clients also send, and the `format` parameter's short names
    "application/json": SPARQL_JSON,
    "application/xml": SPARQL_XML,
    "text/xml": SPARQL_XML,
    "json": SPARQL_JSON,
    "xml": SPARQL_XML,
    "csv": CSV,
    "tsv": TSV,
    "turtle": TURTLE,
    "ttl": TURTLE,
    "ntriples": N_TRIPLES,
    "nt": N_TRIPLES,
    "jsonld": JSON_LD,
    "rdfxml": RDF_XML,
    "text/plain": N_TRIPLES,
}
GRAPH_ALIASES = {"application/json": JSON_LD, "json": JSON_LD}


def offered(form: str | None) -> tuple[str, ...]:
    """The media types a query form can be answered in, the default first."""
    if form in ("CONSTRUCT", "DESCRIBE"):
        return GRAPH_TYPES
    if form == "ASK":
        return BOOLEAN_TYPES
    return SOLUTION_TYPES


def _canonical(media_type: str, offers: tuple[str, ...]) -> str:
    media_type = media_type.strip().lower()
    if offers is GRAPH_TYPES and media_type in GRAPH_ALIASES:
        return GRAPH_ALIASES[media_type]
    return ALIASES.get(media_type, media_type)


def negotiate(accept: str | None, offers: tuple[str, ...], format_name: str | None = None) -> str:
    """The offered media type the client prefers (`format` overrides Accept); NotAcceptable if
    none of the offers is acceptable."""
    if format_name:
        chosen = _canonical(format_name, offers)
        if chosen not in offers:
            raise NotAcceptable(format_name, offers)
        return chosen
    if not accept or not accept.strip():
        return offers[0]
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        fields = part.split(";")
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        if fields[0].strip():
            ranges.append((_canonical(fields[0], offers), q))
    best, best_q = None, 0.0
    for offer in offers:
        kind = offer.split("/")[0]
        q = next((q for r, q in ranges if r == offer), None)
        if q is None:
            q = next((q for r, q in ranges if r == f"{kind}/*"), None)
        if q is None:
            q = next((q for r, q in ranges if r == "*/*"), 0.0)
        if q > best_q:
            best, best_q = offer, q
    if best is None:
        raise NotAcceptable(accept, offers)
    return best


class NotAcceptable(Exception):
    """No offered media type is acceptable to the client."""

    def __init__(self, asked: str, offers: tuple[str, ...]) -> None:
        super().__init__(
            f"cannot answer in {asked!r}; this answer is offered as {', '.join(offers)}"
        )
        self.offers = offers


@dataclass(frozen=True)
class Serialized:
    """An answer's bytes, its media type, how many rows (or triples) it holds and whether the
    cap cut it short."""

    body: bytes
    media_type: str
    rows: int
    truncated: bool


def _upto(items: Iterable, limit: int) -> list:
    """At most limit + 1 items: one more than the cap shows that the cap cut the answer."""
    return list(islice(iter(items), limit + 1))


def boolean(value: bool, media_type: str) -> Serialized:
    """An ASK answer."""
    if media_type == SPARQL_XML:
        body = (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        )
    else:
        body = json.dumps({"head": {}, "boolean": value})
    return Serialized(body.encode(), media_type, 1, False)


def solutions(
    variables: list[str], rows: Iterable[Iterable[object]], media_type: str, limit: int
) -> Serialized:
    """A SELECT answer, at most `limit` rows."""
    taken = [list(r) for r in _upto(rows, limit)]
    truncated = len(taken) > limit
    del taken[limit:]
    body = _SOLUTION_WRITERS[media_type](variables, taken, truncated, limit)
    return Serialized(body, media_type, len(taken), truncated)


def native_solutions(result: QuerySolutions, media_type: str, limit: int) -> Serialized:
    """A SELECT answer written by pyoxigraph, for a query that stops at `limit` + 1 rows: the rows
    are counted in the bytes, and a row past the cap is cut off and the answer marked cut."""
    body = result.serialize(format=NATIVE_SOLUTION_FORMATS[media_type])
    assert body is not None
    if media_type == SPARQL_JSON:
        doc = json.loads(body)
        bindings = doc["results"]["bindings"]
        rows = len(bindings)
        if rows > limit:
            del bindings[limit:]
            doc["plangraph"] = {"truncated": True, "limit": limit}
            body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()
    elif media_type == SPARQL_XML:  # markup in values is escaped: each <result> is a row
        rows = body.count(b"<result>")
        if rows > limit:
            cut = _nth(body, b"<result>", limit + 1)
            body = body[:cut] + b"</results></sparql>\n"
    else:  # TSV: a header line, then one line per row (newlines in values are escaped)
        rows = body.count(b"\n") - 1
        if rows > limit:
            body = body[: _nth(body, b"\n", limit + 1) + 1]
    return Serialized(body, media_type, min(rows, limit), rows > limit)


def _nth(body: bytes, needle: bytes, n: int) -> int:
    """Where the `n`th occurrence (1-based) of `needle` starts."""
    at = -1
    for _ in range(n):
        at = body.index(needle, at + 1)
    return at


def graph(triples: Iterable[Triple], media_type: str, limit: int) -> Serialized:
    """A CONSTRUCT or DESCRIBE answer, at most `limit` triples."""
    taken = _upto(triples, limit)
    truncated = len(taken) > limit
    del taken[limit:]
    fmt = RDF_FORMATS[media_type]
    prefixes = {"prefixes": PREFIXES} if fmt in (RdfFormat.TURTLE, RdfFormat.RDF_XML) else {}
    body = serialize(taken, format=fmt, **prefixes) if taken else b""
    if not taken and fmt == RdfFormat.JSON_LD:
        body = b"[]"
    return Serialized(body or b"", media_type, len(taken), truncated)


def _json_term(term: object) -> dict[str, object]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    assert isinstance(term, Triple)
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _write_json(variables: list[str], rows: list[list], truncated: bool, limit: int) -> bytes:
    bindings = [
        {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
        for row in rows
    ]
    doc: dict[str, object] = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    if truncated:
        doc["plangraph"] = {"truncated": True, "limit": limit}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def _xml_term(term: object) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            dt = quoteattr(term.datatype.value)
            return f"<literal datatype={dt}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    assert isinstance(term, Triple)
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


def _write_xml(variables: list[str], rows: list[list], truncated: bool, limit: int) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        out += [
            f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
            for v, t in zip(variables, row, strict=True)
            if t is not None
        ]
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode()


def _csv_value(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Triple):
        return str(term)
    return term.value  # type: ignore[attr-defined]


def _write_csv(variables: list[str], rows: list[list], truncated: bool, limit: int) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([_csv_value(t) for t in row] for row in rows)
    return buf.getvalue().encode()


def _write_tsv(variables: list[str], rows: list[list], truncated: bool, limit: int) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


_SOLUTION_WRITERS = {
    SPARQL_JSON: _write_json,
    SPARQL_XML: _write_xml,
    CSV: _write_csv,
    TSV: _write_tsv,
}


def json_rows(body: bytes) -> Iterator[dict[str, str]]:
    """The rows of a SPARQL JSON answer as plain strings (for tables on the command line)."""
    doc = json.loads(body)
    for binding in doc["results"]["bindings"]:
        yield {v: t["value"] for v, t in binding.items()}
