"""The query guard: SERVICE never reaches the engine, however the query is written."""

from __future__ import annotations

import time

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queryapi.guard import QueryRefused, check_query, with_row_limit
from tests.servers import listening


@pytest.fixture(scope="module")
def listener():
    with listening() as counting:
        yield counting


TOKENS = [
    "SELECT",
    "ASK",
    "*",
    "WHERE",
    "{",
    "}",
    "SERVICE",
    "service",
    "SILENT",
    "OPTIONAL",
    "?s",
    "?p",
    "?o",
    "?e",
    ".",
    ";",
    "#",
    "\n",
    ":",
    "e:",
    "e:x",
    "PREFIX",
    '"',
    "'",
    "\\u0053",
    "ERVICE",
    "1",
    "FILTER",
    "EXISTS",
    "(",
    ")",
    "<",
    ">",
    "BIND",
    "AS",
    "_:b",
    "@en",
    "{}",
]


@settings(max_examples=400, deadline=None)
@given(
    parts=st.lists(st.sampled_from([*TOKENS, "ENDPOINT"]), min_size=1, max_size=14),
    glue=st.sampled_from(["", " ", "\n"]),
)
def test_no_generated_query_that_passes_the_guard_calls_out(listener, parts, glue):
    port = listener.port
    endpoint = f"<http://127.0.0.1:{port}/>"
    query = glue.join(endpoint if p == "ENDPOINT" else p for p in parts)
    query = f"PREFIX e: <http://127.0.0.1:{port}/> " + query
    before = listener.connections
    try:
        check_query(query)
    except QueryRefused:
        return
    try:
        result = pyoxigraph.Store().query(query)
        if not isinstance(result, pyoxigraph.QueryBoolean):
            list(result)
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    time.sleep(0.01)
    assert listener.connections == before, (
        f"the guard let through a query that called out: {query!r}"
    )


@pytest.mark.parametrize(
    ("query", "form", "has_dataset"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT", False),
        ("PREFIX ask: <http://x/> CONSTRUCT WHERE { ?s ask:p ?o }", "CONSTRUCT", False),
        ("BASE <http://x/> ask {}", "ASK", False),
        ("DESCRIBE <http://x/a> FROM <http://x/g>", "DESCRIBE", True),
        (
            'SELECT ?service { ?service a sd:Service ; rdfs:label "SERVICE" } # SERVICE',
            "SELECT",
            False,
        ),
        ("SELEC * {}", None, False),
    ],
)
def test_form_and_dataset_are_read_from_the_tokens(query, form, has_dataset):
    checked = check_query(query)
    assert (checked.form, checked.has_dataset) == (form, has_dataset)


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <a:s> <a:p> <a:o> }",
        "DELETE WHERE { ?s ?p ?o }",
        "PREFIX : <a:> WITH :g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <a:g>",
        "CREATE GRAPH <a:g>",
        "COPY <a:g> TO <a:h>",
        "INSERT { ?s ?p ?o } WHERE { SELECT * { ?s ?p ?o } }",
    ],
)
def test_updates_are_refused_by_name(update):
    with pytest.raises(QueryRefused, match="updates are not supported") as err:
        check_query(update)
    assert err.value.code == "update-refused"


def test_the_query_dataset_is_read_with_prefixes_expanded():
    checked = check_query(
        "PREFIX g: <http://x/g/> SELECT * FROM g:a FROM <http://x/b> FROM NAMED g:c "
        r"FROM NAMED pgid:graph\/d WHERE { ?s ?p ?o }"
    )
    assert checked.from_graphs == ("http://x/g/a", "http://x/b")
    assert checked.from_named == ("http://x/g/c", "https://w3id.org/plangraph/id/graph/d")
    assert check_query("SELECT * FROM").from_graphs == ()


@pytest.mark.parametrize(
    ("query", "bounded"),
    [
        ("SELECT * { ?s ?p ?o }", "SELECT * { ?s ?p ?o }\nLIMIT 11\n"),
        ("SELECT * { ?s ?p ?o } # the end", "SELECT * { ?s ?p ?o } # the end\nLIMIT 11\n"),
        ("SELECT ?s { ?s ?p ?o } GROUP BY ?s ORDER BY ?s", "… LIMIT 11"),
        ("SELECT * { ?s ?p ?o } OFFSET 3", "… LIMIT 11"),
        ("SELECT * { VALUES ?s { <a:s> } ?s ?p ?o }", "… LIMIT 11"),
        ("SELECT * { { SELECT * { ?s ?p ?o } LIMIT 99 } }", "… LIMIT 11"),
        ('SELECT * { ?s ?p "} LIMIT 1" }', "… LIMIT 11"),
        ("SELECT * { ?s ?p ?o } LIMIT 5", "SELECT * { ?s ?p ?o } LIMIT 5"),
        ("SELECT * { ?s ?p ?o } LIMIT 11 OFFSET 2", "SELECT * { ?s ?p ?o } LIMIT 11 OFFSET 2"),
        ("SELECT * { ?s ?p ?o } LIMIT 12", None),  # more than the bound: capped in Python
        ("SELECT * { ?s ?p ?o } VALUES ?s { <a:s> }", None),  # LIMIT would go before VALUES
        ("SELECT * { ?s ?p ?o ", None),
        ("SELECT * { ?s ?p ?o } }", None),
        ("ASK { ?s ?p ?o }", None),
        ("CONSTRUCT WHERE { ?s ?p ?o }", None),
    ],
)
def test_a_row_limit_is_added_only_where_the_tokens_say_for_sure(query, bounded):
    text = with_row_limit(check_query(query), 11)
    if bounded and bounded.startswith("…"):
        assert text == f"{query}\nLIMIT 11\n"
    else:
        assert text == bounded


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.sampled_from([*TOKENS, "LIMIT", "VALUES", "ORDER BY"]), max_size=12))
def test_a_bounded_query_parses_and_stops_at_the_bound(parts):
    """Whatever the text, a bounded SELECT still parses when the original does, and answers at
    most the bound: the native writer relies on it to tell a cut answer."""
    store = pyoxigraph.Store()
    store.add(pyoxigraph.Quad(*(pyoxigraph.NamedNode(f"a:{x}") for x in "spo")))
    query = "PREFIX e: <a:> SELECT * WHERE { ?s ?p ?o . ?a ?b ?c } " + " ".join(parts)
    try:
        list(store.query(query))
    except (SyntaxError, OSError, RuntimeError, ValueError):
        return
    bounded = with_row_limit(check_query(query), 0)
    if bounded is not None:
        assert list(store.query(bounded)) == []
