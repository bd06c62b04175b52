"""`/api/...`: the REST API, a table of endpoints over named SPARQL queries.

Each endpoint is a row of ENDPOINTS: its path (the resource IRI's path after `/id/`), the
queries that answer it and its response model. One generic handler runs them through the
server's query pool (same timeout, cap and answer cache as /sparql), binding the resource's
IRI and any parameter as a VALUES block of RDF terms, never as raw query text. Lists are paginated
(`limit`, `offset`) and come as JSON (`{"items", "total", "limit", "offset", "next"}`) or, on
`Accept: text/csv` or `format=csv`, as CSV. A list with a `total` query is paged inside its query
(a line `#page` becomes LIMIT and OFFSET, each `#if name:` line a pattern when the filter is
given), so a page costs what its rows cost, not what the whole list does.
"""

from __future__ import annotations

import csv
import dataclasses
import inspect
import io
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from plangraph.settings import Settings
from queryapi import rest_models as m
from queryapi.errors import ApiError
from queryapi.http import app_state, run_job
from queryapi.named_queries import REST_DIR, NamedQuery, ParameterError, load_folder
from queryapi.results import SPARQL_JSON
from queryapi.source_text import passage
from queryapi.workers import Job, Term

ID = "https://w3id.org/plangraph/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger")}
_NUMBER = {XSD + t for t in ("decimal", "double", "float")}
JSON_TYPE, CSV_TYPE = "application/json", "text/csv"
MAX_LIMIT = 1000

Slug = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,199}$", description="IRI segment")]
Seq = Annotated[int, Path(ge=1, le=99999, description="1-based position (pg:sequence)")]
_PARAMETERS = {"plan": Slug, "region": Slug, "function": Slug, "indicator": Slug}
_PARAMETERS |= {"area": Seq, "n": Seq}
_SLUG = r"^[a-z0-9][a-z0-9_-]{0,199}$"
# A list's optional filters: the query parameter, the IRI it names, what it keeps.
FILTERS = {
    "region": (
        "region/{}",
        "only the departments of this jurisdiction (its IRI slug, e.g. liuzhou-luzhai)",
    ),
    "function": (
        "department-type/{}",
        "only the departments of this function (department type slug, e.g. health)",
    ),
}

_REST_PATHS = [
    r"plan/[^/]+",
    r"plan/[^/]+/area/\d+",
    r"plan/[^/]+/area/\d+/(goal|measure)/\d+",
    r"plan/[^/]+/project/\d+",
    r"department/[^/]+/[^/]+",
    r"indicator/[^/]+",
]
_REST_PATH = re.compile("|".join(f"(?:{p})" for p in _REST_PATHS))


def rest_url(iri: object) -> str | None:
    """The REST URL of a resource IRI that has one (`/api/` + the IRI's path after `/id/`)."""
    if not isinstance(iri, str) or not iri.startswith(ID):
        return None
    rest = iri[len(ID) :]
    return f"/api/{rest}" if _REST_PATH.fullmatch(rest) else None


def _value(term: dict[str, str]) -> object:
    """A SPARQL JSON term as a Python value: numbers as numbers, everything else its string."""
    datatype = term.get("datatype")
    if term.get("type") == "literal" and datatype:
        try:
            if datatype in _INTEGER:
                return int(term["value"])
            if datatype in _NUMBER:
                return float(term["value"])
            if datatype == XSD + "boolean":
                return term["value"] in ("true", "1")
        except ValueError:
            pass
    return term["value"]


def typed_rows(body: bytes) -> list[m.Row]:
    """The rows of a SPARQL JSON answer, each a dict of typed values, with each `iri`'s URL."""
    doc = json.loads(body)
    rows = []
    for binding in doc["results"]["bindings"]:
        row = {k: _value(t) for k, t in binding.items()}
        for key in [k for k in row if k == "iri" or k in _LINKED]:
            row[_LINKED.get(key, "url")] = rest_url(row[key])
        rows.append(row)
    return rows


_LINKED = {"department": "departmentUrl", "toGoal": "toGoalUrl", "item": "itemUrl"}
_LINKED |= {"step": "stepUrl"}


