"""The W3C SPARQL 1.1 Protocol and Graph Store Protocol tests: manifests, servers, checks.

The manifests in tests/w3c-sparql11/ (vendored unchanged) are read with rdflib into `Case`s,
one per manifest entry.  Each case is a list of `Step`s: one HTTP request each, with the data
the server must hold when the request is sent.  `ServerKind`s start a real server process on a
store holding that data; `ServerPool` keeps one running server per distinct dataset.

The endpoints under test are read-only, so `Step.kind` says how a request is judged:

- "query": a SPARQL query, checked as the manifest writes it;
- "update": a SPARQL update (sent to the update path), which must be refused with a 4xx;
- "read": a Graph Store Protocol GET or HEAD, checked as written, against a server that holds
  the data the earlier writes of the test would have created (preloaded as a fixture);
- "write": a Graph Store Protocol PUT, POST or DELETE, which must be refused with a 4xx.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
from rdflib import RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic, to_canonical_graph
from rdflib.term import Node

SUITE = Path(__file__).resolve().parent / "w3c-sparql11"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

# The named status codes the manifests use; the classes are hts:StatusCode2xx etc.
STATUS_NAMES = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}

BOOLEAN_TYPES = frozenset({"application/sparql-results+json", "application/sparql-results+xml"})
TABULAR_TYPES = BOOLEAN_TYPES | {"text/csv", "text/tab-separated-values"}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "text/n3": "n3",
}
SRX = "{http://www.w3.org/2005/sparql-results#}"

# (graph IRI or None for the default graph, canonical N-Triples), sorted by graph: hashable,
# so equal data means one server.
Dataset = tuple[tuple[str | None, str], ...]
EMPTY: Dataset = ()


@dataclass(frozen=True)
class Expected:
    statuses: tuple[str, ...]  # "2xx" for a class, "201" for one code: any of them will do
    format: str | None = None  # "boolean", "tabular" or "RDF"
    boolean: bool | None = None
    content_type: str | None = None  # GSP: the response's expected Content-Type
    body: str | None = None  # GSP: the expected graph, as Turtle
    location_var: str | None = None  # GSP: "$LOCATION$" to fill from the Location header


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # ht:absolutePath as the manifest writes it (/sparql/... or /gsp...)
    headers: tuple[tuple[str, str], ...]
    body: str | None
    encoding: str
    expected: Expected

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def content(self) -> bytes | None:
        return None if self.body is None else self.body.encode(self.encoding)


@dataclass(frozen=True)
class Step:
    request: Request
    kind: str  # "query", "update", "read" or "write"
    dataset: Dataset | None  # None: unknowable on a read-only server (see gsp_steps)
    route: str = "query"  # for /sparql/ paths: "query" or "update", which endpoint path

    @property
    def category(self) -> str:
        return {"read": "graph-store read", "write": "graph-store write"}.get(self.kind, self.kind)


@dataclass(frozen=True)
class Case:
    suite: str  # "protocol" or "gsp"
    name: str  # the manifest entry's local name, e.g. query_post_form
    title: str  # mf:name
    steps: tuple[Step, ...]
    requires: frozenset[str] = frozenset()  # local names of mf:requires

    @property
    def id(self) -> str:
        return self.name if self.suite == "protocol" else f"gsp-{self.name}"

    @property
    def category(self) -> str:
        """The tally category of a protocol test; GSP tests are tallied per request."""
        if self.suite == "gsp":
            return "graph-store"
        if self.name.startswith("bad_"):
            return "negative"
        return "update" if self.name.startswith("update_") else "query"

    @property
    def units(self) -> list[str]:
        """What the tally counts for this test: the test itself, or each GSP request."""
        return [s.category for s in self.steps] if self.suite == "gsp" else [self.category]


# --- manifests ---------------------------------------------------------------------------


def local_name(node: Node) -> str:
    return str(node).rsplit("#", 1)[-1]


def items(g: Graph, head: Node | None) -> list[Node]:
    return [] if head is None else list(Collection(g, head))


def parse_request(g: Graph, node: Node) -> Request:
    headers = tuple(
        (str(g.value(h, HT.fieldName)), str(g.value(h, HT.fieldValue)))
        for h in items(g, g.value(node, HT.headers))
    )
    body_node = g.value(node, HT.body)
    body = None if body_node is None else str(g.value(body_node, CNT.chars))
    encoding = "UTF-8"
    if body_node is not None and (enc := g.value(body_node, CNT.characterEncoding)) is not None:
        encoding = str(enc)
    resp = g.value(node, HT.resp)
    statuses = []
    for s in g.objects(resp, MF.expectedStatus):
        name = local_name(s)
        statuses.append(
            name.removeprefix("StatusCode")
            if name.startswith("StatusCode")
            else str(STATUS_NAMES[name])
        )
    resp_headers = dict(
        (str(g.value(h, HT.fieldName)).lower(), str(g.value(h, HT.fieldValue)))
        for h in items(g, g.value(resp, HT.headers))
    )
    resp_body = g.value(resp, HT.body)
    boolean = g.value(resp, MF.expectedBoolean)
    fmt = g.value(resp, MF.expectedFormat)
    location = g.value(resp, MF.expectedLocation)
    expected = Expected(
        statuses=tuple(sorted(statuses)),
        format=None if fmt is None else str(fmt),
        boolean=None if boolean is None else bool(boolean.toPython()),
        content_type=resp_headers.get("content-type"),
        body=None if resp_body is None else str(g.value(resp_body, CNT.chars)),
        location_var=None if location is None else str(location),
    )
    return Request(
        method=str(g.value(node, HT.methodName)),
        path=str(g.value(node, HT.absolutePath)),
        headers=headers,
        body=body,
        encoding=encoding,
        expected=expected,
    )


def parse_manifest(path: Path) -> tuple[Graph, list[Node]]:
    """The manifest graph and its entries, in order, following mf:include."""
    g = Graph().parse(path, format="turtle", publicID=path.as_uri())
    manifest = URIRef(path.as_uri())
    entries = items(g, g.value(manifest, MF.entries))
    for included in items(g, g.value(manifest, MF.include)):
        sub_g, sub_entries = parse_manifest(Path(urlsplit(str(included)).path))
        g += sub_g
        entries += sub_entries
    return g, entries


def canonical_ntriples(graph: Graph) -> str:
    """N-Triples with blank nodes named by content, so equal graphs give equal text."""
    lines = to_canonical_graph(graph).serialize(format="nt").splitlines()
    return "\n".join(sorted(line for line in lines if line.strip())) + "\n"


def dataset_of(graphs: dict[str | None, Graph]) -> Dataset:
    # An empty graph is dropped: a quad store cannot hold one, and no test reads one back.
    return tuple(
        sorted(
            ((name, canonical_ntriples(g)) for name, g in graphs.items() if len(g)),
            key=lambda pair: pair[0] or "",
        )
    )


def is_query(req: Request) -> bool:
    """A SPARQL query request: a direct POST, or a query= parameter in the URL or form body."""
    ctype = (req.header("content-type") or "").split(";")[0].strip().lower()
    if ctype == "application/sparql-query":
        return True
    params = parse_qs(urlsplit(req.path).query, keep_blank_values=True)
    if ctype == "application/x-www-form-urlencoded" and req.body:
        params |= parse_qs(req.body, keep_blank_values=True)
    return "query" in params


def is_update_test(name: str) -> bool:
    """The protocol tests of the update operation (including its negative tests)."""
    return name.startswith(("update_", "bad_update_")) or name == "bad_multiple_updates"


def protocol_cases() -> list[Case]:
    path = SUITE / "protocol" / "manifest.ttl"
    g, entries = parse_manifest(path)
    cases = []
    for entry in entries:
        graphs: dict[str | None, Graph] = {}
        for gd in g.objects(entry, UT.graphData):
            file = Path(urlsplit(str(g.value(gd, UT.graph))).path)
            graphs[str(g.value(gd, RDFS.label))] = Graph().parse(file, format="nt")
        data = dataset_of(graphs)
        requests = [
            parse_request(g, r) for r in items(g, g.value(g.value(entry, MF.action), HT.requests))
        ]
        name = local_name(entry)
        steps = []
        for r in requests:
            # The update operation's requests go to the update path (the manifest allows
            # separate query and update endpoints): the one a read-only server must guard.
            route = "update" if is_update_test(name) and not is_query(r) else "query"
            if not name.startswith("update_"):
                steps.append(Step(r, "query", data, route))
            elif route == "update":
                steps.append(Step(r, "update", data, route))
            else:
                # The ASK after an update asks for what the update would have written.  The
                # update must have been refused, so the ASK must answer the opposite: this
                # checks that the refused update really changed nothing.
                flipped = replace(
                    r.expected,
                    boolean=None if r.expected.boolean is None else not r.expected.boolean,
                )
                steps.append(Step(replace(r, expected=flipped), "query", data))
        cases.append(Case("protocol", name, str(g.value(entry, MF.name)), tuple(steps)))
    return cases


NEW_GRAPH = "<new graph>"  # the target of a POST to the graph store itself


def gsp_target(path: str) -> str | None:
    """The graph a GSP request path names: an IRI, None for the default graph, or NEW_GRAPH."""
    parts = urlsplit(path)
    if parts.path.startswith("/gsp/"):  # direct identification: the request IRI is the graph's
        return f"http://www.example{parts.path}"
    params = parse_qs(parts.query, keep_blank_values=True)
    if "default" in params:
        return None
    if "graph" in params:
        return params["graph"][0]
    return NEW_GRAPH


def parse_rdf_body(body: str, content_type: str) -> list[Graph]:
    """The graphs a request body carries: one, or one per part of a multipart/form-data body."""
    media = content_type.split(";")[0].strip().lower()
    if media != "multipart/form-data":
        return [Graph().parse(data=body, format=RDF_TYPES[media])]
    boundary = content_type.split("boundary=", 1)[1].strip().strip('"')
    graphs = []
    for part in body.split(f"--{boundary}")[1:]:
        if part.startswith("--"):
            break
        head, _, content = part.partition("\r\n\r\n")
        headers = dict(line.split(":", 1) for line in head.strip().splitlines() if ":" in line)
        part_type = {k.strip().lower(): v.strip() for k, v in headers.items()}["content-type"]
        graphs.append(Graph().parse(data=content, format=RDF_TYPES[part_type.split(";")[0]]))
    return graphs


def gsp_steps(requests: list[Request]) -> tuple[Step, ...]:
    """Walk a GSP test's requests in order, tracking what its writes would have made.

    The server is read-only, so a write only has to be refused; but the manifest's later reads
    assume it happened.  Each read is therefore sent to a server preloaded with the graphs the
    earlier writes of the same test would have left (the test starts from an empty store).  A
    read of a graph made by POST to the store itself ($LOCATION$) cannot be checked: no
    server-chosen IRI exists, so its dataset is None and the runner skips that request.
    """
    graphs: dict[str | None, Graph] = {}
    steps = []
    for req in requests:
        target = gsp_target(req.path)
        if req.method in ("GET", "HEAD"):
            knowable = "$" not in req.path
            steps.append(Step(req, "read", dataset_of(graphs) if knowable else None))
            continue
        steps.append(Step(req, "write", dataset_of(graphs)))
        if target == NEW_GRAPH:
            continue
        if req.method == "DELETE":
            graphs.pop(target, None)
            continue
        parsed = parse_rdf_body(req.body or "", req.header("content-type") or "text/turtle")
        if req.method == "PUT":
            graphs[target] = Graph()
        merged = graphs.setdefault(target, Graph())
        for part in parsed:
            merged += part
    return tuple(steps)


def gsp_cases() -> list[Case]:
    g, entries = parse_manifest(SUITE / "graph-store-protocol" / "manifest.ttl")
    cases = []
    for entry in entries:
        requests = [
            parse_request(g, r) for r in items(g, g.value(g.value(entry, MF.action), HT.requests))
        ]
        requires = frozenset(local_name(r) for r in g.objects(entry, MF.requires))
        cases.append(
            Case(
                "gsp",
                local_name(entry),
                str(g.value(entry, MF.name)),
                gsp_steps(requests),
                requires,
            )
        )
    return cases


def load_cases() -> list[Case]:
    return protocol_cases() + gsp_cases()


# --- servers -----------------------------------------------------------------------------


def nquads(dataset: Dataset) -> str:
    lines = []
    for name, ntriples in dataset:
        for line in ntriples.splitlines():
            lines.append(
                line if name is None else f"{line.rstrip().removesuffix('.').rstrip()} <{name}> ."
            )
    return "\n".join(lines) + "\n" if lines else ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Endpoint:
    """A running server: where to send requests, and how to stop it."""

    base: str  # http://127.0.0.1:PORT
    query_path: str
    update_path: str
    store_path: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def url(self, manifest_path: str, location: str | None = None, route: str = "query") -> str:
        """The manifest's /sparql/... or /gsp... path rewritten to this server."""
        if location is not None:
            manifest_path = manifest_path.replace("$LOCATION$", location)
        if manifest_path.startswith("/sparql/"):
            path = self.update_path if route == "update" else self.query_path
            return self.base + path + manifest_path.removeprefix("/sparql/")
        if manifest_path.startswith("/gsp"):
            return self.base + self.store_path + manifest_path.removeprefix("/gsp")
        raise ValueError(f"unexpected ht:absolutePath {manifest_path!r}")


