"""Shared fixtures: the real corpus, parsed once per session."""

from __future__ import annotations

import pytest

from ingest.corpus import CorpusEntry, load_corpus
from ingest.parse import ParsedDocument, parse_document

PLANS = ["qujiang", "panyu", "kaiping", "luzhai"]


@pytest.fixture(scope="session")
def corpus() -> list[CorpusEntry]:
    return load_corpus()


@pytest.fixture(scope="session")
def parsed(corpus: list[CorpusEntry]) -> dict[str, ParsedDocument]:
    return {e.key: parse_document(e.path, corpus) for e in corpus}