# --- the table --------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A list inside a resource: the rows of `query` with `variable` bound to the resource;
    with `split`, each row goes to the field its `split` column names."""

    field: str
    query: str
    variable: str
    split: tuple[str, dict[str, str]] | None = None


@dataclass(frozen=True)
class Nest:
    """Rows that repeat a parent for each child: grouped by `key`, children under `field`."""

    field: str
    key: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Endpoint:
    """One REST endpoint: a resource (one row of `query` with ?iri bound, plus its parts) or a
    list (the rows of `query`, paginated), its IRI template and its response model."""

    path: str
    summary: str
    model: type[BaseModel]
    query: str
    iri: str | None = None  # the resource IRI, a template over the path parameters
    variable: str = "iri"
    parts: tuple[Part, ...] = ()
    listing: bool = False
    nest: Nest | None = None
    finish: Callable[[m.Row, Settings], None] | None = None
    tags: tuple[str, ...] = ("resources",)
    total: str | None = None  # a query counting the list: `query` is then paged inside
    filters: tuple[str, ...] = ()  # optional query parameters of FILTERS, bound as IRIs


def _with_source(row: m.Row, settings: Settings) -> None:
    """An item's source: its span and the passage and paragraph it points at."""
    if row.get("file") is None or row.get("start") is None or row.get("end") is None:
        row["source"] = None
        return
    span = {"file": row["file"], "start": row["start"], "end": row["end"], "line": row.get("line")}
    found = passage(
        row["file"],
        row["start"],
        row["end"],
        row.get("line"),
        settings.corpus.parent,
        settings.upstream,
        row.get("sha256"),
    )
    row["source"] = found.__dict__ if found else span


def _upstream_targets(row: m.Row, settings: Settings) -> None:
    row["upstream"] = [t for t in row.get("targets", []) if t.get("level") == "National"]


PLAN = "plan/{plan}"
AREA = PLAN + "/area/{area}"
ITEM_PARTS = (
    Part("targets", "item-targets", "item"),
    Part("owners", "item-owners", "item"),
    Part("alignments", "item-alignments", "item"),
    Part("notes", "item-notes", "item"),
)
ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "/api/plans",
        "Every plan in the graph",
        m.PlanSummary,
        "plans",
        listing=True,
        total="plans-total",
    ),
    Endpoint(
        "/api/plan/{plan}",
        "One plan: title, level, jurisdiction, period, its links to other plans and its areas",
        m.Plan,
        "plan",
        iri=PLAN,
        parts=(
            Part(
                "links",
                "plan-links",
                "plan",
                split=("relation", {k: k for k in ("basedOn", "upstreamPlan", "supersedes")}),
            ),
            Part("areas", "plan-areas", "plan"),
            Part("keyProjects", "plan-projects", "plan"),
        ),
    ),
    Endpoint(
        "/api/plan/{plan}/area/{area}",
        "One development area: its goals and measures",
        m.Area,
        "area",
        iri=AREA,
        parts=(
            Part(
                "items",
                "area-items",
                "area",
                split=("kind", {"goal": "goals", "measure": "measures"}),
            ),
        ),
    ),
    Endpoint(
        "/api/plan/{plan}/area/{area}/goal/{n}",
        "One goal: text, targets, owners, alignments and its source sentence",
        m.Item,
        "item",
        iri=AREA + "/goal/{n}",
        parts=ITEM_PARTS,
        finish=_with_source,
    ),
    Endpoint(
        "/api/plan/{plan}/area/{area}/measure/{n}",
        "One measure: text, owners with role, basis, confidence and evidence, its source",
        m.Item,
        "item",
        iri=AREA + "/measure/{n}",
        parts=ITEM_PARTS,
        finish=_with_source,
    ),
    Endpoint(
        "/api/plan/{plan}/project/{n}",
        "One key project (重点工程): text, owners and its source",
        m.Item,
        "item",
        iri=PLAN + "/project/{n}",
        parts=ITEM_PARTS,
        finish=_with_source,
    ),
    Endpoint(
        "/api/plan/{plan}/area/{area}/goal/{n}/trace",
        "The goal's way up its plan chain: each step's plan, goal, targets and verdict",
        m.TraceStep,
        "trace",
        iri=AREA + "/goal/{n}",
        variable="goal",
        listing=True,
        nest=Nest(
            "targets",
            "step",
            ("target", "indicator", "indicatorLabel", "value", "unit", "comparator", "year"),
        ),
        tags=("analysis",),
    ),
    Endpoint(
        "/api/plan/{plan}/gaps",
        "National goals with no counterpart in the plan, and its goals with none upstream",
        m.Gap,
        "gaps",
        iri=PLAN,
        variable="plan",
        listing=True,
        tags=("analysis",),
    ),
    Endpoint(
        "/api/departments",
        "The departments (of one region, of one function), with how many goals and measures "
        "each leads and supports",
        m.DepartmentSummary,
        "departments",
        listing=True,
        total="departments-total",
        filters=("region", "function"),
    ),
    Endpoint(
        "/api/department/{region}/{function}",
        "One department: what it leads and supports across plans, with confidence",
        m.Department,
        "department",
        iri="department/{region}/{function}",
        parts=(
            Part(
                "items",
                "department-items",
                "department",
                split=("role", {"Lead": "leads", "Support": "supports"}),
            ),
        ),
    ),
    Endpoint(
        "/api/indicators",
        "Every indicator with targets, and in how many plans",
        m.IndicatorSummary,
        "indicators",
        listing=True,
    ),
    Endpoint(
        "/api/indicator/{indicator}",
        "One indicator: every plan's target side by side, and the upstream (national) target",
        m.Indicator,
        "indicator",
        iri="indicator/{indicator}",
        parts=(Part("targets", "indicator-targets", "indicator"),),
        finish=_upstream_targets,
    ),
)