@dataclass
class ServerKind:
    """How to start one implementation of the endpoint on a store holding a dataset."""

    name: str
    query_path: str
    update_path: str
    store_path: str
    features: frozenset[str]  # the mf:requires features it offers
    ready_path: str  # polled until it answers
    ready_status: int | None  # the status it must answer with (None: any below 500)

    def prepare(self, dataset: Dataset, location: Path) -> None:
        """Build the store at `location` holding `dataset`."""
        raise NotImplementedError

    def command(self, location: Path, port: int) -> list[str]:
        raise NotImplementedError

    def start(self, dataset: Dataset, location: Path) -> Endpoint:
        self.prepare(dataset, location)
        port = free_port()
        log = location.with_suffix(".log")
        with log.open("wb") as out:
            process = subprocess.Popen(
                self.command(location, port), stdout=out, stderr=subprocess.STDOUT
            )
        endpoint = Endpoint(
            f"http://127.0.0.1:{port}",
            self.query_path,
            self.update_path,
            self.store_path,
            process,
            log,
        )
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {process.returncode}: {log.read_text()}"
                )
            try:
                status = httpx.get(endpoint.base + self.ready_path, timeout=2).status_code
                if (self.ready_status is None and status < 500) or status == self.ready_status:
                    return endpoint
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                endpoint.stop()
                raise RuntimeError(f"{self.name} did not answer in 30 s: {log.read_text()}")
            time.sleep(0.05)


