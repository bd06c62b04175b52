"""The regions of a synthetic corpus: real counties and cities of the gazetteer, with the city and
province above them, named so that the gazetteer resolves each name to exactly one division."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from ingest.corpus import load_corpus, slug
from ingest.regions import Region, gazetteer
from synth.seeds import short_name

_PLACEHOLDERS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


@dataclass(frozen=True)
class SynthRegion:
    """A region a synthetic plan is written for, with its corpus.toml fields."""

    code: str  # GB/T 2260
    region: str  # as the title prints it: 韶关市曲江区, 开平市, 江门市
    name: str  # the division's own name: 曲江区
    short: str  # 曲江
    level: str  # county | municipal
    city: str | None  # the municipal parent of a county; None for a city
    province: str
    region_slug: str
    parent_slug: str | None
    province_slug: str

    @property
    def suffix(self) -> str:
        """The character a plan uses for its own jurisdiction: 全区, 我县, 本市."""
        return "市" if self.level == "municipal" else self.name[-1]

    @property
    def city_short(self) -> str:
        return short_name(self.city) if self.city else self.short

    @property
    def province_short(self) -> str:
        return short_name(self.province)


def _candidates() -> list[tuple[Region, Region | None, Region]]:
    """Every county with a city and a province above it, and every city with a province, in
    code order; the seed plans' regions are left out."""
    g = gazetteer()
    seeds = {g.find(e.region).region.code for e in load_corpus() if g.find(e.region)}
    out = []
    for r in sorted(g.by_code.values(), key=lambda r: r.code):
        if r.code in seeds or r.name in _PLACEHOLDERS:
            continue
        where = g.jurisdiction(r)
        province = where.province
        if province is None or province is r:
            continue
        if r.level == "county" and where.city and where.city.name not in _PLACEHOLDERS:
            out.append((r, where.city, province))
        elif r.level == "municipal":
            out.append((r, None, province))
    return out


class _Slugs:
    """One slug per name: a name whose pinyin another name already took gets its code added."""

    def __init__(self) -> None:
        self.by_name: dict[str, str] = {}
        self.taken: set[str] = set()

    def __call__(self, name: str, short: str, code: str, prefix: str = "", fixed: str = "") -> str:
        key = f"{prefix}/{name}"
        if key not in self.by_name:
            base = fixed or "-".join(p for p in (prefix, slug(short).replace("-", "")) if p)
            chosen = base if base not in self.taken else f"{base}-{code}"
            self.by_name[key] = chosen
            self.taken.add(chosen)
        return self.by_name[key]


_PROVINCE_SLUGS = {"陕西省": "shaanxi"}  # 山西 and 陕西 are both Shanxi in toneless pinyin


def _province_slug(name: str) -> str:
    short = re.sub(r"(壮族|回族|维吾尔)?(自治区|省|市|特别行政区)$", "", name)
    return _PROVINCE_SLUGS.get(name) or slug(short).replace("-", "")


def pick_regions(n: int, seed: int) -> list[SynthRegion]:
    """N regions, shuffled by the seed: a smaller corpus's regions begin a larger one's."""
    candidates = _candidates()
    if n > len(candidates):
        raise ValueError(
            f"--plans {n}: the gazetteer has {len(candidates)} counties and cities "
            f"to write plans for; expected at most {len(candidates)}"
        )
    random.Random(f"regions:{seed}").shuffle(candidates)
    g = gazetteer()
    slugs = _Slugs()
    out = []
    for r, city, province in candidates[:n]:
        province_slug = slugs(province.name, "", province.code, fixed=_province_slug(province.name))
        if city is None:
            region_slug = slugs(r.name, short_name(r.name), r.code)
            out.append(
                SynthRegion(
                    r.code,
                    r.name,
                    r.name,
                    short_name(r.name),
                    "municipal",
                    None,
                    province.name,
                    region_slug,
                    None,
                    province_slug,
                )
            )
            continue
        parent_slug = slugs(city.name, short_name(city.name), city.code)
        unique = g.find(r.name) is not None and r.kind != "市辖区"
        printed = r.name if unique else city.name + r.name
        region_slug = slugs(r.name, short_name(r.name), r.code, prefix=parent_slug)
        out.append(
            SynthRegion(
                r.code,
                printed,
                r.name,
                short_name(r.name),
                "county",
                city.name,
                province.name,
                region_slug,
                parent_slug,
                province_slug,
            )
        )
    return out
