"""`/store`: the SPARQL 1.1 Graph Store Protocol, read access only.

`GET /store?graph=IRI` gives one named graph (one plan), `GET /store?default` the default graph
(the union of all plans), in Turtle, N-Triples, JSON-LD or RDF/XML. Writes get 405.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pyoxigraph import NamedNode

from queryapi import results
from queryapi.errors import ApiError
from queryapi.guard import check_query
from queryapi.http import answer_response, app_state, decode_params, run_job
from queryapi.sparql_endpoint import media_type_for
from queryapi.workers import Job

router = APIRouter()
ALLOW = "GET, HEAD, OPTIONS"


def _graph_iri(params: list[tuple[str, str]]) -> NamedNode | None:
    """The graph a request names (None: the default graph), or 400."""
    graphs = [v for n, v in params if n == "graph"]
    default = any(n == "default" for n, _ in params)
    if len(graphs) + default != 1:
        raise ApiError(
            400,
            "graph-parameter",
            "name exactly one graph: ?graph=IRI (a plan's graph) or ?default (all plans)",
        )
    if default:
        return None
    try:
        return NamedNode(graphs[0])
    except ValueError as err:
        raise ApiError(400, "bad-graph-iri", f"graph={graphs[0]!r}: {err}") from None


@router.api_route("/store", methods=["GET", "HEAD"], include_in_schema=False)
async def get_graph(request: Request) -> Response:
    """One graph, by content negotiation; 404 when the store has no such graph."""
    settings = app_state(request).settings
    params = decode_params(request.scope.get("query_string", b""), "the URL's query string")
    iri = _graph_iri(params)
    formats = [v for n, v in params if n == "format"]
    media_type = media_type_for(request, results.GRAPH_TYPES, formats[-1] if formats else None)
    pattern = f"GRAPH {iri} {{ ?s ?p ?o }}" if iri else "?s ?p ?o"
    job = Job(
        check_query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}"),
        media_type,
        settings.max_rows,
        timeout=settings.timeout,
    )
    answer = await run_job(request, job)
    if iri is not None and answer.rows == 0:
        raise ApiError(404, "no-such-graph", f"the store has no graph {iri}")
    return answer_response(answer, settings.max_rows)


@router.api_route("/store", methods=["PUT", "POST", "DELETE", "PATCH"], include_in_schema=False)
async def write_graph(request: Request) -> Response:
    """Graph Store writes: 405, this server is read-only."""
    raise ApiError(
        405,
        "method-not-allowed",
        f"{request.method} /store: the graph store is read-only here; change the data with "
        "`plangraph build`, or `plangraph push` it to a store you can write",
    )
