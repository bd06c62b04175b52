"""`plangraph synth`: every generated document parses with the real pipeline into exactly what the
generator wrote (manifest.json), in every format; the same seed gives the same bytes; a whole
synthetic corpus builds, validates and answers queries."""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from ingest.citations import canonical_title
from ingest.corpus import load_corpus
from ingest.parse import parse_document
from ontology.dataset import write_graphs
from plangraph.pipeline import dataset_for, parse_all
from plangraph.settings import Settings
from queryapi.aggregates import AGGREGATES_GRAPH
from queryapi.store import open_store
from synth.corpus import FORMATS, SynthPlan, synthesize
from synth.regions import pick_regions

PLANGRAPH = Path(sys.executable).with_name("plangraph")
ROOT = Path(__file__).resolve().parent.parent


def parsed_as_written(plan: SynthPlan, folder: Path) -> dict:
    """What the parser reads from one generated document, in the manifest's terms."""
    doc = parse_document(folder / plan.file, load_corpus(folder / "corpus.toml")).plan
    return {
        "title": doc.title,
        "areas": [(a.title, len(a.goals), len(a.measures)) for a in doc.areas],
        "targets": [
            (seq, kind, n, t.indicator, str(t.value), t.unit, t.comparator)
            for seq, area in enumerate(doc.areas, 1)
            for kind, items in (("goal", area.goals), ("measure", area.measures))
            for n, item in enumerate(items, 1)
            for t in item.targets
        ],
        "principles": sum(len(s.items) for s in doc.sections if s.key == "principles"),
        "projects": len(doc.key_projects),
        "implementation": len(doc.implementation),
        "monitoring": len(doc.monitoring),
        "doc_number": doc.doc_number,
        "issued": doc.issued,
    }


def as_written(plan: SynthPlan) -> dict:
    return {
        "title": canonical_title(plan.title),
        "areas": [(a.title, a.goals, a.measures) for a in plan.areas],
        "targets": [
            (t.area, t.kind, t.item, t.indicator, t.value, t.unit, t.comparator)
            for t in plan.targets
        ],
        "principles": plan.principles,
        "projects": plan.projects,
        "implementation": plan.implementation,
        "monitoring": plan.monitoring,
        "doc_number": plan.doc_number,
        "issued": plan.issued,
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_document_parses_into_what_was_written(fmt, tmp_path):
    """Six plans in one format: the parser finds exactly the areas, goals, measures, targets
    (with the varied figures), projects and front matter the generator put in each."""
    corpus = synthesize(6, FORMATS.index(fmt), tmp_path, formats=(fmt,))
    assert {p.format for p in corpus.plans} == {fmt}
    for plan in corpus.plans:
        assert parsed_as_written(plan, tmp_path) == as_written(plan), plan.file


def test_figures_and_layouts_vary(tmp_path):
    """Not four plans copied: targets carry figures the seeds do not state, in several layouts."""
    corpus = synthesize(30, 3, tmp_path)
    seed_values = {
        str(t.value)
        for e in load_corpus()
        for a in parse_document(e.path).plan.areas
        for i in a.goals + a.measures
        for t in i.targets
    }
    written = {t.value for p in corpus.plans for t in p.targets}
    assert written - seed_values
    assert len({p.layout for p in corpus.plans}) == 4
    assert {p.file.rsplit(".", 1)[1] for p in corpus.plans} == {"txt", "docx", "html"}
    assert len({p.region for p in corpus.plans}) == 30


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus of eight plans in mixed formats, written by the command."""
    out = tmp_path_factory.mktemp("synth") / "corpus"
    done = subprocess.run(
        [str(PLANGRAPH), "synth", "--plans", "8", "--seed", "5", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("wrote 8 plans")
    return out


def test_the_same_seed_gives_the_same_bytes(synthetic, tmp_path):
    again = synthesize(8, 5, tmp_path / "again")
    names = sorted(p.name for p in synthetic.iterdir())
    assert names == sorted(p.name for p in again.out.iterdir())
    _, mismatch, errors = filecmp.cmpfiles(synthetic, again.out, names, shallow=False)
    assert mismatch == errors == []
    smaller = synthesize(3, 5, tmp_path / "smaller")
    assert [p.key for p in smaller.plans] == [p.key for p in again.plans[:3]]
    other = synthesize(8, 6, tmp_path / "other")
    assert [p.key for p in other.plans] != [p.key for p in again.plans]


def test_a_synthetic_corpus_builds_validates_and_answers(synthetic, tmp_path):
    """The real pipeline on the generated corpus: build (PLANGRAPH_CORPUS), validate, query."""
    env = {**os.environ, "PLANGRAPH_CORPUS": str(synthetic / "corpus.toml")}
    store = tmp_path / "store"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PLANGRAPH), *args], env=env, capture_output=True, text=True, timeout=300
        )

    built = run("build", "--store", str(store), "--graphs", str(tmp_path / "graphs"), "--jobs", "2")
    assert built.returncode == 0, built.stderr
    assert ": 8 plans," in built.stdout
    # Streamed from two processes, a graph at a time: the same graphs/ and store as the
    # dataset built in memory.
    settings = Settings.from_env(corpus=synthetic / "corpus.toml")
    dataset = dataset_for(settings, parse_all(settings))
    expected = write_graphs(dataset, tmp_path / "expected")
    streamed = sorted((tmp_path / "graphs").glob("*.trig"))
    assert [p.name for p in streamed] == sorted(p.name for p in expected)
    assert all(p.read_bytes() == (tmp_path / "expected" / p.name).read_bytes() for p in streamed)
    built_store = open_store(store)
    aggregates = NamedNode(AGGREGATES_GRAPH)
    stored = len(built_store) - sum(
        1 for _ in built_store.quads_for_pattern(None, None, None, aggregates)
    )
    assert stored == len(dataset.quads())  # and the aggregates worked out from them
    checked = run("validate", "--store", str(store))
    assert checked.returncode == 0, checked.stdout[-2000:]
    overview = synthetic / "plans-everywhere.rq"  # every region's plans, not the default city's
    text = (ROOT / "queries/plans-overview.rq").read_text("utf-8")
    overview.write_text(text.replace("region/liuzhou>", "region/china>"), "utf-8")
    answer = run("query", f"@{overview}", "--store", str(store), "--format", "json")
    assert answer.returncode == 0, answer.stderr
    rows = json.loads(answer.stdout)["results"]["bindings"]
    manifest = json.loads((synthetic / "manifest.json").read_text(encoding="utf-8"))
    regions = {d["region"] for d in manifest["documents"]}
    assert regions <= {r["regionName"]["value"] for r in rows}
    assert all(r["areas"]["value"] == "8" for r in rows if r["regionName"]["value"] in regions)


def test_every_region_gets_a_slug_of_its_own():
    """Over every county and city the generator can use: one slug per region name and one name
    per slug (山西 and 陕西 are both shanxi in pinyin; 朝阳区 is in two cities)."""
    regions = pick_regions(3057, 0)
    pairs = {(r.region, r.region_slug) for r in regions}
    pairs |= {(r.city, r.parent_slug) for r in regions if r.city}
    pairs |= {(r.province, r.province_slug) for r in regions}
    names = {name for name, _ in pairs}
    assert len(pairs) == len(names) == len({slug for _, slug in pairs})
    with pytest.raises(ValueError, match="at most 3057"):
        pick_regions(3058, 0)


def test_a_folder_of_other_files_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ValueError, match="not empty"):
        synthesize(2, 0, tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
