"""The source passage of a span, read from the vendored document it points into.

A span's pg:sourceFile names the document as the corpus knows it (`luzhai.txt`, or
`data/upstream/…tsv` for the national outline); its offsets are code points into the document's
decoded text, so `text[start:end]` is the passage. The paragraph around it (the lines it sits
on) is returned with the passage's offsets inside it, for a page to highlight.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import PlanError
from ingest.paths import DATA_DIR
from ingest.readers import read_source

MAX_PARAGRAPH = 4000  # characters of context either side at most


@dataclass(frozen=True)
class Passage:
    """A span's passage and its paragraph; `highlightStart`/`End` index the paragraph."""

    file: str
    start: int
    end: int
    line: int | None
    text: str
    paragraph: str
    paragraphStart: int
    paragraphEnd: int
    highlightStart: int
    highlightEnd: int
    matchesBuild: bool  # the file's SHA-256 is the one the graph was built from


@dataclass(frozen=True)
class _Document:
    text: str
    sha256: str


def document_path(file: str, corpus_dir: Path, upstream: Path) -> Path | None:
    """Where the document a span names lives: beside the corpus file, or (the outline) under
    the data folder; None when it is in neither place."""
    name = Path(file)
    if name.is_absolute() or ".." in name.parts:
        return None
    candidates = [corpus_dir / name, DATA_DIR.parent / name, DATA_DIR / name]
    if upstream.name == name.name:
        candidates.insert(0, upstream)
    return next((p for p in candidates if p.is_file()), None)


@functools.lru_cache(maxsize=16)
def _read(path: Path, mtime_ns: int) -> _Document:
    raw = path.read_bytes()
    text = raw.decode("utf-8") if path.suffix.lower() == ".tsv" else read_source(path).text
    return _Document(text, hashlib.sha256(raw).hexdigest())


def passage(
    file: str,
    start: int,
    end: int,
    line: int | None,
    corpus_dir: Path,
    upstream: Path,
    sha256: str | None = None,
) -> Passage | None:
    """The passage a span points at, or None when the document cannot be read or the span
    does not fit in it."""
    path = document_path(file, corpus_dir, upstream)
    if path is None:
        return None
    try:
        doc = _read(path, path.stat().st_mtime_ns)
    except (OSError, UnicodeDecodeError, PlanError):
        return None
    text = doc.text
    if not 0 <= start <= end <= len(text):
        return None
    first = max(text.rfind("\n", 0, start) + 1, start - MAX_PARAGRAPH)
    last = text.find("\n", end)
    last = min(len(text) if last < 0 else last, end + MAX_PARAGRAPH)
    return Passage(
        file=file,
        start=start,
        end=end,
        line=line,
        text=text[start:end],
        paragraph=text[first:last],
        paragraphStart=first,
        paragraphEnd=last,
        highlightStart=start - first,
        highlightEnd=end - first,
        matchesBuild=sha256 is None or sha256 == doc.sha256,
    )
