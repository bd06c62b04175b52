"""Layouts the seed plans do not use: a children's county plan, a provincial-style county plan
with a stated-owner clause on every measure (inside chapters, and again with its areas as
top-level parts), and a nine-area city plan (tests/data/plans/).
What a careful reader counted in each before the parser read it (expected.toml) is what the
parser reads; built into a store, they validate."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from derive import derive
from derive.areas import area_schemes
from ingest.corpus import CorpusEntry, load_corpus
from ingest.model import Item, Plan
from ingest.parse import ParsedDocument, parse_document
from plangraph.pipeline import build, ownership
from plangraph.settings import Settings

HERE = Path(__file__).with_name("data") / "plans"
CORPUS = HERE / "corpus.toml"
EXPECTED = tomllib.loads((HERE / "expected.toml").read_text("utf-8"))
KEYS = list(EXPECTED)


@pytest.fixture(scope="module")
def corpus() -> list[CorpusEntry]:
    return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def layouts(corpus: list[CorpusEntry]) -> dict[str, ParsedDocument]:
    """Each layout plan parsed, with its owners assigned as a build assigns them."""
    settings = Settings.from_env(corpus=CORPUS)
    model = ownership(settings).model
    docs = {e.key: parse_document(e.path, corpus) for e in corpus}
    for doc in docs.values():
        derive(doc.plan, model)
    return docs


def measure(plan: Plan, area: int, seq: int) -> Item:
    """A measure by 1-based area and measure position."""
    return plan.areas[area - 1].measures[seq - 1]


def test_every_layout_plan_is_hand_counted(corpus):
    assert sorted(e.key for e in corpus) == sorted(KEYS)


@pytest.mark.parametrize("key", KEYS)
def test_areas_goals_and_measures(layouts, key):
    plan = layouts[key].plan
    want = EXPECTED[key]
    assert [[a.title, len(a.goals), len(a.measures)] for a in plan.areas] == want["areas"]
    assert len(plan.implementation) == want["implementation_items"]
    assert len(plan.monitoring) == want["monitoring_items"]
    for area in plan.areas:
        for items in (area.goals, area.measures):
            assert [i.sequence for i in items] == list(range(1, len(items) + 1))
            assert [i.number for i in items] == [str(n) for n in range(1, len(items) + 1)]


@pytest.mark.parametrize("key", KEYS)
def test_title_level_and_kind(layouts, key):
    plan = layouts[key].plan
    want = EXPECTED[key]
    assert plan.title == want["title"]
    assert (plan.period_start, plan.period_end) == (2021, 2030)
    assert plan.level == want["level"]
    assert plan.kind == want["kind"]
    assert area_schemes()[plan.kind].endswith(
        {"women": "/scheme/areas", "children": "/scheme/children-areas"}[plan.kind]
    )


@pytest.mark.parametrize("key", KEYS)
def test_area_types_by_concept(layouts, key):
    """Areas are typed by their label in their outline's scheme; a local area has no type and
    a warning naming it."""
    plan = layouts[key].plan
    want = EXPECTED[key]["area_types"]
    assert [a.concept or "" for a in plan.areas] == want
    untyped = [a.title for a in plan.areas if a.concept is None]
    assert len(plan.warnings) == len(untyped)
    for title, warning in zip(untyped, plan.warnings, strict=True):
        assert warning.startswith(f"{plan.source}:") and f"“{title}” matches no area" in warning


@pytest.mark.parametrize("key", KEYS)
def test_targets(layouts, key):
    plan = layouts[key].plan
    want = EXPECTED[key]
    items = [i for a in plan.areas for i in a.goals + a.measures]
    assert sum(len(i.targets) for i in items) == want["target_count"]
    for area, kind, seq, indicator, value, unit, comparator in want["targets"]:
        item = getattr(plan.areas[area - 1], kind + "s")[seq - 1]
        got = [(t.indicator, t.value, t.unit, t.comparator, t.year) for t in item.targets]
        assert got == [(indicator, Decimal(value), unit, comparator, 2030)], item.text


def test_a_goal_that_starts_with_a_figure_is_its_own_goal(layouts):
    """7．3岁以下… after goal 6 is goal 7, not the end of goal 6."""
    health = layouts["suichuan-children"].plan.areas[0]
    assert health.goals[6].text.startswith("3岁以下儿童系统管理率")
    assert health.goals[7].text.startswith("5岁以下儿童贫血患病率")
    assert "\n" not in health.goals[5].text


def test_a_target_split_over_two_lines_is_one_goal(layouts):
    goal = layouts["longyou-women"].plan.areas[0].goals[1]
    assert goal.text == "适龄妇女宫颈癌人群筛查率达到\n80%以上。"


@pytest.mark.parametrize("key", KEYS)
def test_stated_owners(layouts, key):
    """Every owner clause: the lead and supports as printed, each unit resolved to its type
    (or kept under its printed name), basis stated, the clause as evidence."""
    plan = layouts[key].plan
    want = EXPECTED[key]
    units = want["units"]
    clauses = {(a.sequence, m.sequence) for a in plan.areas for m in a.measures if m.owner_clause}
    assert clauses == {(area, seq) for area, seq, _, _ in want["owners"]}
    for area, seq, lead, supports in want["owners"]:
        item = measure(plan, area, seq)
        rs = item.responsibilities
        assert [(r.actor, r.role) for r in rs] == [(lead, "lead")] + [
            (s, "support") for s in supports
        ], item.text
        for r in rs:
            assert r.basis == "stated"
            assert r.department == (units[r.actor] or None)
            assert r.unresolved == (not units[r.actor])
            assert r.evidence == item.owner_clause.text
            assert r.evidence in item.text


@pytest.mark.parametrize("key", KEYS)
def test_the_owner_clause_gives_no_target(layouts, key):
    plan = layouts[key].plan
    for area in plan.areas:
        for item in area.measures:
            if item.owner_clause:
                clause = item.owner_clause.span
                assert all(t.span.end <= clause.start for t in item.targets)


def test_priors_follow_the_area_concept_not_its_position(layouts):
    """Area 2 of a children's plan is 安全: its unowned items are scored with safety's prior."""
    plan = layouts["suichuan-children"].plan
    law = plan.areas[6]
    [unowned] = [m for m in law.measures if m.owner_clause is None]
    lead = next(r for r in unowned.responsibilities if r.role == "lead")
    assert lead.basis == "inferred" and "area children-law prior" in lead.evidence


@pytest.fixture(scope="module")
def layout_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("layouts") / "store"
    paths = [HERE / f"{key}.txt" for key in KEYS]
    build(Settings.from_env(corpus=CORPUS), paths, store=store)
    return store


def test_the_layout_plans_validate(layout_store):
    """`plangraph validate` conforms (exit 0): untyped areas and untyped stated units pass."""
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("plangraph")),
            "validate",
            "--store",
            str(layout_store),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


CLAUSES = {
    "落实妇女两癌检查。（责任单位：县卫生健康局、县财政局、县妇联）": [
        ("县卫生健康局", "lead"),
        ("县财政局", "support"),
        ("县妇联", "support"),
    ],
    "推进医防融合（牵头单位：县卫生健康局、县疾控中心；配合单位：县教育局）。": [
        ("县卫生健康局", "lead"),
        ("县疾控中心", "lead"),
        ("县教育局", "support"),
    ],
    "加强儿科建设（县卫生健康局牵头）。": [("县卫生健康局", "lead")],
    "开展普法宣传（县妇联、县教育局配合，县司法局牵头）": [
        ("县妇联", "support"),
        ("县教育局", "support"),
        ("县司法局", "lead"),
    ],
    "推动妇女参与基层治理。\n责任部门：市民政局、市妇联等。": [
        ("市民政局", "lead"),
        ("市妇联", "support"),
    ],
}
NOT_CLAUSES = [
    "建设儿童友好城乡社区（村）。",
    "完善服务体系（含托育机构）",
    "见规划（2021—2030年）",
]


@pytest.mark.parametrize("text", list(CLAUSES))
def test_owner_clause_roles(text):
    """The first unit leads unless the clause marks roles; the clause text is kept as printed."""
    from ingest.clauses import find_owner_clause

    found = find_owner_clause(text)
    assert found is not None and list(found.units) == CLAUSES[text]
    assert text[found.start : found.end].strip() == found.text


@pytest.mark.parametrize("text", NOT_CLAUSES)
def test_a_plain_parenthesis_is_no_owner_clause(text):
    from ingest.clauses import find_owner_clause

    assert find_owner_clause(text) is None


ASCII_FIGURES = """某某县儿童发展规划（2021—2030年）

一、发展领域、主要目标和策略措施
（一）儿童与健康
主要目标：
1.新生儿死亡率控制在3‰以下。
2.3岁以下儿童系统管理率达到90%以上。
3.5岁以下儿童贫血患病率控制在10%以下，
2.5岁以上儿童龋患率逐步下降。
策略措施：
1.完善儿童健康服务体系。
"""


def test_ascii_numbers_before_a_figure_count_on_in_order():
    """`2.3岁以下…` after goal 1 is goal 2; `2.5岁以上…` after goal 3 is no number in order,
    so it continues goal 3 (a decimal, not a new item)."""
    from ingest.model import SourceText
    from ingest.parse import parse_source

    plan = derive(parse_source(SourceText("figures.txt", ASCII_FIGURES, "txt"), None).plan)
    goals = plan.areas[0].goals
    assert [g.number for g in goals] == ["1", "2", "3"]
    assert goals[1].text == "3岁以下儿童系统管理率达到90%以上。"
    assert goals[2].text.endswith("\n2.5岁以上儿童龋患率逐步下降。")
    assert plan.kind == "children" and plan.areas[0].concept == "children-health"
