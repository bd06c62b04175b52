"""Benchmarks: time the pipeline's commands as whole processes and in-process stages.

Prints each figure's median over several runs and its ratio to the budget the issues set
(`plangraph parse` of the four plans under 2 s, text → store under 5 s). Run: ./dev bench
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def timed(fn, runs: int) -> list[float]:
    """Wall seconds of each run, after one warm-up run."""
    fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def command(*args: str):
    """A callable that runs a plangraph command as a separate process and checks it."""

    def run() -> None:
        subprocess.run(
            [str(BIN / "plangraph"), *args], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
        )

    return run


def report(name: str, samples: list[float], budget: float | None) -> None:
    med = statistics.median(samples)
    line = f"{name:<44} median {med:7.3f} s  min {min(samples):7.3f}  max {max(samples):7.3f}"
    if budget:
        line += f"  budget {budget:.1f} s  ratio {med / budget:5.2f}"
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from ingest.corpus import load_corpus
    from ingest.parse import parse_document
    from plangraph.pipeline import dataset_for
    from plangraph.settings import Settings

    settings = Settings.from_env()
    corpus = load_corpus(settings.corpus)
    plans = [str(e.path) for e in corpus]
    with tempfile.TemporaryDirectory() as tmp:
        report(
            "plangraph parse (4 plans, process)", timed(command("parse", *plans), args.runs), 2.0
        )
        report(
            "plangraph build (4 plans → store, process)",
            timed(command("build", "--store", f"{tmp}/store", "--no-graphs"), args.runs),
            5.0,
        )
    docs = []
    report(
        "parse 4 plans (in-process)",
        timed(
            lambda: docs.__setitem__(slice(None), [parse_document(e.path, corpus) for e in corpus]),
            args.runs,
        ),
        None,
    )
    report(
        "model → RDF dataset (in-process)",
        timed(lambda: dataset_for(settings, docs), args.runs),
        None,
    )


if __name__ == "__main__":
    main()
