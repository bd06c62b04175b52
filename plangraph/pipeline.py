"""The pipeline end to end: documents → plan model → RDF dataset → store and graphs/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.corpus import load_corpus
from ingest.parse import ParsedDocument, parse_document
from ontology.dataset import Dataset, build_dataset, write_graphs
from plangraph.settings import Settings
from queryapi.store import BuildReport, build_store


@dataclass(frozen=True)
class BuildResult:
    """What `plangraph build` did."""

    documents: list[ParsedDocument]
    dataset: Dataset
    store: BuildReport | None
    graph_files: list[Path]


def corpus_paths(settings: Settings) -> list[Path]:
    """The documents of the project's corpus, in corpus order."""
    return [e.path for e in load_corpus(settings.corpus)]


def parse_all(settings: Settings, paths: list[Path] | None = None) -> list[ParsedDocument]:
    """Parse the given documents (the corpus by default); the first bad one raises PlanError."""
    corpus = load_corpus(settings.corpus)
    return [parse_document(p, corpus) for p in (paths or [e.path for e in corpus])]


def dataset_for(settings: Settings, docs: list[ParsedDocument]) -> Dataset:
    """The RDF dataset of parsed documents."""
    return build_dataset(docs, load_corpus(settings.corpus))


def build(
    settings: Settings,
    paths: list[Path] | None = None,
    store: Path | None = None,
    graphs: Path | None = None,
) -> BuildResult:
    """Parse, build the dataset, then write graphs/ and swap in a new store (either optional)."""
    docs = parse_all(settings, paths)
    dataset = dataset_for(settings, docs)
    files = write_graphs(dataset, graphs) if graphs else []
    report = build_store(dataset, store) if store else None
    return BuildResult(docs, dataset, report, files)
