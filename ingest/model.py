"""The plan model: plain data passed from the readers to the RDF builder.

Every extracted element carries a `Span` into the decoded text of its source document, so that
`source.text[span.start:span.end]` is the passage it was read from.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

Comparator = Literal["at_least", "at_most", "approximately", "exactly"]
ItemKind = Literal["goal", "measure", "project", "implementation", "monitoring", "principle"]
CitationKind = Literal["plan", "law", "other"]
Level = Literal["national", "provincial", "municipal", "county"]
TextStatus = Literal["confirmed", "recalled"]


@dataclass(frozen=True)
class Block:
    """One stretch of a reader's text and where it came from in the original file."""

    offset: int  # where the block starts in SourceText.text
    length: int
    locator: str  # e.g. "line 12", "word/document.xml paragraph 40", "html line 88 col 5"


@dataclass(frozen=True)
class SourceText:
    """What a reader yields: the document's decoded text and a map back to the original file."""

    name: str  # the document's name in the corpus (its file name)
    text: str
    format: str  # txt | md | docx | html | pdf
    blocks: tuple[Block, ...] = ()

    def locate(self, offset: int) -> str:
        """Say where a text offset lies in the original file."""
        for block in self.blocks:
            if block.offset <= offset < block.offset + max(block.length, 1):
                return block.locator
        return f"line {self.text.count(chr(10), 0, offset) + 1}"


@dataclass(frozen=True)
class Span:
    """Code-point offsets into SourceText.text (end exclusive) and the 1-based start line."""

    start: int
    end: int
    line: int


@dataclass
class Target:
    """One quantitative target: 孕产妇死亡率下降到8/10万以下 → at_most 8 1/10万."""

    indicator: str
    value: Decimal
    unit: str
    comparator: Comparator
    year: int
    phrase: str  # the words the target was read from
    span: Span


@dataclass
class Citation:
    """A 《…》 title named in the text, and whether the sentence makes it the plan's basis."""

    title: str
    kind: CitationKind
    basis: bool
    sentence: str
    span: Span  # the title with its 《》
    draft: str | None = None  # a draft suffix printed after the 》 (（送审稿）), not in the span


@dataclass
class Note:
    """A footnote, moved out of the running text and attached to what it annotates."""

    marker: str  # as printed: "3", "¹"
    text: str
    span: Span  # the footnote body (the whole note, marker and brackets, where the body's
    # text is not found verbatim in the original)
    citations: list[Citation] = field(default_factory=list)  # the titles the note names


@dataclass
class Responsibility:
    """Who owns an item: a department type (or a generic actor), its role, basis and evidence."""

    department: str | None  # department type slug; None for a generic actor (用人单位 …)
    role: Literal["lead", "support"]
    basis: Literal["stated", "inferred"]
    confidence: Decimal
    evidence: str  # the words that justify it: the clause naming it, or the cue terms
    actor: str | None = None  # the words naming the actor, when the text names it
    unresolved: bool = False  # a stated department the registry cannot type: actor is its name


@dataclass
class OwnerClause:
    """A stated-owner clause printed with an item, （责任单位：A、B）, （A牵头，B配合） …: the units
    as printed with the role the clause gives each."""

    text: str  # the clause as printed
    units: list[tuple[str, Literal["lead", "support"]]]  # printed name, role; in order
    span: Span


@dataclass
class Item:
    """A numbered item: a goal, a measure, a key project, an implementation or monitoring item."""

    kind: ItemKind
    sequence: int  # 1-based order of appearance in its parent
    number: str | None  # as printed; may repeat or skip
    label: str  # short title: the lead phrase
    text: str  # the whole item, cleaned of conversion markers
    span: Span
    targets: list[Target] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    responsibilities: list[Responsibility] = field(default_factory=list)
    owner_clause: OwnerClause | None = None
    status: TextStatus | None = None  # an upstream plan's goal: is its wording confirmed?
    status_source: str | None = None  # what confirms it (a seed footnote), as the data names it
    quoted_for: tuple[str, int, int] | None = None  # (local plan key, area, goal) it was quoted for


@dataclass
class Section:
    """A general section: 序言, 指导思想, 基本原则, 总体目标, or the heading of a part."""

    key: str  # preamble | guiding_ideology | principles | overall_goals
    title: str
    text: str
    span: Span
    items: list[Item] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)


@dataclass
class Area:
    """A development area (妇女与健康 …) with its goals and measures."""

    sequence: int
    number: str  # as printed: 一, 二 …
    title: str
    span: Span
    goals: list[Item] = field(default_factory=list)
    measures: list[Item] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    concept: str | None = None  # the area concept of the plan's scheme (health …), or None


@dataclass
class Plan:
    """One plan document, read faithfully."""

    key: str  # corpus key, e.g. "qujiang"
    source: str  # the document's name in the corpus
    title: str
    region: str
    parent_region: str | None
    level: Level
    period_start: int | None
    period_end: int | None
    issuer: str | None = None
    doc_number: str | None = None
    issued: str | None = None  # ISO date
    sections: list[Section] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    key_projects: list[Item] = field(default_factory=list)
    implementation: list[Item] = field(default_factory=list)
    monitoring: list[Item] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)  # every citation, in order
    notes: list[Note] = field(default_factory=list)  # notes not attached to an item
    kind: str | None = None  # women | children: the national outline whose areas it follows
    warnings: list[str] = field(default_factory=list)  # FILE:LINE: what is odd but kept
    comment: str | None = None  # a statement about the data itself (an upstream plan's coverage)
    derived_from: str | None = None  # an upstream plan read from a local plan's notes: its key

    def items(self) -> list[Item]:
        """Every numbered item in order of appearance."""
        out: list[Item] = [i for s in self.sections for i in s.items]
        for area in self.areas:
            out += area.goals + area.measures
        return out + self.key_projects + self.implementation + self.monitoring

    def to_dict(self, spans: bool = True) -> dict[str, Any]:
        """A JSON-ready dict; without spans it compares across renderings of one document."""
        data = dataclasses.asdict(self)
        return _jsonable(data, spans)


def _jsonable(value: Any, spans: bool) -> Any:
    if isinstance(value, dict):
        return {
            k: _jsonable(v, spans) for k, v in value.items() if spans or k not in ("span", "source")
        }
    if isinstance(value, list):
        return [_jsonable(v, spans) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    return value
