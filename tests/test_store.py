"""The store's one-writer lock and its atomic generation swaps, with real processes and files."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyoxigraph import Quad, Store

from ingest.errors import PlanError
from plangraph.pipeline import build, dataset_for, parse_all
from plangraph.settings import Settings
from queryapi.store import (
    build_store,
    open_store,
    run_query,
    store_generation,
    writing,
)

ROOT = Path(__file__).resolve().parent.parent
PLANGRAPH = Path(sys.executable).with_name("plangraph")
LUZHAI = ROOT / "data/plans/luzhai.txt"
KAIPING = ROOT / "data/plans/kaiping.txt"
# Tries in the test; benchmarks/concurrent_builds.py runs 20 (each try is ~2 s of two builds).
TRIES = 6


def generations(store: Path) -> list[str]:
    return sorted(p.name for p in store.parent.glob(f".{store.name}.gen-*"))


def race(store: Path) -> list[subprocess.CompletedProcess[str]]:
    """Two `plangraph build` processes started together into one store."""
    args = [str(PLANGRAPH), "build", str(LUZHAI), "--store", str(store), "--no-graphs"]
    procs = [
        subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=120)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


def test_two_builds_at_once_one_wins_and_the_store_stays_readable(tmp_path):
    store = tmp_path / "store"
    quads = None
    for attempt in range(TRIES):
        results = race(store)
        codes = sorted(r.returncode for r in results)
        assert codes == [0, 2], (attempt, [(r.returncode, r.stderr) for r in results])
        loser = next(r for r in results if r.returncode == 2)
        lines = loser.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in loser.stderr, loser.stderr
        assert lines[0].startswith(f"error: {store}: another build (pid ")
        assert lines[0].endswith("is writing this store; wait for it to finish")
        count = len(open_store(store))
        assert count > 6000
        assert quads in (None, count)
        quads = count
        assert len(generations(store)) <= 2


def test_a_held_lock_names_its_holder(tmp_path):
    """Any writer holding the lock (here a bare process) makes a build fail at once with its pid."""
    store = tmp_path / "store"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from queryapi.store import writing\n"
            f"with writing(Path({str(store)!r})):\n"
            "    print('held', flush=True); sys.stdin.read()",
        ],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.perf_counter()
        out = subprocess.run(
            [str(PLANGRAPH), "build", str(LUZHAI), "--store", str(store), "--no-graphs"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 2
        assert out.stderr == (
            f"error: {store}: another build (pid {holder.pid}) is writing this store; "
            "wait for it to finish\n"
        )
        assert time.perf_counter() - started < 10
        assert not store.exists()
    finally:
        holder.communicate("", timeout=30)
    with writing(store), writing(store):  # re-entrant within one process
        assert (tmp_path / ".store.lock").read_text().strip() == str(os.getpid())


def test_a_reader_keeps_reading_while_a_new_build_swaps_in(tmp_path):
    settings = Settings.from_env()
    store = tmp_path / "store"
    assert store_generation(store) is None
    first = build(settings, [LUZHAI], store=store)
    gen1 = store_generation(store)
    assert gen1 is not None and store.is_symlink()
    reader = open_store(store)
    before = len(reader)
    assert before == first.store.quads

    second = build(settings, [LUZHAI, KAIPING], store=store)
    gen2 = store_generation(store)
    assert gen2 not in (None, gen1)
    assert second.store.quads > first.store.quads
    # the reader stays on its generation: same answers, and queries still run
    assert len(reader) == before
    ask = run_query(reader, "ASK { ?plan a pg:Plan }")
    assert ask.boolean is True
    assert len(open_store(store)) == second.store.quads
    assert generations(store) == sorted([gen1, gen2])

    build(settings, [LUZHAI], store=store)
    gen3 = store_generation(store)
    assert gen3 not in (gen1, gen2)
    assert generations(store) == sorted([gen2, gen3]), "only current and previous are kept"
    trash = f".{store.name}.trash-*"
    deadline = time.monotonic() + 20  # deleted by a process of its own, after the swap
    while list(store.parent.glob(trash)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list(store.parent.glob(trash)), "the pruned generation is deleted"


def test_a_failed_build_leaves_the_store_and_its_generation(tmp_path):
    settings = Settings.from_env()
    store = tmp_path / "store"
    first = build(settings, [LUZHAI], store=store)
    gen, gens = store_generation(store), generations(store)
    bad = tmp_path / "broken.txt"
    bad.write_text("鹿寨县妇女发展规划（2021—2030年）\n一、总体要求\n", encoding="utf-8")
    with pytest.raises(PlanError):
        build(settings, [KAIPING, bad], store=store)
    assert store_generation(store) == gen
    assert generations(store) == gens
    assert len(open_store(store)) == first.store.quads

    out = subprocess.run(
        [str(PLANGRAPH), "build", str(bad), "--store", str(store), "--no-graphs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert store_generation(store) == gen and generations(store) == gens


def test_a_store_folder_from_older_versions_is_swapped_gracefully(tmp_path):
    """A store that is a real folder gets a token, is read, and is replaced by a symlink."""
    store = tmp_path / "store"
    old = Store(str(store))
    old.add(Quad(*(_iri(x) for x in "spo"), _iri("g")))
    old.flush()
    del old
    token = store_generation(store)
    assert token is not None and len(open_store(store)) == 1
    (tmp_path / ".store.building").mkdir()  # a leftover of an older version's build

    settings = Settings.from_env()
    docs = dataset_for(settings, parse_all(settings, [LUZHAI]))
    report = build_store(docs, store)
    assert store.is_symlink() and store_generation(store) not in (None, token)
    assert len(open_store(store)) == report.quads
    assert len(generations(store)) == 2, "the old folder is kept as the previous generation"
    assert not (tmp_path / ".store.building").exists()


def _iri(name: str):
    from pyoxigraph import NamedNode

    return NamedNode(f"http://example.org/{name}")
