"""Titles cited in 《…》: what kind of work each is and whether the sentence makes it the basis."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from ingest.model import CitationKind

TITLE = re.compile(r"《(?P<title>[^《》\n]{2,120})》")
# a draft's suffix, inside the title or printed after its 》: （第三次征求意见稿）, （送审稿）
DRAFT = re.compile(
    r"\s*[（(](?:第[一二三四五六七八九十\d]+次)?(?:征求意见稿|送审稿|讨论稿|草案)[）)]"
)
_PERIOD = re.compile(r"（(\d{4})—(\d{4})(年?)）")
_TOPIC_PLAN = re.compile(r"(?P<who>妇女|儿童)发展(?:纲要|规划)$")
_SENTENCE_END = re.compile(r"[。；;!?！？\n]")
_BASIS_VERB = re.compile(r"根据|依据|贯彻落实|遵照|按照|依照|落实")
_BASIS_OBJECT = re.compile(r"(?:制定|编制|制订)(?:本|此)(?:规划|纲要)")
_LAW = re.compile(r"(?:法|条例|法典|规定|宪法|办法|细则)(?:[（(][^）)]*[）)])?$")
_PLAN = re.compile(r"规划|纲要|行动计划|(?:发展|建设)计划|行动[（(]\d{4}")


@dataclass(frozen=True)
class FoundCitation:
    """A cited title with offsets of 《…》 relative to the passage it was found in."""

    title: str
    kind: CitationKind
    basis: bool
    sentence: str
    start: int
    end: int
    draft: str | None = None  # a draft suffix printed right after the 》: （送审稿）


def classify(title: str) -> CitationKind:
    """A cited title is a plan (规划, 纲要 …), a law (法, 条例 …) or another work."""
    if _LAW.search(title):
        return "law"
    if _PLAN.search(title):
        return "plan"
    return "other"


def canonical_title(title: str) -> str:
    """One spelling for variants of one title: dashes, spaces, full-width parentheses, a period
    without 年, and a draft's suffix (the 送审稿 of a plan is that plan)."""
    t = re.sub(r"\s+", "", title)
    t = re.sub(r"[-－–~～—]+", "—", t)
    t = t.replace("(", "（").replace(")", "）")
    t = DRAFT.sub("", t)
    return _PERIOD.sub(lambda m: f"（{m.group(1)}—{m.group(2)}年）", t)


def edition_title(title: str, period: tuple[int, int] | None) -> str:
    """The canonical title of the edition a citation means: a development plan or outline cited
    without its period (《中国妇女发展纲要》) is the edition of the citing plan's own period."""
    t = canonical_title(title)
    if period and _TOPIC_PLAN.search(t) and not _PERIOD.search(t):
        return f"{t}（{period[0]}—{period[1]}年）"
    return t


def topic_plan(title: str) -> bool:
    """Whether a title names a women's or children's development plan or outline (the plans
    that follow a national outline), whatever its region."""
    return bool(_TOPIC_PLAN.search(_PERIOD.sub("", canonical_title(title))))


def regional_title(title: str, region: str, national: bool) -> str:
    """The title of the same development plan of another region and the same period:
    广州市番禺区妇女发展规划（2021—2030年） for 广州市 → 广州市妇女发展规划（2021—2030年); for the
    nation, the outline 中国妇女发展纲要（2021—2030年）."""
    t = canonical_title(title)
    period = _PERIOD.search(t)
    m = _TOPIC_PLAN.search(t[: period.start()] if period else t)
    if m is None:
        raise ValueError(f"“{title}” names no development plan; expected …妇女发展规划（…）")
    who = m.group("who")
    name = f"中国{who}发展纲要" if national else f"{region}{who}发展规划"
    return name + (period.group() if period else "")


def title_period(title: str) -> tuple[int, int] | None:
    """The period a title states: （2021—2030年） → (2021, 2030)."""
    m = _PERIOD.search(canonical_title(title))
    return (int(m.group(1)), int(m.group(2))) if m else None


def find_citations(passage: str) -> list[FoundCitation]:
    """Every 《…》 title in a passage, in order, with its sentence."""
    out: list[FoundCitation] = []
    for m in TITLE.finditer(passage):
        s_start = 0
        for b in _SENTENCE_END.finditer(passage, 0, m.start()):
            s_start = b.end()
        e = _SENTENCE_END.search(passage, m.end())
        s_end = e.end() if e else len(passage)
        sentence = passage[s_start:s_end].strip()
        before = passage[s_start : m.start()]
        basis = bool(_BASIS_VERB.search(before) and _BASIS_OBJECT.search(sentence))
        title = m.group("title").strip()
        draft = DRAFT.match(passage, m.end())
        found = FoundCitation(title, classify(title), basis, sentence, m.start(), m.end())
        if draft:
            found = dataclasses.replace(found, draft=draft.group().strip())
        out.append(found)
    return out
