"""The department registry: functional types, their names at every level, and the short forms
people write, read from data/departments.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ingest.model import Level

LEVELS: tuple[Level, ...] = ("national", "provincial", "municipal", "county")


@dataclass(frozen=True)
class Jurisdiction:
    """The names a department's full name is built from."""

    county: str  # 韶关市曲江区, 开平市, 鹿寨县
    city: str | None = None  # 韶关市
    province: str | None = None  # 广东省

    def short(self) -> str:
        """The county's own name without its city (曲江区 for 韶关市曲江区)."""
        return (
            self.county[len(self.city) :]
            if self.city and self.county.startswith(self.city) and self.county != self.city
            else self.county
        )


@dataclass(frozen=True)
class DepartmentType:
    """One function that owns work (卫生健康, 教育 …), the same across levels."""

    slug: str
    label_zh: str
    label_en: str
    kind: str
    names: dict[str, str]  # level → template with {county}, {city}, {province}, {county_short}
    short: tuple[str, ...]
    en: str
    variants: tuple[str, ...] = ()  # names other provinces print (人力社保局), for resolving units

    def name(self, level: Level, where: Jurisdiction) -> str:
        """The full name at a level, e.g. county → 开平市卫生健康局."""
        template = self.names.get(level) or self.names.get("county") or self.label_zh
        return template.format(
            county=where.county,
            city=where.city or "",
            province=where.province or "",
            county_short=where.short(),
        )


@dataclass(frozen=True)
class Registry:
    """All department types by slug, in file order."""

    types: dict[str, DepartmentType] = field(default_factory=dict)

    def __getitem__(self, slug: str) -> DepartmentType:
        return self.types[slug]

    def __contains__(self, slug: object) -> bool:
        return slug in self.types


def load_registry(path: Path) -> Registry:
    """Read data/departments.toml; a bad entry raises ValueError naming it."""
    with path.open("rb") as f:
        data = tomllib.load(f)
    types: dict[str, DepartmentType] = {}
    for slug, spec in data.items():
        try:
            types[slug] = DepartmentType(
                slug=slug,
                label_zh=spec["label_zh"],
                label_en=spec["label_en"],
                kind=spec.get("kind", "government"),
                names={lvl: spec[lvl] for lvl in LEVELS if spec.get(lvl)},
                short=tuple(spec.get("short", ())),
                en=spec.get("en", spec["label_en"]),
                variants=tuple(spec.get("variants", ())),
            )
        except KeyError as err:
            raise ValueError(
                f"{path}: [{slug}] lacks {err.args[0]}; see the file's header"
            ) from err
    return Registry(types)
