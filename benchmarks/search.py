"""Full-text search over HTTP: `/api/search` on a real `plangraph serve` over the four plans.

Builds the four plans into a temporary store (the search index is built with it), starts the
server on loopback and times each query `--runs` times over HTTP (a fresh query string each time,
so no answer is kept between requests), then the index alone in-process for comparison. Prints
median and p95 per query, the hits and the plans they fall in, and the ratio of the median to the
50 ms budget. Run: .venv/bin/python benchmarks/search.py
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from queryapi.search import SEARCH_FILE, search  # noqa: E402
from queryapi.store import generation_dir  # noqa: E402
from tests.servers import plangraph_serve  # noqa: E402

BIN = Path(sys.executable).parent
BUDGET_MS = 50.0
QUERIES = ["孕产妇", "妇女", "母婴室", "孕产妇 死亡率", "家庭暴力", "托育服务", "宫颈癌 筛查"]


def p95(samples: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200, help="timed requests per query")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        subprocess.run(
            [str(BIN / "plangraph"), "build", "--store", str(store), "--no-graphs"],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        index = generation_dir(store) / SEARCH_FILE
        print(f"search over HTTP, {args.runs} requests per query (ms); budget {BUDGET_MS:g} ms")
        print(
            f"{'query':<14} {'hits':>5} {'plans':>5} {'median':>7} {'p95':>7} {'ratio':>6}"
            f" {'index':>7}"
        )
        all_http: list[float] = []
        with plangraph_serve(store) as server, httpx.Client(base_url=server.url) as client:
            for q in QUERIES:
                client.get("/api/search", params={"q": q}).raise_for_status()  # warm up
                samples = []
                for i in range(args.runs):
                    started = time.perf_counter()
                    response = client.get("/api/search", params={"q": q, "limit": 20 + i % 7})
                    samples.append((time.perf_counter() - started) * 1000)
                    response.raise_for_status()
                doc = client.get("/api/search", params={"q": q, "limit": 1000}).json()
                plans = len({h["plan"] for h in doc["items"]})
                local = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    search(index, q, 20)
                    local.append((time.perf_counter() - started) * 1000)
                med = statistics.median(samples)
                all_http += samples
                print(
                    f"{q:<14} {doc['total']:>5} {plans:>5} {med:>7.2f} {p95(samples):>7.2f}"
                    f" {med / BUDGET_MS:>6.3f} {statistics.median(local):>7.2f}"
                )
        med = statistics.median(all_http)
        print(
            f"all queries: median {med:.2f} ms, p95 {p95(all_http):.2f} ms over HTTP; "
            f"ratio to the {BUDGET_MS:g} ms budget {med / BUDGET_MS:.3f}"
        )


if __name__ == "__main__":
    main()
