"""The web page at `/` in a real headless Chromium (Debian's) against a real `plangraph serve`
on the built store: the analyst's tour, the shareable query URL, no request leaving the server."""

from __future__ import annotations

import csv
import io
import os
import struct
import tomllib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.browser import CHROMIUM, MEASURE, chromium, expect_timeout, new_page, tour
from tests.conftest import PLANS
from tests.servers import Server, plangraph_serve

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def server(built_store: Path) -> Iterator[Server]:
    with plangraph_serve(built_store) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        missing = (
            f"Debian's chromium is not installed ({CHROMIUM}): `apt-get install -y chromium`; "
            ".ci/run installs it"
        )
        if os.environ.get("CI"):
            pytest.fail(missing)  # CI must run the browser tests, not skip them
        pytest.skip(missing)
    expect_timeout(10_000)
    with chromium() as browser:
        yield browser


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", head[16:24])


def test_every_static_file_ships_in_the_wheel() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = pyproject["tool"]["setuptools"]["package-data"]["queryapi"]
    package = ROOT / "queryapi"
    shipped = {p for g in globs for p in package.glob(g) if p.is_file()}
    files = {p for p in (package / "static").rglob("*") if p.is_file()}
    assert files and files <= shipped, sorted(str(p.relative_to(package)) for p in files - shipped)


def test_page_and_its_files_come_from_the_package(server: Server) -> None:
    page = httpx.get(f"{server.url}/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    scripts = [
        "/static/js/main.js",
        "/static/vendor/codemirror/codemirror.js",
        "/static/vendor/codemirror/sparql.js",
        "/static/vendor/codemirror/codemirror.css",
    ]
    for path in scripts:
        assert f'"{path}"' in page.text, path
    for path in [*scripts, "/static/vendor/codemirror/LICENSE", "/static/vendor/README.md"]:
        assert httpx.get(f"{server.url}{path}").status_code == 200, path
    missing = httpx.get(f"{server.url}/static/no-such.js")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not-found"


def test_the_analysts_tour(server: Server, browser: Browser, tmp_path: Path) -> None:
    seen = tour(browser, server.url, tmp_path)
    names = [p.stem for p in seen.screenshots]
    assert names == [
        "sparql",
        "plan",
        "area",
        "measure",
        "department",
        "indicator",
        "goal",
        "search",
        "measure-en",
    ]
    for path in seen.screenshots:
        assert png_size(path) == (1280, 860), path
    rows = list(csv.DictReader(io.StringIO(seen.csv)))
    assert set(rows[0]) == {"title", "sequence", "number", "measure"}
    assert {r["title"] for r in rows} == {"鹿寨县妇女发展规划（2021—2030年）"}  # its default plan
    assert any(r["measure"] == MEASURE for r in rows), rows[:3]
    structure = tomllib.loads((ROOT / "tests/data/expected_structure.toml").read_text("utf-8"))
    assert len(rows) == structure["luzhai"]["areas"][0][2]  # every health measure of 鹿寨
    outside = [u for u in seen.requests if not u.startswith((server.url, "blob:", "data:"))]
    assert not outside, outside


@pytest.mark.parametrize("plan", PLANS)
def test_each_plans_first_measure_shows_its_lead_and_source(
    server: Server, browser: Browser, plan: str
) -> None:
    plans = httpx.get(f"{server.url}/api/plans", params={"limit": 100}).json()["items"]
    (slug,) = [p["url"].rsplit("/", 1)[1] for p in plans if f"-{plan}-women-2021" in p["iri"]]
    page = new_page(browser)
    page.goto(f"{server.url}/#/plan/{slug}/area/1/measure/1")
    lead = page.locator("#owner-table tbody tr", has=page.locator(".role-Lead")).first
    expect(lead.locator("a.department-link")).not_to_be_empty()
    expect(lead.locator(".evidence")).not_to_be_empty()
    title = page.locator("#item-label").inner_text()
    expect(page.locator("#source-paragraph mark.source")).to_contain_text(title[:6])
    page.context.close()


def test_a_late_answer_does_not_overwrite_the_next_view(server: Server, browser: Browser) -> None:
    """A search whose answer comes after the analyst has moved on stays out of the new view."""
    page = new_page(browser)
    held = []
    page.route("**/api/search?*", lambda route: held.append(route))  # hold the answer back
    page.goto(f"{server.url}/#/search?q=孕产妇")
    page.wait_for_function("() => document.querySelector('#view .muted')")
    assert len(held) == 1
    page.goto(f"{server.url}/#/plan/liuzhou-luzhai-women-2021-2030/area/1")
    expect(page.locator("#measure-list")).to_contain_text(MEASURE)
    held[0].continue_()
    page.wait_for_timeout(300)
    expect(page.locator("#measure-list")).to_contain_text(MEASURE)
    expect(page.locator("#search-hits")).to_have_count(0)
    page.context.close()


def test_a_query_url_opens_and_runs_it(server: Server, browser: Browser) -> None:
    query = "SELECT ?title WHERE { ?p pg:hasArea ?a ; dcterms:title ?title } GROUP BY ?title"
    page = new_page(browser)
    page.goto(f"{server.url}/?query={quote(query)}")
    expect(page.locator("#result-table tbody tr")).to_have_count(
        7
    )  # four plans, the outline, two plans Panyu quotes
    expect(page.locator("#result-table")).to_contain_text("鹿寨县妇女发展规划（2021—2030年）")
    assert "#/sparql?query=" in page.url  # the shareable form, in the hash
    page.goto(f"{server.url}/#/sparql?query={quote('SELECT * WHERE { ?s ?p }')}")
    expect(page.locator("#sparql-status.error")).to_contain_text("出错了: query: error at 1:")
    page.context.close()


def test_the_department_list_is_a_page_of_a_region_or_a_function(
    server: Server, browser: Browser
) -> None:
    """The list asks the server for one page (of a region, of a function), never the whole list,
    and links each jurisdiction and function to its own list."""
    region = "liuzhou-luzhai"
    expected = httpx.get(f"{server.url}/api/departments", params={"region": region}).json()
    page = new_page(browser)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/departments" in r.url else None)
    page.goto(f"{server.url}/#/departments?region={region}")
    rows = page.locator("#department-table tbody tr")
    expect(rows).to_have_count(expected["total"])
    expect(page.locator("h1")).to_contain_text("鹿寨县")
    assert all(f"region={region}" in u and "limit=100" in u for u in asked), asked
    rows.locator("a.department-type-link").first.click()
    expect(page.locator("#department-pager")).to_contain_text("/ ")
    assert "function=" in page.url, page.url
    types = page.locator("#department-table tbody a.department-type-link").all_inner_texts()
    assert types and len(set(types)) == 1, types
    page.goto(f"{server.url}/#/departments")
    whole = httpx.get(f"{server.url}/api/departments").json()
    expect(rows).to_have_count(len(whole["items"]))
    if whole["next"]:
        page.locator("#department-pager a.next").click()
        expect(page.locator("#department-pager")).to_contain_text("101–")
    page.context.close()
