"""What the four seed plans offer a synthetic plan: their items by area, their sections, and the
names of their regions (to be replaced by the synthetic region's)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from ingest.corpus import CORPUS_FILE, load_corpus
from ingest.model import Item
from ingest.parse import parse_document

# A continuation line that looks like the start of a numbered item or heading in some layout:
# an item holding one is not recombined (another numbering style would split it).
_NUMBERED_START = re.compile(
    r"^\s*(?:[(（]?\d|[(（][一二三四五六七八九十]|[一二三四五六七八九十]+[、.．]|第)"
)
_ETHNIC = (
    "维吾尔族 哈萨克族 柯尔克孜族 乌孜别克族 塔吉克族 塔塔尔族 鄂温克族 鄂伦春族 达斡尔族 俄罗斯族 "
    "朝鲜族 土家族 布依族 哈尼族 傈僳族 拉祜族 东乡族 纳西族 景颇族 仫佬族 布朗族 撒拉族 毛南族 "
    "仡佬族 锡伯族 普米族 保安族 裕固族 独龙族 赫哲族 门巴族 珞巴族 基诺族 阿昌族 德昂族 高山族 "
    "蒙古族 满族 苗族 壮族 回族 藏族 彝族 侗族 瑶族 白族 傣族 黎族 佤族 畲族 水族 土族 羌族 怒族 京族"
).split()
_SUFFIX = re.compile(
    r"(?:自治州|自治县|自治旗|自治区|特别行政区|地区|林区|特区|盟|省|市|县|区|旗)$"
)


def short_name(name: str) -> str:
    """A region's name as its own text writes it inside words: 曲江区 → 曲江, 广西壮族自治区 → 广西,
    恩施土家族苗族自治州 → 恩施; the whole name when that would leave less than two characters."""
    short = _SUFFIX.sub("", name)
    ethnic_names = _ETHNIC + [e.removesuffix("族") for e in _ETHNIC] if "自治" in name else _ETHNIC
    while True:
        ethnic = next((e for e in ethnic_names if short.endswith(e) and len(short) > len(e)), None)
        if ethnic is None:
            break
        short = short[: -len(ethnic)]
    return short if len(short) >= 2 else name


@dataclass(frozen=True)
class SeedTarget:
    """A target of a seed item as the target reader found it."""

    indicator: str
    value: Decimal
    unit: str
    comparator: str


@dataclass(frozen=True)
class SeedItem:
    """A numbered item of a seed plan: its text without the number, and its targets."""

    text: str
    targets: tuple[SeedTarget, ...]


@dataclass(frozen=True)
class SeedArea:
    """One development area of a seed plan."""

    title: str
    goals: tuple[SeedItem, ...]
    measures: tuple[SeedItem, ...]


@dataclass(frozen=True)
class SeedNames:
    """The region names a seed plan's text uses, most specific first."""

    county: str  # 曲江区 (the plan's own region)
    county_short: str
    city: str
    city_short: str
    province: str
    province_short: str
    suffix: str  # 区 | 县 | 市: the last character of the plan's region


@dataclass(frozen=True)
class Seed:
    """One seed plan as a source of recombinable parts."""

    key: str
    names: SeedNames
    preface: str | None  # a titled preface's text (序言, 前言), None when untitled
    guiding: str  # the body of 指导思想
    overall: str  # the body of 总体目标
    principles: tuple[SeedItem, ...]
    areas: tuple[SeedArea, ...]
    projects: tuple[SeedItem, ...]
    implementation: tuple[SeedItem, ...]
    monitoring: tuple[SeedItem, ...]


def _item(item: Item) -> SeedItem | None:
    """A seed item, or None for one that cannot be renumbered safely."""
    lines = item.text.split("\n")
    if any(_NUMBERED_START.match(line) for line in lines[1:]):
        return None
    targets = tuple(SeedTarget(t.indicator, t.value, t.unit, t.comparator) for t in item.targets)
    return SeedItem(item.text, targets)


def _items(items: list[Item]) -> tuple[SeedItem, ...]:
    return tuple(s for s in map(_item, items) if s is not None)


def _body(text: str) -> str:
    """A section's text without its heading line."""
    return text.split("\n", 1)[1] if "\n" in text else text


@cache
def load_seeds(corpus_file: Path = CORPUS_FILE) -> tuple[Seed, ...]:
    """The seed plans of the shipped corpus, parsed by the real pipeline."""
    corpus = load_corpus(corpus_file)
    seeds = []
    for entry in corpus:
        plan = parse_document(entry.path, corpus).plan
        city = entry.parent_region or ""
        county = entry.region.removeprefix(city) if city else entry.region
        province = entry.province or ""
        names = SeedNames(
            county,
            short_name(county),
            city,
            short_name(city),
            province,
            short_name(province),
            county[-1],
        )
        sections = {s.key: s for s in plan.sections}
        preamble = sections.get("preamble")
        principles = sections.get("principles")
        seeds.append(
            Seed(
                key=entry.key,
                names=names,
                preface=preamble.text if preamble and preamble.title else None,
                guiding=_body(sections["guiding_ideology"].text),
                overall=_body(sections["overall_goals"].text),
                principles=_items(principles.items) if principles else (),
                areas=tuple(
                    SeedArea(a.title, _items(a.goals), _items(a.measures)) for a in plan.areas
                ),
                projects=_items(plan.key_projects),
                implementation=_items(plan.implementation),
                monitoring=_items(plan.monitoring),
            )
        )
    return tuple(seeds)
