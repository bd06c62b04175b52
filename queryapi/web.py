"""The web page: `/` is the single-page app and `/static/...` its scripts, styles and vendored
libraries, all read from the package's own files, so the page needs no network at run time."""

from __future__ import annotations

from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

router = APIRouter()


def _index() -> str:
    return (resources.files("queryapi") / "static" / "index.html").read_text(encoding="utf-8")


@router.get("/", include_in_schema=False)
async def index() -> HTMLResponse:
    """The page; it reads its view from the URL (`#/plan/...`, `?query=...`) in the browser."""
    return HTMLResponse(_index(), headers={"Cache-Control": "no-cache"})


def static_files() -> StaticFiles:
    """The app's `/static` mount: the files under queryapi/static/."""
    return StaticFiles(packages=[("queryapi", "static")])
