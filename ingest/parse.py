"""Documents → plan model: read, clean and structure one document."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ingest.areas import type_areas
from ingest.corpus import CorpusEntry, entry_for, guess_level, load_corpus, slug
from ingest.errors import PlanError
from ingest.model import Plan, SourceText
from ingest.normalise import normalise
from ingest.readers import read_source
from ingest.structure import PlanReader

_REGION = re.compile(r"^(?P<region>.+?[省市县区旗州])(?:妇女|儿童|国民经济|.{0,12}规划)")


@dataclass(frozen=True)
class ParsedDocument:
    """A document as read and the plan model built from it."""

    source: SourceText
    sha256: str
    plan: Plan


def parse_source(source: SourceText, entry: CorpusEntry | None, digest: str = "") -> ParsedDocument:
    """Clean and structure an already-read document."""
    meta = (
        entry.meta()
        if entry
        else {"key": slug(Path(source.name).stem), "region": "", "level": "county"}
    )
    plan = PlanReader(source, normalise(source.text), meta).read()
    if not plan.region:
        m = _REGION.match(plan.title)
        if not m:
            raise PlanError(
                source.name,
                "cannot tell the plan's region from its title "
                f"“{plan.title}”; add the document to data/plans/corpus.toml",
            )
        plan.region = m.group("region")
        plan.level = guess_level(plan.region)
    type_areas(plan)
    return ParsedDocument(source, digest or hashlib.sha256(source.text.encode()).hexdigest(), plan)


def parse_document(path: Path, corpus: list[CorpusEntry] | None = None) -> ParsedDocument:
    """Read one document (txt, md, docx, html, pdf) into the plan model."""
    corpus = load_corpus() if corpus is None else corpus
    source = read_source(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        return parse_source(source, entry_for(path, corpus), digest)
    except PlanError as err:
        raise PlanError(str(path), err.message, err.line) from None
