"""`plangraph push` into a real `oxigraph serve`, checked by SPARQL on the server."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from queryapi.push import PushError, graph_store_for
from queryapi.store import open_store, run_query

ROOT = Path(__file__).resolve().parent.parent
PLANGRAPH = Path(sys.executable).with_name("plangraph")


def push(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PLANGRAPH), "push", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def server_counts(query_url: str) -> dict[str, int]:
    """Triples per named graph, as the server's SPARQL endpoint counts them."""
    sparql = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    request = urllib.request.Request(
        f"{query_url}?{urllib.parse.urlencode({'query': sparql})}",
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.load(response)["results"]["bindings"]
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


def local_counts(store: Path) -> dict[str, int]:
    sparql = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    result = run_query(open_store(store), sparql)
    return {g: int(n) for g, n in result.rows}


def test_push_loads_every_graph_and_pushing_again_replaces(built_store, oxigraph_server):
    local = local_counts(built_store)
    assert len(local) >= 7  # four plans, vocabulary, departments, ontology …
    for attempt in range(2):
        out = push("--endpoint", oxigraph_server.query_url, "--store", str(built_store))
        assert out.returncode == 0, out.stderr
        lines = out.stdout.strip().splitlines()
        assert len(lines) == len(local) + 1
        assert all(line.startswith("pushed https://") for line in lines[:-1])
        assert lines[-1] == (
            f"pushed {len(local)} graphs, {sum(local.values())} triples to "
            f"{oxigraph_server.store_url}"
        )
        assert server_counts(oxigraph_server.query_url) == local, f"after push {attempt + 1}"


def test_push_to_a_closed_port_is_one_line(built_store):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = push("--endpoint", f"http://127.0.0.1:{port}/query", "--store", str(built_store))
    assert out.returncode == 2
    assert out.stdout == ""
    [line] = out.stderr.strip().splitlines()
    assert line.startswith(f"error: http://127.0.0.1:{port}/store?graph=https%3A%2F%2F")
    assert "cannot connect" in line and "0 of " in line and "Traceback" not in out.stderr


def test_push_says_when_the_server_refuses(built_store, oxigraph_server):
    """A wrong Graph Store URL is a 404 naming the URL and status, and says to pass one."""
    out = push("--endpoint", f"{oxigraph_server.url}/ds/sparql", "--store", str(built_store))
    assert out.returncode == 2
    [line] = out.stderr.strip().splitlines()
    assert line.startswith(f"error: {oxigraph_server.url}/ds/store?graph=")
    assert "HTTP 404" in line and line.endswith("pass --graph-store)")


def test_graph_store_url_from_the_endpoint():
    assert graph_store_for("http://localhost:7878/query") == "http://localhost:7878/store"
    assert graph_store_for("https://h/x/sparql/") == "https://h/x/store"
    for endpoint in ("http://localhost:3030/ds", "localhost:7878/query"):
        with pytest.raises(PushError, match=r"--graph-store|not an http"):
            graph_store_for(endpoint)
    out = push("--endpoint", "http://localhost:3030/ds", "--store", "nowhere")
    assert out.returncode == 2 and "pass --graph-store" in out.stderr
