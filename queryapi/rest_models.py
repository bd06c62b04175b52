"""The REST API's response shapes, so that /openapi.json says what each endpoint returns.

Field names are the SPARQL variables of the endpoint's queries (`queryapi/rest/*.rq`). Every
resource carries its `iri` and `url`: the IRI's path after `/id/` is the REST path after `/api/`.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Page(Model, Generic[T]):
    """One page of a list: its items, how many there are in all, and the next page's URL."""

    items: list[T]
    total: int
    limit: int
    offset: int
    next: str | None = None


class Link(Model):
    iri: str
    url: str | None = None
    title: str | None = None
    level: str | None = None


class PlanSummary(Model):
    iri: str
    url: str | None = None
    title: str
    level: str | None = None
    jurisdiction: str | None = None
    jurisdictionLabel: str | None = None
    periodStart: str | None = None
    periodEnd: str | None = None
    areas: int = 0


class AreaSummary(Model):
    iri: str
    url: str | None = None
    sequence: int
    label: str
    areaType: str | None = None
    areaTypeLabel: str | None = None
    areaTypeLabelEn: str | None = None
    goals: int = 0
    measures: int = 0


class ProjectSummary(Model):
    iri: str
    url: str | None = None
    sequence: int
    number: str | None = None
    label: str | None = None


class Plan(Model):
    iri: str
    url: str | None = None
    title: str
    level: str | None = None
    jurisdiction: str | None = None
    jurisdictionLabel: str | None = None
    regionCode: str | None = None
    periodStart: str | None = None
    periodEnd: str | None = None
    identifier: str | None = None
    issued: str | None = None
    comment: str | None = None
    areaScheme: str | None = None
    sourceFile: str | None = None
    basedOn: list[Link] = []
    upstreamPlan: list[Link] = []
    supersedes: list[Link] = []
    areas: list[AreaSummary] = []
    keyProjects: list[ProjectSummary] = []


class ItemSummary(Model):
    iri: str
    url: str | None = None
    kind: str
    sequence: int
    number: str | None = None
    label: str | None = None
    lead: str | None = None
    leadLabel: str | None = None
    targets: int = 0


class Area(Model):
    iri: str
    url: str | None = None
    plan: str
    planTitle: str
    sequence: int
    label: str
    areaType: str | None = None
    areaTypeLabel: str | None = None
    areaTypeLabelEn: str | None = None
    goals: list[ItemSummary] = []
    measures: list[ItemSummary] = []


class Target(Model):
    iri: str
    indicator: str | None = None
    indicatorLabel: str | None = None
    value: float | None = None
    unit: str | None = None
    comparator: str | None = None
    year: str | None = None
    phrase: str | None = None


class Owner(Model):
    iri: str
    department: str
    departmentUrl: str | None = None
    departmentLabel: str | None = None
    departmentType: str | None = None
    role: str | None = None
    basis: str | None = None
    confidence: float | None = None
    evidence: str | None = None


class Alignment(Model):
    iri: str | None = None
    toGoal: str
    toGoalUrl: str | None = None
    toGoalLabel: str | None = None
    toPlan: str | None = None
    toPlanTitle: str | None = None
    toLevel: str | None = None
    score: float | None = None
    method: str | None = None
    comparison: str | None = None


class Note(Model):
    iri: str
    marker: str | None = None
    text: str | None = None


class Source(Model):
    """Where the item was read: the span, its passage and the paragraph around it."""

    file: str
    start: int
    end: int
    line: int | None = None
    text: str | None = None
    paragraph: str | None = None
    paragraphStart: int | None = None
    paragraphEnd: int | None = None
    highlightStart: int | None = None
    highlightEnd: int | None = None
    matchesBuild: bool | None = None


class Item(Model):
    """A goal, measure or key project."""

    iri: str
    url: str | None = None
    kind: str
    plan: str
    planTitle: str
    area: str | None = None
    areaLabel: str | None = None
    sequence: int
    number: str | None = None
    label: str | None = None
    text: str | None = None
    textStatus: str | None = None
    statusSource: str | None = None
    source: Source | None = None
    targets: list[Target] = []
    owners: list[Owner] = []
    alignments: list[Alignment] = []
    notes: list[Note] = []


class DepartmentSummary(Model):
    iri: str
    url: str | None = None
    label: str | None = None
    departmentType: str | None = None
    departmentTypeLabel: str | None = None
    jurisdiction: str | None = None
    jurisdictionLabel: str | None = None
    leads: int = 0
    supports: int = 0


class Responsibility(Model):
    iri: str
    url: str | None = None
    kind: str
    label: str | None = None
    plan: str
    planTitle: str
    role: str | None = None
    basis: str | None = None
    confidence: float | None = None
    evidence: str | None = None


class Department(Model):
    iri: str
    url: str | None = None
    label: str | None = None
    altLabels: str | None = None
    departmentType: str | None = None
    departmentTypeLabel: str | None = None
    departmentTypeLabelEn: str | None = None
    jurisdiction: str | None = None
    jurisdictionLabel: str | None = None
    leads: list[Responsibility] = []
    supports: list[Responsibility] = []


class IndicatorSummary(Model):
    iri: str
    url: str | None = None
    label: str | None = None
    plans: int = 0
    targets: int = 0


class PlanTarget(Model):
    iri: str
    plan: str
    planTitle: str
    level: str | None = None
    upstreamPlan: str | None = None
    item: str
    itemUrl: str | None = None
    itemLabel: str | None = None
    value: float | None = None
    unit: str | None = None
    comparator: str | None = None
    year: str | None = None
    phrase: str | None = None
    textStatus: str | None = None


class Indicator(Model):
    iri: str
    url: str | None = None
    label: str | None = None
    targets: list[PlanTarget] = []
    upstream: list[PlanTarget] = []


class TraceTarget(Model):
    target: str
    indicator: str | None = None
    indicatorLabel: str | None = None
    value: float | None = None
    unit: str | None = None
    comparator: str | None = None
    year: str | None = None


class TraceStep(Model):
    """One goal on the way up: the plan it is in, and the verdict of the link that led to it."""

    step: str
    stepUrl: str | None = None
    plan: str
    planTitle: str
    level: str | None = None
    label: str | None = None
    fromGoal: str | None = None
    alignment: str | None = None
    score: float | None = None
    method: str | None = None
    verdict: str | None = None
    targets: list[TraceTarget] = []


class Gap(Model):
    gap: str  # nationalWithoutLocal or localWithoutNational
    iri: str
    url: str | None = None
    label: str | None = None
    area: str
    areaLabel: str | None = None
    areaType: str | None = None
    nationalPlan: str


class QueryParameter(Model):
    name: str
    type: str
    default: str | None = None
    language: str | None = None
    description: str = ""


class CookbookQuery(Model):
    name: str
    url: str
    question: str
    parameters: list[QueryParameter]
    sparql: str  # the query's text as in its file, to edit or send to /sparql


class SearchHit(Model):
    iri: str
    url: str | None = None
    kind: str
    plan: str
    planTitle: str
    label: str | None = None
    snippet: str
    score: float


class SearchPage(Page[SearchHit]):
    query: str


Row = dict[str, Any]
