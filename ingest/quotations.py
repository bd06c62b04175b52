"""Upstream statements from footnotes: a local goal's note quoting an upstream plan's wording.

The Panyu plan's footnotes say, goal by goal, what the national outline and the Guangdong and
Guangzhou plans state: 《…》表述为：“…”, 《…》《…》：“…”, 此项指标与《…》表述一致, 与广州市规划一致,
《…》与省规一致 (the wording quoted for the provincial plan), 《…》无此项内容. `find_quotations`
reads them into plain data (derive.quoted turns them into upstream plans).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ingest.citations import edition_title, title_period, topic_plan
from ingest.model import Area, Citation, Item, Note, Plan, Span
from ingest.regions import name_level, title_region

Relation = Literal["quoted", "same", "absent"]
_DRAFT_AFTER = r"(?:\s*[（(](?:第[一二三四五六七八九十\d]+次)?(?:征求意见稿|送审稿)[）)])?"
_LEVEL_NAMES = (  # short names a note uses for the plans its plan cites in full, by level
    ("国家规划", "national"),
    ("国规", "national"),
    ("省规划", "provincial"),
    ("省规", "provincial"),
    ("市规划", "municipal"),
    ("市规", "municipal"),
)


@dataclass(frozen=True)
class Quotation:
    """A footnote of a local goal stating an upstream plan's wording for that goal."""

    local_plan: str  # the local plan's corpus key ("panyu")
    area: int  # the local goal's area sequence
    goal: int  # the local goal's sequence in that area
    cited_title: str  # canonical title of the upstream plan (canonical_title)
    wording: str | None  # the upstream goal's wording; the local goal's own text when the note
    # says the two are the same (表述一致/一致); None when the upstream plan has no such goal
    relation: Relation
    note: str  # the footnote marker
    span: Span  # into the local document's text: the quoted wording, or the footnote body


@dataclass(frozen=True)
class Statement:
    """One statement of a note about one plan reference, offsets relative to the note body.
    `like` names the reference whose quoted wording this one shares (《…》与省规一致)."""

    ref: str  # as printed: a 《title》 or a short name (广州市规划, 省规)
    relation: Relation
    start: int  # the quoted wording's offsets; the reference's for same/absent
    end: int
    wording: str | None = None
    like: str | None = None


class Names:
    """The plans a local plan names in full, and what its notes' short names stand for."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        period = (plan.period_start, plan.period_end)
        self.period = (period[0], period[1]) if period[0] and period[1] else None
        titles = sorted(
            {
                edition_title(c.title, self.period)
                for c in _all_citations(plan)
                if c.kind == "plan" and topic_plan(c.title)
            }
        )
        self.titles = [t for t in titles if self.period is None or title_period(t) == self.period]
        regions = {title_region(t): t for t in self.titles if not t.startswith("中国")}
        self.short = {f"{r}规划": t for r, t in regions.items() if r}
        for name, level in _LEVEL_NAMES:
            found = [t for t in self.titles if name_level(t) == level]
            if level == "municipal" and len(found) > 1 and plan.parent_region:
                found = [t for t in found if t.startswith(plan.parent_region)]
            if len(found) == 1:
                self.short[name] = found[0]
        short = "|".join(re.escape(n) for n in sorted(self.short, key=len, reverse=True))
        self.ref = (
            rf"(?:《[^《》]+》{_DRAFT_AFTER}|{short})" if short else rf"《[^《》]+》{_DRAFT_AFTER}"
        )

    def resolve(self, ref: str) -> str | None:
        """The canonical title a reference names, when it is a development plan of the period."""
        if not ref.startswith("《"):
            return self.short.get(ref)
        title = edition_title(ref[1 : ref.index("》")], self.period)
        return title if title in self.titles else None


def _all_citations(plan: Plan) -> list[Citation]:
    notes = [n for i in plan.items() for n in i.notes]
    notes += [n for a in plan.areas for n in a.notes] + [n for s in plan.sections for n in s.notes]
    return [*plan.citations, *(c for n in [*notes, *plan.notes] for c in n.citations)]


def read_note(body: str, names: Names) -> list[Statement]:
    """Every statement a note body makes about an upstream plan's wording, in order."""
    refs = rf"(?P<refs>(?:{names.ref})+)"
    forms = (
        ("quoted", re.compile(refs + r"(?:规划)?(?:表述为|一致)?：“(?P<q>[^”]+)”")),
        ("quoted", re.compile(refs + r"表述为：(?P<q>[^“”。]+)")),
        ("absent", re.compile(refs + r"\s*无此项内容")),
        ("like", re.compile(refs + rf"与(?P<like>{names.ref})(?:表述)?(?:保持)?一致")),
        ("same", re.compile(rf"与{refs}(?:规划)?\s*(?:表述|要求)?(?:保持)?一致(?!：“)")),
        ("same", re.compile(rf"(?:^同|内容来自){refs}(?=\W|$)")),
    )
    found: list[tuple[int, Statement]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in forms:
        for m in pattern.finditer(body):
            if any(a < m.end("refs") and m.start("refs") < b for a, b in taken):
                continue
            taken.append((m.start("refs"), m.end("refs")))
            if kind == "like":  # the plan it is like is no statement of its own
                taken.append((m.start("like"), m.end("like")))
            for r in re.finditer(names.ref, m.group("refs")):
                at = m.start("refs") + r.start()
                ref = r.group().strip()
                if kind == "quoted":
                    st = Statement(ref, "quoted", m.start("q"), m.end("q"), m.group("q").strip())
                elif kind == "like":
                    like = m.group("like").strip()
                    st = Statement(ref, "quoted", at, at + len(ref), like=like)
                else:
                    st = Statement(ref, kind, at, at + len(ref))  # type: ignore[arg-type]
                found.append((at, st))
    return [st for _, st in sorted(found, key=lambda x: x[0])]


def find_quotations(plan: Plan) -> list[Quotation]:
    """Every upstream statement of the plan's goal footnotes, in order: quoted wording, the same
    wording as the local goal, or no such goal; short names resolved to the titles the plan
    cites in full. A note whose span is not exactly its body (see Note.span) states none."""
    names = Names(plan)
    out: list[Quotation] = []
    for area in plan.areas:
        for goal in area.goals:
            for note in goal.notes:
                if note.text and note.span.end - note.span.start == len(note.text):
                    out += _quotations(plan, area, goal, note, names)
    return out


def _quotations(plan: Plan, area: Area, goal: Item, note: Note, names: Names) -> list[Quotation]:
    body, at, marker = note.text, note.span.start, note.marker
    statements = read_note(body, names)
    quoted = {
        names.resolve(s.ref): s for s in statements if s.relation == "quoted" and s.like is None
    }
    out: list[Quotation] = []
    for s in statements:
        title = names.resolve(s.ref)
        if title is None:
            continue
        relation, wording, start, end = s.relation, s.wording, s.start, s.end
        if s.like is not None:
            source = quoted.get(names.resolve(s.like))
            if source is None:  # shares a wording the note does not quote: the local one
                relation, wording = "same", None
            else:
                wording, start, end = source.wording, source.start, source.end
        if relation == "same":
            wording, start, end = goal.text, 0, len(body)
        elif relation == "absent":
            wording, start, end = None, 0, len(body)
        span = Span(at + start, at + end, note.span.line + body.count("\n", 0, start))
        out.append(
            Quotation(
                plan.key, area.sequence, goal.sequence, title, wording, relation, marker, span
            )
        )
    return out
