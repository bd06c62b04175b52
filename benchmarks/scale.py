"""Scale: from documents to a validated, queryable store at several corpus sizes.

For each size: a synthetic corpus (`plangraph synth`, cached under var/bench/ by size and seed),
then, as separate processes on that corpus: parse throughput (documents → plan model with
owners, on all cores), the whole build (documents → store, plans/s and peak memory), the
store's size on disk and the time to open it and answer a first query, `plangraph validate`,
and the latency (p50/p95) of every cookbook query on the embedded store (queries/*.rq, with a
plan and a region of the corpus where the store lacks the defaults: benchmarks/cookbook_scope.py).
Prints a table, writes benchmarks/results/scale.json and the plot benchmarks/scale.png (ingest
time and query p95 against corpus size).

Run: ./dev bench scale --sizes 4,300,3000
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CACHE = ROOT / "var" / "bench"
RESULTS = ROOT / "benchmarks" / "results" / "scale.json"
PLOT = ROOT / "benchmarks" / "scale.png"
QUERY_BUDGET_S = 10.0  # per query and size: fewer runs for a slow query
FULL_VALIDATION_MAX = 300  # plans; `validate --full` takes minutes beyond
TARGET_3000_S = 600.0  # the budget: 3,000 plans to a validated, queryable store


def timed_command(args: list[str], env: dict[str, str] | None = None) -> dict:
    """Run a plangraph command, recording its own peak memory via wait4."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Read the pipes in threads so a chatty command cannot block, then reap with wait4.
    chunks: dict[str, bytes] = {}

    def drain(name: str, stream) -> None:
        chunks[name] = stream.read()

    threads = [
        threading.Thread(target=drain, args=("out", proc.stdout)),
        threading.Thread(target=drain, args=("err", proc.stderr)),
    ]
    for t in threads:
        t.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    for t in threads:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": wall,
        "code": proc.returncode,
        "peak_mb": usage.ru_maxrss / 1024,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "read_mb": usage.ru_inblock * 512 / 1e6,  # from disk, not the page cache
        "stdout": chunks["out"].decode(errors="replace"),
        "stderr": chunks["err"].decode(errors="replace"),
    }


def corpus_for(size: int, seed: int) -> tuple[Path, float | None]:
    """The cached synthetic corpus of a size and seed (written when missing); its synth time."""
    out = CACHE / f"synth-{size}-s{seed}"
    manifest = out / "manifest.json"
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("plans") == size and data.get("seed") == seed:
            return out, None
    done = timed_command(
        [
            str(BIN / "plangraph"),
            "synth",
            "--plans",
            str(size),
            "--seed",
            str(seed),
            "--out",
            str(out),
        ]
    )
    if done["code"]:
        sys.exit(f"synth failed: {done['stderr']}")
    return out, done["seconds"]


_PARSE = """
import sys, time, json
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor
from plangraph.settings import Settings
from plangraph.pipeline import _Builder, ownership
from ingest.corpus import load_corpus
settings = Settings.from_env()
corpus = load_corpus(settings.corpus)
builder = _Builder(corpus, ownership(settings), sort=False, check=False)
def parse(path):
    from ingest.parse import parse_document
    from derive import derive
    doc = parse_document(path, corpus)
    derive(doc.plan, builder.own.model)
    return len(doc.plan.items())
started = time.perf_counter()
jobs = int(sys.argv[1])
with ProcessPoolExecutor(jobs) as pool:
    items = sum(pool.map(parse, [e.path for e in corpus], chunksize=4))
print(json.dumps({"seconds": time.perf_counter() - started, "items": items}))
"""


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    k = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))
    return ordered[k]


