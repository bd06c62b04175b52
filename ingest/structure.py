"""Read the structure of a cleaned plan: parts, general sections, areas, numbered items, notes.

Order of appearance is the truth: sequences count items as they come, printed numbers are kept
as printed (they repeat and skip in real documents).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.citations import FoundCitation, canonical_title, find_citations
from ingest.clauses import find_owner_clause
from ingest.errors import PlanError
from ingest.model import (
    Area,
    Citation,
    Item,
    ItemKind,
    Note,
    OwnerClause,
    Plan,
    Section,
    SourceText,
    Span,
    Target,
)
from ingest.normalise import Cleaned, ends_sentence, fold
from ingest.targets import find_targets

CN_NUM = "一二三四五六七八九十"
PART = re.compile(rf"^([{CN_NUM}]+)[、.]\s*(\S.{{0,30}})$")
SUBHEADING = re.compile(rf"^\(([{CN_NUM}]+)\)\s*(?P<rest>\S.*)$")
CHAPTER = re.compile(rf"^第([{CN_NUM}]+)章\s*(\S.{{0,30}})$")
ITEM_ARABIC = re.compile(r"^(\d{1,3})\s*[.、](?!\d)\s*")
ITEM_FIGURE = re.compile(r"^(\d{1,3})\s*([.、])(?=\d)")
ITEM_PAREN = re.compile(r"^\((\d{1,2})\)\s*")
_LABEL_NUMBER = rf"(?:\([{CN_NUM}]\)|[{CN_NUM}][、.]|\d[.、])?\s*"
GOALS_LABEL = re.compile(rf"^{_LABEL_NUMBER}主要目标\s*[:。]?\s*$")
MEASURES_LABEL = re.compile(rf"^{_LABEL_NUMBER}策略措施\s*[:。]?\s*$")
DUN_HEADING = re.compile(rf"^([{CN_NUM}]+)、\s*(?P<rest>\S.*)$")
AREA_BARE = re.compile(r"^(?P<rest>(?:妇女|儿童|女童)(?:与|参与)[\u4e00-\u9fff]{2,12})[。.]?$")
PREFACE = re.compile(r"^(?:序|前)\s*言$")
TRAILER = re.compile(
    r"^(?:原文链接|来源[:：]|©|THE END|喜欢就|点赞|公开方式|抄送|分送|扫一扫|打印本页|关闭窗口)"
    r"|^.{0,40}印发$|^https?://"
)
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}〔\d{4}〕\d{1,4}号")
DATE_LINE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
PERIOD = re.compile(r"[(（]\s*(\d{4})\s*[—–\-－~至]+\s*(\d{4})\s*年?\s*[)）]")
LEAD_END = re.compile(r"[。;；!！?？]")
_NEWLINE = re.compile("\n")

PART_KINDS = (
    ("areas", ("发展领域", "主要目标和策略措施")),
    ("projects", ("重点工程", "重点项目", "重点行动")),
    ("implementation", ("组织实施", "保障措施", "实施保障")),
    ("monitoring", ("监测评估", "监测与评估", "统计监测")),
    ("general", ("指导思想", "总体要求", "基本原则", "总体目标")),
)
SECTION_KEYS = (
    ("guiding_ideology", "指导思想"),
    ("principles", "基本原则"),
    ("overall_goals", "总体目标"),
)


@dataclass(frozen=True)
class Line:
    """A non-blank line of the clean text: clean offsets, clean and folded text."""

    start: int
    end: int
    text: str
    folded: str


@dataclass
class Part:
    """A top-level part of a plan (一、二、…): its kind, heading line and body lines."""

    kind: str  # front | preamble | general | areas | projects | implementation | monitoring
    heading: Line | None
    body: list[Line] = field(default_factory=list)


def split_lines(clean: Cleaned) -> list[Line]:
    """The non-blank lines of a clean text, trimmed, with their clean offsets."""
    text, folded = clean.text.text, clean.folded
    out: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        end = pos + len(raw)
        stripped = raw.strip()
        if stripped:
            a = pos + len(raw) - len(raw.lstrip())
            b = a + len(stripped)
            out.append(Line(a, b, stripped, folded[a:b]))
        pos = end + 1
    return out


class PlanReader:
    """Builds a Plan from one cleaned document; create one per document."""

    def __init__(self, source: SourceText, clean: Cleaned, meta: dict[str, str]) -> None:
        self.source = source
        self.clean = clean
        self.meta = meta
        self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(source.text)]
        self._folded = clean.folded

    # --- provenance -----------------------------------------------------------------------
    def span(self, start: int, end: int) -> Span:
        """The original-text span of a clean [start, end)."""
        a, b = self.clean.text.original(start, end)
        return Span(a, b, bisect.bisect_right(self._line_starts, a))

    # --- reading ----------------------------------------------------------------------------
    def read(self) -> Plan:
        """Read the whole document into a Plan, or raise PlanError naming what is missing."""
        lines = split_lines(self.clean)
        parts = self._parts(lines)
        if not any(p.kind == "areas" for p in parts):
            raise PlanError(
                self.source.name,
                "no development areas found; expected a plan with "
                "a part such as “二、发展领域、主要目标和策略措施” and areas "
                "such as “（一）妇女与健康”, or areas as parts such as “一、妇女与健康”",
            )
        plan = self._metadata(parts[0].body)
        for part in parts:
            kind, heading, body = part.kind, part.heading, part.body
            if kind == "front":
                preface = _trailing_paragraphs(body)
                if preface:
                    plan.sections.append(self._section("preamble", "", preface))
            elif kind == "preamble" and heading is not None:
                plan.sections.append(
                    self._section("preamble", heading.text.replace(" ", ""), body or [heading])
                )
            elif kind == "general":
                plan.sections += self._general(body)
            elif kind == "areas":
                plan.areas += self._areas(body, plan)
            elif kind == "projects":
                plan.key_projects += self._items(body, "project", plan)
            elif kind == "implementation":
                plan.implementation += self._items(body, "implementation", plan)
            elif kind == "monitoring":
                plan.monitoring += self._items(body, "monitoring", plan)
        if not plan.areas:
            raise PlanError(
                self.source.name,
                "the development-areas part has no areas; expected "
                "headings such as “（一）妇女与健康” with 主要目标 and 策略措施",
            )
        self._check_complete(parts)
        self._attach_notes(plan)
        plan.citations = [c for node in [*plan.sections, *plan.items()] for c in node.citations]
        return plan

    def _check_complete(self, parts: list[Part]) -> None:
        """A document that stops mid-sentence was cut off: refuse it rather than half-read it."""
        final = [p for p in parts if p.kind != "trailer"][-1]
        last = final.body[-1] if final.body else final.heading
        if last is not None and not ends_sentence(last.text) and final.kind != "front":
            line = self.span(last.start, last.end).line
            raise PlanError(
                self.source.name,
                "the document stops mid-sentence (truncated?); "
                "expected the complete plan ending with a full sentence",
                line,
            )

    def _parts(self, lines: list[Line]) -> list[Part]:
        """Split lines into parts; the front matter first."""
        parts = [Part("front", None)]
        heading = CHAPTER if any(CHAPTER.match(x.folded) for x in lines) else PART
        for line in lines:
            kind = parts[-1].kind
            if kind in ("projects", "implementation", "monitoring", "other") and TRAILER.search(
                line.folded
            ):
                parts.append(Part("trailer", line))
                continue
            if kind == "trailer":
                continue
            m = heading.match(line.folded)
            if m and "。" not in line.text[:-1]:
                if AREA_BARE.match(m.group(2).strip()):  # 一、妇女与健康: an area as a part
                    if kind != "areas" or parts[-1].heading is not None:
                        parts.append(Part("areas", None))
                    parts[-1].body.append(line)
                    continue
                parts.append(Part(_part_kind(m.group(2)), line))
                continue
            if PREFACE.match(line.folded.replace(" ", "")) and kind == "front":
                parts.append(Part("preamble", line))
                continue
            parts[-1].body.append(line)
        return parts

    def _metadata(self, front: list[Line]) -> Plan:
        meta = self.meta
        title = meta.get("title") or self._title(front)
        period = PERIOD.search(fold(title))
        plan = Plan(
            key=meta["key"],
            source=self.source.name,
            title=title,
            region=meta["region"],
            parent_region=meta.get("parent_region"),
            level=meta["level"],  # type: ignore[arg-type]
            period_start=int(period.group(1)) if period else None,
            period_end=int(period.group(2)) if period else None,
        )
        for i, line in enumerate(front):
            if plan.doc_number is None and (m := DOC_NUMBER.search(line.text)):
                plan.doc_number = m.group()
            date = DATE_LINE.match(line.folded)
            if date and plan.issued is None:
                y, mo, d = (int(g) for g in date.groups())
                plan.issued = f"{y:04d}-{mo:02d}-{d:02d}"
                if i and front[i - 1].text.endswith(("政府", "办公室", "委员会")):
                    plan.issuer = front[i - 1].text.replace(" ", "")
        return plan

    def _title(self, front: list[Line]) -> str:
        """The printed title: a front-matter line naming a 规划 with its period, never a sentence
        that quotes it (现将《…》印发给你们) nor a preface paragraph."""
        for i, line in enumerate(front):
            flat = _flat(line.text)
            if not _title_like(flat):
                continue
            if not PERIOD.search(fold(flat)) and i + 1 < len(front):
                after = _flat(front[i + 1].text)
                if len(flat + after) <= _TITLE_MAX and not _SENTENCE.search(after):
                    flat += after
            if PERIOD.search(fold(flat)):
                return canonical_title(flat)
        where = self.span(front[0].start, front[0].end).line if front else 1
        raise PlanError(
            self.source.name,
            "no title line before the first part; expected a line of its own such as "
            "“某某县妇女发展规划（2021—2030年）”, or a title in data/plans/corpus.toml",
            where,
        )

    def _section(self, key: str, title: str, lines: list[Line]) -> Section:
        text = "\n".join(line.text for line in lines)
        start, end = lines[0].start, lines[-1].end
        section = Section(key=key, title=title, text=text, span=self.span(start, end))
        section.citations = self._citations(start, end)
        return section

    def _general(self, body: list[Line]) -> list[Section]:
        """指导思想, 基本原则, 总体目标: a section each, principles as numbered items."""
        sections: list[Section] = []
        groups: list[tuple[Line, list[Line]]] = []
        for line in body:
            m = SUBHEADING.match(line.folded) or DUN_HEADING.match(line.folded)
            if m and len(line.text) <= 30:
                groups.append((line, []))
            elif groups:
                groups[-1][1].append(line)
        for heading, lines in groups:
            m = SUBHEADING.match(heading.folded) or DUN_HEADING.match(heading.folded)
            title = m.group("rest").rstrip("。.")  # type: ignore[union-attr]
            key = next((k for k, word in SECTION_KEYS if word in title), "other")
            section = self._section(key, title, [heading, *lines])
            if key == "principles":
                section.items = self._items(lines, "principle", None)
            sections.append(section)
        return sections

    def _areas(self, body: list[Line], plan: Plan) -> list[Area]:
        """The areas of the areas part, headed in one style: （一）…, 一、… or a bare title."""
        areas: list[Area] = []
        headings: list[tuple[Line, str, str]] = []
        chunks: list[list[Line]] = []
        style = None
        for line in body:
            found = _area_heading(line)
            if found and style in (None, found[0]):
                style = found[0]
                headings.append((line, found[1], found[2]))
                chunks.append([])
            elif chunks:
                chunks[-1].append(line)
        for seq, ((heading, number, title), lines) in enumerate(
            zip(headings, chunks, strict=True), 1
        ):
            goals_at = next((i for i, x in enumerate(lines) if GOALS_LABEL.match(x.folded)), None)
            measures_at = next(
                (i for i, x in enumerate(lines) if MEASURES_LABEL.match(x.folded)), None
            )
            if measures_at is None:
                raise PlanError(
                    self.source.name,
                    f"area “{title}” has no 策略措施 heading; "
                    "expected a line “策略措施：” or “（二）策略措施” before its measures",
                    self.span(heading.start, heading.end).line,
                )
            goal_lines = lines[(goals_at + 1 if goals_at is not None else 0) : measures_at]
            area = Area(
                sequence=seq,
                number=number,
                title=title,
                span=self.span(heading.start, (lines[-1] if lines else heading).end),
                goals=self._items(goal_lines, "goal", plan),
                measures=self._items(lines[measures_at + 1 :], "measure", plan),
            )
            areas.append(area)
        return areas

    def _items(self, lines: list[Line], kind: ItemKind, plan: Plan | None) -> list[Item]:
        """Numbered items in order; lines before the first number are not items."""
        items: list[Item] = []
        for seq, (number, prefix, group) in enumerate(_numbered(lines), 1):
            first = group[0]
            start, end = first.start + prefix, group[-1].end
            text = "\n".join([first.text[prefix:].strip(), *(x.text for x in group[1:])])
            item = Item(
                kind=kind,
                sequence=seq,
                number=number,
                label=lead_phrase(text),
                text=text,
                span=self.span(first.start, end),
            )
            body_end = end
            if kind in ("goal", "measure"):
                clause = find_owner_clause(self.clean.text.text[start:end], self._folded[start:end])
                if clause is not None:
                    body_end = start + clause.start
                    item.owner_clause = OwnerClause(
                        clause.text,
                        list(clause.units),
                        self.span(start + clause.start, start + clause.end),
                    )
            if plan is not None and kind in ("goal", "measure"):
                item.targets = self._targets(start, body_end, plan.period_end or 2030)
            item.citations = self._citations(start, end)
            items.append(item)
        return items

    def _targets(self, start: int, end: int, year: int) -> list[Target]:
        passage, folded = self.clean.text.text[start:end], self._folded[start:end]
        return [
            t.target(self.span(start + t.start, start + t.end))
            for t in find_targets(passage, year, folded)
        ]

    def _citations(self, start: int, end: int) -> list[Citation]:
        passage = self.clean.text.text[start:end]
        return _citations(find_citations(passage), lambda a, b: self.span(start + a, start + b))

    def _note_citations(self, at: int, body: str) -> list[Citation]:
        """The titles a footnote body standing at `at` in the original text names."""
        return _citations(find_citations(body), lambda a, b: self._raw_span(at + a, at + b))

    def _attach_notes(self, plan: Plan) -> None:
        """Give each footnote to the innermost node whose passage holds its marker."""
        markers: dict[str, list[int]] = {}
        for m in self.clean.markers:
            markers.setdefault(m.marker, []).append(m.offset)
        # (span, notes, slack): a marker printed right after an item's final 。 is the item's
        holders: list[tuple[Span, list[Note], int]] = [(i.span, i.notes, 1) for i in plan.items()]
        holders += [(a.span, a.notes, 0) for a in plan.areas]
        holders += [(s.span, s.notes, 0) for s in plan.sections]
        for raw in self.clean.notes:
            at = self.source.text.find(raw.text, raw.start, raw.end) if raw.text else -1
            start, end = (at, at + len(raw.text)) if at >= 0 else (raw.start, raw.end)
            note = Note(raw.marker, raw.text, self._raw_span(start, end))
            if at >= 0:
                note.citations = self._note_citations(at, raw.text)
            offsets = markers.get(raw.marker, [])
            offset = offsets.pop(0) if offsets else None
            target = next(
                (
                    notes
                    for span, notes, slack in holders
                    if offset is not None and span.start <= offset < span.end + slack
                ),
                plan.notes,
            )
            target.append(note)

    def _raw_span(self, start: int, end: int) -> Span:
        return Span(start, end, bisect.bisect_right(self._line_starts, start))


def _part_kind(title: str) -> str:
    return next((kind for kind, words in PART_KINDS if any(w in title for w in words)), "other")


def _area_heading(line: Line) -> tuple[str, str, str] | None:
    """(style, printed number, title) of a line that heads an area, else None."""
    if len(line.text) > 30 or "。" in line.text[:-1]:
        return None
    for style, pattern in (("paren", SUBHEADING), ("dun", DUN_HEADING), ("bare", AREA_BARE)):
        m = pattern.match(line.folded)
        if m:
            title = m.group("rest").rstrip("。.").strip()
            if GOALS_LABEL.match(title) or MEASURES_LABEL.match(title):
                return None
            return style, ("" if style == "bare" else m.group(1)), title
    return None


def _numbered(lines: list[Line]) -> list[tuple[str, int, list[Line]]]:
    """Group lines into numbered items (number, prefix length, lines); a line that does not
    start a number continues the item before it. A list numbered （1） counts only （n）."""
    first = next(
        (x for x in lines if _item_start(x, None, False) or ITEM_PAREN.match(x.folded)), None
    )
    paren = first is not None and bool(ITEM_PAREN.match(first.folded))
    groups: list[tuple[str, int, list[Line]]] = []
    for line in lines:
        found = _item_start(line, groups[-1][0] if groups else None, paren)
        if found is not None:
            groups.append((found[0], found[1], [line]))
        elif groups:
            groups[-1][2].append(line)
    return groups


def _item_start(line: Line, previous: str | None, paren: bool) -> tuple[str, int] | None:
    """(printed number, prefix length) of a line that starts an item, else None.

    `7．3岁以下…` starts item 7 whose text begins with a figure: a full-width dot or 、 always
    numbers an item; an ASCII dot before a figure does when the number comes next in order."""
    folded = line.folded
    if paren:
        m = ITEM_PAREN.match(folded)
        return (m.group(1), m.end()) if m else None
    m = ITEM_ARABIC.match(folded)
    if m:
        return m.group(1), m.end()
    m = ITEM_FIGURE.match(folded)
    if m:
        expected = str(int(previous) + 1) if previous and previous.isdigit() else "1"
        if line.text[m.start(2)] in "．、" or m.group(1) == expected:
            return m.group(1), m.end()
    m = SUBHEADING.match(folded)
    if not m:
        return None
    prefix = re.match(rf"^\([{CN_NUM}]+\)\s*", folded)
    return m.group(1), prefix.end() if prefix else 0


def lead_phrase(text: str) -> str:
    """The short title of an item: its lead phrase, up to the first full stop."""
    first = text.split("\n", 1)[0]
    m = LEAD_END.search(first)
    phrase = first[: m.start()] if m else first
    if len(phrase) > 40:
        comma = phrase.find("，")
        phrase = phrase[:comma] if 4 <= comma <= 40 else phrase[:40] + "…"
    return phrase.strip()


def _trailing_paragraphs(lines: list[Line]) -> list[Line]:
    """The run of long paragraphs that ends the front matter: an untitled preamble."""
    out: list[Line] = []
    for line in reversed(lines):
        if len(line.text) < 30:
            break
        out.append(line)
    return out[::-1]


_TITLE_MAX = 60  # characters: a longer line is a paragraph, not a title
_SENTENCE = re.compile(r"[，。；：！？,;:《]|印发|通知|关于")


def _flat(text: str) -> str:
    """A line without the spaces that spread a printed title."""
    return text.replace(" ", "").replace("\u3000", "")


def _title_like(flat: str) -> bool:
    """A line that may be a plan's title: names a 规划 or 纲要, short, and not a sentence."""
    if "规划" not in flat and "纲要" not in flat:
        return False
    return len(flat) <= _TITLE_MAX and not _SENTENCE.search(flat)


def _citations(found: list[FoundCitation], span: Callable[[int, int], Span]) -> list[Citation]:
    """Found titles as citations, each with the span `span` makes of its offsets."""
    return [
        Citation(c.title, c.kind, c.basis, c.sentence, span(c.start, c.end), c.draft) for c in found
    ]
