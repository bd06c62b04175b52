"""The SPARQL endpoint as analysts' tools use it: a real `plangraph serve` on the four plans."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pyoxigraph
import pytest
import rdflib

from tests.servers import listening, plangraph_serve

ROOT = Path(__file__).resolve().parent.parent
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
PLANS = "SELECT DISTINCT ?plan ?title WHERE { ?plan pg:hasArea ?area ; dcterms:title ?title }"
LUZHAI = "https://w3id.org/plangraph/id/graph/liuzhou-luzhai-women-2021-2030"
TIMEOUT = 3  # the test server's deadline, seconds


@pytest.fixture(scope="module", params=["store", "endpoint"])
def server(request, built_store):
    """`plangraph serve` on the embedded store, and over a remote store with --endpoint."""
    if request.param == "store":
        source = ("--store", str(built_store))
    else:
        source = ("--endpoint", request.getfixturevalue("pushed_oxigraph").sparql)
    with plangraph_serve(built_store, *source, "--timeout", str(TIMEOUT)) as running:
        yield running


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def select_rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    doc = response.json()
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict:
    """Every error has the one shape: {"error": {"status", "code", "message"}}."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message"}
    assert error["status"] == status and error["message"]
    if code:
        assert error["code"] == code, error
    return error


# --- the protocol: three ways to ask, the dataset, the union default graph -----------------


def test_get_post_form_and_post_direct_agree(client):
    by_get = select_rows(client.get("/sparql", params={"query": PLANS}))
    by_form = select_rows(client.post("/sparql", data={"query": PLANS}))
    by_body = select_rows(
        client.post(
            "/sparql", content=PLANS.encode(), headers={"content-type": "application/sparql-query"}
        )
    )
    titles = sorted(r["title"] for r in by_get)
    # the four seed plans, the national outline, shipped as data (data/upstream/), and the
    # Guangdong and Guangzhou plans as the Panyu plan's footnotes quote them
    assert len(titles) == 7 and "鹿寨县妇女发展规划（2021—2030年）" in titles
    assert "广东省妇女发展规划（2021—2030年）" in titles
    assert "中国妇女发展纲要（2021—2030年）" in titles
    assert by_get == by_form == by_body


def test_protocol_dataset_narrows_the_default_graph(client):
    rows = select_rows(client.get("/sparql", params={"query": PLANS, "default-graph-uri": LUZHAI}))
    assert [r["title"] for r in rows] == ["鹿寨县妇女发展规划（2021—2030年）"]
    named = client.get(
        "/sparql",
        params={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a pg:Plan } }",
            "named-graph-uri": LUZHAI,
        },
    )
    assert [r["g"] for r in select_rows(named)] == [LUZHAI]


def test_from_in_the_query_is_respected(client):
    """Regression: the union default graph used to override the query's own FROM."""
    query = PLANS.replace("WHERE", f"FROM <{LUZHAI}> WHERE")
    rows = select_rows(client.get("/sparql", params={"query": query}))
    assert [r["title"] for r in rows] == ["鹿寨县妇女发展规划（2021—2030年）"]


# --- content negotiation -------------------------------------------------------------------

SELECT = "SELECT ?title WHERE { ?p pg:hasArea ?a ; dcterms:title ?title } GROUP BY ?title ORDER BY ?title"
ASK = "ASK { ?p a pg:Plan }"
CONSTRUCT = f"CONSTRUCT {{ ?p dcterms:title ?t }} WHERE {{ GRAPH <{LUZHAI}> {{ ?p a pg:Plan ; dcterms:title ?t }} }}"
DESCRIBE = "DESCRIBE <https://w3id.org/plangraph/id/plan/liuzhou-luzhai-women-2021-2030>"

