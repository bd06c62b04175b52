"""Documents → plan model: read, clean and structure one document."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ingest.corpus import CorpusEntry, entry_for, load_corpus, slug
from ingest.errors import PlanError
from ingest.model import Area, Plan, SourceText
from ingest.normalise import normalise
from ingest.readers import read_source
from ingest.regions import gazetteer, region_level, title_region
from ingest.structure import PlanReader

MAX_TEXT_CHARS = 2_000_000  # characters; the seed plans have about 30,000, a long plan 200,000
MAX_RESTARTS = 2  # times the area numbering may start again (一、… 一、…) before it is many plans
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class ParsedDocument:
    """A document as read and the plan model built from it."""

    source: SourceText
    sha256: str
    plan: Plan


def parse_source(
    source: SourceText,
    entry: CorpusEntry | None,
    digest: str = "",
    max_chars: int = MAX_TEXT_CHARS,
) -> ParsedDocument:
    """Clean and structure an already-read document, refusing one far beyond a plan's size."""
    check_size(source, max_chars)
    meta = (
        entry.meta()
        if entry
        else {"key": slug(Path(source.name).stem), "region": "", "level": "county"}
    )
    plan = PlanReader(source, normalise(source.text), meta).read()
    check_restarts(plan, source.name)
    if not plan.region:
        locate(plan, source.name)
    return ParsedDocument(source, digest or hashlib.sha256(source.text.encode()).hexdigest(), plan)


def check_size(source: SourceText, max_chars: int) -> None:
    """Refuse a text longer than any plan before structuring it (a file of many plans)."""
    if len(source.text) > max_chars:
        raise PlanError(
            source.name,
            f"document too long ({len(source.text):,} characters, limit {max_chars:,}); "
            "expected one plan per document (is it several plans joined?)",
        )


def check_restarts(plan: Plan, name: str) -> None:
    """Refuse a plan whose areas start again and again (by printed number, or by title where
    areas are not numbered): several plans joined."""
    if not plan.areas:
        return

    def key(area: Area) -> str:
        return area.number or area.title

    first = key(plan.areas[0])
    restarts = [a for a in plan.areas[1:] if key(a) == first]
    if len(restarts) > MAX_RESTARTS:
        raise PlanError(
            name,
            f"area numbering starts again at “{first}” {len(restarts)} times "
            f"(area {restarts[0].title}); expected one plan per document",
            restarts[0].span.line,
        )


def check_input(path: Path) -> None:
    """Refuse a missing path, a directory or UTF-16 text, in one line naming the path."""
    if not path.exists():
        raise PlanError(str(path), "no such file; expected the path of a plan document")
    if path.is_dir():
        raise PlanError(
            str(path), "is a directory; expected a plan document (.txt .md .docx .html .pdf)"
        )
    check_utf16(path)


def check_utf16(path: Path) -> None:
    """Refuse UTF-16 text with a clear message: the readers take UTF-8 or GB18030."""
    if path.suffix.lower() not in (".txt", ".md", ".html", ".htm"):
        return
    with path.open("rb") as f:
        head = f.read(2)
    if head in _UTF16_BOMS:
        raise PlanError(str(path), "the file is UTF-16 text; expected UTF-8 (re-save it as UTF-8)")


def locate(plan: Plan, name: str) -> None:
    """Set a plan's region, level and parent city from its title and the gazetteer."""
    region = title_region(plan.title)
    if not region:
        raise PlanError(
            name,
            f"cannot tell the plan's region from its title “{plan.title}”; "
            "expected a title starting with a region (某某县…) or an entry in data/plans/corpus.toml",
        )
    plan.region = region
    plan.level = region_level(region)
    where = gazetteer().find(region)
    if where and where.city and plan.level == "county":
        plan.parent_region = where.city.name


def parse_document(path: Path, corpus: list[CorpusEntry] | None = None) -> ParsedDocument:
    """Read one document (txt, md, docx, html, pdf) into the plan model."""
    corpus = load_corpus() if corpus is None else corpus
    check_input(path)
    source = read_source(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        return parse_source(source, entry_for(path, corpus), digest)
    except PlanError as err:
        raise PlanError(str(path), err.message, err.line) from None
