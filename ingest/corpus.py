"""The project's corpus: the vendored plan documents and what their text does not state."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ingest.config import read_toml, shape_error
from ingest.model import Level
from ingest.paths import DATA_DIR
from ingest.regions import region_level

PLANS_DIR = DATA_DIR / "plans"
CORPUS_FILE = PLANS_DIR / "corpus.toml"


@dataclass(frozen=True)
class CorpusEntry:
    """One plan of the corpus and its jurisdiction."""

    key: str
    path: Path
    region: str
    region_slug: str
    level: Level | None = None  # None: the gazetteer's level of the region
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
            "level": self.level or region_level(self.region),
            "parent_region": self.parent_region,
            "title": self.title,
        }
        return {k: v for k, v in fields.items() if v}


def load_corpus(corpus_file: Path = CORPUS_FILE) -> list[CorpusEntry]:
    """The corpus entries in file order; a bad file raises ConfigError naming it."""
    data = read_toml(corpus_file, "PLANGRAPH_CORPUS")
    try:
        return [_entry(key, dict(spec), corpus_file) for key, spec in data.items()]
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise shape_error(corpus_file, "PLANGRAPH_CORPUS", err) from None


def _entry(key: str, spec: dict, corpus_file: Path) -> CorpusEntry:
    """One [key] table of the corpus file: file, region and region_slug at least."""
    if not isinstance(spec, dict) or not isinstance(spec.get("file"), str):
        raise ValueError(f'[{key}] needs file = "NAME.txt", the document beside the corpus file')
    return CorpusEntry(key=key, path=corpus_file.parent / spec.pop("file"), **spec)


def entry_for(path: Path, corpus: list[CorpusEntry]) -> CorpusEntry | None:
    """The corpus entry of a document, or of a rendering of it with the same stem."""
    stem = path.name.split(".", 1)[0]
    return next((e for e in corpus if stem in (e.key, e.path.name.split(".", 1)[0])), None)


def slug(text: str) -> str:
    """A readable ASCII slug: pinyin for Chinese, lower-case words joined by hyphens."""
    from pypinyin import lazy_pinyin

    words = lazy_pinyin(text, errors=lambda chars: [chars])
    flat = "-".join(
        w for w in (re.sub(r"[^a-z0-9]+", "-", w.lower()).strip("-") for w in words) if w
    )
    return re.sub(r"-{2,}", "-", flat)