NEGOTIATION = [
    # query, Accept, expected media type
    (SELECT, None, "application/sparql-results+json"),
    (SELECT, "*/*", "application/sparql-results+json"),
    (SELECT, "application/json", "application/sparql-results+json"),
    (SELECT, "application/sparql-results+xml", "application/sparql-results+xml"),
    (SELECT, "text/csv", "text/csv"),
    (SELECT, "text/tab-separated-values", "text/tab-separated-values"),
    (
        SELECT,
        "text/csv;q=0.5, application/sparql-results+xml;q=0.9",
        "application/sparql-results+xml",
    ),
    (SELECT, "application/sparql-results+json,*/*;q=0.9", "application/sparql-results+json"),
    (SELECT, "text/*", "text/csv"),
    (ASK, None, "application/sparql-results+json"),
    (ASK, "application/sparql-results+xml", "application/sparql-results+xml"),
    (ASK, "text/csv, */*;q=0.1", "application/sparql-results+json"),
    (CONSTRUCT, None, "text/turtle"),
    (CONSTRUCT, "application/n-triples", "application/n-triples"),
    (CONSTRUCT, "application/ld+json", "application/ld+json"),
    (CONSTRUCT, "application/rdf+xml", "application/rdf+xml"),
    (CONSTRUCT, "application/sparql-results+json, text/turtle;q=0.5", "text/turtle"),
    (DESCRIBE, None, "text/turtle"),
    (DESCRIBE, "application/n-triples", "application/n-triples"),
]


def parse_answer(media_type: str, body: bytes) -> object:
    """The answer read back by a real parser for its format: rows, a boolean or a graph."""
    if media_type == "application/sparql-results+json":
        doc = json.loads(body)
        return doc.get(
            "boolean", [b["title"]["value"] for b in doc.get("results", {}).get("bindings", [])]
        )
    if media_type == "application/sparql-results+xml":
        root = ET.fromstring(body)
        ns = "{http://www.w3.org/2005/sparql-results#}"
        if (b := root.find(f"{ns}boolean")) is not None:
            return b.text == "true"
        return [el.text for el in root.iter(f"{ns}literal")]
    if media_type == "text/csv":
        return [row[0] for row in list(csv.reader(io.StringIO(body.decode())))[1:]]
    if media_type == "text/tab-separated-values":
        cells = [line.split("\t")[0] for line in body.decode().splitlines()[1:]]
        return [pyoxigraph.Literal(c[1 : c.rindex('"')]).value for c in cells]
    rdflib_format = {
        "text/turtle": "turtle",
        "application/n-triples": "nt",
        "application/ld+json": "json-ld",
        "application/rdf+xml": "xml",
    }[media_type]
    return rdflib.Graph().parse(data=body, format=rdflib_format)


