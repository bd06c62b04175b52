"""Update: replacing, removing and adding one plan in a built store while a server answers.

On a synthetic corpus (`plangraph synth`, cached under var/bench/ like scale.py's) built once
into var/bench/update-N-sS/store (or the given --store), with `plangraph serve` on it and clients
querying it throughout (a cheap ASK that tells the plan's versions apart, and a count over every
plan's graph): `plangraph build --update` with a changed copy of one document (its figures
edited, so its sha256 differs), `--remove` of it, `--update` to put it back. For each: the wall
time of the command, its CPU, what it read from disk (not from the page cache), its steps, the
time until the server answers with the new content, and the clients' requests, non-200 answers
and latencies during it. Also what a copy-on-write by plain copying of the generation would cost
(its size, the time to copy it), against the hard links the update makes. Prints a table, writes benchmarks/results/update.json.

Run: ./dev bench update --plans 300   (or --store DIR --corpus FILE for a store built already)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results" / "update.json"
TARGET_S = 2.0  # the budget for replacing one plan in the 3,000-plan store
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from scale import corpus_for, du, percentile, timed_command  # noqa: E402

COUNT = "SELECT (COUNT(DISTINCT ?plan) AS ?n) WHERE { ?plan a pg:Plan ; pg:level ?level }"


def store_for(corpus: Path, plans: int, seed: int) -> tuple[Path, float | None]:
    """The cached store of the corpus (built when missing or built without a peer index)."""
    store = ROOT / "var" / "bench" / f"update-{plans}-s{seed}" / "store"
    if (store / "peers.pickle").exists():
        return store, None
    env = {**os.environ, "PLANGRAPH_CORPUS": str(corpus / "corpus.toml")}
    done = timed_command(
        [str(BIN / "plangraph"), "build", "--no-graphs", "--store", str(store)], env
    )
    if done["code"]:
        sys.exit(f"build failed: {done['stderr']}")
    return store, done["seconds"]


class Clients:
    """Threads querying the server in a loop, each request's status and latency recorded with
    the time it was sent, so a window of time can be summarised."""

    def __init__(self, url: str, queries: list[str], threads: int = 2) -> None:
        self.url, self.queries = url, queries
        self.samples: list[tuple[float, int, float, str]] = []  # sent, status, seconds, body
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(threads)]

    def run(self, i: int) -> None:
        query = self.queries[i % len(self.queries)]
        headers = {"Accept": "application/sparql-results+json"}
        with httpx.Client(timeout=60) as http:
            while not self.stop.is_set():
                sent = time.perf_counter()
                try:
                    r = http.get(self.url, params={"query": query}, headers=headers)
                    status, body = r.status_code, r.text if i == 0 else ""
                except httpx.HTTPError as err:
                    status, body = 0, str(err)
                self.samples.append((sent, status, time.perf_counter() - sent, body))

    def __enter__(self) -> Clients:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()

    def window(self, start: float, end: float) -> dict:
        inside = [s for s in self.samples if start <= s[0] <= end]
        lat = [s[2] * 1000 for s in inside]
        return {
            "requests": len(inside),
            "non_200": sum(1 for s in inside if s[1] != 200),
            "p50_ms": round(statistics.median(lat), 1) if lat else None,
            "p95_ms": round(percentile(lat, 0.95), 1) if lat else None,
            "max_ms": round(max(lat), 1) if lat else None,
        }

    def first_after(self, start: float, want: Callable[[str], bool]) -> float | None:
        """When the first request sent after `start` answered with what `want` accepts."""
        for sent, status, seconds, body in list(self.samples):
            if sent >= start and status == 200 and body and want(body):
                return sent + seconds
        return None


def serve(store: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """`plangraph serve` on the store, on a free port, once it answers."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/sparql"
    log = tempfile.TemporaryFile()  # noqa: SIM115 - the server writes to it as long as it runs
    command = [str(BIN / "plangraph"), "serve", "--store", str(store), "--port", str(port)]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=5).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    log.seek(0)
    sys.exit(f"plangraph serve did not start: {log.read().decode(errors='replace')}")


def edited(document: Path, out: Path) -> Path:
    """A copy of a document with its percentages one point higher: a new version of the plan."""
    out.mkdir(parents=True, exist_ok=True)
    copy = out / document.name
    if document.suffix == ".txt":
        text = document.read_text(encoding="utf-8")
        bumped = re.sub(r"(\d+)%", lambda m: f"{int(m.group(1)) + 1}%", text, count=3)
        copy.write_text(bumped, encoding="utf-8")
    else:
        shutil.copy2(document, copy)
    return copy


def step_times(stdout: str) -> dict[str, float]:
    """The steps `plangraph build --update` prints: (parse 0.90, copy 0.11, …)."""
    found = re.search(r"\(([^()]*)\)\s*$", stdout.strip())
    if not found:
        return {}
    return {k: float(v) for k, v in (p.rsplit(" ", 1) for p in found.group(1).split(", "))}


def copy_cost(store: Path) -> dict:
    """The generation's size, and what copying it whole (cp -r) takes, against the update."""
    generation = store.resolve()
    target = generation.with_name(generation.name + ".copy-bench")
    shutil.rmtree(target, ignore_errors=True)
    t0 = time.perf_counter()
    shutil.copytree(generation, target)
    seconds = time.perf_counter() - t0
    shutil.rmtree(target, ignore_errors=True)
    return {"generation_mb": round(du(generation) / 1e6, 1), "plain_copy_s": round(seconds, 2)}