# --- running ------------------------------------------------------------------------------


async def select(
    request: Request, query: NamedQuery, bindings: tuple[tuple[str, Term], ...]
) -> list[m.Row]:
    """A named SELECT's rows, through the pool (or the cache), with variables bound."""
    settings = app_state(request).settings
    job = Job(
        query.query,
        SPARQL_JSON,
        settings.max_rows,
        timeout=settings.timeout,
        substitutions=bindings,
    )
    return typed_rows((await run_job(request, job)).body)


def negotiate_list(request: Request, format_name: str | None) -> str:
    """JSON or CSV for a list, by `format` or Accept (JSON unless CSV is preferred); 406."""
    if format_name:
        return CSV_TYPE if format_name == "csv" else JSON_TYPE
    accept = request.headers.get("accept", "")
    if not accept.strip():
        return JSON_TYPE
    weights = {JSON_TYPE: 0.0, CSV_TYPE: 0.0}
    for part in accept.split(","):
        media, *params = (p.strip().lower() for p in part.split(";"))
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        for offer in weights:
            if media in (offer, offer.split("/")[0] + "/*", "*/*"):
                weights[offer] = max(weights[offer], q)
    if weights[CSV_TYPE] > weights[JSON_TYPE]:
        return CSV_TYPE
    if weights[JSON_TYPE] > 0:
        return JSON_TYPE
    raise ApiError(
        406, "not-acceptable", f"cannot answer in {accept!r}; lists are offered as JSON and CSV"
    )


def resource_json(request: Request) -> None:
    """406 unless the client takes JSON: a single resource has no CSV form."""
    accept = request.headers.get("accept", "")
    fmt = request.query_params.get("format")
    if fmt not in (None, "json") or (
        accept.strip()
        and not any(
            p.split(";")[0].strip().lower() in (JSON_TYPE, "application/*", "*/*")
            for p in accept.split(",")
        )
    ):
        raise ApiError(
            406,
            "not-acceptable",
            "this resource is offered as JSON only; its RDF is at /id/..., lists also as CSV",
        )


def page(
    request: Request,
    items: list[Any],
    limit: int,
    offset: int,
    total: int | None = None,
) -> dict[str, Any]:
    """The JSON envelope of one page: of `items` or, with `total`, `items` already the page."""
    if total is None:
        total, items = len(items), items[offset : offset + limit]
    following = None
    if offset + limit < total:
        url = request.url.include_query_params(limit=limit, offset=offset + limit)
        following = f"{url.path}?{url.query}"
    return {"items": items, "total": total, "limit": limit, "offset": offset, "next": following}


def csv_response(model: type[BaseModel], items: list[dict[str, Any]]) -> Response:
    """Items as CSV, one column per field of the item model (nested lists as JSON)."""
    columns = list(model.model_fields)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for item in items:
        cells = []
        for c in columns:
            v = item.get(c)
            if isinstance(v, list | dict):
                v = json.dumps(v, ensure_ascii=False)
            cells.append("" if v is None else v)
        writer.writerow(cells)
    return Response(out.getvalue().encode(), media_type="text/csv; charset=utf-8")


