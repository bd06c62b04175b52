"""`plangraph build --update FILE…` / `--remove KEY…`: one plan changed in the built store, with
what follows from it, on a synthetic corpus of 12 plans (the store of 11 updated with the 12th
must equal the full build), and through a real server that answers throughout."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest
from pyoxigraph import NamedNode, Store

from ingest.parse import PlanError
from ontology.dataset import ALIGNMENTS_GRAPH, CITED_GRAPH, VOCABULARY_GRAPH, pg
from ontology.iris import work_slug
from plangraph.pipeline import build
from plangraph.settings import Settings
from plangraph.update import LABELS, SLUGGED, known_slugs, update
from queryapi.aggregates import AGGREGATES_GRAPH
from queryapi.search import SEARCH_FILE, search
from queryapi.store import generation_dir, store_generation, writing
from synth.corpus import synthesize
from tests.conftest import PLANS
from tests.servers import BIN, plangraph_serve

ALIGNMENTS = NamedNode(ALIGNMENTS_GRAPH)
LOCAL_GOAL = "1、全县每个乡镇建成一处妇女儿童之家，配备专职社会工作者。"
FIRST_AREA = re.compile(
    r"\n主要目标\n(.*?)\n策略措施：\n(.*?)\n（二）", re.S
)  # its goals, measures


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("update") / "corpus"
    synthesize(12, 3, out)
    return out


@pytest.fixture(scope="module")
def settings(corpus: Path) -> Settings:
    return Settings.from_env(corpus=corpus / "corpus.toml")


@pytest.fixture(scope="module")
def documents(settings: Settings) -> list[Path]:
    from ingest.corpus import load_corpus

    return [e.path for e in load_corpus(settings.corpus)]


@pytest.fixture(scope="module")
def full(settings: Settings, documents: list[Path], corpus: Path) -> Path:
    """The store built from all 12 documents."""
    store = corpus.parent / "full" / "store"
    build(settings, documents, store)
    return store


@pytest.fixture(scope="module")
def eleven(settings: Settings, documents: list[Path], corpus: Path) -> Path:
    """The store built from the first 11 documents."""
    store = corpus.parent / "eleven" / "store"
    build(settings, documents[:-1], store)
    return store


def copy(store: Path, to: Path) -> Path:
    """A store of generations copied whole (symlink and current generation)."""
    shutil.copytree(store.parent, to, symlinks=True)
    return to / store.name


def opened(store: Path) -> Store:
    return Store.read_only(str(store.resolve()))


def graph(store: Store, iri: str) -> set:
    return set(store.quads_for_pattern(None, None, None, NamedNode(iri)))


def every_graph(store: Store) -> dict[str, set]:
    return {g.value: graph(store, g.value) for g in store.named_graphs()}


def plan_of(store: Store, source: str) -> tuple[str, str]:
    """The graph and plan IRIs of the plan built from a document."""
    doc = NamedNode(f"https://w3id.org/plangraph/id/document/{source}")
    derived = NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
    q = next(iter(store.quads_for_pattern(None, derived, doc)))
    return q.graph_name.value, q.subject.value  # type: ignore[union-attr]


def links_from(store: Store, plan: str) -> set:
    """The alignment quads starting at the plan's goals (their subjects are under its IRI)."""
    return {q for q in graph(store, ALIGNMENTS_GRAPH) if q.subject.value.startswith(plan + "/")}


def found(store: Path, plan: str, q: str) -> list[tuple]:
    """The search hits of the plan for q, through queryapi.search (index and delta), unranked."""
    hits = search(generation_dir(store) / SEARCH_FILE, q, limit=10_000, plan=plan).hits
    return sorted((h.iri, h.kind, h.plan, h.planTitle, h.label, h.snippet) for h in hits)


def terms(store: Path, plan: str) -> list[str]:
    """A trigram term (the first goal's first words) and a short one, to search the plan for."""
    with sqlite3.connect(generation_dir(store) / SEARCH_FILE) as db:
        label = db.execute("SELECT label FROM items WHERE plan = ? AND kind = 'goal'", (plan,))
        return [label.fetchone()[0][:4], "妇女"]


def test_updating_with_the_last_plan_gives_the_full_build(
    settings, documents, full, eleven, tmp_path
):
    store = copy(eleven, tmp_path / "var")
    result = update(settings, store, [documents[-1]])
    assert [p.source for p in result.plans] == [documents[-1].name]
    assert result.removed == []  # it was not there
    want, got = opened(full), opened(store)
    g, plan = plan_of(want, documents[-1].name)
    assert plan_of(got, documents[-1].name) == (g, plan)
    assert graph(got, g) == graph(want, g)
    assert links_from(got, plan) and links_from(got, plan) == links_from(want, plan)
    assert every_graph(got) == every_graph(want)  # the shared graphs too, for the last plan
    for q in terms(full, plan):
        assert found(store, plan, q) and found(store, plan, q) == found(full, plan, q)


