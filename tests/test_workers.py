"""The worker pool in process: deadlines kill and replace exactly one worker."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from queryapi import results
from queryapi.guard import check_query
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