@pytest.mark.parametrize(("query", "accept", "expected"), NEGOTIATION)
def test_content_negotiation(client, query, accept, expected):
    headers = {"accept": accept} if accept else {}
    response = client.get("/sparql", params={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == expected
    answer = parse_answer(expected, response.content)
    if query is SELECT:
        assert len(answer) == 7 and "鹿寨县妇女发展规划（2021—2030年）" in answer
    elif query is ASK:
        assert answer is True
    else:
        assert len(answer) >= 1
        titles = [str(o) for o in answer.objects(None, rdflib.DCTERMS.title)]
        assert "鹿寨县妇女发展规划（2021—2030年）" in titles


@pytest.mark.parametrize(
    ("query", "accept"),
    [(SELECT, "image/png"), (ASK, "text/csv"), (CONSTRUCT, "application/sparql-results+json")],
)
def test_what_cannot_be_produced_is_406(client, query, accept):
    error = assert_error(
        client.get("/sparql", params={"query": query}, headers={"accept": accept}),
        406,
        "not-acceptable",
    )
    assert "offered as" in error["message"]


def test_format_parameter_overrides_accept(client):
    response = client.get(
        "/sparql", params={"query": SELECT, "format": "csv"}, headers={"accept": "application/json"}
    )
    assert response.headers["content-type"].startswith("text/csv")


def test_service_description(client):
    response = client.get("/sparql", headers={"accept": "text/turtle"})
    assert response.status_code == 200
    g = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    [service] = g.subjects(rdflib.RDF.type, sd.Service)
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in g
    assert (service, sd.feature, sd.UnionDefaultGraph) in g
    names = {str(n) for n in g.objects(None, sd.name)}
    # with the graphs of the national outline, of the two plans Panyu's footnotes quote, of
    # the alignments and of the aggregates worked out at build time
    assert LUZHAI in names and len(names) == 13


def test_contract_prefixes_are_predeclared(client):
    rows = select_rows(
        client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?m a pg:Measure }"})
    )
    assert int(rows[0]["n"]) > 300


def test_cors_is_open_for_reads(client):
    preflight = client.options(
        "/sparql",
        headers={
            "origin": "https://yasgui.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    answer = client.get(
        "/sparql", params={"query": ASK}, headers={"origin": "https://yasgui.example"}
    )
    assert answer.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(
    "query",
    [PLANS, "SELECT * { ?s ?p ?o }", "SELECT ?x WHERE { ?x ?p", "INSERT DATA { <a:s> <a:p> 1 }"],
)
def test_the_fast_lane_answers_as_the_full_stack_does(client, query):
    """Requests without an Origin header take /sparql's fast lane, those with one the full
    FastAPI stack (for CORS): the status, body and result headers are the same."""
    lean = client.post("/sparql", data={"query": query}, headers={"accept": "application/json"})
    full = client.post(
        "/sparql",
        data={"query": query},
        headers={"accept": "application/json", "origin": "https://yasgui.example"},
    )
    assert (lean.status_code, lean.content) == (full.status_code, full.content)
    for header in ("content-type", "x-result-rows", "x-result-truncated", "x-result-limit"):
        assert lean.headers.get(header) == full.headers.get(header), header
    assert "access-control-allow-origin" in full.headers


def test_a_repeated_request_gets_its_answer_again_and_only_the_same_request_does(client):
    """A /sparql response is kept for the same request on the same store generation; what an
    answer depends on (Accept, the Host its base IRI comes from, the query) keys it."""
    relative = "CONSTRUCT { <item> <https://example.org/p> 1 } WHERE {}"

    def ask(accept: str = "application/n-triples", host: str | None = None, query=relative):
        headers = {"accept": accept} | ({"host": host} if host else {})
        return client.post("/sparql", data={"query": query}, headers=headers)

    first, again = ask(), ask()
    assert first.status_code == 200 and b"/item>" in first.content
    assert (again.content, again.headers) == (first.content, first.headers)
    elsewhere = ask(host="plans.example")
    assert b"<http://plans.example/item>" in elsewhere.content, elsewhere.content
    assert ask(accept="text/turtle").headers["content-type"].startswith("text/turtle")
    assert ask(query=relative + " LIMIT 0").content == b""
    by_get = client.get(
        "/sparql", params={"query": relative}, headers={"accept": "application/n-triples"}
    )
    assert by_get.content == first.content


# --- results are capped, and the answer says so ---------------------------------------------


def test_results_are_capped_and_say_so(client):
    response = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
    doc = response.json()
    assert len(doc["results"]["bindings"]) == 10_000
    assert response.headers["x-result-truncated"] == "true"
    assert response.headers["x-result-limit"] == "10000"
    assert doc["plangraph"] == {"truncated": True, "limit": 10_000}
    small = client.get("/sparql", params={"query": SELECT})
    assert "x-result-truncated" not in small.headers and small.headers["x-result-rows"] == "7"


# --- the Graph Store Protocol, read only ----------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_graph_store_gives_one_plans_graph(client, built_store, accept, fmt):
    response = client.get("/store", params={"graph": LUZHAI}, headers={"accept": accept})
    assert response.status_code == 200, response.text
    got = rdflib.Graph().parse(data=response.content, format=fmt)
    store = pyoxigraph.Store.read_only(str(built_store))
    expected = sum(
        1 for _ in store.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(LUZHAI))
    )
    assert len(got) == expected > 1000


def test_rdflib_fetches_a_plan_graph_by_url(server):
    g = rdflib.Graph()
    g.parse(f"{server.url}/store?graph={LUZHAI}", format="turtle")
    titles = {str(t) for t in g.objects(None, rdflib.DCTERMS.title)}
    assert "鹿寨县妇女发展规划（2021—2030年）" in titles


def test_graph_store_errors(client):
    assert_error(client.get("/store", params={"graph": LUZHAI + "-nope"}), 404, "no-such-graph")
    assert_error(client.get("/store"), 400, "graph-parameter")
    assert_error(client.get("/store", params={"graph": "not an iri"}), 400, "bad-graph-iri")
    default = client.get(
        "/store", params={"default": ""}, headers={"accept": "application/n-triples"}
    )
    assert default.status_code == 200 and default.headers["x-result-truncated"] == "true"


# --- safe in public -------------------------------------------------------------------------

DIRECT = {"content-type": "application/sparql-query"}
REFUSALS = [
    # name, method, path, params, body, headers, status, code
    (
        "update as query",
        "GET",
        "/sparql",
        {"query": "INSERT DATA { <a:s> <a:p> <a:o> }"},
        None,
        {},
        403,
        "update-refused",
    ),
    (
        "update parameter",
        "POST",
        "/sparql",
        None,
        "update=CLEAR%20ALL",
        {"content-type": "application/x-www-form-urlencoded"},
        403,
        "update-refused",
    ),
    ("update over GET", "GET", "/sparql", {"update": "CLEAR ALL"}, None, {}, 403, "update-refused"),
    (
        "sparql-update body",
        "POST",
        "/sparql",
        None,
        "DROP ALL",
        {"content-type": "application/sparql-update"},
        403,
        "update-refused",
    ),
    (
        "LOAD",
        "POST",
        "/sparql",
        None,
        "LOAD <http://127.0.0.1:9/x.ttl>",
        DIRECT,
        403,
        "update-refused",
    ),
    (
        "two queries",
        "GET",
        "/sparql?query=ASK%7B%7D&query=ASK%7B%7D",
        None,
        None,
        {},
        400,
        "multiple-queries",
    ),
    (
        "syntax error",
        "GET",
        "/sparql",
        {"query": "SELECT * WHERE { ?s ?p"},
        None,
        {},
        400,
        "query-syntax",
    ),
    (
        "wrong media type",
        "POST",
        "/sparql",
        None,
        "ASK {}",
        {"content-type": "text/plain"},
        415,
        "unsupported-media-type",
    ),
    (
        "no media type",
        "POST",
        "/sparql",
        None,
        "ASK {}",
        {"content-type": ""},
        415,
        "unsupported-media-type",
    ),
    (
        "UTF-16 body",
        "POST",
        "/sparql",
        None,
        "ASK {}".encode("utf-16"),
        {"content-type": "application/sparql-query; charset=UTF-16"},
        415,
        "unsupported-charset",
    ),
    (
        "UTF-16 bytes said to be UTF-8",
        "POST",
        "/sparql",
        None,
        "ASK {}".encode("utf-16"),
        DIRECT,
        400,
        "not-utf8",
    ),
    (
        "invalid UTF-8 in the URL",
        "GET",
        "/sparql?query=ASK%20%7B%FF%7D",
        None,
        None,
        {},
        400,
        "not-utf8",
    ),
    (
        "lone surrogate in the URL",
        "GET",
        "/sparql?query=ASK%20%7B%ED%A0%80%7D",
        None,
        None,
        {},
        400,
        "not-utf8",
    ),
    (
        "invalid UTF-8 in a form",
        "POST",
        "/sparql",
        None,
        b"query=ASK%20%7B%C3%7D",
        {"content-type": "application/x-www-form-urlencoded"},
        400,
        "not-utf8",
    ),
    (
        "bad graph IRI",
        "GET",
        "/sparql",
        {"query": "ASK {}", "default-graph-uri": "no iri"},
        None,
        {},
        400,
        "bad-graph-iri",
    ),
    (
        "POST without a query",
        "POST",
        "/sparql",
        None,
        "",
        {"content-type": "application/x-www-form-urlencoded"},
        400,
        "missing-query",
    ),
    ("PUT on /sparql", "PUT", "/sparql", None, "ASK {}", DIRECT, 405, "method-not-allowed"),
    (
        "Graph Store PUT",
        "PUT",
        f"/store?graph={LUZHAI}",
        None,
        "<a:s> <a:p> <a:o> .",
        {"content-type": "application/n-triples"},
        405,
        "method-not-allowed",
    ),
    (
        "Graph Store POST",
        "POST",
        f"/store?graph={LUZHAI}",
        None,
        "<a:s> <a:p> <a:o> .",
        {"content-type": "application/n-triples"},
        405,
        "method-not-allowed",
    ),
    (
        "Graph Store DELETE",
        "DELETE",
        f"/store?graph={LUZHAI}",
        None,
        None,
        {},
        405,
        "method-not-allowed",
    ),
    ("unknown path", "GET", "/nothing-here", None, None, {}, 404, "not-found"),
    (
        "URL too long",
        "GET",
        "/sparql",
        {"query": "ASK {}" + " " * 9000},
        None,
        {},
        414,
        "uri-too-long",
    ),
    (
        "body too large",
        "POST",
        "/sparql",
        None,
        "ASK {}" + " " * 1_000_001,
        DIRECT,
        413,
        "too-large",
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "params", "body", "headers", "status", "code"),
    [r[1:] for r in REFUSALS],
    ids=[r[0] for r in REFUSALS],
)
def test_bad_requests_get_a_4xx_that_says_why(
    client, method, path, params, body, headers, status, code
):
    content = body.encode() if isinstance(body, str) else body
    response = client.request(method, path, params=params, content=content, headers=headers)
    assert_error(response, status, code)


@pytest.fixture
def listener():
    with listening() as counting:
        yield counting


SERVICE_FORMS = [
    "SELECT * WHERE {{ SERVICE <{e}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{e}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<{e}> AS ?x) SERVICE ?x {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ {{ SELECT * {{ SERVICE <{e}> {{ ?s ?p ?o }} }} }} }} }}",
    "SELECT * WHERE {{ FILTER EXISTS {{ sErViCe <{e}> {{ ?s ?p ?o }} }} }}",
    "PREFIX x: <{e}> SELECT * WHERE {{ SERVICE x:sparql {{ ?s ?p ?o }} }}",
    "PREFIX : <{e}> SELECT * WHERE {{ SERVICE:sparql {{ ?s ?p ?o }} }}",
    "SELECT*{{SERVICE#comment\n<{e}>{{?s ?p ?o}}}}",
    "ASK {{ SERVICE <{e}> {{ }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{e}> {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("form", SERVICE_FORMS)
def test_service_is_refused_and_never_called(client, listener, form):
    query = form.format(e=f"http://127.0.0.1:{listener.port}/sparql")
    assert_error(client.get("/sparql", params={"query": query}), 403, "service-refused")
    direct = client.post("/sparql", content=query.encode(), headers=DIRECT)
    assert_error(direct, 403, "service-refused")
    time.sleep(0.05)
    assert listener.connections == 0


def test_a_runaway_query_is_stopped_while_others_answer(client):
    cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with ThreadPoolExecutor(2) as pool:
        started = time.monotonic()
        slow = pool.submit(client.get, "/sparql", params={"query": cartesian})
        time.sleep(0.3)
        t = time.monotonic()
        quick = client.get("/sparql", params={"query": "ASK {}"})
        quick_seconds = time.monotonic() - t
        stopped = slow.result()
        slow_seconds = time.monotonic() - started
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    assert quick_seconds < 1
    assert_error(stopped, 503, "timeout")
    assert slow_seconds < TIMEOUT + 2
    after = [client.get("/sparql", params={"query": ASK}) for _ in range(8)]
    assert all(r.status_code == 200 and r.json()["boolean"] for r in after)


def test_a_comment_with_an_update_keyword_is_still_a_query(client):
    """Regression: over a remote endpoint SPARQLWrapper read `load` in a comment as LOAD and sent
    the query as an update (502 Unsupported Media Type from the remote)."""
    query = "# counts from 50-department-load.rq; INSERT nothing\nASK { ?s ?p ?o }"
    response = client.post("/sparql", data={"query": query})
    assert response.status_code == 200, response.text
    assert response.json()["boolean"] is True


def test_64_concurrent_cookbook_queries_all_answer(client):
    texts = [q.read_text(encoding="utf-8") for q in QUERIES]
    jobs = [texts[i % len(texts)] for i in range(64)]
    with ThreadPoolExecutor(64) as pool:
        responses = list(pool.map(lambda q: client.post("/sparql", data={"query": q}), jobs))
    bad = [
        (q[:60], r.status_code, r.text[:300])
        for q, r in zip(jobs, responses, strict=True)
        if r.status_code != 200
    ]
    assert not bad, bad
    assert client.get("/sparql", params={"query": ASK}).json()["boolean"] is True


def test_excess_load_is_turned_away_at_once(built_store):
    """One worker, no waiting places: while it runs a slow query, others get 503 at once."""
    cartesian = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    env = {"PLANGRAPH_MAX_WAITING": "0"}
    with (
        plangraph_serve(built_store, "--workers", "1", "--timeout", "2", env=env) as server,
        httpx.Client(base_url=server.url, timeout=10) as c,
        ThreadPoolExecutor(1) as pool,
    ):
        slow = pool.submit(c.get, "/sparql", params={"query": cartesian})
        time.sleep(0.5)
        started = time.monotonic()
        turned_away = c.get("/sparql", params={"query": ASK})
        seconds = time.monotonic() - started
        assert_error(slow.result(), 503, "timeout")
        time.sleep(1)  # the killed worker's successor starts
        after = c.get("/sparql", params={"query": ASK})
    assert_error(turned_away, 503, "busy")
    assert turned_away.headers["retry-after"] == "1" and seconds < 0.5
    assert after.status_code == 200


# --- hostile input: arbitrary bytes and strings never give a 5xx ----------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FUZZ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/sparql-query",
        "application/sparql-query; charset=utf-16",
        "application/x-www-form-urlencoded",
        "application/sparql-update",
        "text/plain",
        "",
        "multipart/form-data; boundary=x",
    ]
)
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80).map(
    str.strip
)


