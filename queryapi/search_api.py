"""`/api/search?q=…`: full-text search over goals, measures and key projects (queryapi/search.py),
answered from the current generation's index in milliseconds, hits linked to their nodes."""

from __future__ import annotations

from typing import Annotated, Literal

import anyio
from fastapi import APIRouter, Query, Request, Response

from queryapi import rest_models as m
from queryapi.errors import ApiError
from queryapi.http import app_state
from queryapi.rest import CSV_CONTENT, ID, Format, Limit, Offset, list_response, rest_url
from queryapi.search import SEARCH_FILE, SearchUnavailable, search
from queryapi.store import generation_dir

router = APIRouter()
Q = Annotated[
    str, Query(min_length=1, max_length=200, description="words to find (all must occur)")
]
PlanSlug = Annotated[
    str | None,
    Query(pattern=r"^[a-z0-9][a-z0-9-]{0,199}$", description="only this plan (its IRI slug)"),
]
Kind = Annotated[Literal["goal", "measure", "project"] | None, Query(description="only this kind")]


@router.get(
    "/api/search",
    summary="Full-text search over goal, measure and key-project text, matches marked",
    response_model=m.SearchPage,
    tags=["search"],
    responses=CSV_CONTENT,
)
async def search_items(
    request: Request,
    q: Q,
    plan: PlanSlug = None,
    kind: Kind = None,
    limit: Limit = 20,
    offset: Offset = 0,
    format: Format = None,
) -> Response:
    """Hits for `q`, best first: each with its IRI, REST URL, kind, plan and a snippet."""
    settings = app_state(request).settings
    folder = None if settings.endpoint else generation_dir(settings.store)
    if folder is None:
        raise ApiError(
            503,
            "no-search-index",
            "search needs the embedded store (not --endpoint); run `plangraph build`",
        )
    plan_iri = f"{ID}plan/{plan}" if plan else None
    try:
        found = await anyio.to_thread.run_sync(
            lambda: search(folder / SEARCH_FILE, q, limit, offset, plan_iri, kind)
        )
    except SearchUnavailable as err:
        raise ApiError(503, "no-search-index", f"{err}: run `plangraph build`") from None
    items = [{**h.__dict__, "url": rest_url(h.iri)} for h in found.hits]
    return list_response(
        request, m.SearchHit, items, limit, offset, format, {"query": q}, total=found.total
    )
