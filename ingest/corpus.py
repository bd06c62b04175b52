"""The project's corpus: the vendored plan documents and what their text does not state."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ingest.model import Level

ROOT = Path(__file__).resolve().parent.parent
PLANS_DIR = ROOT / "data" / "plans"
CORPUS_FILE = PLANS_DIR / "corpus.toml"

_LEVEL_SUFFIX: tuple[tuple[str, Level], ...] = (
    ("自治区", "provincial"),
    ("省", "provincial"),
    ("县", "county"),
    ("区", "county"),
    ("旗", "county"),
    ("州", "municipal"),
    ("市", "municipal"),
)


@dataclass(frozen=True)
class CorpusEntry:
    """One plan of the corpus and its jurisdiction."""

    key: str
    path: Path
    region: str
    region_slug: str
    level: Level
    parent_region: str | None = None
    parent_slug: str | None = None
    province: str | None = None
    province_slug: str | None = None
    title: str | None = None

    def meta(self) -> dict[str, str]:
        """The metadata the structure reader takes."""
        fields = {
            "key": self.key,
            "region": self.region,
            "level": self.level,
            "parent_region": self.parent_region,
            "title": self.title,
        }
        return {k: v for k, v in fields.items() if v}


def load_corpus(corpus_file: Path = CORPUS_FILE) -> list[CorpusEntry]:
    """The corpus entries in file order."""
    with corpus_file.open("rb") as f:
        data = tomllib.load(f)
    return [
        CorpusEntry(key=key, path=corpus_file.parent / spec.pop("file"), **spec)
        for key, spec in data.items()
    ]


def entry_for(path: Path, corpus: list[CorpusEntry]) -> CorpusEntry | None:
    """The corpus entry of a document, or of a rendering of it with the same stem."""
    stem = path.name.split(".", 1)[0]
    return next((e for e in corpus if stem in (e.key, e.path.name.split(".", 1)[0])), None)


def guess_level(region: str) -> Level:
    """The administrative level a region's name suggests (县 county, 市 municipal …)."""
    last = region.rsplit("市", 1)[-1] if region.count("市") > 1 else region
    return next((lvl for suffix, lvl in _LEVEL_SUFFIX if last.endswith(suffix)), "county")


def slug(text: str) -> str:
    """A readable ASCII slug: pinyin for Chinese, lower-case words joined by hyphens."""
    from pypinyin import lazy_pinyin

    words = lazy_pinyin(text, errors=lambda chars: list(chars))
    flat = "-".join(
        w for w in (re.sub(r"[^a-z0-9]+", "-", w.lower()).strip("-") for w in words) if w
    )
    return re.sub(r"-{2,}", "-", flat)
