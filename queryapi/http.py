"""What every HTTP route shares: the settings and pool on the app, bounded body reads, running a
job through the pool without blocking the event loop, and answer responses with their headers."""

from __future__ import annotations

import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import anyio
from fastapi import Request, Response

from plangraph.settings import Settings
from queryapi.cache import AnswerCache
from queryapi.errors import ApiError
from queryapi.results import Serialized
from queryapi.store import store_generation
from queryapi.workers import Job, QueryFailed, QueryPool, busy

T = TypeVar("T")


@dataclass(frozen=True)
class KeptResponse:
    """An HTTP answer as it was sent, to send again for the same request."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


# A request as far as its answer depends on it: method, scheme, path, query string, the headers
# negotiation and the base IRI read, and the body.
RequestKey = tuple[object, ...]


@dataclass
class AppState:
    """What the app holds while it runs: its settings, the query pool, a thread limiter and the
    answer caches (None over a remote endpoint, whose data may change under it): answers by
    job, and /sparql's whole responses by request. Both hold the same bytes objects."""

    settings: Settings
    pool: QueryPool
    limiter: anyio.CapacityLimiter
    cache: AnswerCache[Job, Serialized] | None
    responses: AnswerCache[RequestKey, KeptResponse] | None

    def generation(self) -> str | None:
        """The store's current generation (None: no cache applies)."""
        return None if self.cache is None else store_generation(self.settings.store)


def app_state(request: Request) -> AppState:
    """The running app's state."""
    return request.app.state.plangraph


async def run_job(request: Request, job: Job) -> Serialized:
    """Answer a job from the cache or in the pool; 503 at once with Retry-After when every
    place is taken."""
    state = app_state(request)
    generation = state.generation()
    if state.cache is not None and (kept := state.cache.get(generation, job)) is not None:
        return kept
    if not state.pool.admit():
        raise QueryFailed(busy())

    def in_thread(fn: Callable[..., T], *args: object) -> Awaitable[T]:
        return anyio.to_thread.run_sync(fn, *args, limiter=state.limiter)

    try:
        answer = await state.pool.run_admitted_async(job, state.settings.timeout, in_thread)
    finally:
        state.pool.release()
    if state.cache is not None:
        state.cache.put(generation, job, answer)
    return answer


def answer_response(
    answer: Serialized, limit: int, headers: dict[str, str] | None = None
) -> Response:
    """The answer's bytes with its media type, row count and, when cut, the cap it hit."""
    extra = {"Vary": "Accept", "X-Result-Rows": str(answer.rows), **(headers or {})}
    if answer.truncated:
        extra["X-Result-Truncated"] = "true"
        extra["X-Result-Limit"] = str(limit)
    media_type = answer.media_type
    if media_type.startswith("text/"):
        media_type += "; charset=utf-8"
    return Response(answer.body, media_type=media_type, headers=extra)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, or 413 as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "too-large", f"request body of {declared} bytes is over {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "too-large", f"request body is over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def decode_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    """URL-encoded parameters, strictly UTF-8 (400 naming `where` otherwise)."""
    try:
        return urllib.parse.parse_qsl(
            raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict"
        )
    except UnicodeDecodeError as err:
        raise ApiError(
            400, "not-utf8", f"{where} is not UTF-8 (byte {err.start}); percent-encode UTF-8"
        ) from None
    except ValueError as err:
        raise ApiError(400, "bad-parameters", f"{where}: {err}") from None


def require_utf8(charset: str | None, where: str) -> None:
    """415 for a declared charset other than UTF-8."""
    if charset and charset.lower().replace("-", "") != "utf8":
        raise ApiError(
            415, "unsupported-charset", f"{where}: charset {charset} is not supported; send UTF-8"
        )


def utf8_text(body: bytes, charset: str | None, where: str) -> str:
    """A text body as UTF-8; 415 for another declared charset, 400 for bytes that are not UTF-8."""
    require_utf8(charset, where)
    try:
        return body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise ApiError(
            400, "not-utf8", f"{where} is not UTF-8 (byte {err.start}); send UTF-8"
        ) from None
