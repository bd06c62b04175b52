"""`/id/{path}`: every resource IRI `https://w3id.org/plangraph/id/{path}` resolves here.

Content negotiation: a browser gets an HTML page of the resource's statements and its source
passage; an RDF client Turtle, JSON-LD or N-Triples (`format=` overrides Accept). The triples
are the resource's own (as subject, from every graph) and those of its source span. 404 in the
one JSON error shape for a resource the graph lacks, 406 for a type not offered.
"""

from __future__ import annotations

import html
from typing import Annotated

import anyio
from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse

from ontology.namespaces import PREFIXES
from queryapi import results
from queryapi.errors import ApiError
from queryapi.http import answer_response, app_state, run_job
from queryapi.named_queries import NamedQuery
from queryapi.rest import ID, rest_url, select
from queryapi.source_text import passage
from queryapi.workers import Job, Term

HTML = "text/html"
OFFERS = (HTML, results.TURTLE, results.JSON_LD, results.N_TRIPLES)
_FORMATS = {"html": HTML, "turtle": results.TURTLE, "ttl": results.TURTLE}
_FORMATS |= {"jsonld": results.JSON_LD, "ntriples": results.N_TRIPLES, "nt": results.N_TRIPLES}
PG = PREFIXES["pg"]


def negotiate(request: Request, format_name: str | None) -> str:
    """HTML, Turtle, JSON-LD or N-Triples, by `format` or Accept (HTML for */*); 406."""
    if format_name:
        if format_name not in _FORMATS:
            raise ApiError(
                406,
                "not-acceptable",
                f"format={format_name}: offered are {', '.join(sorted(_FORMATS))}",
            )
        return _FORMATS[format_name]
    try:
        return results.negotiate(request.headers.get("accept"), OFFERS)
    except results.NotAcceptable as err:
        raise ApiError(406, "not-acceptable", str(err)) from None


def _short(iri: str) -> str:
    """A prefixed name where a contract prefix fits (pgid:… for every resource)."""
    for prefix, ns in PREFIXES.items():
        rest = iri[len(ns) :]
        if iri.startswith(ns) and (prefix == "pgid" or "/" not in rest):
            return f"{prefix}:{rest}"
    return iri


def _link(iri: str) -> str:
    href = "/id/" + iri[len(ID) :] if iri.startswith(ID) else iri
    return f'<a href="{html.escape(href)}">{html.escape(_short(iri))}</a>'


def render_html(iri: str, rows: list[dict], source: dict | None) -> str:
    """A plain page of the resource's statements (its span's below) and its source passage."""
    title = next((r["o"] for r in rows if r["p"].endswith(("#label", "/title", "#prefLabel"))), iri)
    out = [
        "<!doctype html><html lang='zh'><head><meta charset='utf-8'>",
        f"<title>{html.escape(str(title))}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "td{vertical-align:top;padding:.2em .6em}mark{background:#fe6}"
        "blockquote{background:#f6f6f6;padding:.6em}</style></head><body>",
        f"<h1>{html.escape(str(title))}</h1><p><code>{html.escape(iri)}</code></p>",
    ]
    links = [f'<a href="/id/{html.escape(iri[len(ID) :])}?format=turtle">Turtle</a>']
    links += [f'<a href="/id/{html.escape(iri[len(ID) :])}?format=jsonld">JSON-LD</a>']
    if url := rest_url(iri):
        links.append(f'<a href="{html.escape(url)}">JSON (REST)</a>')
    out.append("<p>" + " · ".join(links) + "</p>")
    if source and source.get("paragraph") is not None:
        para = source["paragraph"]
        a, b = source["highlightStart"], source["highlightEnd"]
        out.append(
            f"<h2>Source</h2><p>{html.escape(source['file'])}, line {source.get('line')}</p>"
            f"<blockquote>{html.escape(para[:a])}<mark>{html.escape(para[a:b])}</mark>"
            f"{html.escape(para[b:])}</blockquote>"
        )
    subject = None
    for r in rows:
        if r["subject"] != subject:
            if subject is not None:
                out.append("</table>")
            subject = r["subject"]
            out.append(f"<h2>{_link(subject)}</h2><table>")
        value = r["o"]
        if r.get("oIsIri"):
            shown = _link(value) + (f" ({html.escape(r['label'])})" if r.get("label") else "")
        else:
            shown = html.escape(str(value))
        out.append(f"<tr><td>{_link(r['p'])}</td><td>{shown}</td></tr>")
    if subject is not None:
        out.append("</table>")
    out.append("</body></html>")
    return "".join(out)


def router(queries: dict[str, NamedQuery]) -> APIRouter:
    """The /id/ route over the named queries `resource` (CONSTRUCT) and `resource-table`."""
    api = APIRouter()

    @api.get(
        "/id/{path:path}",
        summary="A resource's triples and source: HTML, Turtle, JSON-LD or N-Triples",
        tags=["linked data"],
        response_class=Response,
        responses={
            200: {
                "content": {
                    t: {"schema": {"type": "string"}}
                    for t in (HTML, results.TURTLE, results.JSON_LD, results.N_TRIPLES)
                }
            }
        },
    )
    async def resource(
        request: Request,
        path: Annotated[str, Path(min_length=1, max_length=500, pattern=r"^[^\s<>\"{}|^`\\]+$")],
        format: Annotated[str | None, Query(description="html, turtle, jsonld or ntriples")] = None,
    ) -> Response:
        settings = app_state(request).settings
        media_type = negotiate(request, format)
        iri = ID + path
        bound = (("node", Term("iri", iri)),)
        if media_type == HTML:
            rows = await select(request, queries["resource-table"], bound)
            if not rows:
                raise _missing(path)
            for r in rows:
                r["oIsIri"] = isinstance(r["o"], str) and r["o"].startswith(("http:", "https:"))
            source = await _source(request, iri)
            page = await anyio.to_thread.run_sync(render_html, iri, rows, source)
            return HTMLResponse(page, headers={"Vary": "Accept"})
        job = Job(
            queries["resource"].query,
            media_type,
            settings.max_rows,
            timeout=settings.timeout,
            substitutions=bound,
        )
        answer = await run_job(request, job)
        if answer.rows == 0:
            raise _missing(path)
        return answer_response(answer, settings.max_rows)

    async def _source(request: Request, iri: str) -> dict | None:
        settings = app_state(request).settings
        rows = await select(request, queries["resource-span"], (("node", Term("iri", iri)),))
        if not rows:
            return None
        r = rows[0]
        found = await anyio.to_thread.run_sync(
            lambda: passage(
                r["file"],
                r["start"],
                r["end"],
                r.get("line"),
                settings.corpus.parent,
                settings.upstream,
                r.get("sha256"),
            )
        )
        return found.__dict__ if found else None

    return api


def _missing(path: str) -> ApiError:
    return ApiError(
        404,
        "no-such-resource",
        f"/id/{path}: the graph has no resource {ID}{path}; start from /api/plans",
    )
