"""The national outline as data: data/upstream/ TSV of main goals → an upstream Plan.

The TSV (area, goal, status, source, text; one goal a row) is what is known of the outline's goals,
each marked `confirmed` (a seed footnote quotes it) or `recalled` (unconfirmed wording and figures).
Spans point into the TSV file itself: `text[span.start:span.end]` is the goal's text cell.
Targets are read from the wording with the same reader as the local plans (find_targets).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import PlanError
from ingest.model import Area, Block, Item, Plan, SourceText, Span, TextStatus
from ingest.parse import ParsedDocument
from ingest.paths import DATA_DIR
from ingest.targets import find_targets

OUTLINE_FILE = DATA_DIR / "upstream" / "national-women-outline-2021-2030.tsv"
COLUMNS = ("area", "goal", "status", "source", "text")
STATUSES: tuple[TextStatus, ...] = ("confirmed", "recalled")
PUBLISHED_GOALS = 75  # the State Council's English news release of 2021-09-27


@dataclass(frozen=True)
class Outline:
    """What the TSV cannot say of the outline itself: its metadata, from data/upstream/README.md."""

    key: str
    title: str
    issuer: str
    doc_number: str
    issued: str  # ISO date
    period: tuple[int, int]
    areas: tuple[str, ...]  # in the outline's order
    published_goals: int


WOMEN_OUTLINE = Outline(
    key="china-women-outline-2021-2030",
    title="中国妇女发展纲要（2021—2030年）",
    issuer="国务院",
    doc_number="国发〔2021〕16号",
    issued="2021-09-27",
    period=(2021, 2030),
    areas=(
        "妇女与健康",
        "妇女与教育",
        "妇女与经济",
        "妇女参与决策和管理",
        "妇女与社会保障",
        "妇女与家庭建设",
        "妇女与环境",
        "妇女与法律",
    ),
    published_goals=PUBLISHED_GOALS,
)


@dataclass(frozen=True)
class Row:
    """One goal row of the TSV, with the span of its text cell."""

    area: str
    number: str
    status: TextStatus
    source: str
    text: str
    span: Span


def source_name(path: Path) -> str:
    """The file's name as spans cite it: data/upstream/… in a checkout, else its file name."""
    try:
        return path.resolve().relative_to(DATA_DIR.parent).as_posix()
    except ValueError:
        return path.name


def read_rows(text: str, name: str) -> list[Row]:
    """Every goal row of the TSV; a malformed row raises PlanError naming its line."""
    lines = text.split("\n")
    header = tuple(lines[0].rstrip("\r").split("\t"))
    if header != COLUMNS:
        raise PlanError(name, f"header is {header}; expected {COLUMNS} (tab-separated)", 1)
    rows: list[Row] = []
    offset = len(lines[0]) + 1
    for number, line in enumerate(lines[1:], 2):
        if line.strip():
            rows.append(_row(line.rstrip("\r"), offset, number, name))
        offset += len(line) + 1
    return rows


def _row(line: str, offset: int, number: int, name: str) -> Row:
    """One row, its text cell's span computed from the cells before it."""
    cells = line.split("\t")
    if len(cells) != len(COLUMNS):
        raise PlanError(
            name, f"{len(cells)} cells; expected {len(COLUMNS)}: {', '.join(COLUMNS)}", number
        )
    area, goal, status, source, text = cells
    if status not in STATUSES:
        raise PlanError(name, f"status “{status}”; expected one of {', '.join(STATUSES)}", number)
    if not goal.isdigit() or not text.strip():
        raise PlanError(name, "goal number or text missing; expected a number and wording", number)
    start = offset + len(line) - len(text)
    return Row(area, goal, status, source, text, Span(start, start + len(text), number))


def goal_item(row: Row, sequence: int, year: int) -> Item:
    """A goal of the outline from its row, with its targets read as local plans' are."""
    targets = [
        t.target(Span(row.span.start + t.start, row.span.start + t.end, row.span.line))
        for t in find_targets(row.text, year)
    ]
    label = row.text.split("。")[0].rstrip("，,")
    return Item(
        "goal",
        sequence,
        row.number,
        label,
        row.text,
        row.span,
        targets,
        status=row.status,
        status_source=row.source or None,
    )


def build_areas(rows: list[Row], outline: Outline, name: str) -> list[Area]:
    """The outline's areas in its order, each with its goals; a row of no known area raises."""
    areas = [Area(k, str(k), title, Span(0, 0, 1)) for k, title in enumerate(outline.areas, 1)]
    by_title = {a.title: a for a in areas}
    for row in rows:
        area = by_title.get(row.area.partition(" ")[2])
        if area is None or row.area != f"{area.sequence} {area.title}":
            expected = "、".join(f"{k} {t}" for k, t in enumerate(outline.areas, 1))
            raise PlanError(
                name, f"area “{row.area}”; expected one of the outline's: {expected}", row.span.line
            )
        if not area.goals:
            area.span = row.span
        area.goals.append(goal_item(row, len(area.goals) + 1, outline.period[1]))
    for area in areas:
        if area.goals:
            last = area.goals[-1].span
            area.span = Span(area.span.start, last.end, area.span.line)
    return areas


def coverage_note(rows: list[Row], outline: Outline) -> str:
    """The plan-level statement of how many of the published goals the data holds."""
    missing = outline.published_goals - len(rows)
    return (
        f"The published outline has {outline.published_goals} main goals; this data holds "
        f"{len(rows)} ({missing} missing, not invented). Goals marked recalled are unconfirmed: "
        "their wording, number within the area and any figure in them (and so their targets)."
    )


def read_outline(path: Path = OUTLINE_FILE, outline: Outline = WOMEN_OUTLINE) -> ParsedDocument:
    """The national outline as a parsed document: the TSV's text and the upstream plan read
    from it (area typing is left to derive, as for local plans)."""
    name = source_name(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise PlanError(name, f"cannot read ({err.strerror}); expected the outline's TSV") from None
    text = raw.decode("utf-8")
    rows = read_rows(text, name)
    plan = Plan(
        key=outline.key,
        source=name,
        title=outline.title,
        region="中国",
        parent_region=None,
        level="national",
        period_start=outline.period[0],
        period_end=outline.period[1],
        issuer=outline.issuer,
        doc_number=outline.doc_number,
        issued=outline.issued,
        areas=build_areas(rows, outline, name),
    )
    plan.comment = coverage_note(rows, outline)
    blocks = tuple(Block(r.span.start, len(r.text), f"line {r.span.line}") for r in rows)
    source = SourceText(name, text, "tsv", blocks)
    return ParsedDocument(source, hashlib.sha256(raw).hexdigest(), plan)