def with_other_goals(document: Path) -> None:
    """Rewrite a .txt plan in place: its first area's goals replaced by one that no national goal
    says (its national gaps and local additions change) and that area's last measure dropped (the
    area's measure count and the department types' totals change)."""
    text = document.read_text(encoding="utf-8")
    goals = FIRST_AREA.search(text)
    assert goals, document
    measures = [m for m in goals.group(2).split("\n") if m.strip()]
    kept = goals.group(2).replace(measures[-1], "")
    text = text[: goals.start(1)] + f"\n{LOCAL_GOAL}\n\n策略措施：\n{kept}" + text[goals.end(2) :]
    document.write_text(text, encoding="utf-8")


def aggregates_of(store: Store, plan: str) -> dict[str, set]:
    """The aggregate facts about a plan, its areas and goals (by IRI), and the department types'."""
    facts: dict[str, set] = {"plan": set(), "types": set()}
    for q in graph(store, AGGREGATES_GRAPH):
        if q.subject.value == plan or q.subject.value.startswith(plan + "/"):
            facts["plan"].add((q.subject.value, q.predicate.value, q.object.value))
        elif "/department-type/" in q.subject.value:
            facts["types"].add((q.subject.value, q.predicate.value, q.object.value))
    return facts


def test_a_plan_with_other_goals_gives_the_full_build(settings, documents, full, corpus, tmp_path):
    """Its goals and measures changed, a plan's national gaps, local additions, area counts and
    share of the department-type totals follow, and the other plans whose peer links pointed
    at its goals are matched again: the store equals the full build of the changed corpus."""
    changed = tmp_path / "corpus"
    shutil.copytree(corpus, changed)
    before = opened(full)
    doc = next(d for d in documents if d.suffix == ".txt" and FIRST_AREA.search(d.read_text()))
    _, plan = plan_of(before, doc.name)
    with_other_goals(changed / doc.name)
    changed_settings = Settings.from_env(corpus=changed / "corpus.toml")
    built = tmp_path / "built" / "store"
    build(changed_settings, [changed / d.name for d in documents], built)
    store = copy(full, tmp_path / "var")
    update(changed_settings, store, [changed / doc.name])
    want, got = opened(built), opened(store)
    old, new = aggregates_of(before, plan), aggregates_of(want, plan)
    for prop in ("lacksNationalGoal", "goalCount", "measureCount"):
        assert {f for f in old["plan"] if prop in f[1]} != {f for f in new["plan"] if prop in f[1]}
    additions = {f[0] for f in new["plan"] if f[2].endswith("#LocalAddition")}
    assert f"{plan}/area/1/goal/1" in additions
    assert old["types"] != new["types"]
    assert aggregates_of(got, plan) == new
    got_graphs, want_graphs = every_graph(got), every_graph(want)
    for additive in (VOCABULARY_GRAPH, CITED_GRAPH):  # the dropped goals' indicators stay
        assert got_graphs.pop(additive) >= want_graphs.pop(additive)
    assert got_graphs == want_graphs


def test_replacing_a_plan_by_itself_changes_nothing(settings, documents, full, tmp_path):
    store = copy(full, tmp_path / "var")
    before = store_generation(store)
    result = update(settings, store, [documents[4]])
    assert len(result.removed) == 1
    assert store_generation(store) != before  # a new generation: caches see the change
    assert every_graph(opened(store)) == every_graph(opened(full))


def test_the_store_knows_the_slug_of_every_label_it_holds(full):
    """What an update reads instead of computing pinyin is what work_slug computes."""
    store = opened(full)
    known = known_slugs(store)
    labels = {
        q.object.value
        for p in LABELS
        for q in store.quads_for_pattern(None, p, None, None)
        if SLUGGED.match(q.subject.value)
    }
    assert len(labels) > 50
    assert all(known(text) == work_slug(text) for text in labels)
    assert known("从未写过的指标名称") is None


