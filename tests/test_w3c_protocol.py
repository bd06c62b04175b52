"""The W3C SPARQL 1.1 Protocol and Graph Store Protocol tests, against real running servers.

One test per manifest entry (tests/w3c-sparql11/, vendored unchanged) and server.  Each test
sends its requests in order with httpx to a server started on a store holding the test's data
(one server per distinct dataset, shared by the tests that need it), and checks the status
class, the content type family, the ASK value and, for Graph Store reads, the graph.

The endpoint is read-only and public, so (see tests/w3c.py):
- query tests and negative (bad_*) tests must pass as written;
- update requests must be refused with a 4xx, and the ASK that follows must see no change;
- Graph Store writes must be refused with a 4xx; the reads are checked against a server
  preloaded with what the earlier writes of the test would have created.

The per-category tally is printed at the end of the session by tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.w3c import SERVERS, Case, ServerKind, ServerPool, check_step, head_body, load_cases, send

CASES = load_cases()

# Where a server deviates from the spec: (server, test id) -> why.  Applied as strict xfail,
# so a fixed deviation shows up as XPASS and the entry can go.
_OXIGRAPH_GRAPH_AS_NQUADS = (
    "oxigraph answers CONSTRUCT and DESCRIBE, with no Accept header, as application/n-quads: "
    "a dataset syntax, not one of the graph syntaxes the test asks for "
    "(RDF/XML, Turtle, N-Triples, RDFa)"
)
XFAIL: dict[tuple[str, str], str] = {
    ("oxigraph", "query_content_type_describe"): _OXIGRAPH_GRAPH_AS_NQUADS,
    ("oxigraph", "query_content_type_construct"): _OXIGRAPH_GRAPH_AS_NQUADS,
    ("oxigraph", "gsp-head_existing_indirect"): (
        "oxigraph answers HEAD on an existing graph with 200 but no Content-Type; a HEAD response "
        "carries the header fields of the GET (RFC 9110 9.3.2), here text/turtle"
    ),
    ("oxigraph", "gsp-head_non_existing_indirect"): (
        "oxigraph answers HEAD on a missing graph with 404 and a text body, which a HEAD response "
        "must not have (RFC 9110 9.3.2); on a kept-alive connection the stray bytes corrupt the "
        "next response"
    ),
}


def case_params() -> list[object]:
    return [pytest.param(c, marks=pytest.mark.w3c(units=c.units), id=c.id) for c in CASES]


def missing_features(case: Case, kind: ServerKind) -> set[str]:
    """The mf:requires features of `case` that `kind` lacks: the test only runs without any.

    A read-only server offers no POST graph creation, but that request is a write, which the
    read-only policy judges (it must be refused), so only the graph addressing counts here.
    """
    return set(case.requires - kind.features - {"POSTGraphCreation"})


def runnable(case: Case, kind: ServerKind) -> bool:
    return not missing_features(case, kind)


@pytest.fixture(scope="session", params=SERVERS, ids=[k.name for k in SERVERS])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerPool]:
    """The servers of one kind, one per dataset, started on first use and stopped at the end."""
    kind: ServerKind = request.param
    pool = ServerPool(kind, tmp_path_factory.mktemp(kind.name))
    if not hasattr(request.config, "workerinput"):
        # A serial run starts every server it will need at once (startup is the slow part);
        # under xdist each worker starts the ones its tests need, when they need them.
        pool.prestart(
            [
                s.dataset
                for c in CASES
                if runnable(c, kind)
                for s in c.steps
                if s.dataset is not None
            ]
        )
    yield pool
    pool.close()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    """One connection pool per test: each manifest entry is one ht:Connection."""
    with httpx.Client(timeout=30, follow_redirects=False) as c:
        # Send the manifest's headers only: no Accept or Accept-Encoding of httpx's own.
        del c.headers["accept"], c.headers["accept-encoding"]
        yield c


@pytest.mark.parametrize("case", case_params())
def test_w3c(
    server: ServerPool, case: Case, client: httpx.Client, request: pytest.FixtureRequest
) -> None:
    kind = server.kind
    outcomes: list[tuple[str, str]] = []  # (category, outcome) per tally unit, for conftest
    if missing := missing_features(case, kind):
        request.node.user_properties.append(("w3c_outcomes", [(u, "skipped") for u in case.units]))
        pytest.skip(
            f"requires mf:{', mf:'.join(sorted(missing))}, which {kind.name} does not offer"
        )
    if (reason := XFAIL.get((kind.name, case.id))) is not None:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))
    errors: list[str] = []
    location: str | None = None
    try:
        for n, step in enumerate(case.steps, 1):
            req = step.request
            if step.dataset is None:
                # A read of the graph a POST to the store would have created: a read-only
                # server creates none, so there is no IRI to read.  Counted as skipped.
                outcomes.append((step.category, "skipped"))
                continue
            url = server.endpoint(step.dataset).url(req.path, location, step.route)
            resp = send(client, url, req)
            if req.expected.location_var is not None and "location" in resp.headers:
                location = resp.headers["location"]
            found = check_step(step, resp)
            if req.method == "HEAD" and (body := head_body(url, req.headers)):
                found.append(f"HEAD answered with a body: {body[:200]!r}")
            step_errors = [
                f"request {n} ({step.kind}, {req.method} {req.path}): {e}" for e in found
            ]
            errors += step_errors
            outcomes.append((step.category, "failed" if step_errors else "passed"))
    finally:
        if case.suite == "protocol":  # one unit: the test
            outcomes = [
                (case.category, "failed" if errors or len(outcomes) < len(case.steps) else "passed")
            ]
        request.node.user_properties.append(("w3c_outcomes", outcomes))
    assert not errors, f"{case.title}\n" + "\n".join(errors)
