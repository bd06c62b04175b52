"""`/sparql`: the SPARQL 1.1 Protocol, read-only.

GET, POST form and POST direct; `default-graph-uri` and `named-graph-uri`; content negotiation
(or `format=json|xml|csv|tsv|turtle|ntriples|jsonld|rdfxml`); the service description when there
is no query. Updates, in any form, get 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request, Response
from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from queryapi import results
from queryapi.errors import ApiError, error_response
from queryapi.guard import CheckedQuery, QueryRefused, check_query
from queryapi.http import (
    KeptResponse,
    RequestKey,
    answer_response,
    app_state,
    decode_params,
    read_body,
    require_utf8,
    run_job,
    utf8_text,
)
from queryapi.workers import Job, QueryFailed

router = APIRouter()

FORM = "application/x-www-form-urlencoded"
DIRECT_QUERY = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"
DATASET_PARAMS = ("default-graph-uri", "named-graph-uri")
UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")


@dataclass(frozen=True)
class ProtocolRequest:
    """A SPARQL Protocol query request, read from the URL and the body."""

    query: str | None
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    format: str | None


def _refuse_update() -> ApiError:
    return ApiError(
        403,
        "update-refused",
        "updates are not supported: this endpoint is read-only; "
        "rebuild the store with `plangraph build` to change the data",
    )


@dataclass(frozen=True)
class ContentType:
    """A request's media type (lower case, "" when absent) and declared charset."""

    media: str
    charset: str | None


def content_type(request: Request) -> ContentType:
    """The request's Content-Type, split into media type and charset."""
    media, *params = (p.strip() for p in request.headers.get("content-type", "").split(";"))
    charset = next(
        (p.split("=", 1)[1].strip().strip('"') for p in params if p.lower().startswith("charset=")),
        None,
    )
    return ContentType(media.lower(), charset)


async def read_protocol(request: Request) -> ProtocolRequest:
    """The query and dataset of a protocol request, or the ApiError that names what is wrong."""
    settings = app_state(request).settings
    params = decode_params(request.scope.get("query_string", b""), "the URL's query string")
    body_query: str | None = None
    if request.method == "POST":
        kind = content_type(request)
        media, charset = kind.media, kind.charset
        body = await read_body(request, settings.max_body)
        if media == FORM:
            require_utf8(charset, "the form body")
            params += decode_params(body, "the form body")
        elif media == DIRECT_QUERY:
            body_query = utf8_text(body, charset, "the query body")
        elif media == DIRECT_UPDATE:
            raise _refuse_update()
        else:
            shown = media or "no Content-Type"
            raise ApiError(
                415,
                "unsupported-media-type",
                f"POST with {shown}: send {DIRECT_QUERY} (the query as the body) "
                f"or {FORM} (query=...)",
            )
    names = [name for name, _ in params]
    if any(name in UPDATE_PARAMS for name in names):
        raise _refuse_update()
    queries = [value for name, value in params if name == "query"]
    if body_query is not None:
        queries.append(body_query)
    if len(queries) > 1:
        raise ApiError(400, "multiple-queries", "give exactly one query, not several")
    formats = [value for name, value in params if name == "format"]
    return ProtocolRequest(
        queries[0] if queries else None,
        tuple(v for n, v in params if n == "default-graph-uri"),
        tuple(v for n, v in params if n == "named-graph-uri"),
        formats[-1] if formats else None,
    )


def checked(query: str) -> CheckedQuery:
    """The query checked by the guard; 403 for updates and SERVICE."""
    try:
        return check_query(query)
    except QueryRefused as err:
        raise ApiError(403, err.code, str(err)) from None


def media_type_for(request: Request, offers: tuple[str, ...], format_name: str | None) -> str:
    """The negotiated media type, or 406 naming what is offered."""
    try:
        return results.negotiate(request.headers.get("accept"), offers, format_name)
    except results.NotAcceptable as err:
        raise ApiError(406, "not-acceptable", str(err)) from None


@router.api_route("/sparql", methods=["GET", "POST", "HEAD"], include_in_schema=False)
@router.api_route("/sparql/", methods=["GET", "POST", "HEAD"], include_in_schema=False)
async def sparql(request: Request) -> Response:
    """Answer a SPARQL query, or describe the service when there is none."""
    protocol = await read_protocol(request)
    settings = app_state(request).settings
    if protocol.query is None:
        if request.method == "POST" or protocol.default_graphs or protocol.named_graphs:
            raise ApiError(400, "missing-query", "no query: give query=... (or POST the query)")
        return await service_description(request, protocol.format)
    query = checked(protocol.query)
    media_type = media_type_for(request, results.offered(query.form), protocol.format)
    job = Job(
        query,
        media_type,
        settings.max_rows,
        protocol.default_graphs,
        protocol.named_graphs,
        settings.timeout,
        base_iri=str(request.url.replace(query="", fragment="")),
    )
    return answer_response(await run_job(request, job), settings.max_rows)


