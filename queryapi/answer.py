"""A job's answer, computed inside a worker process: from the on-disk store, or from a remote
SPARQL endpoint through SPARQLWrapper, serialised the same way for both."""

from __future__ import annotations

import dataclasses
import re
import urllib.error
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urljoin

from pyoxigraph import (
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    Variable,
    parse,
    parse_query_results,
)

from ontology.namespaces import PREFIXES
from queryapi import results
from queryapi.guard import CheckedQuery, with_row_limit
from queryapi.store import StoreError, open_store, store_generation
from queryapi.workers import Failure, Job, QueryFailed, Source, Term


class Backend(Protocol):
    """What a worker answers jobs with."""

    def answer(self, job: Job) -> results.Serialized: ...


def open_backend(source: Source) -> Backend:
    """The backend for a source: the store (opened lazily) or the remote endpoint."""
    if source.endpoint:
        return RemoteBackend(source.endpoint)
    assert source.store is not None
    return LocalBackend(source.store)


def serialize_result(result: object, job: Job) -> results.Serialized:
    """Any pyoxigraph query result in the job's media type, capped at the job's row limit."""
    if isinstance(result, QueryBoolean):
        form = "ASK"
    elif isinstance(result, QuerySolutions):
        form = "SELECT"
    else:
        form = "CONSTRUCT"
    offers = results.offered(form)
    media_type = job.media_type if job.media_type in offers else offers[0]
    if isinstance(result, QueryBoolean):
        return results.boolean(bool(result), media_type)
    if isinstance(result, QuerySolutions):
        variables = [v.value for v in result.variables]
        return results.solutions(variables, result, media_type, job.max_rows)
    return results.graph(result, media_type, job.max_rows)  # type: ignore[arg-type]