@FUZZ
@given(query=st.text(max_size=300))
def test_arbitrary_query_strings_never_5xx(client, query):
    response = client.get("/sparql", params={"query": query})
    assert response.status_code < 500, response.text


@FUZZ
@given(body=st.binary(max_size=400), content_type=CONTENT_TYPES, accept=HEADER_TEXT)
def test_arbitrary_bodies_and_headers_never_5xx(client, body, content_type, accept):
    response = client.post(
        "/sparql", content=body, headers={"content-type": content_type, "accept": accept}
    )
    assert response.status_code < 500, response.text


@FUZZ
@given(
    raw=st.binary(max_size=200),
    path=st.sampled_from(["/sparql", "/sparql/", "/store"]),
)
def test_arbitrary_query_string_bytes_never_5xx(client, raw, path):
    import urllib.parse

    target = f"{path}?{urllib.parse.quote_from_bytes(raw, safe='=&%+')}"
    response = client.get(target)
    assert response.status_code < 500, response.text


@FUZZ
@given(
    params=st.lists(
        st.tuples(
            st.sampled_from(
                ["query", "default-graph-uri", "named-graph-uri", "format", "graph", "x"]
            ),
            st.text(max_size=60),
        ),
        max_size=4,
    )
)
def test_arbitrary_parameters_never_5xx(client, params):
    for path in ("/sparql", "/store"):
        response = client.get(path, params=params)
        assert response.status_code < 500, response.text