class OxigraphServer(ServerKind):
    """`oxigraph serve-read-only` (the oxigraph PyPI package): a reference to debug the runner."""

    exe = Path(sys.executable).with_name("oxigraph")

    def __init__(self) -> None:
        super().__init__(
            name="oxigraph",
            query_path="/query",
            update_path="/update",
            store_path="/store",
            features=frozenset({"IndirectGraphIdentification"}),
            ready_path="/",
            ready_status=200,
        )

    def prepare(self, dataset: Dataset, location: Path) -> None:
        # One N-Quads file even when empty: serve-read-only needs an existing store.
        data = location.with_suffix(".nq")
        data.write_text(nquads(dataset), encoding="utf-8")
        subprocess.run(
            [str(self.exe), "load", "--location", str(location), "--file", str(data)],
            check=True,
            capture_output=True,
        )

    def command(self, location: Path, port: int) -> list[str]:
        return [
            str(self.exe),
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
        ]


# ---- The project's own endpoint -----------------------------------------------------------
class PlangraphServer(ServerKind):
    """`plangraph serve` on a pyoxigraph store: the endpoint this suite is for.

    Query and update path /sparql (GET /sparql with no query is the service description, which
    must answer 200); graph store /store?graph=IRI and /store?default (indirect identification
    only). One query process is enough for these tests and starts faster.
    """

    exe = Path(sys.executable).with_name("plangraph")

    def __init__(self) -> None:
        super().__init__(
            name="plangraph",
            query_path="/sparql",
            update_path="/sparql",
            store_path="/store",
            features=frozenset({"IndirectGraphIdentification"}),
            ready_path="/sparql",
            ready_status=200,
        )

    def prepare(self, dataset: Dataset, location: Path) -> None:
        import pyoxigraph

        store = pyoxigraph.Store(str(location))
        for name, ntriples in dataset:  # each graph's N-Triples into its named graph
            graph = pyoxigraph.DefaultGraph() if name is None else pyoxigraph.NamedNode(name)
            store.load(ntriples.encode(), format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=graph)
        store.flush()
        del store  # pyoxigraph has no close(): dropping the last reference closes the store

    def command(self, location: Path, port: int) -> list[str]:
        return [
            str(self.exe),
            "serve",
            "--store",
            str(location),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
        ]


