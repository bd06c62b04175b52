"""The on-disk pyoxigraph store: built aside and swapped in, queried, exported.

Layout beside the store path (``var/store`` by default)::

    var/store             a symlink to the current generation
    var/.store.gen-…      one complete store per build: the current one and the previous one
    var/.store.lock       flock-ed by the one build (writer) at a time; holds its pid

A generation holds the pyoxigraph store and, beside its files, the full-text search index
(`search.sqlite`, queryapi/search.py) and the build's validation verdict (`validation.json`), so
one swap replaces them all. A build takes the lock,
writes a complete new generation, then points the symlink at it with one
atomic os.replace, so readers never see a missing or half-written store and a failed build leaves
the previous store whole. The previous generation is kept (a server's reader processes may still
have it open); older ones are deleted. A server notices a swap with store_generation() and
reopens the store. An update of a few plans (`plangraph build --update`, next_generation) makes
its generation the same way, from a hard-linked copy of the current one.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import (
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
)

from ontology.namespaces import PREFIXES
from queryapi.background import Background

if TYPE_CHECKING:
    from ontology.dataset import Dataset

EXPORT_FORMATS = {
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "turtle": RdfFormat.TURTLE,
    "jsonld": RdfFormat.JSON_LD,
}
RESULT_FORMATS = {
    "csv": QueryResultsFormat.CSV,
    "json": QueryResultsFormat.JSON,
    "tsv": QueryResultsFormat.TSV,
}


class StoreError(Exception):
    """A store that cannot be opened, or a query that cannot run; names the store or query."""


@dataclass(frozen=True)
class BuildReport:
    """What a build put in the store."""

    store: Path
    quads: int
    graphs: int


@dataclass(frozen=True)
class QueryResult:
    """A query's answer: variables and rows of terms (SELECT), a boolean (ASK) or quads."""

    variables: list[str]
    rows: list[list[str | None]]
    boolean: bool | None = None
    serialized: bytes = b""


class StoreBusy(StoreError):
    """Another process holds the store's writer lock; names the store and the holder's pid."""


def lock_path(store_dir: Path) -> Path:
    """The lock file beside the store (var/.store.lock for var/store), taken by every writer."""
    return store_dir.with_name(f".{store_dir.name}.lock")


_held: dict[Path, int] = {}
_held_guard = threading.Lock()


@contextlib.contextmanager
def writing(store_dir: Path) -> Iterator[None]:
    """Hold the store's exclusive writer lock for the block, or raise StoreBusy at once.

    One writer at a time: two builds into one store would otherwise overwrite each other's
    files. Re-entrant within a process (pipeline.build holds it around build_store)."""
    key = store_dir.absolute()
    with _held_guard:
        nested = key in _held
        if nested:
            _held[key] += 1
    if nested:
        try:
            yield
        finally:
            with _held_guard:
                _held[key] -= 1
        return
    path = lock_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _holder(fd)
            who = f"pid {pid}" if pid else "another process"
            raise StoreBusy(
                f"{store_dir}: another build ({who}) is writing this store; wait for it to finish"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        with _held_guard:
            _held[key] = 1
        try:
            yield
        finally:
            with _held_guard:
                del _held[key]
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)  # a forked child may hold a copy of the descriptor
    finally:
        os.close(fd)


def _holder(fd: int) -> str:
    """The pid the lock holder wrote into the lock file (it may take a moment to appear)."""
    for _ in range(20):
        text = os.pread(fd, 32, 0).decode(errors="replace").strip()
        if text:
            return text
        time.sleep(0.01)
    return ""


def _generations(store_dir: Path) -> list[Path]:
    """Every generation folder beside the store, complete or left by a crashed build."""
    return sorted(store_dir.parent.glob(f".{store_dir.name}.gen-*"))


def _new_generation(store_dir: Path) -> Path:
    """A fresh, unique generation folder name: UTC time to the microsecond, then the pid."""
    now = time.time()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f"{now % 1:.6f}"[1:]
    return store_dir.with_name(f".{store_dir.name}.gen-{stamp}-{os.getpid()}")


