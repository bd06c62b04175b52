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

from ingest.model import Comparator, Span, Target
from ingest.normalise import fold

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
_object_verbs = "设立|建立|建成|建设|配备|培育|打造|创建|新增|建有"
OBJECT_AFTER = re.compile(
    rf"(?P<pre>(?:至少|各)*)(?P<verb>{_object_verbs})\s*(?P<pre2>至少)?"
    rf"\s*(?P<num>\d+|[{_CN_DIGITS}])\s*(?P<unit>{_counts})(?P<qual>及以上|以上)?"
    r"(?P<obj>[^,.;:，。；：]{2,20})"
)
NO_VERB = re.compile(
    rf"(?P<ind>[\u4e00-\u9fff（）()]{{2,30}}?(?:率|比例|比重|户|村|家))\s*{_num}"
    rf"(?P<unit>%|‰)?{_qual}"
)
# What a passage must hold for the patterns to match: a figure (VERB_FIRST, NO_VERB), a verb
# (OBJECT_AFTER). Checked first because the patterns are slow to fail on a long passage.
_DIGIT = re.compile(r"\d")
_OBJECT_VERB = re.compile(_object_verbs)
# A line break is a clause break unless it falls between two ideographs (参保\n率: a wrapped word).
_CLAUSE_BREAK = re.compile(r"[,.;:!?，。；：！？]|(?<![\u4e00-\u9fff])\n|\n(?![\u4e00-\u9fff])")
_SENTENCE_BREAK = re.compile(r"[.;!?\n。；！？]")
_YEAR = re.compile(r"(?:到|至|于|在)\s*(20\d\d)\s*年")
_LEADING = re.compile(
    r"^(?:其中|并且|并|且|使|确保|力争|争取|全面|逐步|进一步|实现|"
    r"(?:到|至|于)?\s*20\d\d\s*年(?:底|前|末)?|全区|全县|全市|全省|我区|我县|我市|本区|本县|本市|"
    r"(?:以|按)[^,.;:，。；：]{1,10}?为单位)+"
)
_TRAILING = re.compile(
    r"(?:逐步|稳步|持续|继续|分别|均|要|应|将|始终|不断|年均|平均|基本|力争|至少)+$"
)
_OBJECT_END = re.compile(r"(?:并|和|且|，|,).*$")
# More values after the first, for 分别 lists: 分别降至10%和5%以下.
MORE_VALUES = re.compile(rf"(?:\s*[、和及与]\s*\d+(?:\.\d+)?\s*(?:/\s*10\s*万|{_units})?)+{_qual}")
_MORE_VALUE = re.compile(rf"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>/\s*10\s*万|{_units})?")
_JOINER = re.compile(r"[、和及与]")
_INDICATOR_END = ("率", "比例", "比重", "覆盖面", "人数", "数量")
_JOINED = re.compile(
    "(?:" + "|".join(f"(?<={e})" for e in _INDICATOR_END) + ")(?:[、和及与]|以及|并且)"
)


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

    def target(self, span: Span) -> Target:
        """The model's Target for this finding, at `span` in the document."""
        return Target(
            self.indicator, self.value, self.unit, self.comparator, self.year, self.phrase, span
        )