def query_latencies(store_dir: Path, runs: int) -> list[dict]:
    """Every cookbook query on the embedded store, in process: p50/p95 over the runs after a
    warm-up, fewer runs for a slow query (QUERY_BUDGET_S per query)."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.cookbook_scope import cookbook_queries
    from queryapi.store import open_store, run_query

    store = open_store(store_dir)
    out = []
    for query in cookbook_queries(lambda text: run_query(store, text).rows):
        sparql = query.text
        t0 = time.perf_counter()
        rows = len(run_query(store, sparql).rows)
        first = time.perf_counter() - t0
        n = max(3, min(runs, int(QUERY_BUDGET_S / max(first, 1e-6))))
        samples = []
        for _ in range(n):
            t0 = time.perf_counter()
            run_query(store, sparql, "json")
            samples.append(time.perf_counter() - t0)
        out.append(
            {
                "query": query.name,
                "bound": query.bound,
                "rows": rows,
                "runs": n,
                "first_ms": first * 1000,
                "p50_ms": statistics.median(samples) * 1000,
                "p95_ms": percentile(samples, 0.95) * 1000,
            }
        )
    return out


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def measure(size: int, seed: int, runs: int, jobs: int) -> dict:
    corpus, synth_s = corpus_for(size, seed)
    env = {
        **os.environ,
        "PLANGRAPH_CORPUS": str(corpus / "corpus.toml"),
        "PLANGRAPH_JOBS": str(jobs),
    }
    store = CACHE / f"store-{size}-s{seed}"
    print(f"\n== {size} plans ({corpus.relative_to(ROOT)})", flush=True)
    parse = timed_command([sys.executable, "-c", _PARSE, str(jobs)], env)
    if parse["code"]:
        sys.exit(f"parse failed: {parse['stderr']}")
    parsed = json.loads(parse["stdout"])
    print(f"parse  {parse['seconds']:8.1f} s  {size / parse['seconds']:7.1f} plans/s", flush=True)
    build = timed_command(
        [str(BIN / "plangraph"), "build", "--store", str(store), "--no-graphs"], env
    )
    if build["code"]:
        sys.exit(f"build failed: {build['stderr'][-2000:]}")
    print(
        f"build  {build['seconds']:8.1f} s  {size / build['seconds']:7.1f} plans/s  "
        f"peak {build['peak_mb']:.0f} MB  {build['stdout'].strip()}",
        flush=True,
    )
    validate = timed_command([str(BIN / "plangraph"), "validate", "--store", str(store)], env)
    conforms = validate["code"] == 0
    print(f"validate {validate['seconds']:6.1f} s  exit {validate['code']} (the build's verdict)")
    full = None  # the whole store validated again, as before builds validated by parts
    if size <= FULL_VALIDATION_MAX:
        full = timed_command(
            [str(BIN / "plangraph"), "validate", "--full", "--store", str(store)], env
        )
        print(f"validate --full {full['seconds']:6.1f} s  exit {full['code']}", flush=True)
        if (full["code"] == 0) != conforms:
            sys.exit(f"the build's verdict and --full disagree: {validate['stdout'][:2000]}")
    opened = timed_command(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[2]);"
            "from queryapi.store import open_store, run_query;"
            "s = open_store(Path(sys.argv[1])); run_query(s, 'ASK { ?s a pg:Plan }')",
            str(store),
            str(ROOT),
        ],
        env,
    )
    generation = store.resolve()
    quads = int(build["stdout"].split(" quads")[0].rsplit(" ", 1)[-1])
    queries = query_latencies(store, runs)
    slow = sorted(queries, key=lambda q: -q["p95_ms"])[:5]
    print("slowest p95: " + ", ".join(f"{q['query']} {q['p95_ms']:.0f} ms" for q in slow))
    return {
        "plans": size,
        "seed": seed,
        "jobs": jobs,
        "quads": quads,
        "items": parsed["items"],
        "synth_s": synth_s,
        "parse_s": parse["seconds"],
        "parse_plans_per_s": size / parse["seconds"],
        "build_s": build["seconds"],
        "build_plans_per_s": size / build["seconds"],
        "build_cpu_s": build["cpu_seconds"],
        "build_peak_mb": build["peak_mb"],
        "graph_and_store_s": build["seconds"] - parse["seconds"],
        "store_mb": du(generation) / 1e6,
        "store_open_s": opened["seconds"],
        "validate_s": validate["seconds"],
        "validate_peak_mb": validate["peak_mb"],
        "validate_full_s": full["seconds"] if full else None,
        "conforms": conforms,
        "documents_to_validated_store_s": build["seconds"] + validate["seconds"],
        "queries": queries,
    }


def table(results: list[dict]) -> str:
    sizes = [r["plans"] for r in results]
    head = f"{'':34}" + "".join(f"{s:>12,}" for s in sizes)
    rows = [
        ("quads", "quads", "{:,.0f}"),
        ("parse s (documents → model)", "parse_s", "{:.1f}"),
        ("parse plans/s", "parse_plans_per_s", "{:.1f}"),
        ("build s (documents → store)", "build_s", "{:.1f}"),
        ("build plans/s", "build_plans_per_s", "{:.1f}"),
        ("build CPU s (all processes)", "build_cpu_s", "{:.0f}"),
        ("build peak MB (largest process)", "build_peak_mb", "{:.0f}"),
        ("store on disk MB", "store_mb", "{:.0f}"),
        ("store open + first query s", "store_open_s", "{:.2f}"),
        ("validate s (the build's verdict)", "validate_s", "{:.1f}"),
        ("validate --full s", "validate_full_s", "{:.1f}"),
        ("validate peak MB", "validate_peak_mb", "{:.0f}"),
        ("documents → validated store s", "documents_to_validated_store_s", "{:.0f}"),
    ]
    lines = [head]
    for label, key, fmt in rows:
        cells = ("–" if r.get(key) is None else fmt.format(r[key]) for r in results)
        lines.append(f"{label:34}" + "".join(f"{c:>12}" for c in cells))
    lines.append("")
    lines.append(f"{'query p50 / p95 ms':34}" + "".join(f"{s:>18,}" for s in sizes))
    for i, q in enumerate(results[0]["queries"]):
        cells = "".join(
            f"{r['queries'][i]['p50_ms']:>9.1f}/{r['queries'][i]['p95_ms']:<8.1f}" for r in results
        )
        lines.append(f"{q['query']:34}" + cells)
    return "\n".join(lines)


def plot(results: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r["plans"] for r in results]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.plot(sizes, [r["parse_s"] for r in results], "o-", label="parse (documents → model)")
    left.plot(sizes, [r["build_s"] for r in results], "o-", label="build (documents → store)")
    left.plot(sizes, [r["validate_s"] for r in results], "o-", label="validate")
    left.axhline(TARGET_3000_S, color="grey", ls=":", lw=1, label="10 min")
    left.set(xscale="log", yscale="log", xlabel="plans", ylabel="seconds", title="Ingest time")
    left.legend(fontsize=8)
    for i, q in enumerate(results[0]["queries"]):
        right.plot(
            sizes, [r["queries"][i]["p95_ms"] for r in results], ".-", lw=0.8, label=q["query"]
        )
    right.axhline(300, color="grey", ls=":", lw=1)
    right.set(
        xscale="log",
        yscale="log",
        xlabel="plans",
        ylabel="p95 ms",
        title="Cookbook query p95, embedded store",
    )
    right.legend(fontsize=5.5, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def write_json(results: list[dict], path: Path) -> None:
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": os.getloadavg(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"machine": machine, "sizes": results}, indent=1, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="4,300", help="corpus sizes, comma-separated")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=10, help="runs per query (fewer when slow)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", type=Path, default=RESULTS)
    parser.add_argument("--plot", type=Path, default=PLOT)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = []
    for size in sizes:  # the JSON is rewritten after each size: a long run keeps what it has
        results.append(measure(size, args.seed, args.runs, args.jobs))
        write_json(results, args.json)
    print("\n" + table(results))
    plot(results, args.plot)
    print(f"\nwrote {args.json.relative_to(ROOT)} and {args.plot.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