def one_line(err: BaseException, limit: int = 300) -> str:
    """An engine's message on one line, cut at `limit` characters."""
    text = " ".join(str(err).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _iri(value: str, parameter: str) -> NamedNode:
    try:
        return NamedNode(value)
    except ValueError as err:
        raise QueryFailed(Failure(400, "bad-graph-iri", f"{parameter}={value!r}: {err}")) from None


def rdf_term(term: Term) -> NamedNode | Literal:
    """The pyoxigraph term of a job's bound value."""
    if term.kind == "iri":
        return NamedNode(term.value)
    if term.language:
        return Literal(term.value, language=term.language)
    if term.datatype:
        return Literal(term.value, datatype=NamedNode(term.datatype))
    return Literal(term.value)


def _terms(bindings: tuple[tuple[str, Term], ...]) -> dict[Variable, NamedNode | Literal]:
    """Bound variables as pyoxigraph terms (422 for a value that is no term)."""
    try:
        return {Variable(name): rdf_term(term) for name, term in bindings}
    except ValueError as err:
        raise QueryFailed(Failure(422, "invalid-parameter", f"parameter: {err}")) from None


@dataclass
class LocalBackend:
    """The on-disk store, reopened when a new build has been swapped in."""

    store_dir: Path
    _store: Store | None = None
    _generation: str | None = None

    def _current(self) -> Store:
        generation = store_generation(self.store_dir)
        if self._store is None or (generation is not None and generation != self._generation):
            try:
                self._store = open_store(self.store_dir)
                self._generation = generation
            except StoreError as err:
                if self._store is None:
                    raise QueryFailed(Failure(503, "no-store", str(err))) from None
        return self._store

    def answer(self, job: Job) -> results.Serialized:
        """Run the job on the store."""
        store = self._current()
        options: dict[str, object] = {"prefixes": PREFIXES, "base_iri": job.base_iri}
        if job.default_graphs:
            options["default_graph"] = [_iri(g, "default-graph-uri") for g in job.default_graphs]
        if job.named_graphs:
            options["named_graphs"] = [_iri(g, "named-graph-uri") for g in job.named_graphs]
        if not (job.default_graphs or job.named_graphs or job.query.has_dataset):
            options["use_default_graph_as_union"] = True
        query = dataclasses.replace(job.query, text=bound_text(job.query.text, job.substitutions))
        try:
            native = self._native(store, query, job, options)
            if native is not None:
                return native
            return serialize_result(store.query(query.text, **options), job)
        except SyntaxError as err:
            raise QueryFailed(Failure(400, "query-syntax", f"query: {one_line(err)}")) from None
        except (RuntimeError, ValueError) as err:
            raise QueryFailed(Failure(400, "query-failed", f"query: {one_line(err)}")) from None
        except OSError as err:
            raise QueryFailed(Failure(500, "store-error", f"{self.store_dir}: {err}")) from None

    @staticmethod
    def _native(
        store: Store, query: CheckedQuery, job: Job, options: dict[str, object]
    ) -> results.Serialized | None:
        """A SELECT answer written by pyoxigraph, the query made to stop one row past the cap;
        None when the text cannot be bounded for sure or the bounded text does not parse (the
        query then runs as given, so an error names the text the client sent)."""
        if job.media_type not in results.NATIVE_SOLUTION_FORMATS:
            return None
        text = with_row_limit(query, job.max_rows + 1)
        if text is None:
            return None
        try:
            result = store.query(text, **options)
        except SyntaxError:
            return None
        if not isinstance(result, QuerySolutions):
            return serialize_result(result, job)
        return results.native_solutions(result, job.media_type, job.max_rows)


def bound_text(text: str, bindings: tuple[tuple[str, Term], ...]) -> str:
    """The query text with its bound variables as a VALUES block of terms written by
    pyoxigraph (N-Triples syntax, escaped, never raw input) at the start of the outermost WHERE
    group, so the group's filters see them. Not pyoxigraph's substitutions: a remote endpoint
    takes none, and the engine evaluates a substituted variable after the joins instead of
    starting from it (a one-plan lookup took 100 s at 3,000 plans, against 30 ms as VALUES).
    Lines `#values` put the block at each of them instead: inside each subquery that must start
    from the bound terms (a subquery is evaluated on its own, before the outer VALUES join it)."""
    if not bindings:
        return text
    bound = _terms(bindings)
    names = " ".join(str(v) for v in bound)
    terms = " ".join(str(t) for t in bound.values())
    block = f"\n  VALUES ({names}) {{ ({terms}) }}\n"
    marker = re.compile(r"^[ \t]*#values[ \t]*$", re.MULTILINE)
    if marker.search(text):
        return marker.sub(lambda _: block.strip("\n"), text)
    where = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
    if where is None:
        return f"{text}\n{block}"
    return text[: where.end()] + block + text[where.end() :]


@dataclass
class RemoteBackend:
    """A remote SPARQL 1.1 endpoint, asked through SPARQLWrapper; its answer is parsed and
    serialised here, so the cap and the formats are the same as for the embedded store."""

    endpoint: str

    def answer(self, job: Job) -> results.Serialized:
        """Send the job's query (the contract's prefixes declared first) and re-serialise."""
        from SPARQLWrapper import JSON, POSTDIRECTLY, TURTLE, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

        client = SPARQLWrapper(self.endpoint)
        prologue = f"BASE <{job.base_iri}>\n" if job.base_iri else ""
        prologue += "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
        client.setQuery(prologue + bound_text(job.query.text, job.substitutions))
        # SPARQLWrapper guesses the form from keywords anywhere in the text, so a comment naming
        # a file "…-load.rq" made it an update (LOAD); the guard has already parsed the form.
        client.queryType = job.query.form
        client.setMethod("POST")
        client.setRequestMethod(POSTDIRECTLY)
        # The pool's deadline stops the query; the socket waits longer so the two never race.
        client.setTimeout(int(job.timeout) + 10)
        graph = job.query.form in ("CONSTRUCT", "DESCRIBE")
        client.setReturnFormat(TURTLE if graph else JSON)
        # The query's own FROM goes as the protocol's dataset: a server whose default graph is
        # the union (as plangraph's must be) may otherwise ignore it, as Oxigraph does.
        default, named = job.default_graphs, job.named_graphs
        if not (default or named):
            base = job.base_iri or ""
            default = tuple(urljoin(base, g) for g in job.query.from_graphs)
            named = tuple(urljoin(base, g) for g in job.query.from_named)
        for g in default:
            client.addDefaultGraph(_iri(g, "default-graph-uri").value)
        for g in named:
            client.addNamedGraph(_iri(g, "named-graph-uri").value)
        try:
            raw = client.query().response.read()
        except QueryBadFormed as err:
            said = str(err).partition("Response:")[2].strip().removeprefix("b'").rstrip("'")
            message = f"query: {self.endpoint} says: {one_line(said or err)}"
            raise QueryFailed(Failure(400, "query-syntax", message)) from None
        except SPARQLWrapperException as err:
            message = f"{self.endpoint}: {one_line(err)}"
            raise QueryFailed(Failure(502, "remote-error", message)) from None
        except (TimeoutError, urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise QueryFailed(
                Failure(502, "remote-unreachable", f"{self.endpoint}: cannot query: {reason}")
            ) from None
        try:
            if graph:
                result = (q.triple for q in parse(raw, format=RdfFormat.TURTLE))
            else:
                result = parse_query_results(raw, format=QueryResultsFormat.JSON)
        except SyntaxError as err:
            raise QueryFailed(
                Failure(502, "remote-bad-answer", f"{self.endpoint}: unreadable answer: {err}")
            ) from None
        return serialize_result(result, job)
