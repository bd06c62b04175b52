"""Push the store to a SPARQL 1.1 Graph Store Protocol server, one named graph per HTTP PUT.

Each named graph is sent as N-Triples to ``{graph_store}?graph=<iri>`` with PUT, which replaces
that graph on the server, so pushing again updates the server instead of duplicating triples.
Works with any GSP server: oxigraph (``/store``), Fuseki (``/DATASET/data``), GraphDB
(``/repositories/REPO/rdf-graphs/service``), Virtuoso (``/sparql-graph-crud``).
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Store, serialize

N_TRIPLES = "application/n-triples"


class PushError(Exception):
    """A graph the server did not take: names the URL, the status and how many were pushed."""

    def __init__(self, message: str, pushed: int, status: int | None = None) -> None:
        super().__init__(message)
        self.pushed = pushed  # graphs the server had accepted before this one
        self.status = status  # the HTTP status, None when there was no answer


@dataclass(frozen=True)
class PushedGraph:
    """One graph the server accepted."""

    graph: str  # the graph's IRI, or "default" for the default graph
    triples: int
    status: int
    seconds: float


@dataclass
class PushReport:
    """Where the dataset went and what each graph PUT did."""

    graph_store: str
    graphs: list[PushedGraph] = field(default_factory=list)

    @property
    def triples(self) -> int:
        """Triples sent, over all graphs."""
        return sum(g.triples for g in self.graphs)


def graph_store_for(endpoint: str) -> str:
    """The Graph Store URL beside a SPARQL endpoint ending in /query or /sparql (oxigraph's
    layout: /query → /store); other endpoints say to pass --graph-store."""
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PushError(f"{endpoint}: not an http(s) URL; give e.g. http://localhost:7878/query", 0)
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    if last not in ("query", "sparql"):
        raise PushError(
            f"{endpoint}: cannot tell its Graph Store URL (the endpoint does not end in /query "
            "or /sparql); pass --graph-store, e.g. Fuseki's http://host:3030/DATASET/data",
            0,
        )
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"{head}/store", "", ""))


def graph_url(graph_store: str, graph: NamedNode | None) -> str:
    """The GSP URL of one graph: ?graph=<iri> (percent-encoded), or ?default."""
    sep = "&" if urllib.parse.urlsplit(graph_store).query else "?"
    if graph is None:
        return f"{graph_store}{sep}default"
    return f"{graph_store}{sep}graph={urllib.parse.quote(graph.value, safe='')}"


def push_store(
    store: Store,
    graph_store: str,
    *,
    timeout: float = 120.0,
    on_graph: Callable[[PushedGraph], None] | None = None,
) -> PushReport:
    """PUT every named graph of the store (and the default graph, if it has triples) to the
    Graph Store, replacing each on the server; raises PushError on the first graph refused."""
    graphs: list[NamedNode | None] = sorted(store.named_graphs(), key=lambda g: g.value)
    if next(iter(store.quads_for_pattern(None, None, None, DefaultGraph())), None) is not None:
        graphs.insert(0, None)
    report = PushReport(graph_store)
    for graph in graphs:
        name = DefaultGraph() if graph is None else graph
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, name)]
        body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
        url = graph_url(graph_store, graph)
        started = time.perf_counter()
        status = _put(url, body, timeout, len(report.graphs), len(graphs))
        pushed = PushedGraph(
            "default" if graph is None else graph.value,
            len(triples),
            status,
            time.perf_counter() - started,
        )
        report.graphs.append(pushed)
        if on_graph:
            on_graph(pushed)
    return report


def _put(url: str, body: bytes, timeout: float, pushed: int, total: int) -> int:
    """One PUT; its status, or PushError naming the URL, the status and the progress so far."""
    request = urllib.request.Request(
        url, data=body, method="PUT", headers={"Content-Type": N_TRIPLES}
    )
    progress = f"{pushed} of {total} graphs were pushed before this"
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as err:
        detail = err.read(200).decode("utf-8", "replace").strip().splitlines()
        said = f": {detail[0]}" if detail else ""
        message = f"{url}: HTTP {err.code} {err.reason}{said}; {progress}"
        raise PushError(message, pushed, err.code) from err
    except urllib.error.URLError as err:
        raise PushError(f"{url}: cannot connect: {err.reason}; {progress}", pushed) from err
    except (TimeoutError, OSError) as err:
        raise PushError(f"{url}: {err}; {progress}", pushed) from err
