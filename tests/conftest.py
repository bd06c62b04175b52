"""Shared fixtures: the real corpus parsed once per session, a built store, a SPARQL server."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest.corpus import CorpusEntry, load_corpus
from ingest.parse import ParsedDocument, parse_document

PLANS = ["qujiang", "panyu", "kaiping", "luzhai"]


@pytest.fixture(scope="session")
def corpus() -> list[CorpusEntry]:
    return load_corpus()


@pytest.fixture(scope="session")
def parsed(corpus: list[CorpusEntry]) -> dict[str, ParsedDocument]:
    return {e.key: parse_document(e.path, corpus) for e in corpus}


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four plans built once per session into a temporary store, as `plangraph build` does."""
    from plangraph.pipeline import build
    from plangraph.settings import Settings

    store = tmp_path_factory.mktemp("built") / "store"
    build(Settings.from_env(), store=store)
    return store


@dataclass(frozen=True)
class OxigraphServer:
    """A running `oxigraph serve`: its base URL, SPARQL query URL and Graph Store URL."""

    url: str
    query_url: str
    store_url: str
    location: Path


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A real `oxigraph serve` on a free loopback port with an empty on-disk store, for the
    session; stopped afterwards. Tests share it, so they should use their own graph IRIs or
    put whole graphs (PUT replaces them)."""
    binary = Path(sys.executable).with_name("oxigraph")
    if not binary.exists():
        pytest.fail(f"{binary}: no oxigraph server; run `./dev setup` (the oxigraph package)")
    location = tmp_path_factory.mktemp("oxigraph")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (location.parent / f"{location.name}.log").open("wb")
    proc = subprocess.Popen(
        [str(binary), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    server = OxigraphServer(url, f"{url}/query", f"{url}/store", location)
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"oxigraph serve exited {proc.returncode}; see {log.name}")
            try:
                ask = urllib.parse.urlencode({"query": "ASK {}"})
                with urllib.request.urlopen(f"{server.query_url}?{ask}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"oxigraph serve did not answer on {url} in 30 s; see {log.name}")
                time.sleep(0.05)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
