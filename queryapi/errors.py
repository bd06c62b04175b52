"""One JSON shape for every error the HTTP API gives, and the handlers that produce it.

    {"error": {"status": 400, "code": "query-syntax", "message": "query: error at 1:7: ..."}}

`code` is stable and machine-readable; `message` says what is wrong and how to fix it.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from queryapi.workers import Failure, QueryFailed

ERROR_MEDIA_TYPE = "application/json"


class ApiError(Exception):
    """An error answer: raise it anywhere in a handler."""

    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.failure = Failure(status, code, message, retry_after)


def error_response(failure: Failure, headers: dict[str, str] | None = None) -> JSONResponse:
    """The one error shape, with Retry-After where the client should come back."""
    extra = dict(headers or {})
    if failure.retry_after is not None:
        extra["Retry-After"] = str(failure.retry_after)
    body = {"error": {"status": failure.status, "code": failure.code, "message": failure.message}}
    return JSONResponse(body, status_code=failure.status, headers=extra)


_HTTP_CODES = {404: "not-found", 405: "method-not-allowed", 413: "too-large", 414: "uri-too-long"}


def install_error_handlers(app: FastAPI) -> None:
    """Route every error (ours, Starlette's, validation, unexpected) through error_response."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, err: ApiError) -> JSONResponse:
        return error_response(err.failure)

    @app.exception_handler(QueryFailed)
    async def query_failed(request: Request, err: QueryFailed) -> JSONResponse:
        return error_response(err.failure)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, err: HTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(err.status_code, f"http-{err.status_code}")
        message = str(err.detail)
        if err.status_code == 404:
            message = f"{request.url.path}: no such resource; the SPARQL endpoint is /sparql"
        elif err.status_code == 405:
            message = (
                f"{request.method} {request.url.path}: method not allowed; this server is read-only"
            )
        return error_response(Failure(err.status_code, code, message), dict(err.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError) -> JSONResponse:
        parts = [
            f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in err.errors()
        ]
        return error_response(Failure(422, "invalid-parameter", "; ".join(parts)))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, err: Exception) -> JSONResponse:
        return error_response(
            Failure(500, "internal", f"internal error ({type(err).__name__}); please report it")
        )
