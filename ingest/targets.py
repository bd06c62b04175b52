"""Quantitative targets in goal and measure text: indicator, value, unit, comparator, year.

Three shapes of statement, as the plans write them:
- indicator + verb + number + unit (+ qualifier): 孕产妇死亡率下降到8/10万以下
- verb + number + unit + object: 设立1个以上家庭暴力庇护场所, 至少配备1名女干部
- indicator + number (+ unit) + qualifier, no verb: 文明村（社区）覆盖率60%以上, 五星文明户3000以上
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ingest.model import Comparator
from ingest.normalise import FOLD

_VERB_COMPARATOR: dict[str, Comparator] = {
    **dict.fromkeys(
        "达到并保持在 达到并稳定在 提高到 提高至 提升到 提升至 增加到 增加至 增长到 上升到 扩大到 "
        "达到 不低于 不少于 超过 高于 大于 达".split(),
        "at_least",
    ),
    **dict.fromkeys(
        "下降到 下降至 降低到 降低至 降至 减少到 减少至 控制在 不高于 不超过 低于 小于".split(),
        "at_most",
    ),
    **dict.fromkeys(
        "保持并巩固在 保持并稳定在 巩固并保持在 保持在 稳定在 维持在 巩固在 保持 为".split(),
        "exactly",
    ),
}
_WEAK_VERBS = ("为", "达", "保持")  # only with a rate unit: 为98%, not 为1个
_QUALIFIER: dict[str, Comparator] = {
    "及以上": "at_least",
    "以上": "at_least",
    "以下": "at_most",
    "以内": "at_most",
    "左右": "approximately",
}
_UNITS = "个百分点 /10万 /十万 % ‰ 万人 万元 亿元 个 所 名 户 人 家 项 次 岁 张 支 套 小时 天 处 座 元 倍"
_COUNT_UNITS = "个 所 名 家 处 支 座 户"
_RATE_UNITS = ("%", "‰", "1/10万")

_verbs = "|".join(sorted(_VERB_COMPARATOR, key=len, reverse=True))
_units = "|".join(re.escape(u) for u in sorted(_UNITS.split(), key=len, reverse=True))
_counts = "|".join(_COUNT_UNITS.split())
_CN_DIGITS = "一两二三四五六七八九"
_num = r"(?P<num>\d+(?:\.\d+)?)\s*"
_qual = r"\s*(?P<qual>及以上|以上|以下|以内|左右)?"
VERB_FIRST = re.compile(
    rf"(?P<verb>{_verbs})\s*(?:[^,.;:，。；：\d]{{1,12}}的)?\s*{_num}"
    rf"(?P<unit>/\s*10\s*万|{_units}){_qual}"
)
OBJECT_AFTER = re.compile(
    r"(?P<pre>(?:至少|各)*)(?P<verb>设立|建立|建成|建设|配备|培育|打造|创建|新增|建有)\s*(?P<pre2>至少)?"
    rf"\s*(?P<num>\d+|[{_CN_DIGITS}])\s*(?P<unit>{_counts})(?P<qual>及以上|以上)?"
    r"(?P<obj>[^,.;:，。；：]{2,20})"
)
NO_VERB = re.compile(
    rf"(?P<ind>[\u4e00-\u9fff（）()]{{2,30}}?(?:率|比例|比重|户|村|家))\s*{_num}"
    rf"(?P<unit>%|‰)?{_qual}"
)
_CLAUSE_BREAK = re.compile(r"[,.;:!?\n，。；：！？]")
_SENTENCE_BREAK = re.compile(r"[.;!?\n。；！？]")
_YEAR = re.compile(r"(?:到|至|于|在)\s*(20\d\d)\s*年")
_LEADING = re.compile(
    r"^(?:其中|并且|并|且|使|确保|力争|争取|全面|逐步|进一步|实现|"
    r"(?:到|至|于)?\s*20\d\d\s*年(?:底|前|末)?|全区|全县|全市|全省|我区|我县|我市|本区|本县|本市)+"
)
_TRAILING = re.compile(
    r"(?:逐步|稳步|持续|继续|分别|均|要|应|将|始终|不断|年均|平均|基本|力争|至少)+$"
)
_OBJECT_END = re.compile(r"(?:并|和|且|，|,).*$")


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
    taken: list[tuple[int, int]] = []
    for m in VERB_FIRST.finditer(folded):
        unit = _unit(m.group("unit"))
        if m.group("verb") in _WEAK_VERBS and unit not in _RATE_UNITS:
            continue
        if re.match(r"次?的", folded[m.end() : m.end() + 2]):
            continue  # a qualifier (超过1万人次的场所), not a target
        start = _indicator_start(folded, m.start())
        comparator = _QUALIFIER.get(m.group("qual") or "") or _VERB_COMPARATOR[m.group("verb")]
        indicator = _clean(passage[start : m.start()])
        _add(found, taken, passage, folded, indicator, m, unit, comparator, start, default_year)
    for m in OBJECT_AFTER.finditer(folded):
        obj = _OBJECT_END.sub("", m.group("obj"))
        at_least = m.group("qual") or "至少" in m.group("pre") or m.group("pre2")
        end = m.start("obj") + len(obj)
        _add(
            found,
            taken,
            passage,
            folded,
            _clean(obj),
            m,
            m.group("unit"),
            "at_least" if at_least else "exactly",
            m.start(),
            default_year,
            end,
        )
    for m in NO_VERB.finditer(folded):
        unit = m.group("unit") or (
            m.group("ind")[-1] if m.group("ind")[-1] in _COUNT_UNITS else None
        )
        if unit is None or not (m.group("qual") or m.group("unit")):
            continue
        start = _indicator_start(folded, m.start("num"))
        comparator = _QUALIFIER.get(m.group("qual") or "", "exactly")
        indicator = _clean(passage[start : m.start("num")])
        _add(found, taken, passage, folded, indicator, m, unit, comparator, start, default_year)
    return sorted(found, key=lambda t: t.start)


def _add(
    found: list[FoundTarget],
    taken: list[tuple[int, int]],
    passage: str,
    folded: str,
    indicator: str,
    m: re.Match[str],
    unit: str,
    comparator: Comparator,
    start: int,
    default_year: int,
    end: int | None = None,
) -> None:
    end = m.end() if end is None else end
    if not indicator or any(a < end and start < b for a, b in taken):
        return
    taken.append((start, end))
    sentence_start = _last_break(_SENTENCE_BREAK, folded, m.start())
    years = _YEAR.findall(folded, sentence_start, m.start())
    found.append(
        FoundTarget(
            indicator=indicator,
            value=_number(m.group("num")),
            unit=unit,
            comparator=comparator,
            year=int(years[-1]) if years else default_year,
            phrase=passage[start:end].strip(),
            start=start,
            end=end,
        )
    )


def _number(text: str) -> Decimal:
    """A stated number: digits, or one Chinese digit (一支以上 → 1)."""
    if text.isascii():
        return Decimal(text)
    return Decimal("2" if text == "两" else str(_CN_DIGITS.replace("两", "").index(text) + 1))


def _unit(raw: str) -> str:
    unit = re.sub(r"\s+", "", raw)
    return "1/10万" if unit in ("/10万", "/十万") else unit


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


def _clean(words: str) -> str:
    words = re.sub(r"\s+", "", words)
    words = _LEADING.sub("", words)
    words = _TRAILING.sub("", words)
    return words.strip("，、的")