def test_removing_a_plan_takes_its_graph_links_and_rows_out(settings, documents, full, tmp_path):
    want = opened(full)
    # the plan the most peer links of other plans point at, so that they are matched again
    peer_targets: dict[str, int] = {}
    for q in want.quads_for_pattern(None, pg("method"), None, ALIGNMENTS):
        if q.object.value == "peer":
            to = next(iter(want.quads_for_pattern(q.subject, pg("toGoal"), None, ALIGNMENTS)))
            key = to.object.value.split("/area/")[0]
            peer_targets[key] = peer_targets.get(key, 0) + 1
    plan = max(peer_targets, key=lambda k: (peer_targets[k], k))
    doc = next(d for d in documents if plan_of(want, d.name)[1] == plan)
    g, _ = plan_of(want, doc.name)
    store = copy(full, tmp_path / "var")
    update(settings, store, remove=[doc.stem])
    got = opened(store)
    assert graph(got, g) == set()
    assert not links_from(got, plan)
    goals = {q.object for q in got.quads_for_pattern(None, pg("hasGoal"), None)}
    targets = {q.object for q in got.quads_for_pattern(None, pg("toGoal"), None, ALIGNMENTS)}
    sources = {q.object for q in got.quads_for_pattern(None, pg("fromGoal"), None, ALIGNMENTS)}
    assert targets <= goals and sources <= goals  # no dangling link
    assert not any(t.value.startswith(plan + "/") for t in targets)
    for q in terms(full, plan):
        assert found(store, plan, q) == []
        assert found(full, plan, q)
    # the plans whose peer links pointed at it are linked again or are canonical goals now
    others = every_graph(got)
    assert len(others[ALIGNMENTS_GRAPH]) > 0
    update(settings, store, [doc])  # and back: its own graph is the full build's again
    assert graph(opened(store), g) == graph(want, g)


def test_removing_the_last_plan_gives_the_build_without_it(
    settings, documents, full, eleven, tmp_path
):
    """Its facts and its share of the department-type totals taken out, the aggregates are the
    build of the other eleven's."""
    store = copy(full, tmp_path / "var")
    update(settings, store, remove=[documents[-1].stem])
    got, want = opened(store), opened(eleven)
    assert graph(got, AGGREGATES_GRAPH) == graph(want, AGGREGATES_GRAPH)
    got_graphs, want_graphs = every_graph(got), every_graph(want)
    for additive in (VOCABULARY_GRAPH, CITED_GRAPH):
        assert got_graphs.pop(additive) >= want_graphs.pop(additive)
    assert got_graphs == want_graphs


def test_a_bad_document_changes_nothing(settings, full, tmp_path):
    store = copy(full, tmp_path / "var")
    before = store_generation(store)
    bad = tmp_path / "bad.txt"
    bad.write_text("某县妇女发展规划\n\n这份文件没有发展领域\n", encoding="utf-8")
    with pytest.raises(PlanError, match=r"bad\.txt"):
        update(settings, store, [bad])
    assert store_generation(store) == before
    assert sorted(p.name for p in store.parent.iterdir() if ".gen-" in p.name) == [before]


def test_a_second_writer_fails_at_once(settings, documents, full, corpus, tmp_path):
    store = copy(full, tmp_path / "var")
    env = {"PLANGRAPH_CORPUS": str(corpus / "corpus.toml"), "PATH": str(BIN)}
    command = [
        str(BIN / "plangraph"),
        "build",
        "--store",
        str(store),
        "--update",
        str(documents[0]),
    ]
    with writing(store):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
        assert time.perf_counter() - started < 15
    assert done.returncode == 2
    assert "another build" in done.stderr
    assert store_generation(store) == store_generation(full)


def test_the_server_answers_throughout_an_update(settings, documents, eleven, tmp_path):
    store = copy(eleven, tmp_path / "var")
    last = documents[-1].name
    ask = (
        "ASK { ?plan <http://www.w3.org/ns/prov#wasDerivedFrom> "
        f"<https://w3id.org/plangraph/id/document/{last}> }}"
    )
    statuses: list[int] = []
    answers: list[bool] = []
    failures: list[str] = []
    stop = threading.Event()
    with plangraph_serve(store) as server:

        def client() -> None:
            with httpx.Client(timeout=30) as http:
                while not stop.is_set():
                    r = http.get(
                        server.sparql,
                        params={"query": ask},
                        headers={"Accept": "application/sparql-results+json"},
                    )
                    statuses.append(r.status_code)
                    if r.status_code != 200:
                        failures.append(r.text)
                    if r.status_code == 200:
                        answers.append(r.json()["boolean"])

        thread = threading.Thread(target=client)
        thread.start()
        time.sleep(0.5)
        update(settings, store, [documents[-1]])
        time.sleep(0.5)
        stop.set()
        thread.join()
    assert statuses and set(statuses) == {200}, failures[:3]
    assert answers[0] is False and answers[-1] is True
    assert answers == sorted(answers)  # once the new generation answers, it always does


@pytest.mark.parametrize("key", PLANS)
def test_updating_a_seed_plan_gives_the_full_build(key, built_store, tmp_path):
    """Each of the four plans put back in place equals the full build, quoted plans (Panyu's
    footnotes quote the Guangdong and Guangzhou plans, which Kaiping cites) and all."""
    from ingest.corpus import load_corpus

    settings = Settings.from_env()
    entry = next(e for e in load_corpus(settings.corpus) if e.key == key)
    store = copy(built_store, tmp_path / "var")
    result = update(settings, store, [entry.path])
    assert result.removed and result.links > 0
    assert every_graph(opened(store)) == every_graph(opened(built_store))
