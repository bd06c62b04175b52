"""Quantitative targets in goal and measure text: indicator, value, unit, comparator, year."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ingest.model import Comparator
from ingest.normalise import FOLD

_VERBS_AT_LEAST = (
    "达到并保持在",
    "达到并稳定在",
    "提高到",
    "提高至",
    "提升到",
    "提升至",
    "增加到",
    "增加至",
    "增长到",
    "上升到",
    "扩大到",
    "达到",
    "不低于",
    "不少于",
    "超过",
    "高于",
    "大于",
    "达",
)
_VERBS_AT_MOST = (
    "下降到",
    "下降至",
    "降低到",
    "降低至",
    "降至",
    "减少到",
    "减少至",
    "控制在",
    "不高于",
    "不超过",
    "低于",
    "小于",
)
_VERBS_EXACT = (
    "保持并巩固在",
    "保持并稳定在",
    "巩固并保持在",
    "保持在",
    "稳定在",
    "维持在",
    "巩固在",
    "保持",
    "为",
)
_VERB_COMPARATOR: dict[str, Comparator] = (
    {v: "at_least" for v in _VERBS_AT_LEAST}
    | {v: "at_most" for v in _VERBS_AT_MOST}
    | {v: "exactly" for v in _VERBS_EXACT}
)
_QUALIFIER: dict[str, Comparator] = {
    "及以上": "at_least",
    "以上": "at_least",
    "以下": "at_most",
    "以内": "at_most",
    "左右": "approximately",
}
_UNITS = (
    "个百分点",
    "/10万",
    "/十万",
    "%",
    "‰",
    "万人",
    "万元",
    "亿元",
    "个",
    "所",
    "名",
    "户",
    "人",
    "家",
    "项",
    "次",
    "岁",
    "张",
    "支",
    "套",
    "小时",
    "天",
    "处",
    "座",
    "元",
    "倍",
)

_verbs = "|".join(sorted(_VERB_COMPARATOR, key=len, reverse=True))
_units = "|".join(re.escape(u) for u in _UNITS)
TARGET = re.compile(
    rf"(?P<verb>{_verbs})\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>(?:/\s*10\s*万)|{_units})"
    r"\s*(?P<qual>及以上|以上|以下|以内|左右)?"
)
_CLAUSE_BREAK = re.compile(r"[,.;:!?\n，。；：！？]")
_SENTENCE_BREAK = re.compile(r"[.;!?\n。；！？]")
_YEAR = re.compile(r"(?:到|至|于|在)\s*(20\d\d)\s*年")
_LEADING = re.compile(
    r"^(?:其中|并且|并|且|使|确保|力争|争取|全面|逐步|进一步|"
    r"(?:到|至|于)?\s*20\d\d\s*年(?:底|前|末)?|全区|全县|全市|全省|我区|我县|我市|本区|本县|本市)+"
)
_TRAILING = re.compile(r"(?:逐步|稳步|持续|继续|分别|均|要|应|将|始终|不断|年均|平均|基本|力争)+$")


@dataclass(frozen=True)
class FoundTarget:
    """A target found in a passage, with offsets relative to that passage."""

    indicator: str
    value: Decimal
    unit: str
    comparator: Comparator
    year: int
    phrase: str
    start: int
    end: int


def find_targets(passage: str, default_year: int) -> list[FoundTarget]:
    """Every quantitative target stated in a passage, in order."""
    folded = passage.translate(FOLD)
    found: list[FoundTarget] = []
    for m in TARGET.finditer(folded):
        verb, unit = m.group("verb"), re.sub(r"\s+", "", m.group("unit"))
        if verb in ("为", "达", "保持") and unit not in ("%", "‰", "/10万"):
            continue
        if re.match(r"次?的", folded[m.end() : m.end() + 2]):
            continue  # a qualifier (超过1万人次的场所), not a target
        if unit == "/10万" or unit == "/十万":
            unit = "1/10万"
        start = _indicator_start(folded, m.start())
        indicator = _clean_indicator(passage[start : m.start()])
        if not indicator:
            continue
        qual = m.group("qual")
        comparator = _QUALIFIER[qual] if qual else _VERB_COMPARATOR[verb]
        sentence_start = _last_break(_SENTENCE_BREAK, folded, m.start())
        years = _YEAR.findall(folded, sentence_start, m.start())
        found.append(
            FoundTarget(
                indicator=indicator,
                value=Decimal(m.group("num")),
                unit=unit,
                comparator=comparator,
                year=int(years[-1]) if years else default_year,
                phrase=passage[start : m.end()].strip(),
                start=start,
                end=m.end(),
            )
        )
    return found


def _last_break(pattern: re.Pattern[str], text: str, before: int) -> int:
    last = 0
    for m in pattern.finditer(text, 0, before):
        last = m.end()
    return last


def _indicator_start(folded: str, verb_at: int) -> int:
    start = _last_break(_CLAUSE_BREAK, folded, verb_at)
    while start < verb_at and folded[start].isspace():
        start += 1
    return start


def _clean_indicator(words: str) -> str:
    words = re.sub(r"\s+", "", words)
    words = _LEADING.sub("", words)
    words = _TRAILING.sub("", words)
    return words.strip("，、的")
