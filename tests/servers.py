"""Real servers for the tests: `plangraph serve` and `oxigraph serve` as processes on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Server:
    """A running server: its base URL, process, SPARQL query URL and Graph Store URL."""

    url: str
    process: subprocess.Popen
    query_path: str = "/sparql"
    store_path: str = "/store"

    @property
    def sparql(self) -> str:
        return f"{self.url}{self.query_path}"

    @property
    def query_url(self) -> str:
        return self.sparql

    @property
    def store_url(self) -> str:
        return f"{self.url}{self.store_path}"


@contextmanager
def running(
    command: list[str],
    ready_url: str,
    url: str,
    env: dict[str, str] | None = None,
    query_path: str = "/sparql",
    ready_within: float = 30,
) -> Iterator[Server]:
    """Start a server process, wait (up to `ready_within` s) until `ready_url` answers 200, stop
    it afterwards. Its output goes to a file: a pipe nobody reads fills up and blocks a chatty
    server."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
        try:
            _wait_until_ready(process, log, ready_url, ready_within)
            yield Server(url, process, query_path)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(
    process: subprocess.Popen, log: IO[bytes], ready_url: str, within: float
) -> None:
    deadline = time.monotonic() + within
    while True:
        if process.poll() is not None:
            log.seek(0)
            out = log.read().decode(errors="replace")
            raise RuntimeError(f"{process.args[0]} exited {process.returncode}: {out}")
        try:
            if httpx.get(ready_url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{process.args} did not answer {ready_url} within {within:g} s")
        time.sleep(0.1)


@contextmanager
def plangraph_serve(
    store: Path, *options: str, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """`plangraph serve` on a store (or what `options` name instead), on a free port."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(BIN / "plangraph"), "serve", "--store", str(store), "--port", str(port)]
    with running([*command, *options], f"{url}/sparql", url, env) as server:
        yield server


@contextmanager
def oxigraph_serve(location: Path, timeout_s: float = 3) -> Iterator[Server]:
    """`oxigraph serve` (read-write, union default graph) on a store folder, on a free port;
    queries stop after `timeout_s` seconds."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(BIN / "oxigraph"), "serve", "--location", str(location)]
    command += [
        "--bind",
        f"127.0.0.1:{port}",
        "--union-default-graph",
        "--timeout-s",
        f"{timeout_s:g}",
    ]
    with running(command, f"{url}/query?query=ASK%7B%7D", url, query_path="/query") as server:
        yield server


@dataclass
class Listener:
    """A loopback port that counts the connections made to it: proof that nothing called out."""

    port: int
    connections: int = 0


@contextmanager
def listening() -> Iterator[Listener]:
    """A Listener, accepting (and closing) connections in the background until the block ends."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        sock.settimeout(0.1)
        listener = Listener(sock.getsockname()[1])
        stop = threading.Event()

        def accept() -> None:
            while not stop.is_set():
                try:
                    conn, _ = sock.accept()
                except OSError:
                    continue
                listener.connections += 1
                conn.close()

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        try:
            yield listener
        finally:
            stop.set()
            thread.join()
