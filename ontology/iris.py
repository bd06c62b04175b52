"""Stable, readable IRIs for everything an analyst may point at: no random ids, no blank nodes."""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.citations import canonical_title
from ingest.corpus import CorpusEntry, slug
from ingest.regions import NATIONAL, name_level, title_region

_TOPICS = (
    ("妇女发展纲要", "women-outline"),
    ("儿童发展纲要", "children-outline"),
    ("妇女发展规划", "women"),
    ("儿童发展规划", "children"),
)
_PERIOD = re.compile(r"（(\d{4})—(\d{4})年?）")
_INDICATOR_PREFIX = re.compile(r"^(?:全区|全县|全市|全省|全国|我区|我县|我市|本区|本县|本市)+")


class RegionNames:
    """Maps region names to slugs, from the corpus first and pinyin otherwise, and finds the
    corpus entry a cited title begins with; made once a build, shared by its documents."""

    def __init__(self, corpus: list[CorpusEntry]) -> None:
        self.slugs: dict[str, str] = {"中国": "china"}
        self.entries: dict[str, CorpusEntry] = {e.key: e for e in corpus}
        self._plan_slugs: dict[str, str] = {}  # plan_slug's answers: every alignment asks twice
        self._starts: dict[str, CorpusEntry] = {}  # a region's name or short name → its entry
        for e in corpus:
            short = e.region.removeprefix(e.parent_region or "")
            for name in (e.region, short):
                if name:
                    self._starts.setdefault(name, e)
            self.slugs[e.region] = e.region_slug
            if e.parent_region and e.region.startswith(e.parent_region):
                self.slugs.setdefault(e.region[len(e.parent_region) :], e.region_slug)
            if e.parent_region and e.parent_slug:
                self.slugs[e.parent_region] = e.parent_slug
            if e.province and e.province_slug:
                self.slugs[e.province] = e.province_slug

    def slug(self, region: str) -> str:
        """The slug of a region name (广东省 → guangdong)."""
        if region in self.slugs:
            return self.slugs[region]
        return slug(re.sub(r"(自治区|省|市|县|区)$", "", region))

    def entry_at_start(self, title: str) -> CorpusEntry | None:
        """The entry whose region (or short name: 番禺区 for 广州市番禺区) begins the title, the
        longest such name, the first entry of the corpus that has it."""
        return next(
            (
                self._starts[title[:n]]
                for n in range(len(title), 0, -1)
                if title[:n] in self._starts
            ),
            None,
        )

    def plan_slug(self, title: str) -> str:
        """The slug of a plan from its title: region, topic and period."""
        if (known := self._plan_slugs.get(title)) is None:
            known = self._plan_slugs[title] = self._plan_slug(title)
        return known

    def _plan_slug(self, title: str) -> str:
        t = canonical_title(title)
        period = _PERIOD.search(t)
        head = t[: period.start()] if period else t
        region = next((p for p in NATIONAL if head.startswith(p)), None) or next(
            (head[:n] for n in range(len(head), 0, -1) if head[:n] in self.slugs), None
        )
        if region is None:
            region = title_region(head) or ""
        region_slug = "china" if region in NATIONAL else self.slug(region) if region else ""
        rest = head[len(region) :]
        topic = next((s for word, s in _TOPICS if word in rest), None) or slug(rest)[:60]
        parts = [region_slug, topic] + ([f"{period.group(1)}-{period.group(2)}"] if period else [])
        return "-".join(p for p in parts if p)


def plan_level(title: str) -> str | None:
    """The level a cited plan's title implies, or None when it cannot tell."""
    return name_level(canonical_title(title))


def indicator_key(phrase: str) -> str:
    """One key for one indicator across plans: drops region words and spaces."""
    return _INDICATOR_PREFIX.sub("", re.sub(r"\s+", "", phrase))


@lru_cache(maxsize=65536)
def work_slug(title: str) -> str:
    """The slug of a cited law or other work; 中华人民共和国X法 and X法 are one law (cached:
    plans repeat the same indicators, actors and laws, and pinyin is slow)."""
    return slug(canonical_title(title).removeprefix("中华人民共和国"))[:80].rstrip("-")
