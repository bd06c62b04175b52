"""Latency of every cookbook query (queries/*.rq) on the embedded store of a synthetic corpus.

Synthesises N plans (`plangraph synth`), builds their store (`plangraph build`, as a separate
process) and caches both under var/bench/ (rebuilt when the code or data that make the store
change), then runs each query in-process on the store as /api/queries/{name} runs it, with a
plan and a region of the corpus where the store lacks the defaults (benchmarks/cookbook_scope.py),
the other parameters their defaults. Prints p50/p95 and the ratio to the 300 ms budget of issue
16. Text search is timed twice: the cookbook's index-backed answer (queryapi.text_search, what
/api/queries/text-search serves) and the .rq's CONTAINS scan over SPARQL. The REST API's own
queries (queryapi/rest/*.rq) are timed too, with the plan bound where they take one. Writes
benchmarks/results/cookbook-<N>.json.

Run: ./dev bench cookbook --plans 300 [--runs 20] [--rest] [--only NAME…]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BUDGET_MS = 300.0
STAMPED = ("ingest", "derive", "ontology", "plangraph", "queryapi", "synth", "data")


def code_stamp() -> str:
    """A hash of every file the synthetic corpus and its store are made from."""
    digest = hashlib.sha256()
    for top in STAMPED:
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def prepare(plans: int, seed: int, rebuild: bool, reuse: bool) -> tuple[Path, dict]:
    """The cached store of N synthetic plans (built when missing or stale) and its build facts."""
    base = ROOT / "var/bench"
    corpus_dir, store_dir = base / f"synth-{plans}-{seed}", base / f"store-{plans}-{seed}"
    stamp_file = base / f"store-{plans}-{seed}.json"
    stamp = code_stamp()
    facts = json.loads(stamp_file.read_text()) if stamp_file.is_file() else {}
    fresh = facts.get("stamp") == stamp or (reuse and facts)
    if not rebuild and fresh and (store_dir / "CURRENT").exists():
        return store_dir, facts
    base.mkdir(parents=True, exist_ok=True)
    env = os.environ | {"PLANGRAPH_CORPUS": str(corpus_dir / "corpus.toml")}
    t0 = time.perf_counter()
    subprocess.run(
        [
            BIN / "plangraph",
            "synth",
            "--plans",
            str(plans),
            "--seed",
            str(seed),
            "--out",
            corpus_dir,
        ],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    t1 = time.perf_counter()
    print(f"synthesised {plans} plans in {t1 - t0:.1f} s; building the store …", flush=True)
    subprocess.run(
        [str(BIN / "plangraph"), "build", "--store", str(store_dir), "--no-graphs"],
        check=True,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    t2 = time.perf_counter()
    facts = {"stamp": stamp, "synth_s": round(t1 - t0, 1), "build_s": round(t2 - t1, 1)}
    stamp_file.write_text(json.dumps(facts) + "\n")
    return store_dir, facts


def percentile(samples: list[float], q: float) -> float:
    """The q-quantile by linear interpolation (statistics.quantiles' inclusive method)."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[round(q * 100) - 1]


def timed(fn, runs: int, cap_s: float) -> tuple[list[float], int]:
    """Milliseconds of each run after one warm-up, stopping early (at 3 runs or more) once
    cap_s seconds are spent; and the rows of the last answer."""
    rows = fn()
    out: list[float] = []
    start = time.perf_counter()
    while len(out) < runs and (len(out) < 3 or time.perf_counter() - start < cap_s):
        t0 = time.perf_counter()
        rows = fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cap", type=float, default=20.0, help="seconds per query at most")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached store")
    parser.add_argument("--reuse", action="store_true", help="use the cached store even if stale")
    parser.add_argument("--store", type=Path, help="time this built store instead of the cache")
    parser.add_argument("--rest", action="store_true", help="also the REST API's queries")
    parser.add_argument("--only", nargs="*", help="only these query names")
    parser.add_argument("--json", type=Path, help="default benchmarks/results/cookbook-N.json")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from benchmarks.cookbook_scope import cookbook_queries, corpus_scope
    from ontology.namespaces import PREFIXES
    from queryapi.answer import bound_text
    from queryapi.cookbook_api import INDEXED
    from queryapi.named_queries import load_folder
    from queryapi.search import SEARCH_FILE
    from queryapi.store import generation_dir, open_store, run_query
    from queryapi.text_search import text_search

    if args.store:
        store_dir, facts = args.store, {}
    else:
        store_dir, facts = prepare(args.plans, args.seed, args.rebuild, args.reuse)
    store = open_store(store_dir)
    index = generation_dir(store_dir) / SEARCH_FILE
    quads = len(store)

    def select(text: str) -> list[list[str | None]]:
        return run_query(store, text).rows

    scoped = cookbook_queries(select)

    def sparql(text: str) -> Callable[[], int]:
        return lambda: len(
            list(store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES))
        )

    jobs: list[tuple[str, str, Callable[[], int]]] = []
    for query in scoped:
        if query.name in INDEXED:  # the API answers it from the search index; the scan too
            jobs.append((query.name, "index", lambda: len(text_search(index, "母婴室"))))
        jobs.append((query.name, "sparql", sparql(query.text)))
    if args.rest:  # as the REST API runs them, with the plan bound
        plan = corpus_scope(select)["plan"]
        for name, query in load_folder(ROOT / "queryapi/rest").items():
            names = {p.name for p in query.parameters}
            if names - {"plan"}:
                continue  # takes an item or a department: a lookup by IRI, not timed here
            text = bound_text(query.query.text, query.bind({"plan": plan} if names else {}))
            jobs.append(("rest/" + name, "sparql", sparql(text)))
    if args.only:
        jobs = [j for j in jobs if j[0] in args.only or j[0].removeprefix("rest/") in args.only]
    print(f"{args.plans} plans, {quads:,} quads, store {store_dir}")
    bound = {k: v for q in scoped for k, v in q.bound.items()}
    print(
        "defaults replaced by the corpus's own: "
        + (", ".join(f"?{k} {v}" for k, v in bound.items()) or "none")
    )
    print(
        f"{'query':<32} {'via':<7} {'rows':>7} {'runs':>5} {'p50 ms':>9} {'p95 ms':>9} {'p95/300':>8}"
    )
    results = []
    for name, via, fn in jobs:
        samples, rows = timed(fn, args.runs, args.cap)
        p50, p95 = percentile(samples, 0.5), percentile(samples, 0.95)
        results.append(
            {
                "query": name,
                "via": via,
                "rows": rows,
                "runs": len(samples),
                "p50_ms": round(p50, 2),
                "p95_ms": round(p95, 2),
            }
        )
        flag = "" if p95 <= BUDGET_MS else "  over"
        print(
            f"{name:<32} {via:<7} {rows:>7} {len(samples):>5} {p50:>9.1f} {p95:>9.1f}"
            f" {p95 / BUDGET_MS:>8.2f}{flag}",
            flush=True,
        )
    over = [r["query"] for r in results if r["p95_ms"] > BUDGET_MS]
    print(
        f"{len(results) - len(over)} of {len(results)} under {BUDGET_MS:.0f} ms at p95"
        + (f"; over: {', '.join(over)}" if over else "")
    )
    out = args.json or ROOT / f"benchmarks/results/cookbook-{args.plans}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "plans": args.plans,
        "seed": args.seed,
        "quads": quads,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_average": [round(x, 1) for x in os.getloadavg()],  # other work on the machine
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "synth_s": facts.get("synth_s"),
        "build_s": facts.get("build_s"),
        "budget_ms": BUDGET_MS,
        "bound": bound,
        "queries": results,
    }
    if args.only:
        print("(--only: not writing the JSON)")
    else:
        out.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
