"""The worker pool in process: deadlines kill and replace exactly one worker."""

from __future__ import annotations

import json
import multiprocessing
import time
from pathlib import Path

import pytest

from queryapi import results
from queryapi.guard import check_query, with_row_limit
from queryapi.workers import Job, QueryFailed, QueryPool, Source

CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def job(query: str) -> Job:
    return Job(check_query(query), results.SPARQL_JSON, 100)


def test_a_timeout_replaces_the_worker_and_the_pool_keeps_its_size(built_store):
    """Regression: a timed-out worker used to be replaced twice, so the pool grew."""
    with QueryPool(Source(store=built_store), size=2, max_waiting=0) as pool:
        for _ in range(2):
            with pytest.raises(QueryFailed) as err:
                pool.run(job(CARTESIAN), 0.5)
            assert err.value.failure.code == "timeout"
        deadline = time.monotonic() + 20
        while pool._idle.qsize() < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        live = [p for p in multiprocessing.active_children() if p.name == "plangraph-query"]
        assert len(live) == 2 and pool._idle.qsize() == 2
        assert b'"boolean":true' in pool.run(job("ASK {}"), 5).body.replace(b" ", b"")


def test_close_kills_a_replacement_still_starting(built_store):
    """Regression: close() waited (up to 60 s) for a replacement worker to finish starting, so
    Ctrl-C on a loaded machine took that long; now the starting worker is killed at once."""
    pool = QueryPool(Source(store=built_store), size=1, max_waiting=0).start()
    with pytest.raises(QueryFailed):
        pool.run(job(CARTESIAN), 0.5)  # the worker is killed and a successor starts
    starting = list(pool._starting)
    pool.close()
    assert starting, "the successor was ready before close(); nothing was tested"
    assert not any(w.process.is_alive() for w in starting)
    assert not [p for p in multiprocessing.active_children() if p.name == "plangraph-query"]


def test_the_answer_cache_keys_on_the_generation_and_keeps_its_budget():
    from queryapi.cache import AnswerCache
    from queryapi.results import Serialized

    cache = AnswerCache(max_bytes=400)
    ask, select = job("ASK {}"), job("SELECT * { ?s ?p ?o }")
    small = Serialized(b"x" * 90, results.SPARQL_JSON, 1, False)
    cache.put("gen-1", ask, small)
    assert cache.get("gen-1", ask) is small
    assert cache.get("gen-2", ask) is None  # a new build: nothing kept applies
    assert cache.get(None, ask) is None
    for i in range(5):
        cache.put("gen-1", job(f"ASK {{ ?s ?p {i} }}"), small)
    assert cache.get("gen-1", ask) is None  # least recently used, dropped for the budget
    cache.put("gen-1", select, Serialized(b"x" * 101, results.SPARQL_JSON, 1, False))
    assert cache.get("gen-1", select) is None  # over a quarter of the budget: never kept


NATIVE_CASES = [
    *(q.read_text(encoding="utf-8") for q in sorted(Path("queries").glob("*.rq"))),
    "SELECT * { ?s pg:text ?o }",  # long Chinese literals, some with line breaks
    "SELECT ?s ?label { ?s a pg:Plan OPTIONAL { ?s pg:nothing ?label } }",  # unbound values
    "SELECT * { ?s ?p ?o } LIMIT 7 # a comment at the very end",
]


@pytest.mark.parametrize("media_type", [results.SPARQL_JSON, results.SPARQL_XML, results.TSV])
def test_pyoxigraphs_writer_answers_as_the_capped_python_writer_does(built_store, media_type):
    """The worker writes SELECT answers natively when the query can be stopped one row past the
    cap; the rows, the cut and the marker are the Python writer's, capped or not."""
    from pyoxigraph import QueryResultsFormat, parse_query_results

    from ontology.namespaces import PREFIXES
    from queryapi.answer import LocalBackend, serialize_result

    backend = LocalBackend(built_store)
    store = backend._current()
    fmt = results.NATIVE_SOLUTION_FORMATS[media_type]
    cases = NATIVE_CASES if media_type == results.SPARQL_JSON else NATIVE_CASES[-3:]
    for text in cases:
        for cap in (10_000, 5):
            native_job = Job(check_query(text), media_type, cap)
            if cap == 10_000:  # written natively (with cap 5, the LIMIT 7 one is not)
                assert with_row_limit(native_job.query, cap + 1) is not None, text
            native = backend.answer(native_job)
            options = {"prefixes": PREFIXES, "use_default_graph_as_union": True}
            written = serialize_result(store.query(text, **options), native_job)
            assert (native.rows, native.truncated) == (written.rows, written.truncated), text
            if media_type == results.SPARQL_JSON:
                assert json.loads(native.body) == json.loads(written.body), text
            else:
                rows = [list(r) for r in parse_query_results(native.body, format=fmt)]
                assert rows == [list(r) for r in parse_query_results(written.body, format=fmt)]
            if cap == 5 and fmt == QueryResultsFormat.JSON and written.truncated:
                assert json.loads(native.body)["plangraph"] == {"truncated": True, "limit": 5}
