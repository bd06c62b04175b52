"""SHACL engines compared on the four plans: the fast validator against pySHACL, the reference.

For the four plans as built and for each deliberate breakage of tests/test_validation.py, runs
pySHACL (as queryapi/validation.py did before: advanced, ontology as ont_graph, no inference),
the fast validator (queryapi.validation, the `shacl` engine) and, when installed, pyshacl-turbo;
prints each engine's seconds, verdict and number of results, and whether the set of
(focus node, result path, constraint component) equals pySHACL's. Exits 1 on any difference.
Also times validate_store, the path `plangraph validate` takes, and with --scale N the fast
validator on N plans (the four plan graphs copied under new IRIs).
Slow (pySHACL takes half a minute a run). Run: .venv/bin/python benchmarks/validation.py
[--scale 40 400] [--cases NAME ...]
"""

from __future__ import annotations

import argparse
import importlib
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import rdflib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from pyoxigraph import RdfFormat, serialize  # noqa: E402
from shacl_keys import Key, report_keys  # noqa: E402

from ontology import ONTOLOGY, SHAPES  # noqa: E402
from ontology.dataset import (  # noqa: E402
    CITED_GRAPH,
    DEPARTMENTS_GRAPH,
    ONTOLOGY_GRAPH,
    VOCABULARY_GRAPH,
)
from plangraph.pipeline import dataset_for, parse_all  # noqa: E402
from plangraph.settings import Settings  # noqa: E402
from queryapi.store import build_store, open_store  # noqa: E402
from queryapi.validation import (  # noqa: E402
    ontology_ntriples,
    validate_file,
    validate_graph,
    validate_store,
)


def pyshacl_engine() -> Callable[[rdflib.Graph], tuple[bool, list[Key]]]:
    """pySHACL exactly as the project ran it before the fast validator."""
    from pyshacl import validate

    shapes = rdflib.Graph().parse(SHAPES)
    ontology = rdflib.Graph().parse(ONTOLOGY)

    def run(g: rdflib.Graph) -> tuple[bool, list[Key]]:
        conforms, report, _ = validate(
            g, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True
        )
        return bool(conforms), report_keys(report)

    return run


def fast_engine() -> Callable[[rdflib.Graph], tuple[bool, list[Key]]]:
    """queryapi.validation.validate_graph, what `plangraph validate` uses."""

    def run(g: rdflib.Graph) -> tuple[bool, list[Key]]:
        report = validate_graph(g)
        return report.conforms, sorted(r.key() for r in report.results)

    return run


def turbo_engine() -> Callable[[rdflib.Graph], tuple[bool, list[Key]]] | None:
    """pyshacl-turbo on N-Triples text, when it is installed (it is not a dependency)."""
    try:
        import pyshacl_turbo
    except ImportError:
        return None
    program = pyshacl_turbo.compile_shapes(str(SHAPES), advanced=True)
    ontology = rdflib.Graph().parse(ONTOLOGY).serialize(format="nt")

    def run(g: rdflib.Graph) -> tuple[bool, list[Key]]:
        data = (g.serialize(format="nt") + ontology).encode()
        conforms, report, _ = program.validate(data, data_graph_format="nt")
        return bool(conforms), report_keys(report)

    return run


def scaled(dataset, plans: int) -> None:
    """Time the fast validator on `plans` plans: the four plan graphs copied under new IRIs."""
    shared_names = {VOCABULARY_GRAPH, CITED_GRAPH, DEPARTMENTS_GRAPH, ONTOLOGY_GRAPH}
    graphs: dict[str, list] = {}
    for q in dataset.quads():
        graphs.setdefault(str(q.graph_name.value), []).append(q.triple)
    shared = b"".join(
        serialize(graphs.get(g, []), format=RdfFormat.N_TRIPLES) for g in shared_names
    )
    own = {
        g.rsplit("/", 1)[1]: serialize(t, format=RdfFormat.N_TRIPLES)
        for g, t in graphs.items()
        if g not in shared_names
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scaled.nt"
        with path.open("wb") as out:
            out.write(shared + ontology_ntriples().encode())
            for k in range(max(1, plans // len(own))):
                for slug, nt in own.items():
                    out.write(
                        nt.replace(f"id/plan/{slug}".encode(), f"id/plan/c{k}-{slug}".encode())
                    )
        size = path.stat().st_size
        t0 = time.perf_counter()
        report = validate_file(path)
        seconds = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"scaled to {plans} plans ({size / 1e6:.0f} MB of N-Triples): {seconds:.2f} s, "
        f"conforms={report.conforms}, results={report.violations}, peak RSS so far {rss:.0f} MiB"
    )


def main() -> int:
    """Run every engine on every case; print a table; 1 if any engine differs from pySHACL."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", nargs="*", help="only these cases (default: all)")
    ap.add_argument(
        "--scale", type=int, nargs="*", default=[], help="also time the fast validator on N plans"
    )
    args = ap.parse_args()
    breakages = importlib.import_module("test_validation").BREAKAGES
    settings = Settings.from_env()
    dataset = dataset_for(settings, parse_all(settings))
    data = "".join(f"{q.triple} .\n" for q in dataset.quads())
    base = rdflib.Graph().parse(data=data, format="nt")
    print(f"data: {len(base)} triples")
    with tempfile.TemporaryDirectory() as tmp:
        build_store(dataset, Path(tmp) / "store")
        store = open_store(Path(tmp) / "store")
        for _ in range(3):
            t0 = time.perf_counter()
            report = validate_store(store)
            print(
                f"validate_store (the CLI's path): {time.perf_counter() - t0:.2f} s, "
                f"conforms={report.conforms}"
            )
        del store
    for plans in args.scale:
        scaled(dataset, plans)
    engines = {"pyshacl": pyshacl_engine(), "fast": fast_engine()}
    if (turbo := turbo_engine()) is not None:
        engines["pyshacl-turbo"] = turbo
    cases: dict[str, Callable[[rdflib.Graph], object]] = {"four plans": lambda g: None}
    cases.update({k: breakages[k] for k in sorted(breakages)})
    if args.cases:
        cases = {k: v for k, v in cases.items() if k in args.cases}
    differ = 0
    totals = dict.fromkeys(engines, 0.0)
    for name, brk in cases.items():
        g = rdflib.Graph()
        for t in base:
            g.add(t)
        brk(g)
        reference: tuple[bool, list[Key]] | None = None
        for engine, run in engines.items():
            t0 = time.perf_counter()
            verdict = run(g)
            seconds = time.perf_counter() - t0
            totals[engine] += seconds
            if reference is None:
                reference, same = verdict, "reference"
            else:
                same = "same" if verdict == reference else "DIFFERENT"
                differ += verdict != reference
            print(
                f"{name:28} {engine:14} {seconds:7.2f} s  conforms={verdict[0]!s:5} "
                f"results={len(verdict[1]):3}  {same}"
            )
            if same == "DIFFERENT":
                print("    extra:  ", sorted(set(verdict[1]) - set(reference[1]))[:5])
                print("    missing:", sorted(set(reference[1]) - set(verdict[1]))[:5])
    for engine, seconds in totals.items():
        print(f"total {engine:14} {seconds:7.2f} s over {len(cases)} cases")
    print("all engines agree with pySHACL" if not differ else f"{differ} verdicts differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