# --- analysts' own clients -------------------------------------------------------------------


def test_sparqlwrapper_reads_the_endpoint_as_a_notebook_does(server, built_store):
    from SPARQLWrapper import JSON, SPARQLWrapper

    from queryapi.store import open_store, run_query

    text = (ROOT / "queries" / "targets-of-indicator.rq").read_text(encoding="utf-8")
    text = text.replace("region/liuzhou>", "region/china>")  # every region's plans
    client = SPARQLWrapper(server.sparql)
    client.setQuery(text)
    client.setReturnFormat(JSON)
    doc = client.queryAndConvert()
    got = [
        [b.get(v, {}).get("value") for v in doc["head"]["vars"]] for b in doc["results"]["bindings"]
    ]
    expected = run_query(open_store(built_store), text)
    assert got == expected.rows and len(got) == 5  # four plans and the national outline


# --- a build while serving is picked up without a restart or a failed request ---------------


def test_a_build_while_serving_is_picked_up(tmp_path):
    import subprocess

    store = tmp_path / "store"
    plangraph = str(Path(__import__("sys").executable).with_name("plangraph"))
    build = [plangraph, "build", "--store", str(store), "--no-graphs"]
    subprocess.run(
        [*build, *(f"data/plans/{k}.txt" for k in ("luzhai", "kaiping"))],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    count = (  # the seed plans built, not the national outline every build adds
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p pg:hasArea ?a ; pg:level ?level "
        "FILTER (?level != pg:National) }"
    )
    seen: list[tuple[int, str]] = []
    stop = threading.Event()
    with plangraph_serve(store) as server, httpx.Client(base_url=server.url, timeout=30) as c:

        def poll() -> None:
            while not stop.is_set():
                r = c.get("/sparql", params={"query": count})
                seen.append(
                    (r.status_code, select_rows(r)[0]["n"] if r.status_code == 200 else r.text)
                )

        thread = threading.Thread(target=poll)
        thread.start()
        subprocess.run([*build, "data/plans/luzhai.txt"], cwd=ROOT, check=True, capture_output=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (not seen or seen[-1][1] != "1"):
            time.sleep(0.05)
        stop.set()
        thread.join()
    assert {status for status, _ in seen} == {200}, [s for s in seen if s[0] != 200][:3]
    counts = [n for _, n in seen]
    assert counts[0] == "2" and counts[-1] == "1" and set(counts) == {"2", "1"}