def list_response(
    request: Request,
    model: type[BaseModel],
    items: list[dict[str, Any]],
    limit: int,
    offset: int,
    format_name: str | None,
    extra: dict | None = None,
    total: int | None = None,
) -> Response:
    """A page of items in the negotiated format (CSV: the page's rows); with `total`, `items`
    is the page already."""
    media_type = negotiate_list(request, format_name)
    body = page(request, items, limit, offset, total)
    if media_type == CSV_TYPE:
        headers = {"X-Total-Count": str(body["total"])}
        response = csv_response(model, body["items"])
        response.headers.update(headers)
        return response
    checked = m.Page[model].model_validate(body)  # type: ignore[valid-type]
    data = checked.model_dump(mode="json")
    return JSONResponse({**data, **(extra or {})}, headers={"Vary": "Accept"})


def _nest(rows: list[m.Row], nest: Nest) -> list[m.Row]:
    grouped: dict[object, m.Row] = {}
    for row in rows:
        parent = grouped.setdefault(
            row.get(nest.key), {k: v for k, v in row.items() if k not in nest.columns}
        )
        parent.setdefault(nest.field, [])
        child = {c: row.get(c) for c in nest.columns}
        if child.get(nest.columns[0]) is not None and child not in parent[nest.field]:
            parent[nest.field].append(child)
    return list(grouped.values())


def shaped(
    query: NamedQuery, given: set[str], limit: int | None = None, offset: int = 0
) -> NamedQuery:
    """The query with each `#if name:` line of a given filter made its pattern and, with a
    limit, its `#page` line made LIMIT and OFFSET (integers, checked by the route)."""

    def line(text: str) -> str:
        stripped = text.strip()
        if (found := re.fullmatch(r"#if (\w+):(.*)", stripped)) and found.group(1) in given:
            return found.group(2)
        if stripped == "#page" and limit is not None:
            return f"LIMIT {int(limit)} OFFSET {int(offset)}"
        return text

    text = "\n".join(line(t) for t in query.query.text.splitlines())
    return dataclasses.replace(query, query=dataclasses.replace(query.query, text=text))


def filter_terms(filters: dict[str, str | None]) -> tuple[tuple[str, Term], ...]:
    """The given filters as IRIs to bind (FILTERS says which IRI each slug names)."""
    return tuple(
        (name, Term("iri", ID + FILTERS[name][0].format(value)))
        for name, value in sorted(filters.items())
        if value is not None
    )


@dataclass
class Runner:
    """The endpoints' handlers over the loaded named queries."""

    queries: dict[str, NamedQuery]

    def iri_of(self, endpoint: Endpoint, params: dict[str, Any]) -> tuple[tuple[str, Term], ...]:
        if endpoint.iri is None:
            return ()
        return ((endpoint.variable, Term("iri", ID + endpoint.iri.format(**params))),)

    async def resource(self, request: Request, endpoint: Endpoint, params: dict[str, Any]):
        resource_json(request)
        bound = self.iri_of(endpoint, params)
        rows = await select(request, self.queries[endpoint.query], bound)
        if not rows:
            iri = bound[0][1].value if bound else request.url.path
            raise ApiError(404, "no-such-resource", f"{request.url.path}: the graph has no {iri}")
        row = rows[0]
        iri = Term("iri", row["iri"])
        for part in endpoint.parts:
            found = await select(request, self.queries[part.query], ((part.variable, iri),))
            if part.split:
                column, fields = part.split
                for name in fields.values():
                    row.setdefault(name, [])
                for r in found:
                    if (name := fields.get(str(r.get(column)))) is not None:
                        row[name].append(r)
            else:
                row[part.field] = found
        if endpoint.finish:
            settings = app_state(request).settings
            await anyio.to_thread.run_sync(endpoint.finish, row, settings)
        return endpoint.model.model_validate(row).model_dump(mode="json")

    async def listing(
        self,
        request: Request,
        endpoint: Endpoint,
        params: dict[str, Any],
        limit: int,
        offset: int,
        format_name: str | None,
        filters: dict[str, str | None] | None = None,
    ) -> Response:
        bound = self.iri_of(endpoint, params)
        if endpoint.total:
            return await self.paged(request, endpoint, bound, limit, offset, format_name, filters)
        if bound:
            exists = await select(request, self.queries["resource-exists"], (("iri", bound[0][1]),))
            if not exists:
                raise ApiError(
                    404,
                    "no-such-resource",
                    f"{request.url.path}: the graph has no {bound[0][1].value}",
                )
        rows = await select(request, self.queries[endpoint.query], bound)
        if endpoint.nest:
            rows = _nest(rows, endpoint.nest)
        items = [endpoint.model.model_validate(r).model_dump(mode="json") for r in rows]
        return list_response(request, endpoint.model, items, limit, offset, format_name)

    async def paged(
        self,
        request: Request,
        endpoint: Endpoint,
        bound: tuple[tuple[str, Term], ...],
        limit: int,
        offset: int,
        format_name: str | None,
        filters: dict[str, str | None] | None,
    ) -> Response:
        """One page of a list paged inside its query, and its total from the `total` query."""
        negotiate_list(request, format_name)  # 406 before any query runs
        filters = filters or {}
        given = {n for n, v in filters.items() if v is not None}
        bindings = bound + filter_terms(filters)
        assert endpoint.total is not None
        counted = await select(request, shaped(self.queries[endpoint.total], given), bindings)
        total = int(counted[0].get("total", 0)) if counted else 0
        rows = []
        if offset < total:
            query = shaped(self.queries[endpoint.query], given, limit, offset)
            rows = await select(request, query, bindings)
        items = [endpoint.model.model_validate(r).model_dump(mode="json") for r in rows]
        return list_response(
            request, endpoint.model, items, limit, offset, format_name, total=total
        )


Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items on a page")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")]
Format = Annotated[
    Literal["json", "csv"] | None, Query(description="json or csv (overrides Accept)")
]


