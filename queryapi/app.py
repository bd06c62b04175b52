"""The HTTP application, made by `create_app(settings)`: nothing happens at import time.

The app holds one query pool (worker processes over the store or a remote endpoint), started
and stopped with the app's lifespan; routes are in routers, errors in one JSON shape.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from plangraph.settings import Settings
from queryapi import cookbook_api, graph_store, linked_data, rest, search_api, sparql_endpoint, web
from queryapi.cache import AnswerCache
from queryapi.errors import error_response, install_error_handlers
from queryapi.http import AppState
from queryapi.workers import Failure, QueryPool, source_of


class UrlLimit:
    """414 for a request whose path and query string pass `max_url` bytes, before routing."""

    def __init__(self, app: ASGIApp, max_url: int) -> None:
        self.app, self.max_url = app, max_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            size = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
            if size > self.max_url:
                failure = Failure(
                    414,
                    "uri-too-long",
                    f"the URL is {size} bytes, over {self.max_url}; POST long queries instead",
                )
                await error_response(failure)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(settings: Settings) -> FastAPI:
    """The plangraph HTTP app for these settings."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = QueryPool(
            source_of(settings), settings.workers, settings.max_waiting, settings.demote_after
        )
        await anyio.to_thread.run_sync(pool.start)
        limiter = anyio.CapacityLimiter(settings.workers + settings.max_waiting)
        cache = responses = None
        if settings.cache_mb and not settings.endpoint:
            cache = AnswerCache(settings.cache_mb * 1_000_000)
            responses = AnswerCache(settings.cache_mb * 1_000_000)
        app.state.plangraph = AppState(settings, pool, limiter, cache, responses)
        try:
            yield
        finally:
            pool.close()

    app = FastAPI(
        title="plangraph",
        description="Chinese development plans as an RDF knowledge graph: SPARQL 1.1 endpoint "
        "at /sparql, Graph Store Protocol (read) at /store, a REST API at /api/... (JSON, or "
        "CSV for lists), full-text search at /api/search and Linked Data at /id/... (every "
        "resource IRI https://w3id.org/plangraph/id/{path} resolves at /id/{path}; its REST "
        "form is /api/{path}); the web page at /.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.include_router(sparql_endpoint.router)
    app.include_router(graph_store.router)
    queries = rest.load_rest_queries()
    app.include_router(rest.router(queries))
    app.include_router(search_api.router)
    app.include_router(cookbook_api.router())
    app.include_router(linked_data.router(queries))
    app.include_router(web.router)
    app.mount("/static", web.static_files(), name="static")
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["X-Result-Rows", "X-Result-Truncated", "X-Result-Limit", "Retry-After"],
        max_age=3600,
    )
    app.add_middleware(sparql_endpoint.SparqlFastLane)
    app.add_middleware(UrlLimit, max_url=settings.max_url)
    return app
