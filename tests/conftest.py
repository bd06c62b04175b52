"""Shared fixtures: the real corpus, parsed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.corpus import CorpusEntry, load_corpus
from ingest.parse import ParsedDocument, parse_document
from plangraph.pipeline import build
from plangraph.settings import Settings

PLANS = ["qujiang", "panyu", "kaiping", "luzhai"]


@pytest.fixture(scope="session")
def corpus() -> list[CorpusEntry]:
    return load_corpus()


@pytest.fixture(scope="session")
def parsed(corpus: list[CorpusEntry]) -> dict[str, ParsedDocument]:
    return {e.key: parse_document(e.path, corpus) for e in corpus}


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four plans built once into a store of this test session's own."""
    store = tmp_path_factory.mktemp("built") / "store"
    build(Settings.from_env(), store=store)
    return store
