"""The pipeline end to end: documents → plan model → RDF dataset → store and graphs/."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from derive import derive
from derive.alignment import Alignments, GoalRef, UpstreamNote, align
from derive.departments import Registry, load_registry
from derive.ownership import OwnerModel, load_lexicon
from derive.quoted import quoted_plans
from ingest.citations import canonical_title
from ingest.config import read_toml, shape_error
from ingest.corpus import load_corpus
from ingest.model import Plan
from ingest.parse import ParsedDocument, parse_document
from ingest.quotations import find_quotations
from ingest.upstream import read_outline
from ontology.dataset import Dataset, build_dataset, write_graphs
from plangraph.settings import Settings
from queryapi.store import BuildReport, build_store, writing


@dataclass(frozen=True)
class BuildResult:
    """What `plangraph build` did."""

    documents: list[ParsedDocument]
    dataset: Dataset
    store: BuildReport | None
    graph_files: list[Path]


@dataclass(frozen=True)
class Ownership:
    """The department registry and the owner-inference model built on it."""

    registry: Registry
    model: OwnerModel


def ownership(settings: Settings) -> Ownership:
    """The registry and model from the data files named in the settings."""
    read_toml(settings.departments, "PLANGRAPH_DEPARTMENTS")
    try:
        registry = load_registry(settings.departments)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise shape_error(settings.departments, "PLANGRAPH_DEPARTMENTS", err) from None
    read_toml(settings.lexicon, "PLANGRAPH_LEXICON")
    try:
        return Ownership(registry, OwnerModel(load_lexicon(settings.lexicon, registry)))
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise shape_error(settings.lexicon, "PLANGRAPH_LEXICON", err) from None


def parse_all(settings: Settings, paths: list[Path] | None = None) -> list[ParsedDocument]:
    """Parse the given documents (the corpus by default) and give every goal and measure its
    owners; the first bad document raises PlanError."""
    corpus = load_corpus(settings.corpus)
    model = ownership(settings).model
    docs = [parse_document(p, corpus) for p in (paths or [e.path for e in corpus])]
    for doc in docs:
        derive(doc.plan, model)
    return docs


def upstream_all(settings: Settings) -> list[ParsedDocument]:
    """The upstream plans shipped as data (the national outline), read and given area types;
    their goals get no owners: an upstream goal carries pg:textStatus instead."""
    doc = read_outline(settings.upstream)
    derive(doc.plan)
    return [doc]


def quoted_all(docs: list[ParsedDocument]) -> list[ParsedDocument]:
    """The provincial and city plans the documents' footnotes quote (the Panyu plan's quote the
    Guangdong and Guangzhou plans), as upstream plans whose goals are the quoted wordings."""
    return [up for doc in docs for up in quoted_plans(doc)]


def alignments_of(docs: list[ParsedDocument], outline: Plan, quoted: list[Plan]) -> Alignments:
    """The alignments of the documents' goals and of the goals their footnotes quote."""
    notes = [
        UpstreamNote(
            GoalRef(doc.plan.title, q.area, q.goal),
            canonical_title(q.cited_title),
            q.wording,
            f"{q.local_plan} footnote {q.note}",
        )
        for doc in docs
        for q in find_quotations(doc.plan)
    ]
    return align([d.plan for d in docs], outline, notes, quoted)


@dataclass(frozen=True)
class CorpusAlignments:
    """The corpus's alignments, with the plans' titles by corpus key and the outline's title."""

    alignments: Alignments
    titles: dict[str, str]
    upstream: str


def alignments_for(settings: Settings) -> CorpusAlignments:
    """Parse the corpus and align its goals (no owners needed): for scoring the alignment."""
    corpus = load_corpus(settings.corpus)
    docs = [parse_document(e.path, corpus) for e in corpus]
    for doc in docs:
        derive(doc.plan)
    outline = upstream_all(settings)[0].plan
    found = alignments_of(docs, outline, [d.plan for d in quoted_all(docs)])
    return CorpusAlignments(found, {d.plan.key: d.plan.title for d in docs}, outline.title)


def dataset_for(settings: Settings, docs: list[ParsedDocument]) -> Dataset:
    """The RDF dataset of parsed documents, of the upstream plans they cite and of the
    alignments of their goals with the national outline's."""
    corpus = load_corpus(settings.corpus)
    registry = ownership(settings).registry
    outline = upstream_all(settings)
    quoted = quoted_all(docs)
    links = alignments_of(docs, outline[0].plan, [q.plan for q in quoted])
    return build_dataset(docs, corpus, registry, [*outline, *quoted], links)


def build(
    settings: Settings,
    paths: list[Path] | None = None,
    store: Path | None = None,
    graphs: Path | None = None,
) -> BuildResult:
    """Parse, build the dataset, then write graphs/ and swap in a new store (either optional).

    With a store, the store's writer lock is held from the start, so a second build into the
    same store fails at once (StoreBusy) instead of racing this one."""
    with writing(store) if store else contextlib.nullcontext():
        docs = parse_all(settings, paths)
        dataset = dataset_for(settings, docs)
        files = write_graphs(dataset, graphs) if graphs else []
        report = build_store(dataset, store) if store else None
    return BuildResult(docs, dataset, report, files)