def copy_size(store: Path) -> dict:
    """The generation's size only (--no-plain-copy)."""
    return {"generation_mb": round(du(store.resolve()) / 1e6, 1), "plain_copy_s": None}


def measure(store: Path, corpus_file: Path, document: Path) -> dict:
    env = {**os.environ, "PLANGRAPH_CORPUS": str(corpus_file)}
    source = document.name
    doc_iri = f"https://w3id.org/plangraph/id/document/{source}"
    work = Path(tempfile.mkdtemp(prefix="bench-update-"))
    new = edited(document, work)
    versions = {
        "old": hashlib.sha256(document.read_bytes()).hexdigest(),
        "new": hashlib.sha256(new.read_bytes()).hexdigest(),
    }

    def gone(body: str) -> bool:
        return versions["old"] not in body and versions["new"] not in body

    ask = f"SELECT ?sha WHERE {{ OPTIONAL {{ <{doc_iri}> pg:sha256 ?sha }} }}"
    process, url = serve(store, env)
    rounds = []
    try:
        with Clients(url, [ask, COUNT]) as clients:
            time.sleep(2)  # the clients' steady state before the first change
            steps = [
                ("replace", ["--update", str(new)], lambda b: versions["new"] in b),
                ("remove", ["--remove", document.stem], gone),
                ("add", ["--update", str(document)], lambda b: versions["old"] in b),
            ]
            for name, args, want in steps:
                start = time.perf_counter()
                done = timed_command(
                    [str(BIN / "plangraph"), "build", "--store", str(store), *args], env
                )
                end = time.perf_counter()
                if done["code"]:
                    sys.exit(f"{name} failed: {done['stderr']}")
                time.sleep(1.5)  # queries after the swap, to see the new content answered
                seen = clients.first_after(start, want)
                rounds.append(
                    {
                        "change": name,
                        "seconds": round(end - start, 2),
                        "cpu_seconds": round(done["cpu_seconds"], 2),
                        "read_mb": round(done["read_mb"], 1),
                        "steps": step_times(done["stdout"]),
                        "visible_after_s": round(seen - start, 2) if seen else None,
                        "during": clients.window(start, end),
                    }
                )
            steady = clients.window(0, clients.samples[0][0] + 2) if clients.samples else {}
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)
    return {"rounds": rounds, "steady": steady}


def table(result: dict) -> str:
    lines = [
        f"store: {result['plans']} plans, generation {result['copy']['generation_mb']} MB "
        f"(a plain copy of it: {result['copy']['plain_copy_s'] or 'not timed'} s; "
        "the update hard-links it)",
        f"{'change':<8} {'wall s':>7} {'cpu s':>6} {'read MB':>7} {'visible s':>9} {'requests':>8} "
        f"{'non-200':>7} {'p50 ms':>7} {'max ms':>7}  steps",
    ]
    for r in result["rounds"]:
        d = r["during"]
        steps = " ".join(f"{k} {v:.2f}" for k, v in r["steps"].items())
        lines.append(
            f"{r['change']:<8} {r['seconds']:>7.2f} {r['cpu_seconds']:>6.2f} "
            f"{r.get('read_mb', float('nan')):>7.1f} {r['visible_after_s'] or float('nan'):>9.2f} "
            f"{d['requests']:>8} {d['non_200']:>7} {d['p50_ms'] or 0:>7.1f} "
            f"{d['max_ms'] or 0:>7.1f}  {steps}"
        )
    first = result["rounds"][0]
    inside = sum(first["steps"].values())
    lines.append(
        f"replace one plan: {first['seconds']:.2f} s wall = {first['seconds'] / TARGET_S:.2f}x "
        f"the 2 s budget ({inside:.2f} s in the update's steps, {first['cpu_seconds']:.2f} CPU-s; "
        f"load average {result['load_average'][0]:.1f} on {result['machine']['cpus']} cores); "
        f"full build {result['build_s'] or 'cached'} s"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--store", type=Path, help="a store built already (with --corpus)")
    parser.add_argument("--corpus", type=Path, help="the corpus.toml that store was built from")
    parser.add_argument(
        "--no-plain-copy",
        action="store_true",
        help="skip timing a plain copy of the generation (gigabytes written at 3,000 plans)",
    )
    args = parser.parse_args()
    build_s = None
    if args.store:
        if not args.corpus:
            sys.exit("--store needs --corpus, the corpus.toml it was built from")
        store, corpus_file = args.store, args.corpus
    else:
        corpus, _ = corpus_for(args.plans, args.seed)
        store, build_s = store_for(corpus, args.plans, args.seed)
        corpus_file = corpus / "corpus.toml"
    from ingest.corpus import load_corpus

    entries = load_corpus(corpus_file)
    txt = [e for e in entries if e.path.suffix == ".txt"]
    document = txt[len(txt) // 2].path  # one in the middle of the corpus
    result = {
        "plans": len(entries),
        "document": document.name,
        "build_s": round(build_s, 1) if build_s else None,
        "copy": copy_size(store) if args.no_plain_copy else copy_cost(store),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average": os.getloadavg(),
        **measure(store, corpus_file, document),
    }
    print(table(result))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    previous[str(len(entries))] = result
    RESULTS.write_text(json.dumps(previous, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