def _swap_in(store_dir: Path, generation: Path) -> Path | None:
    """Point store_dir at generation with one atomic os.replace; return the previous generation.

    A store that is a real folder (from versions before generations) is first moved aside as a
    generation of its own; only during that one-time move is there no store at store_dir."""
    previous: Path | None = None
    if store_dir.is_symlink():
        previous = store_dir.parent / os.readlink(store_dir)
    elif store_dir.is_dir():
        previous = store_dir.with_name(f".{store_dir.name}.gen-0-legacy-{os.getpid()}")
        store_dir.rename(previous)
    link = store_dir.with_name(f".{store_dir.name}.link-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        link.unlink()
    os.symlink(generation.name, link)
    os.replace(link, store_dir)
    return previous


def _prune(store_dir: Path, keep: set[Path]) -> None:
    """Delete generations other than those kept, and leftovers of older versions' builds.

    Each is renamed out of sight at once, then deleted by a process of its own: a build or an
    update ends when its generation is swapped in, not when the files of the build before last
    are unlinked (1.5 s for the 6.8 GB of a 3,000-plan store). A deletion cut short leaves a
    trash folder, which the next prune deletes."""
    doomed = sorted(store_dir.parent.glob(f".{store_dir.name}.trash-*"))
    for path in _generations(store_dir):
        if path not in keep:
            trash = path.with_name(path.name.replace(".gen-", ".trash-", 1))
            with contextlib.suppress(FileNotFoundError):  # another prune took it
                path.rename(trash)
                doomed.append(trash)
    for name in (f".{store_dir.name}.building", f".{store_dir.name}.old"):
        if store_dir.with_name(name).exists():
            doomed.append(store_dir.with_name(name))
    if doomed:
        subprocess.Popen(
            ["rm", "-rf", "--", *map(str, doomed)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # outlives this process, and a Ctrl-C meant for it
        )


def build_store(dataset: Dataset, store_dir: Path) -> BuildReport:
    """Write the dataset into a fresh generation and swap it in atomically, under the writer
    lock, so readers never see a missing or partial store and a failed build changes nothing."""
    with new_store(store_dir) as load:
        load.store.bulk_extend(dataset.quads())
    assert load.report is not None
    return load.report


class StoreLoad:
    """A new store generation being filled: graphs come as serialised bytes and are bulk-loaded
    in batches by a thread of their own (pyoxigraph releases the GIL while it loads), so the
    build goes on receiving plans meanwhile and never holds more than two batches. Each
    bulk load ingests new files that RocksDB then compacts with the old: batches of 256 MB
    (about a million quads) cost 16 % less CPU in all than batches of 64 MB (6.4 M quads,
    compaction included). The graphs are pyoxigraph's own serialisations of terms it checked
    when they were made, so they are read leniently (no second IRI check: half the parse)."""

    BATCH_BYTES = 256 * 1024 * 1024

    def __init__(self, store: Store, generation: Path | None = None) -> None:
        self.store = store
        self.generation = generation  # the folder, for files kept beside the store
        self.report: BuildReport | None = None
        self._batch: list[bytes] = []
        self._format: RdfFormat | None = None
        self._size = 0
        self._loading: Background[tuple[bytes, RdfFormat]] = Background(
            lambda job: self.store.bulk_load(job[0], format=job[1], lenient=True), "store-load"
        )

    def add(self, data: bytes, fmt: RdfFormat) -> None:
        """Queue a serialised graph (N-Quads or TriG); loaded when the batch is full."""
        if self._format not in (None, fmt):
            self.flush()
        self._format = fmt
        self._batch.append(data)
        self._size += len(data)
        if self._size >= self.BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        """Hand what is queued to the loading thread (waits while it loads the last batch)."""
        if self._batch and self._format is not None:
            self._loading.put((b"\n".join(self._batch), self._format))
        self._batch, self._format, self._size = [], None, 0

    def close(self) -> None:
        """Load what is left and wait for the loading thread; raises what it raised."""
        try:
            self.flush()
        finally:
            self._loading.close()


Finish = Callable[[Store, Path], None]  # what is derived from a loaded store, beside it


def derive_whole(store: Store, generation: Path) -> None:
    """The aggregates graph and the search index, from the whole loaded store."""
    from queryapi.aggregates import materialise
    from queryapi.search import SEARCH_FILE, build_index

    materialise(store)
    build_index(store, generation / SEARCH_FILE)


@contextlib.contextmanager
def new_store(store_dir: Path, finish: Finish = derive_whole) -> Iterator[StoreLoad]:
    """A fresh generation to fill in the block, swapped in atomically when the block ends
    (under the writer lock) and deleted when it raises, so a failed build changes nothing;
    `finish` derives what the generation holds beside the loaded graphs (derive_whole: the
    aggregates and the search index). load.report says what it holds once the block has ended."""
    store_dir = store_dir.absolute()
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    with writing(store_dir):
        generation = _new_generation(store_dir)
        load = StoreLoad(Store(str(generation)), generation)
        try:
            try:
                yield load
            finally:
                load.close()
            finish(load.store, generation)
            load.store.flush()
            graphs = sum(1 for _ in load.store.named_graphs())
            quads = len(load.store)
        except BaseException:
            del load.store
            shutil.rmtree(generation, ignore_errors=True)
            raise
        del load.store
        _publish(store_dir, generation)
        load.report = BuildReport(store_dir, quads, graphs)


@dataclass
class StoreEdit:
    """A copy of the current generation being changed: its writable store and its folder.

    Keep no reference to `store` beyond the block: it is closed (its last reference dropped)
    before the swap, so that readers open a store no writer has open."""

    store: Store
    generation: Path
    previous: Path

    def own(self, name: str) -> Path:
        """A file of the generation made its own, to be changed in place: the files beside the
        store are hard links shared with the previous generation (replace them, or own them)."""
        path = self.generation / name
        if path.exists():
            copy = path.with_name(path.name + ".copy")
            shutil.copy2(path, copy)
            os.replace(copy, path)
        return path


@contextlib.contextmanager
def next_generation(store_dir: Path) -> Iterator[StoreEdit]:
    """A copy of the current generation to change in the block, swapped in atomically when the
    block ends and deleted when it raises (under the writer lock), as new_store does.

    The copy is cheap: RocksDB's backup hard-links the store's files, which it never changes in
    place, and the files beside it (search.sqlite, …) are hard-linked too: the block must replace
    such a file, or make it its own (StoreEdit.own) before changing it. So a change of one plan
    costs what the change writes, not the size of the store; readers keep the old generation
    open and see the new one whole once it is swapped in."""
    store_dir = store_dir.absolute()
    with writing(store_dir):
        current = generation_dir(store_dir)
        if current is None or not store_dir.is_symlink():
            raise StoreError(
                f"{store_dir}: no store of generations here; run `plangraph build --store "
                f"{store_dir}` first"
            )
        generation = _new_generation(store_dir)
        try:
            Store.read_only(str(current)).backup(str(generation))
            for path in current.iterdir():
                if path.is_file() and not (generation / path.name).exists() and _kept(path):
                    os.link(path, generation / path.name)
            edit = StoreEdit(Store(str(generation)), generation, current)
        except OSError as err:
            shutil.rmtree(generation, ignore_errors=True)
            raise StoreError(f"{store_dir}: cannot copy the store: {err}") from err
        try:
            yield edit
            edit.store.flush()
        except BaseException:
            del edit.store
            shutil.rmtree(generation, ignore_errors=True)
            raise
        del edit.store
        _publish(store_dir, generation)


def _publish(store_dir: Path, generation: Path) -> None:
    """Swap a finished generation in and drop the ones no reader can still be opening."""
    previous = _swap_in(store_dir, generation)
    _prune(store_dir, {generation} | ({previous} if previous else set()))


def _kept(path: Path) -> bool:
    """Whether a file of a generation belongs in its copy: not RocksDB's own (backup made
    those), its log, lock or write-ahead logs."""
    name = path.name
    rocks = name in ("CURRENT", "IDENTITY", "LOCK") or name.startswith(
        ("LOG", "MANIFEST-", "OPTIONS-")
    )
    return not (rocks or name.endswith((".log", ".sst", ".blob")))


def generation_dir(store_dir: Path) -> Path | None:
    """The folder of the store's current generation (its store and its search index)."""
    generation = store_generation(store_dir)
    if generation is None:
        return None
    return store_dir.parent / generation if store_dir.is_symlink() else store_dir


def store_generation(store_dir: Path) -> str | None:
    """A cheap token naming the store's current build, None when there is no store.

    It changes exactly when a build swaps a new generation in (it is the name of the
    generation folder the store's symlink points at), so a server can call it before each
    query and reopen the store read-only when it differs from the token it opened. A store
    that is a real folder (built by older versions) gives a token made of its inode."""
    try:
        target = os.readlink(store_dir)
    except FileNotFoundError:
        return None
    except OSError:  # not a symlink: a store folder from before generations, or nothing
        try:
            current = (store_dir / "CURRENT").stat()
        except OSError:
            return None
        return f"dir-{os.stat(store_dir).st_ino}-{current.st_mtime_ns}"
    if not os.path.exists(os.path.join(os.path.dirname(store_dir), target, "CURRENT")):
        return None  # os.path, not pathlib: a server calls this for every request
    return os.path.basename(target)


def open_store(store_dir: Path) -> Store:
    """Open an existing store read-only, or say how to build one.

    The symlink is resolved first, so the open store stays on its generation (kept until the
    build after next) even when a new build is swapped in meanwhile."""
    resolved = store_dir.resolve()
    if not (resolved / "CURRENT").exists():
        raise StoreError(f"{store_dir}: no store here; run `plangraph build --store {store_dir}`")
    try:
        return Store.read_only(str(resolved))
    except OSError as err:
        raise StoreError(f"{store_dir}: cannot open the store: {err}") from err


def run_query(store: Store, sparql: str, result_format: str | None = None) -> QueryResult:
    """Run a SPARQL query in-process over the union of all graphs (or the query's own FROM
    dataset); updates and SERVICE are refused. For untrusted queries use the worker pool."""
    from queryapi.guard import QueryRefused, check_query

    try:
        checked = check_query(sparql)
    except QueryRefused as err:
        raise StoreError(f"query: {err}") from err
    try:
        result = store.query(
            sparql, use_default_graph_as_union=not checked.has_dataset, prefixes=PREFIXES
        )
    except SyntaxError as err:
        raise StoreError(f"query: {err}") from err
    except OSError as err:
        raise StoreError(f"query failed: {err}") from err
    if isinstance(result, QueryBoolean):
        return QueryResult([], [], boolean=bool(result))
    if isinstance(result, QuerySolutions):
        variables = [v.value for v in result.variables]
        if result_format in RESULT_FORMATS:
            return QueryResult(
                variables, [], serialized=result.serialize(format=RESULT_FORMATS[result_format])
            )
        rows = [[_text(s[v]) for v in variables] for s in result]
        return QueryResult(variables, rows)
    buf = io.BytesIO()
    from pyoxigraph import serialize

    serialize(result, buf, RdfFormat.N_TRIPLES)
    return QueryResult([], [], serialized=buf.getvalue())


def _text(term: object) -> str | None:
    if term is None:
        return None
    value = getattr(term, "value", None)
    return str(value) if value is not None else str(term)


def export_store(store: Store, fmt: str, out: Path) -> None:
    """Write the whole dataset in one format (turtle and jsonld merge the named graphs)."""
    rdf_format = EXPORT_FORMATS[fmt]
    quads = sorted(store.quads_for_pattern(None, None, None, None), key=str)
    from pyoxigraph import Triple, serialize

    if rdf_format in (RdfFormat.N_QUADS, RdfFormat.TRIG, RdfFormat.JSON_LD):
        serialize(quads, str(out), rdf_format, **_prefixes(rdf_format))
    else:
        triples = sorted({Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)
        serialize(triples, str(out), rdf_format, prefixes=PREFIXES)


def _prefixes(fmt: RdfFormat) -> dict[str, object]:
    return {"prefixes": PREFIXES} if fmt == RdfFormat.TRIG else {}