class SparqlFastLane:
    """`/sparql` queries answered without FastAPI's routing, handler and exception layers, which
    cost more than a cheap query itself, and a repeated request answered with the response it
    had on the same store generation (AppState.responses) before anything else is done. It
    takes only GET and POST without an Origin header (CORS answers those); the answer, and
    every error in the one JSON shape, is what the route above gives, because it is the route's
    own function that answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] not in ("/sparql", "/sparql/")
            or scope["method"] not in ("GET", "POST")
            or any(name == b"origin" for name, _ in scope["headers"])
        ):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state.plangraph
        body = await _declared_body(scope, receive, state.settings.max_body)
        cache = state.responses if body is not None else None
        generation = state.generation()
        key = _request_key(scope, body)
        if cache is not None and (kept := cache.get(generation, key)) is not None:
            await send(
                {"type": "http.response.start", "status": kept.status, "headers": kept.headers}
            )
            await send({"type": "http.response.body", "body": kept.body})
            return
        if body is not None and scope["method"] == "POST":
            receive = _replay(body, receive)
        try:
            response = await sparql(Request(scope, receive))
        except (ApiError, QueryFailed) as err:
            response = error_response(err.failure)
        if cache is not None and response.status_code == 200:
            cache.put(generation, key, KeptResponse(200, response.raw_headers, response.body))
        await response(scope, receive, send)


# The request headers an answer depends on: negotiation and the base IRI (Host)
KEYED_HEADERS = frozenset((b"accept", b"content-type", b"host"))


def _request_key(scope: Scope, body: bytes | None) -> RequestKey:
    headers = tuple((n, v) for n, v in scope["headers"] if n in KEYED_HEADERS)
    return (
        scope["method"],
        scope["scheme"],
        scope.get("root_path", ""),
        scope["path"],
        scope["query_string"],
        headers,
        body,
    )


async def _declared_body(scope: Scope, receive: Receive, limit: int) -> bytes | None:
    """A POST's whole body when its Content-Length is declared and within `limit`; b"" for a
    GET (whose body is not read); None otherwise (nothing read: read_body takes or refuses it,
    or the client left while it was read)."""
    if scope["method"] == "GET":
        return b""
    declared = next((v for n, v in scope["headers"] if n == b"content-length"), b"")
    if not declared.isdigit() or int(declared) > limit:
        return None
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """`receive` giving the body already read first."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
@router.api_route("/sparql/", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
async def sparql_write(request: Request) -> Response:
    """Anything but a read: 405."""
    raise ApiError(
        405,
        "method-not-allowed",
        f"{request.method} /sparql: use GET or POST; this endpoint is read-only",
    )


SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RESULT_FORMAT_IRIS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


async def service_description(request: Request, format_name: str | None) -> Response:
    """The SPARQL 1.1 Service Description of this endpoint, with its named graphs."""
    settings = app_state(request).settings
    media_type = media_type_for(request, results.GRAPH_TYPES, format_name)
    graphs_job = Job(
        check_query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g"),
        results.SPARQL_JSON,
        settings.max_rows,
        timeout=settings.timeout,
    )
    names = [row["g"] for row in results.json_rows((await run_job(request, graphs_job)).body)]
    endpoint = NamedNode(str(request.url.replace(query="", fragment="")))

    def sd(term: str) -> NamedNode:
        return NamedNode(SD + term)

    rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    dataset, default = BlankNode("dataset"), BlankNode("default")
    triples = [
        Triple(endpoint, rdf_type, sd("Service")),
        Triple(endpoint, sd("endpoint"), endpoint),
        Triple(endpoint, sd("supportedLanguage"), sd("SPARQL11Query")),
        Triple(endpoint, sd("feature"), sd("UnionDefaultGraph")),
        Triple(endpoint, sd("defaultDataset"), dataset),
        Triple(dataset, rdf_type, sd("Dataset")),
        Triple(dataset, sd("defaultGraph"), default),
        Triple(default, rdf_type, sd("Graph")),
        Triple(
            endpoint,
            NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
            Literal(
                "plangraph: Chinese development plans as RDF. Read-only; the default graph is "
                "the union of all plans; the contract's prefixes (pg:, pgid:, skos:, dcterms: "
                f"...) are predeclared; queries stop after {settings.timeout:g} s and answers "
                f"hold at most {settings.max_rows} rows.",
                language="en",
            ),
        ),
    ]
    triples += [
        Triple(endpoint, sd("resultFormat"), NamedNode(FORMATS + f)) for f in RESULT_FORMAT_IRIS
    ]
    for i, name in enumerate(names):
        node = BlankNode(f"g{i}")
        triples += [
            Triple(dataset, sd("namedGraph"), node),
            Triple(node, rdf_type, sd("NamedGraph")),
            Triple(node, sd("name"), NamedNode(name)),
        ]
    return answer_response(results.graph(triples, media_type, len(triples)), len(triples))
