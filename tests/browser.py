"""Headless Chromium from Debian driven by Playwright for Python: the launch that the web tests and
`docs/screenshots.py` share, and the analyst's tour of the page, one screenshot per view.

Playwright's own browser download is never used (no `playwright install`): Debian's `chromium`
is launched by path, with the background services that would call out switched off.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = Path(os.environ.get("PLANGRAPH_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 860}
LUZHAI = "鹿寨县妇女发展规划（2021—2030年）"
MEASURE = "保障孕产妇安全分娩"
LEAD = "鹿寨县卫生健康局"


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium, closed afterwards."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Tour:
    """What the tour saw: the screenshots it wrote, the CSV it downloaded, every URL requested."""

    screenshots: list[Path] = field(default_factory=list)
    csv: str = ""
    requests: list[str] = field(default_factory=list)


def tour(browser: Browser, base: str, shots: Path) -> Tour:
    """Run a cookbook query and download its CSV; open 鹿寨县's plan, its health area, a measure
    (its lead, evidence and source sentence), the lead department, an indicator chart and a
    search; switch to English. Each view is checked, then shot to `shots/NAME.png`."""
    shots.mkdir(parents=True, exist_ok=True)
    seen = Tour()
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.on("request", lambda r: seen.requests.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def shoot(name: str) -> None:
        shown = page.locator("main").inner_text()
        assert not re.search(r"\b(null|undefined|NaN)\b|\[object ", shown), (name, shown[:400])
        path = shots / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)
        seen.screenshots.append(path)

    # The SPARQL editor: a cookbook query, its rows, sorting, CSV.
    page.goto(f"{base}/#/sparql")
    page.locator('#cookbook button[data-name="measures-of-area"]').click()
    rows = page.locator("#result-table tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.locator("#result-table")).to_contain_text(MEASURE)
    assert rows.count() == 12, rows.count()  # every health measure of 鹿寨 (the default plan)
    assert "measures-of-area" in page.url or "query=" in page.url, page.url
    header = page.locator("#result-table th").nth(1)
    header.click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(page.locator(".CodeMirror .cm-keyword").first).to_be_visible()  # highlighted
    shoot("sparql")
    with page.expect_download() as download:
        page.locator("#download-csv").click()
    seen.csv = Path(download.value.path()).read_text(encoding="utf-8")

    # The plan browser: plan → area → measure.
    page.locator('[data-nav="plans"]').click()
    page.get_by_role("link", name=LUZHAI, exact=True).click()
    expect(page.locator("h1")).to_have_text(LUZHAI)
    shoot("plan")
    page.locator("#area-list a", has_text="妇女与健康").click()
    expect(page.locator("#measure-list")).to_contain_text(MEASURE)
    shoot("area")
    page.locator("#measure-list a", has_text=MEASURE).click()
    expect(page.locator("#item-label")).to_have_text(MEASURE)
    lead = page.locator("#owner-table tbody tr", has=page.locator(".role-Lead"))
    expect(lead.first).to_contain_text(LEAD)
    expect(lead.first.locator(".evidence")).not_to_be_empty()
    highlighted = page.locator("#source-paragraph mark.source")
    expect(highlighted).to_contain_text(MEASURE)
    shoot("measure")

    # The lead department: what it leads and supports across plans.
    lead.first.locator("a.department-link").click()
    expect(page.locator("h1")).to_have_text(LEAD)
    expect(page.locator("#lead-table")).to_contain_text(MEASURE)
    shoot("department")

    # An indicator: every plan's target against the upstream one.
    page.locator('[data-nav="indicators"]').click()
    page.locator("#indicator-table a", has_text="孕产妇死亡率").first.click()
    expect(page.locator("svg.chart rect.bar").first).to_be_visible()
    assert page.locator("svg.chart rect.bar").count() >= 3
    expect(page.locator("svg.chart .upstream-line").first).to_be_attached()
    shoot("indicator")

    # A goal, from the indicator's table: its target and its trace upstream.
    page.locator("#indicator-targets tr", has_text="鹿寨县").locator("a").first.click()
    expect(page.locator("#target-table")).to_contain_text("孕产妇死亡率")
    expect(page.locator("#source-paragraph mark.source")).to_contain_text("孕产妇死亡率")
    expect(page.locator("#trace h2")).to_be_visible()
    shoot("goal")

    # Search, hits highlighted and linked to their nodes.
    page.locator("#search-input").fill("孕产妇")
    page.locator("#search-input").press("Enter")
    expect(page.locator("#search-hits mark.hit").first).to_have_text("孕产妇")
    expect(page.locator("#search-hits a.hit-link").first).to_have_attribute(
        "href", re.compile(r"^#/plan/")
    )
    shoot("search")

    # English UI labels; the data stays Chinese.
    page.locator("#lang-switch").click()
    expect(page.locator('[data-nav="plans"]')).to_have_text("Plans")
    page.goto(f"{base}/#/plan/liuzhou-luzhai-women-2021-2030/area/1")
    page.locator("#measure-list a", has_text=MEASURE).click()
    expect(page.locator("#owners h2")).to_have_text("Owners")
    expect(lead.first).to_contain_text("Lead")
    expect(page.locator("#source h2")).to_have_text("Source")
    shoot("measure-en")
    context.close()
    assert not errors, errors
    return seen


def expect_timeout(ms: int) -> None:
    """How long each expectation waits (CI machines are slow and shared)."""
    expect.set_options(timeout=ms)


def new_page(browser: Browser) -> Page:
    """A page of its own context, the tour's viewport."""
    return browser.new_context(viewport=VIEWPORT).new_page()
