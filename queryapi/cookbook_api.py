"""`/api/queries`: the cookbook (`queries/*.rq`) as named endpoints.

`GET /api/queries` lists each query's name, question and typed parameters;
`GET /api/queries/{name}?param=…` runs one, its parameters validated by their type (422 in the
one error shape for a bad or unknown one) and bound as a VALUES block of RDF terms. Each query is its own
operation in the OpenAPI schema, with its parameters and its columns.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Query, Request, Response
from pydantic import create_model

from ingest.paths import ROOT
from queryapi import rest_models as m
from queryapi.errors import ApiError
from queryapi.http import app_state
from queryapi.named_queries import NamedQuery, Parameter, ParameterError, load_folder
from queryapi.rest import CSV_CONTENT, Format, Limit, Offset, list_response, select
from queryapi.search import SEARCH_FILE, SearchUnavailable
from queryapi.store import generation_dir
from queryapi.text_search import text_search

COOKBOOK_DIR = ROOT / "queries"
_PYTHON_TYPES: dict[str, Any] = {"iri": str, "integer": int, "decimal": float, "string": str}
_PAGING = {"limit", "offset", "format"}
Cell = str | int | float | bool | None
INDEXED = {"text-search": "word"}  # answered from the search index, by the word's parameter


def columns(query: NamedQuery) -> list[str]:
    """The variables a SELECT projects, in order, without the query's parameters."""
    found = re.search(r"\bSELECT\b(.*?)\bWHERE\b", query.query.text, re.DOTALL | re.IGNORECASE)
    if not found:
        return []
    projection = found.group(1)
    names: list[str] = []
    depth, i = 0, 0
    while i < len(projection):
        ch = projection[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "?" and depth == 0:
            name = re.match(r"\?(\w+)", projection[i:])
            if name:
                names.append(name.group(1))
                i += len(name.group(0))
                continue
        i += 1
    names += re.findall(r"\bAS\s+\?(\w+)", projection, re.IGNORECASE)
    order = {n: projection.find(f"?{n}") for n in names}
    params = {p.name for p in query.parameters}
    return [n for n in sorted(dict.fromkeys(names), key=order.get) if n not in params]


def _query_parameter(p: Parameter) -> inspect.Parameter:
    kind = _PYTHON_TYPES[p.type]
    description = f"{p.type}; {p.description}".strip("; ")
    extra: dict[str, Any] = {"description": description}
    if kind is str:
        extra["max_length"] = 500
    if p.type == "integer":
        extra |= {"ge": -(10**15), "le": 10**15}
    if p.type == "decimal":
        extra |= {"allow_inf_nan": False}
    annotation = Annotated[kind | None, Query(**extra)]  # type: ignore[valid-type]
    return inspect.Parameter(
        p.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=None
    )


def _handler(query: NamedQuery, columns_: list[str]) -> Callable[..., Awaitable[Response]]:
    model = create_model(  # type: ignore[call-overload]
        "Row_" + re.sub(r"\W", "_", query.name), **{c: (Cell, None) for c in columns_}
    )

    async def handler(request: Request, **kwargs: Any) -> Response:
        unknown = sorted(set(request.query_params) - _PAGING - {p.name for p in query.parameters})
        if unknown:
            expected = ", ".join(p.name for p in query.parameters) or "none"
            raise ApiError(
                422,
                "invalid-parameter",
                f"{unknown[0]}: {query.name} has no such parameter; its parameters: {expected}",
            )
        given = {
            p.name: str(kwargs[p.name]) for p in query.parameters if kwargs[p.name] is not None
        }
        try:
            bindings = query.bind(given)
        except ParameterError as err:
            raise ApiError(422, "invalid-parameter", str(err)) from None
        rows = await _rows(request, query, bindings)
        items = [{c: r.get(c) for c in columns_} for r in rows]
        return list_response(
            request, model, items, kwargs["limit"], kwargs["offset"], kwargs["format"]
        )

    kw = inspect.Parameter.KEYWORD_ONLY
    handler.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request
            ),
            *(_query_parameter(p) for p in query.parameters),
            inspect.Parameter("limit", kw, annotation=Limit, default=100),
            inspect.Parameter("offset", kw, annotation=Offset, default=0),
            inspect.Parameter("format", kw, annotation=Format, default=None),
        ]
    )
    handler.__name__ = "query_" + re.sub(r"\W", "_", query.name)
    handler.__annotations__ = {}
    handler.response_model = m.Page[model]  # type: ignore[attr-defined, valid-type]
    return handler


async def _rows(
    request: Request, query: NamedQuery, bindings: tuple[tuple[str, Any], ...]
) -> list[dict[str, Any]]:
    """The query's rows: from the search index for the text search on the embedded store
    (queryapi/text_search.py: the .rq's rows without its scan), else through the pool."""
    settings = app_state(request).settings
    folder = None if settings.endpoint else generation_dir(settings.store)
    if query.name in INDEXED and folder is not None:
        word = dict(bindings)[INDEXED[query.name]].value
        if not word:
            raise ApiError(
                422, "invalid-parameter", f"{INDEXED[query.name]}: expected a word to find"
            )
        try:
            found = await anyio.to_thread.run_sync(text_search, folder / SEARCH_FILE, word)
        except SearchUnavailable:  # a store built before the index held lines: the .rq
            pass
        else:
            return [{**r, "line": int(r["line"])} for r in found[: settings.max_rows]]
    return await select(request, query, bindings)


def router(queries: dict[str, NamedQuery] | None = None) -> APIRouter:
    """The cookbook's routes: the list, and one operation per query."""
    cookbook = queries if queries is not None else load_folder(COOKBOOK_DIR, template=True)
    api = APIRouter()
    entries = [
        m.CookbookQuery(
            name=q.name,
            url=f"/api/queries/{q.name}",
            question=q.question,
            parameters=[m.QueryParameter(**p.__dict__) for p in q.parameters],
            sparql=q.path.read_text(encoding="utf-8"),
        ).model_dump()
        for q in cookbook.values()
    ]

    async def list_queries(
        request: Request, limit: Limit = 100, offset: Offset = 0, format: Format = None
    ) -> Response:
        return list_response(request, m.CookbookQuery, entries, limit, offset, format)

    api.add_api_route(
        "/api/queries",
        list_queries,
        methods=["GET"],
        summary="The cookbook: every named query, its question and typed parameters",
        response_model=m.Page[m.CookbookQuery],
        tags=["queries"],
        responses=CSV_CONTENT,
    )
    for query in cookbook.values():
        handler = _handler(query, columns(query))
        api.add_api_route(
            f"/api/queries/{query.name}",
            handler,
            methods=["GET"],
            summary=query.question,
            response_model=handler.response_model,  # type: ignore[attr-defined]
            tags=["queries"],
            responses=CSV_CONTENT,
        )
    return api
