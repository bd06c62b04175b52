"""The cookbook over HTTP: `plangraph serve` against `oxigraph serve` on the same data, same run.

Builds the four plans, loads the same N-Quads into an Oxigraph store, starts both servers on
loopback and sends every queries/*.rq to each in turn (interleaved, so machine noise falls on
both), then cheap repeated queries from concurrent clients. Prints median and p95 per query and
the ratio plangraph/oxigraph; `--json FILE` writes the figures. Run: ./dev bench endpoint
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ontology.namespaces import PREFIXES  # noqa: E402
from tests.servers import oxigraph_serve, plangraph_serve  # noqa: E402

BIN = Path(sys.executable).parent
PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
ACCEPT = {"accept": "application/sparql-results+json"}
LOOKUP = "SELECT ?t { <https://w3id.org/plangraph/id/plan/liuzhou-luzhai-women-2021-2030> dcterms:title ?t }"


@dataclass(frozen=True)
class Timed:
    """One request: its wall time and the rows it answered."""

    seconds: float
    rows: int


def p95(samples: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ask(client: httpx.Client, url: str, query: str) -> Timed:
    """Send one query as a form POST and read the JSON answer."""
    started = time.perf_counter()
    response = client.post(url, data={"query": query}, headers=ACCEPT)
    seconds = time.perf_counter() - started
    response.raise_for_status()
    doc = response.json()
    return Timed(seconds, len(doc.get("results", {}).get("bindings", [])))


def throughput(url: str, query: str, clients: int, seconds: float) -> float:
    """Requests per second from `clients` threads, each with its own connection."""
    counts = [0] * clients
    stop = time.perf_counter() + seconds

    def loop(i: int) -> None:
        with httpx.Client(timeout=30) as c:
            while time.perf_counter() < stop:
                c.post(url, data={"query": query}, headers=ACCEPT).raise_for_status()
                counts[i] += 1

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30, help="timed requests per query and server")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--no-cache", action="store_true", help="plangraph serve without its cache")
    args = parser.parse_args()
    queries = {
        q.stem: PROLOGUE + q.read_text(encoding="utf-8")
        for q in sorted((ROOT / "queries").glob("*.rq"))
    }
    queries["large-answer (10,000 rows)"] = PROLOGUE + "SELECT * { ?s ?p ?o } LIMIT 10000"
    with tempfile.TemporaryDirectory() as tmp:
        store, dump = Path(tmp) / "store", Path(tmp) / "all.nq"
        plangraph = str(BIN / "plangraph")
        subprocess.run(
            [plangraph, "build", "--store", str(store), "--no-graphs"],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        subprocess.run(
            [plangraph, "export", "--format", "nquads", "--out", str(dump), "--store", str(store)],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(BIN / "oxigraph"), "load", "--location", f"{tmp}/ox", "--file", str(dump)],
            check=True,
            capture_output=True,
        )
        env = {"PLANGRAPH_CACHE_MB": "0"} if args.no_cache else {}
        with plangraph_serve(store, env=env) as ours, oxigraph_serve(Path(tmp) / "ox") as theirs:
            servers = {"plangraph": ours.sparql, "oxigraph": theirs.sparql}
            figures = run_queries(servers, queries, args.runs)
            print_table(figures)
            rates = {
                name: {
                    label: throughput(url, PROLOGUE + query, clients=4, seconds=3)
                    for label, query in (
                        ("ASK {}", "ASK {}"),
                        ("one-row lookup", LOOKUP),
                    )
                }
                for name, url in servers.items()
            }
    print("\ncheap repeated queries, 4 concurrent clients, 3 s each (requests/s)")
    for label in rates["plangraph"]:
        ours_rate, theirs_rate = rates["plangraph"][label], rates["oxigraph"][label]
        print(
            f"  {label:<16} plangraph {ours_rate:8.0f}   oxigraph {theirs_rate:8.0f}   ratio {ours_rate / theirs_rate:5.2f}"
        )
    if args.json:
        args.json.write_text(
            json.dumps({"queries": figures, "throughput": rates}, indent=1), encoding="utf-8"
        )
        print(f"wrote {args.json}")


def run_queries(servers: dict[str, str], queries: dict[str, str], runs: int) -> dict[str, dict]:
    """Median and p95 milliseconds per query and server, and the rows each answered."""
    out: dict[str, dict] = {}
    with httpx.Client(timeout=60) as client:
        for name, query in queries.items():
            samples: dict[str, list[float]] = {s: [] for s in servers}
            rows: dict[str, int] = {}
            for url in servers.values():
                ask(client, url, query)  # warm-up (and plangraph's cache, unless --no-cache)
            for _ in range(runs):
                for server, url in servers.items():
                    timed = ask(client, url, query)
                    rows[server] = timed.rows
                    samples[server].append(timed.seconds * 1000)
            if len(set(rows.values())) > 1:
                print(f"warning: {name}: the servers answered {rows} rows")
            out[name] = {
                s: {"median_ms": statistics.median(v), "p95_ms": p95(v), "rows": rows[s]}
                for s, v in samples.items()
            }
    return out


def print_table(figures: dict[str, dict]) -> None:
    """One line per query: both servers' median and p95, and the ratios."""
    print(f"{'query':<34} {'plangraph ms':>18} {'oxigraph ms':>18} {'ratio':>12}")
    print(f"{'':<34} {'median':>9}{'p95':>9} {'median':>9}{'p95':>9} {'median':>6}{'p95':>6}")
    ratios = []
    for name, f in figures.items():
        ours, theirs = f["plangraph"], f["oxigraph"]
        ratio = ours["median_ms"] / theirs["median_ms"]
        ratios.append(ratio)
        print(
            f"{name[:34]:<34} {ours['median_ms']:9.2f}{ours['p95_ms']:9.2f} "
            f"{theirs['median_ms']:9.2f}{theirs['p95_ms']:9.2f} "
            f"{ratio:6.2f}{ours['p95_ms'] / theirs['p95_ms']:6.2f}"
        )
    print(f"geometric mean of the median ratios: {statistics.geometric_mean(ratios):.2f}")


if __name__ == "__main__":
    main()
