"""Race two `plangraph build` processes into one store, N times, while a reader polls the store.

Each try must end with exactly one build succeeding, the other exiting 2 with one line, and the
store readable; the reader must never find the store missing or unreadable once the first build
is in. tests/test_store.py runs a few tries; this runs 20 (about 30 s).
Run: .venv/bin/python benchmarks/concurrent_builds.py [--tries 20]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from queryapi.store import StoreError, open_store, store_generation  # noqa: E402

PLANGRAPH = Path(sys.executable).with_name("plangraph")


def race(store: Path) -> list[tuple[int, str]]:
    """Start two builds together; their exit codes and stderr."""
    args = [str(PLANGRAPH), "build", "data/plans/luzhai.txt", "--store", str(store), "--no-graphs"]
    procs = [
        subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    errs = [p.communicate(timeout=120)[1] for p in procs]
    return [(p.returncode, err) for p, err in zip(procs, errs, strict=True)]


def main() -> int:
    """Run the tries and print one line each and a verdict; exit 1 on any failure."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--tries", type=int, default=20)
    tries = parser.parse_args().tries
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        stop = threading.Event()
        reads = {"ok": 0, "failed": 0, "swaps": 0}

        def reader() -> None:
            last = None
            while not stop.is_set():
                gen = store_generation(store)
                if gen is None:
                    if last is not None:
                        reads["failed"] += 1
                    time.sleep(0.005)
                    continue
                try:
                    assert len(open_store(store)) > 0
                    reads["ok"] += 1
                except (StoreError, OSError, AssertionError):
                    reads["failed"] += 1
                reads["swaps"] += gen != last
                last = gen

        thread = threading.Thread(target=reader, daemon=True)
        thread.start()
        failures = 0
        started = time.perf_counter()
        for n in range(1, tries + 1):
            t0 = time.perf_counter()
            results = race(store)
            codes = sorted(code for code, _ in results)
            loser = [err for code, err in results if code == 2]
            good = codes == [0, 2] and len(loser[0].strip().splitlines()) == 1
            good = good and "Traceback" not in loser[0]
            try:
                quads = len(open_store(store))
            except StoreError as err:
                quads, good = f"unreadable: {err}", False
            failures += not good
            print(
                f"try {n:2}: exits {codes}, store {quads} quads, "
                f"{time.perf_counter() - t0:.2f} s {'ok' if good else 'FAILED'}"
            )
        stop.set()
        thread.join()
    print(
        f"{tries - failures}/{tries} tries ok in {time.perf_counter() - started:.1f} s; "
        f"reader: {reads['ok']} reads, {reads['failed']} failed, {reads['swaps']} swaps seen"
    )
    return 1 if failures or reads["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
