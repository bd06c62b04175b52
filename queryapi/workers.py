"""Queries run in worker processes that can be killed: the one way to stop a pyoxigraph query.

pyoxigraph cannot cancel a query in-process, so every query runs in one of a fixed number of
worker processes, each holding the store open read-only (or a client of a remote endpoint). The
parent waits for the answer until the query's deadline, then kills the worker and starts a
replacement. Admission is bounded: beyond the workers and a fixed number of waiting queries, a
request is turned away at once. Results are read and serialised on the worker's own thread.

A query that runs past `demote_after` seconds has its worker's CPU priority lowered (nice +10),
so on a machine with few cores the slow queries give way to cheap ones and to the server's own
process, which is never touched. When the query ends the worker gets its priority back; where
that is not allowed (raising a priority needs CAP_SYS_NICE), the worker is retired after its
answer and a fresh one started.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import queue
import signal
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from plangraph.settings import Settings
from queryapi.guard import CheckedQuery
from queryapi.results import Serialized

NICE_STEP = 10  # how much a slow query's worker is niced (as `nice` does by default)


@dataclass(frozen=True)
class Source:
    """Where queries run: an on-disk store, or a remote SPARQL endpoint."""

    store: Path | None = None
    endpoint: str | None = None

    def describe(self) -> str:
        """The store folder or endpoint URL, for messages."""
        return self.endpoint or str(self.store)


def source_of(settings: Settings) -> Source:
    """Where the settings say queries run: a remote endpoint if one is set, else the store."""
    return Source(endpoint=settings.endpoint) if settings.endpoint else Source(store=settings.store)


@dataclass(frozen=True)
class Term:
    """An RDF term a query variable is bound to: an IRI, or a literal with its datatype or
    language. Plain data, so a job pickles to a worker and keys the answer cache."""

    kind: str  # "iri" or "literal"
    value: str
    datatype: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Job:
    """One query for a worker: the checked query, the media type to answer in, the row cap, the
    protocol's dataset (empty: the union of all graphs, unless the query names its own), the
    base IRI that relative IRIs in the query resolve against (the endpoint's URL) and the
    variables bound before it runs (as a VALUES block of RDF terms: never raw text)."""

    query: CheckedQuery
    media_type: str
    max_rows: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    timeout: float = 30.0
    base_iri: str | None = None
    substitutions: tuple[tuple[str, Term], ...] = ()


@dataclass(frozen=True)
class Failure:
    """Why a query has no answer: an HTTP status, a short code and a message for people."""

    status: int
    code: str
    message: str
    retry_after: int | None = None


class QueryFailed(Exception):
    """A query that did not answer; carries its Failure."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.failure = failure


def _worker_main(conn: Connection, source: Source) -> None:
    """A worker's life: open the source, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from queryapi.answer import open_backend

    backend = open_backend(source)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(backend.answer(job))
        except QueryFailed as err:
            conn.send(err.failure)
        except BaseException as err:  # an engine bug (pyo3 panics are BaseExceptions)
            conn.send(Failure(500, "internal", f"the query engine failed: {type(err).__name__}"))


@dataclass
class _Worker:
    """A worker process, its pipe, the niceness it started with and whether it is lowered now."""

    process: multiprocessing.process.BaseProcess
    conn: Connection
    nice: int = 0
    demoted: bool = False


@dataclass
class QueryPool:
    """A fixed set of query processes over one source, with bounded admission; a query running
    past `demote_after` seconds runs at a lower CPU priority (0: never)."""

    source: Source
    size: int = 2
    max_waiting: int = 64
    demote_after: float = 0.0
    _idle: queue.Queue[_Worker] = field(default_factory=queue.LifoQueue, repr=False)
    _slots: threading.BoundedSemaphore | None = field(default=None, repr=False)
    _closed: bool = field(default=False, repr=False)
    _successors: list[threading.Thread] = field(default_factory=list, repr=False)
    _starting: list[_Worker] = field(default_factory=list, repr=False)  # successors not ready
    _context: multiprocessing.context.BaseContext = field(
        default_factory=lambda: multiprocessing.get_context("spawn"), repr=False
    )

    def start(self) -> QueryPool:
        """Start every worker and wait until each has opened the source."""
        self._slots = threading.BoundedSemaphore(self.size + self.max_waiting)
        starting = [self._spawn() for _ in range(self.size)]
        for worker in starting:
            self._await_ready(worker)
        return self

    def __enter__(self) -> QueryPool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every worker, replacements still starting included (killed, not waited for:
        a replacement starting on a loaded machine can take many seconds)."""
        self._closed = True
        for worker in list(self._starting):
            self._kill(worker)
        for thread in self._successors:
            thread.join(timeout=60)
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            self._kill(worker)

    def admit(self) -> bool:
        """Take a place for one query, or False at once when every place is taken."""
        assert self._slots is not None, "start() the pool first"
        return self._slots.acquire(blocking=False)

    def release(self) -> None:
        """Give back a place taken by admit()."""
        assert self._slots is not None
        self._slots.release()

    def run(self, job: Job, timeout: float) -> Serialized:
        """Answer one job within `timeout` seconds, or raise QueryFailed (busy, timeout, error)."""
        if not self.admit():
            raise QueryFailed(busy())
        try:
            return self.run_admitted(job, timeout)
        finally:
            self.release()

    def run_admitted(self, job: Job, timeout: float) -> Serialized:
        """run() for a caller that already holds a place from admit()."""
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryFailed(_timeout(timeout, waiting=True)) from None
        try:
            worker.conn.send(job)
            answered = False
            if self.demote_after > 0:
                left = max(0.0, deadline - time.monotonic())
                answered = worker.conn.poll(min(self.demote_after, left))
                if not answered:
                    self._demote(worker)
            if not answered:
                answered = worker.conn.poll(max(0.0, deadline - time.monotonic()))
            out = worker.conn.recv() if answered else None
        except (EOFError, OSError):
            self._replace(worker)
            raise QueryFailed(
                Failure(500, "worker-died", "the query process died; the query was not answered")
            ) from None
        except BaseException:  # Ctrl-C, or the server shutting down mid-query
            self._replace(worker)
            raise
        if not answered:
            self._replace(worker)
            raise QueryFailed(_timeout(timeout, waiting=False))
        self._return(worker)
        if isinstance(out, Failure):
            raise QueryFailed(out)
        return out

    async def run_admitted_async(
        self, job: Job, timeout: float, in_thread: Callable[..., Awaitable[Serialized]]
    ) -> Serialized:
        """run_admitted() on the event loop, for a caller that holds a place: when a worker is
        idle the job goes down its pipe and the loop wakes when the answer is readable, with no
        thread in between; when none is, `in_thread(run_admitted, job, timeout)` waits for one."""
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:
            return await in_thread(self.run_admitted, job, timeout)
        loop = asyncio.get_running_loop()
        readable = loop.create_future()

        def wake() -> None:
            if not readable.done():
                readable.set_result(None)

        demotion = None
        try:
            worker.conn.send(job)
            if self.demote_after > 0:
                demotion = loop.call_later(self.demote_after, self._demote, worker)
            fd = worker.conn.fileno()
            loop.add_reader(fd, wake)
            try:
                await asyncio.wait_for(readable, timeout)
            finally:
                loop.remove_reader(fd)
                if demotion is not None:
                    demotion.cancel()
            os.set_blocking(fd, True)  # the loop may have made it non-blocking; a big answer
            out = worker.conn.recv()  # is still being written, with no wait for the engine
        except TimeoutError:
            await in_thread(self._replace, worker)
            raise QueryFailed(_timeout(timeout, waiting=False)) from None
        except (EOFError, OSError):
            await in_thread(self._replace, worker)
            raise QueryFailed(
                Failure(500, "worker-died", "the query process died; the query was not answered")
            ) from None
        except BaseException:  # the request cancelled, or the server shutting down mid-query
            self._replace(worker)
            raise
        if worker.demoted and not self._restore(worker):
            await in_thread(self._replace, worker)
        else:
            self._idle.put(worker)
        if isinstance(out, Failure):
            raise QueryFailed(out)
        return out

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_worker_main, args=(child, self.source), daemon=True, name="plangraph-query"
        )
        process.start()
        child.close()
        return _Worker(process, parent)

    def _return(self, worker: _Worker) -> None:
        """Put a worker that answered back in the pool at its own priority, or retire it."""
        if worker.demoted and not self._restore(worker):
            self._replace(worker)
        else:
            self._idle.put(worker)

    @staticmethod
    def _demote(worker: _Worker) -> None:
        """Lower the CPU priority of a worker whose query has run past demote_after. Never the
        server's own process: a pid of 0 would mean this one."""
        pid = worker.process.pid
        if not pid or pid == os.getpid():
            return
        with contextlib.suppress(OSError):  # the worker died (it is replaced where that shows)
            os.setpriority(os.PRIO_PROCESS, pid, min(19, worker.nice + NICE_STEP))
            worker.demoted = True

    @staticmethod
    def _restore(worker: _Worker) -> bool:
        """Give a demoted worker its own priority back; False when that is not allowed (raising
        a priority needs CAP_SYS_NICE) or the worker is gone."""
        assert worker.process.pid
        try:
            os.setpriority(os.PRIO_PROCESS, worker.process.pid, worker.nice)
        except OSError:  # PermissionError without the privilege; ProcessLookupError if it died
            return False
        worker.demoted = False
        return True

    def _await_ready(self, worker: _Worker) -> None:
        try:
            if worker.conn.poll(60) and worker.conn.recv() == "ready":
                assert worker.process.pid
                worker.nice = os.getpriority(os.PRIO_PROCESS, worker.process.pid)
                if self._closed:
                    self._kill(worker)
                else:
                    self._idle.put(worker)
                return
        except (EOFError, OSError):
            pass
        self._kill(worker)
        raise RuntimeError(f"{self.source.describe()}: a query worker failed to start")

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and bring up its successor in the background."""
        self._kill(worker)
        if self._closed:
            return

        successor_worker = self._spawn()
        self._starting.append(successor_worker)  # for close() to kill, from this moment

        def successor() -> None:
            try:
                with contextlib.suppress(RuntimeError):
                    self._await_ready(successor_worker)
            finally:
                self._starting.remove(successor_worker)

        thread = threading.Thread(target=successor, daemon=True, name="plangraph-respawn")
        self._successors = [t for t in self._successors if t.is_alive()] + [thread]
        thread.start()

    @staticmethod
    def _kill(worker: _Worker) -> None:
        if worker.process.is_alive() and worker.process.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join(timeout=5)
        with contextlib.suppress(OSError):  # close() and a respawn thread may both get here
            worker.conn.close()


def busy() -> Failure:
    """Every place for a query is taken: come back in a second."""
    return Failure(503, "busy", "every query place is taken; retry in a moment", retry_after=1)


def _timeout(timeout: float, waiting: bool) -> Failure:
    where = "waiting for a free query process" if waiting else "running"
    return Failure(
        503,
        "timeout",
        f"the query was stopped after {timeout:g} s ({where}); "
        "narrow it (LIMIT, a more selective pattern) or raise --timeout",
    )