SERVERS: list[ServerKind] = [OxigraphServer(), PlangraphServer()]


@dataclass
class ServerPool:
    """One running server of a kind per distinct dataset, started on first use."""

    kind: ServerKind
    workdir: Path
    running: dict[Dataset, Endpoint] = field(default_factory=dict)

    def endpoint(self, dataset: Dataset) -> Endpoint:
        if dataset not in self.running:
            location = self.workdir / f"store-{len(self.running)}"
            self.running[dataset] = self.kind.start(dataset, location)
        return self.running[dataset]

    def prestart(self, datasets: list[Dataset], parallel: int = 4) -> None:
        """Start the servers for `datasets` at once: startup is mostly waiting on imports."""
        todo = list(dict.fromkeys(d for d in datasets if d not in self.running))
        locations = [self.workdir / f"store-{len(self.running) + i}" for i in range(len(todo))]
        with ThreadPoolExecutor(max_workers=parallel) as executor:
            futures = {
                d: executor.submit(self.kind.start, d, loc)
                for d, loc in zip(todo, locations, strict=True)
            }
        for dataset, future in futures.items():  # all have finished; a failure raises here
            self.running[dataset] = future.result()

    def close(self) -> None:
        for endpoint in self.running.values():
            endpoint.stop()
        self.running.clear()


