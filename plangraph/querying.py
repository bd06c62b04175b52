"""`plangraph query`'s work: one query through the same guarded, killable path as the server."""

from __future__ import annotations

import json
from dataclasses import dataclass

from plangraph.settings import Settings
from plangraph.summary import result_table
from queryapi import results
from queryapi.guard import QueryRefused, check_query
from queryapi.workers import Job, QueryFailed, QueryPool, source_of

CLI_MEDIA_TYPES = {"table": results.SPARQL_JSON, "json": results.SPARQL_JSON}
CLI_MEDIA_TYPES |= {"csv": results.CSV, "tsv": results.TSV}


@dataclass(frozen=True)
class QueryOutput:
    """What to print: the answer's text, or one line of error; and whether the cap cut it."""

    text: bytes = b""
    error: str | None = None
    truncated: bool = False


def run_cli_query(settings: Settings, sparql: str, fmt: str) -> QueryOutput:
    """Check the query, run it in a worker process until the timeout, and format the answer
    (table, csv, tsv or json; graphs as N-Triples, or JSON-LD for json)."""
    try:
        checked = check_query(sparql)
    except QueryRefused as err:
        return QueryOutput(error=f"query: {err}")
    if checked.form in ("CONSTRUCT", "DESCRIBE"):
        media_type = results.JSON_LD if fmt == "json" else results.N_TRIPLES
    elif checked.form == "ASK":
        media_type = results.SPARQL_JSON
    else:
        media_type = CLI_MEDIA_TYPES[fmt]
    job = Job(checked, media_type, settings.max_rows, timeout=settings.timeout)
    with QueryPool(source_of(settings), size=1, max_waiting=0) as pool:
        try:
            answer = pool.run(job, settings.timeout)
        except QueryFailed as err:
            return QueryOutput(error=err.failure.message)
    body = answer.body
    if answer.media_type == results.SPARQL_JSON and (fmt == "table" or checked.form == "ASK"):
        doc = json.loads(body)
        if "boolean" in doc:
            body = b"true\n" if doc["boolean"] else b"false\n"
        else:
            variables = doc["head"]["vars"]
            rows = [
                [b.get(v, {}).get("value") for v in variables] for b in doc["results"]["bindings"]
            ]
            body = (result_table(variables, rows) + "\n").encode()
    return QueryOutput(body, truncated=answer.truncated)