def _filter(name: str) -> Any:
    """The annotation of an optional filter: a slug, documented by FILTERS."""
    return Annotated[str | None, Query(pattern=_SLUG, description=FILTERS[name][1])]


def _signature(names: list[str], listing: bool, filters: tuple[str, ...] = ()) -> inspect.Signature:
    kw = inspect.Parameter.KEYWORD_ONLY
    params = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
    ]
    params += [inspect.Parameter(n, kw, annotation=_PARAMETERS[n]) for n in names]
    if listing:
        params += [
            inspect.Parameter("limit", kw, annotation=Limit, default=100),
            inspect.Parameter("offset", kw, annotation=Offset, default=0),
            inspect.Parameter("format", kw, annotation=Format, default=None),
        ]
    params += [inspect.Parameter(n, kw, annotation=_filter(n), default=None) for n in filters]
    return inspect.Signature(params)


def _handler(runner: Runner, endpoint: Endpoint) -> Callable[..., Awaitable[Any]]:
    names = re.findall(r"\{(\w+)\}", endpoint.path)

    async def handler(request: Request, **kwargs: Any) -> Any:
        params = {n: kwargs[n] for n in names}
        if endpoint.listing:
            filters = {n: kwargs[n] for n in endpoint.filters}
            return await runner.listing(
                request,
                endpoint,
                params,
                kwargs["limit"],
                kwargs["offset"],
                kwargs["format"],
                filters,
            )
        return await runner.resource(request, endpoint, params)

    signature = _signature(names, endpoint.listing, endpoint.filters)
    handler.__signature__ = signature  # type: ignore[attr-defined]
    handler.__name__ = re.sub(r"\W+", "_", endpoint.path.strip("/")).strip("_")
    return handler


CSV_CONTENT = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}


def load_rest_queries() -> dict[str, NamedQuery]:
    """The REST API's own named queries (`queryapi/rest/*.rq`)."""
    return load_folder(REST_DIR)


def router(queries: dict[str, NamedQuery]) -> APIRouter:
    """The REST routes of ENDPOINTS, over the REST API's named queries."""
    runner = Runner(queries)
    api = APIRouter()
    for endpoint in ENDPOINTS:
        model = m.Page[endpoint.model] if endpoint.listing else endpoint.model  # type: ignore[name-defined]
        api.add_api_route(
            endpoint.path,
            _handler(runner, endpoint),
            methods=["GET"],
            summary=endpoint.summary,
            response_model=model,
            tags=list(endpoint.tags),
            responses=CSV_CONTENT if endpoint.listing else None,
        )
    return api


__all__ = ["ENDPOINTS", "ParameterError", "rest_url", "router"]
