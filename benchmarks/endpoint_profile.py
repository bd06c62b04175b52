"""Where `plangraph serve` spends a request, step by step, in process (no HTTP).

Times the guard, content negotiation, the engine alone (query and iteration in this process),
serialisation of the solutions, and the round trip through a worker process, for a cheap query
and a 10,000-row answer. Run: .venv/bin/python benchmarks/endpoint_profile.py [--store DIR]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pyoxigraph import Store  # noqa: E402

from ontology.namespaces import PREFIXES  # noqa: E402
from queryapi import results  # noqa: E402
from queryapi.guard import check_query  # noqa: E402
from queryapi.store import open_store  # noqa: E402
from queryapi.workers import Job, QueryPool, Source  # noqa: E402

QUERIES = {"ASK {}": "ASK {}", "10,000 rows": "SELECT * { ?s ?p ?o } LIMIT 10000"}


def median_ms(fn: Callable[[], object], runs: int) -> float:
    """Median wall milliseconds of `fn` after one warm-up call."""
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, help="a built store (default: build one)")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = args.store or Path(tmp) / "store"
        if not args.store:
            subprocess.run(
                [
                    str(Path(sys.executable).with_name("plangraph")),
                    "build",
                    "--store",
                    str(store_dir),
                    "--no-graphs",
                ],
                check=True,
                capture_output=True,
            )
        store = open_store(store_dir)
        with QueryPool(Source(store=store_dir), size=1, max_waiting=0) as pool:
            for label, text in QUERIES.items():
                for name, fn in steps(store, pool, text).items():
                    print(f"  {label:<12} {name:<28} {median_ms(fn, args.runs):8.3f} ms")


def steps(store: Store, pool: QueryPool, text: str) -> dict[str, Callable[[], object]]:
    """Each step of answering `text`, as a callable to time."""
    checked = check_query(text)
    job = Job(checked, results.SPARQL_JSON, 10_000)

    def engine() -> None:
        r = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
        if checked.form == "SELECT":
            list(r)

    def serialised() -> None:
        r = store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
        if checked.form == "SELECT":
            results.solutions([v.value for v in r.variables], r, results.SPARQL_JSON, 10_000)
        else:
            results.boolean(bool(r), results.SPARQL_JSON)

    accept = "application/sparql-results+json,*/*;q=0.9"
    return {
        "guard (check_query)": lambda: check_query(text),
        "negotiate": lambda: results.negotiate(accept, results.offered(checked.form)),
        "engine: query + iterate": engine,
        "engine + serialise (JSON)": serialised,
        "through a worker process": lambda: pool.run(job, 30),
    }


if __name__ == "__main__":
    main()