# --- checks ------------------------------------------------------------------------------


def media_type(resp: httpx.Response) -> str:
    return resp.headers.get("content-type", "").split(";")[0].strip().lower()


def status_ok(code: int, statuses: tuple[str, ...]) -> bool:
    return any((s.endswith("xx") and code // 100 == int(s[0])) or s == str(code) for s in statuses)


def check_status(resp: httpx.Response, statuses: tuple[str, ...]) -> list[str]:
    if status_ok(resp.status_code, statuses):
        return []
    return [f"status {resp.status_code}, expected {' or '.join(statuses)}: {resp.text[:300]!r}"]


def result_boolean(resp: httpx.Response) -> bool | None:
    """The value of a boolean result, JSON or XML; None if the body carries none."""
    if media_type(resp) == "application/sparql-results+json":
        value = json.loads(resp.text).get("boolean")
        return value if isinstance(value, bool) else None
    node = ET.fromstring(resp.content).find(f"{SRX}boolean")
    if node is None or (node.text or "").strip() not in ("true", "false"):
        return None
    return (node.text or "").strip() == "true"


def check_tabular(resp: httpx.Response) -> list[str]:
    media = media_type(resp)
    if media == "application/sparql-results+json":
        doc = json.loads(resp.text)
        ok = isinstance(doc.get("head", {}).get("vars"), list) and "bindings" in doc.get(
            "results", {}
        )
    elif media == "application/sparql-results+xml":
        root = ET.fromstring(resp.content)
        ok = root.find(f"{SRX}head") is not None and root.find(f"{SRX}results") is not None
    else:
        ok = bool(resp.text.strip())
    return [] if ok else [f"not a {media} SELECT result: {resp.text[:300]!r}"]


def check_format(resp: httpx.Response, fmt: str, boolean: bool | None) -> list[str]:
    """The response's content type is of the family `fmt`, its body parses, and an ASK has
    the expected value."""
    media = media_type(resp)
    family = {"boolean": BOOLEAN_TYPES, "tabular": TABULAR_TYPES, "RDF": frozenset(RDF_TYPES)}[fmt]
    if media not in family:
        return [f"content type {media!r} is not one of the {fmt} types {sorted(family)}"]
    try:
        if fmt == "boolean":
            value = result_boolean(resp)
            if value is None:
                return [f"no boolean in the {media} body: {resp.text[:300]!r}"]
            if boolean is not None and value != boolean:
                return [f"ASK answered {value}, expected {boolean}"]
            return []
        if fmt == "tabular":
            return check_tabular(resp)
        Graph().parse(data=resp.text, format=RDF_TYPES[media])
    except (ValueError, ET.ParseError, SyntaxError) as e:
        return [f"{media} body does not parse ({e}): {resp.text[:300]!r}"]
    return []


def check_graph(resp: httpx.Response, expected: Expected, method: str) -> list[str]:
    """A GSP read: the content type the manifest names, and the graph, isomorphic."""
    errors = []
    if expected.content_type is not None:
        want = expected.content_type.split(";")[0].strip().lower()
        got = media_type(resp)
        # The manifest says "text/turtle; charset=utf-8"; any RDF syntax answering an
        # "Accept: text/turtle" request would be a content-negotiation failure.
        if got != want:
            errors.append(f"content type {got!r}, expected {want!r}")
        charset = resp.headers.get("content-type", "").lower().partition("charset=")[2]
        if charset and charset.strip().strip('"') != "utf-8":
            errors.append(f"charset {charset!r}, expected utf-8")
    if method == "HEAD":  # no body to compare; head_body checks there is none at all
        return errors
    if expected.body is not None and not errors:
        try:
            got_graph = Graph().parse(data=resp.text, format=RDF_TYPES[media_type(resp)])
        except (ValueError, SyntaxError) as e:
            return [f"body does not parse ({e}): {resp.text[:300]!r}"]
        want_graph = Graph().parse(data=expected.body, format="turtle")
        if not isomorphic(got_graph, want_graph):
            errors.append(
                "graph not isomorphic with the expected one:\n"
                f"got:\n{got_graph.serialize(format='nt')}\nexpected:\n{want_graph.serialize(format='nt')}"
            )
    return errors


def send(client: httpx.Client, url: str, req: Request) -> httpx.Response:
    return client.request(req.method, url, headers=dict(req.headers), content=req.content())


def check_step(step: Step, resp: httpx.Response) -> list[str]:
    """The verdict on one response, under the read-only policy (see the module docstring)."""
    req, expected = step.request, step.request.expected
    if step.kind in ("update", "write"):
        return check_status(resp, ("4xx",))
    errors = check_status(resp, expected.statuses)
    if errors or resp.status_code // 100 != 2:
        return errors
    if step.kind == "read":
        return check_graph(resp, expected, req.method)
    if expected.format is not None:
        return check_format(resp, expected.format, expected.boolean)
    return []


def head_body(url: str, headers: tuple[tuple[str, str], ...]) -> bytes:
    """What follows the header block of a HEAD response, read off a raw socket.

    A HEAD response must not carry a body (RFC 9110 9.3.2).  httpx never reads one, so a body
    sent anyway goes unseen until it corrupts the next response on the connection.
    """
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"HEAD {target} HTTP/1.1", f"Host: {parts.netloc}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers]
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).partition(b"\r\n\r\n")[2]
