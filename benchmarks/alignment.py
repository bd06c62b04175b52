"""The cost of goal alignment as the corpus grows: the four seeds plus synthetic plans.

Synthesises a corpus (`plangraph synth`, cached under var/bench/), parses it once (cached), then
times `derive.alignment.align` on the first N plans for each size and prints the time, the time
per plan and the cost of each added plan between sizes; linear growth keeps the last near
constant. Run: ./dev bench alignment [--plans 300] [--sizes 4,50,100,200,300]
"""

from __future__ import annotations

import argparse
import json
import pickle
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CACHE = ROOT / "var" / "bench"


def corpus_plans(n: int, seed: int) -> list:
    """The seeds' and a synthetic corpus's plans, parsed and typed (cached by size and seed)."""
    sys.path.insert(0, str(ROOT))
    from derive import derive
    from ingest.corpus import load_corpus
    from ingest.parse import parse_document

    cached = CACHE / f"alignment-plans-{n}-{seed}.pickle"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    out = CACHE / f"synth-{n}-{seed}"
    if not (out / "corpus.toml").exists():
        subprocess.run(
            [
                str(BIN / "plangraph"),
                "synth",
                "--plans",
                str(n),
                "--seed",
                str(seed),
                "--out",
                str(out),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    plans = []
    for toml in (None, out / "corpus.toml"):
        corpus = load_corpus(toml) if toml else load_corpus()
        plans += [derive(parse_document(e.path, corpus).plan) for e in corpus]
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(pickle.dumps(plans))
    return plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=300, help="synthetic plans beside the seeds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sizes", default="4,50,100,200,300")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks/results/alignment.json")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from derive import derive
    from derive.alignment import align
    from ingest.upstream import read_outline

    plans = corpus_plans(args.plans, args.seed)
    outline = derive(read_outline().plan)
    sizes = [n for n in map(int, args.sizes.split(",")) if n <= len(plans)]
    rows = []
    print(
        f"{'plans':>6} {'goals':>7} {'links':>7} {'median s':>9} {'ms/plan':>8} {'ms per added plan':>18}"
    )
    for n in sizes:
        subset = plans[:n]
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            found = align(subset, outline)
            times.append(time.perf_counter() - t0)
        med = sorted(times)[len(times) // 2]
        goals = sum(len(a.goals) for p in subset for a in p.areas)
        marginal = None
        if rows:
            marginal = (med - rows[-1]["seconds"]) / (n - rows[-1]["plans"]) * 1000
        rows.append(
            {
                "plans": n,
                "goals": goals,
                "links": len(found.links),
                "seconds": med,
                "marginal_ms": marginal,
            }
        )
        print(
            f"{n:6d} {goals:7d} {len(found.links):7d} {med:9.3f} {med / n * 1000:8.2f} "
            f"{'' if marginal is None else f'{marginal:18.2f}'}"
        )
    first, last = rows[0], rows[-1]
    growth = (last["seconds"] / first["seconds"]) / (last["plans"] / first["plans"])
    print(
        f"time grew {last['seconds'] / first['seconds']:.1f}× for {last['plans'] / first['plans']:.0f}× the plans "
        f"(1.0 is linear): {growth:.2f}"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"sizes": rows, "growth_over_linear": growth}, indent=2) + "\n")


if __name__ == "__main__":
    main()
