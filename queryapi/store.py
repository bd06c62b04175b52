"""The on-disk pyoxigraph store: built aside and swapped in, queried, exported.

A build writes a complete new store next to the old one and only then renames it into place, so a
failed build leaves the previous store whole.
"""

from __future__ import annotations

import io
import os
import shutil
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


def build_store(dataset: Dataset, store_dir: Path) -> BuildReport:
    """Write the dataset into a fresh store at store_dir, replacing the old store only once the
    new one is complete."""
    store_dir = store_dir.resolve()
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    aside = store_dir.with_name(f".{store_dir.name}.building")
    old = store_dir.with_name(f".{store_dir.name}.old")
    for leftover in (aside, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    store = Store(str(aside))
    try:
        quads = dataset.quads()
        store.bulk_extend(quads)
        store.flush()
        count = len(store)
        graphs = sum(1 for _ in store.named_graphs())
    except BaseException:
        del store
        shutil.rmtree(aside, ignore_errors=True)
        raise
    del store
    if store_dir.exists():
        store_dir.rename(old)
    aside.rename(store_dir)
    shutil.rmtree(old, ignore_errors=True)
    return BuildReport(store_dir, count, graphs)


def open_store(store_dir: Path) -> Store:
    """Open an existing store read-only, or say how to build one."""
    if not (store_dir / "CURRENT").exists():
        raise StoreError(f"{store_dir}: no store here; run `plangraph build --store {store_dir}`")
    try:
        return Store.read_only(str(store_dir))
    except OSError as err:
        raise StoreError(f"{store_dir}: cannot open the store: {err}") from err


def store_generation(store_dir: Path) -> str | None:
    """A token that changes exactly when a new build is swapped in; None when there is none."""
    try:
        return f"{os.path.realpath(store_dir)}:{os.stat(store_dir).st_ino}"
    except OSError:
        return None


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
