"""Upstream plans from footnote quotations: the provincial and city plans a local plan's
footnotes quote (ingest.quotations), each as an upstream Plan whose goals are the quoted wordings.

Its areas are the local plan's (the same area types), numbered by the area types' order; its goals
are numbered by order of quotation within the area. The national outline's goals come from its own
data (ingest.upstream), so quotations of it make no goals here.
"""

from __future__ import annotations

import dataclasses

from derive.areas import area_concepts
from ingest.citations import canonical_title, title_period
from ingest.model import Area, Item, Plan, Span
from ingest.parse import ParsedDocument
from ingest.quotations import Quotation, find_quotations
from ingest.regions import name_level, title_region
from ingest.targets import find_targets

NUMBERING_NOTE = (
    "Known only from the footnotes of {local}, which quote its wording for the local goals: its "
    "areas are numbered by the area types' order and its goals by order of quotation within the "
    "area, not by the plan's own numbering. Its targets are read from the quoted wording."
)


def quoted_plans(doc: ParsedDocument) -> list[ParsedDocument]:
    """An upstream Plan for each non-national plan the document's footnotes quote, read from the
    quotations: the local plan's areas (same area types) and one goal per quotation (quoted or
    the same wording; none for an absent goal), its targets read by the same target reader and
    its span in the local document. The national outline's goals come from its own data."""
    by_title: dict[str, list[Quotation]] = {}
    for q in find_quotations(doc.plan):
        if q.relation != "absent" and name_level(q.cited_title) != "national":
            by_title.setdefault(q.cited_title, []).append(q)
    return [
        ParsedDocument(doc.source, doc.sha256, _upstream_plan(doc, title, quotes))
        for title, quotes in sorted(by_title.items())
    ]


def _upstream_plan(doc: ParsedDocument, title: str, quotes: list[Quotation]) -> Plan:
    local = doc.plan
    period = title_period(title)
    up = Plan(
        key=f"{local.key}/{title}",
        source=local.source,
        title=canonical_title(title),
        region=title_region(title) or "",
        parent_region=None,
        level=name_level(title) or "county",
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        kind=local.kind,
        derived_from=local.key,
    )
    up.comment = NUMBERING_NOTE.format(local=f"{local.title} ({local.source})")
    order = [c.slug for c in area_concepts() if c.kind == local.kind]
    areas: dict[int, Area] = {}
    for q in quotes:
        area = local.areas[q.area - 1]
        goal = area.goals[q.goal - 1]
        seq = order.index(area.concept) + 1 if area.concept in order else area.sequence
        if seq not in areas:
            areas[seq] = Area(seq, "", area.title, area.span, concept=area.concept)
        target = areas[seq]
        target.goals.append(_goal(q, goal, len(target.goals) + 1, up))
    up.areas = [areas[k] for k in sorted(areas)]
    return up


def _goal(q: Quotation, local: Item, sequence: int, up: Plan) -> Item:
    """The upstream goal a quotation states: its wording, targets and span in the local text."""
    wording = q.wording or ""
    if q.relation == "same":
        span = local.span
        targets = [dataclasses.replace(t) for t in local.targets]
    else:
        span = q.span
        year = up.period_end or 2030
        targets = [
            t.target(Span(span.start + t.start, span.start + t.end, span.line))
            for t in find_targets(wording, year)
        ]
    return Item(
        "goal",
        sequence,
        None,
        wording.split("。")[0].rstrip("，,"),
        wording,
        span,
        targets,
        status="confirmed",
        status_source=f"{q.local_plan} footnote {q.note}",
        quoted_for=(q.local_plan, q.area, q.goal),
    )