def find_targets(passage: str, default_year: int, folded: str | None = None) -> list[FoundTarget]:
    """Every quantitative target stated in a passage, in order.

    `folded` is the passage already folded (fold), when the caller has it: folding is costly."""
    folded = fold(passage) if folded is None else folded
    found: list[FoundTarget] = []
    taken: list[tuple[int, int]] = []
    # Most passages state no number: the patterns that need a figure are not tried on them.
    figures = _DIGIT.search(folded) is not None
    for m in VERB_FIRST.finditer(folded) if figures else ():
        unit = _unit(m.group("unit"))
        if m.group("verb") in _WEAK_VERBS and unit not in _RATE_UNITS:
            continue
        if re.match(r"次?的", folded[m.end() : m.end() + 2]):
            continue  # a qualifier (超过1万人次的场所), not a target
        start = _indicator_start(folded, m.start())
        stated, end, qual = _verb_values(passage, folded, m, start, unit)
        comparator = _QUALIFIER.get(qual) or _VERB_COMPARATOR[m.group("verb")]
        _add(found, taken, passage, folded, stated, m, comparator, start, default_year, end)
    for m in OBJECT_AFTER.finditer(folded) if _OBJECT_VERB.search(folded) else ():
        obj = _OBJECT_END.sub("", m.group("obj"))
        at_least = m.group("qual") or "至少" in m.group("pre") or m.group("pre2")
        end = m.start("obj") + len(obj)
        _add(
            found,
            taken,
            passage,
            folded,
            [(_clean(obj), m.group("num"), m.group("unit"))],
            m,
            "at_least" if at_least else "exactly",
            m.start(),
            default_year,
            end,
        )
    for m in NO_VERB.finditer(folded) if figures else ():
        unit = m.group("unit") or (
            m.group("ind")[-1] if m.group("ind")[-1] in _COUNT_UNITS else None
        )
        if unit is None or not (m.group("qual") or m.group("unit")):
            continue
        start = _indicator_start(folded, m.start("num"))
        comparator = _QUALIFIER.get(m.group("qual") or "", "exactly")
        stated = [(_clean(passage[start : m.start("num")]), m.group("num"), unit)]
        _add(found, taken, passage, folded, stated, m, comparator, start, default_year)
    return sorted(found, key=lambda t: t.start)


def _add(
    found: list[FoundTarget],
    taken: list[tuple[int, int]],
    passage: str,
    folded: str,
    stated: list[tuple[str, str, str]],
    m: re.Match[str],
    comparator: Comparator,
    start: int,
    default_year: int,
    end: int | None = None,
) -> None:
    """Record the targets (indicator, number, unit) one phrase states, unless it overlaps one taken."""
    end = m.end() if end is None else end
    if not all(ind for ind, _, _ in stated) or any(a < end and start < b for a, b in taken):
        return
    taken.append((start, end))
    sentence_start = _last_break(_SENTENCE_BREAK, folded, m.start())
    years = _YEAR.findall(folded, sentence_start, m.start())
    for indicator, num, unit in stated:
        found.append(
            FoundTarget(
                indicator=indicator,
                value=_number(num),
                unit=unit,
                comparator=comparator,
                year=int(years[-1]) if years else default_year,
                phrase=passage[start:end].strip(),
                start=start,
                end=end,
            )
        )


def _verb_values(
    passage: str, folded: str, m: re.Match[str], start: int, unit: str
) -> tuple[list[tuple[str, str, str]], int, str]:
    """The (indicator, number, unit) a verb phrase states, its end and its qualifier.

    One indicator per value: A和B保持在90%以上 gives A and B the one value, A和B分别降至10%和5%以下
    gives each its own; a list whose indicators and values do not pair up keeps the first value.
    """
    indicators = _split_indicator(_clean(passage[start : m.start()]))
    values = [(m.group("num"), unit)]
    end, qual = m.end(), m.group("qual") or ""
    more = None if qual else MORE_VALUES.match(folded, m.end())
    if more and len(indicators) > 1:
        extra = [
            (v.group("num"), _unit(v.group("unit")) if v.group("unit") else unit)
            for v in _MORE_VALUE.finditer(more.group())
        ]
        if len(extra) + 1 == len(indicators):
            values += extra
            end, qual = more.end(), more.group("qual") or ""
    if len(values) == 1:
        values *= len(indicators)
    if len(values) != len(indicators):
        indicators = ["".join(indicators)]
        values = values[:1]
    return [(ind, num, u) for ind, (num, u) in zip(indicators, values, strict=True)], end, qual


def _split_indicator(indicator: str) -> list[str]:
    """Indicators joined by 和、及、与 (each ending in 率, 比例 …); one indicator otherwise."""
    parts = _JOINED.split(indicator)
    if len(parts) > 1 and all(p.endswith(_INDICATOR_END) for p in parts):
        return parts
    return [indicator]


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
