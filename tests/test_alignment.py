"""Goal alignment on the four plans against the hand-checked goals, and the target verdicts."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from derive.alignment import GoalRef, align, compare
from derive.alignment_gold import load_gold, score_gold
from ingest.model import Span, Target
from ingest.upstream import read_outline
from tests.conftest import PLANS

GOLD = Path(__file__).parent / "data" / "alignment_gold.tsv"


@pytest.fixture(scope="module")
def outline():
    from derive import derive

    return derive(read_outline().plan)


@pytest.fixture(scope="module")
def alignments(parsed, outline):
    return align([parsed[k].plan for k in PLANS], outline)


def test_hand_checked_goals(parsed, outline, alignments, capsys):
    titles = {k: parsed[k].plan.title for k in PLANS}
    score = score_gold(load_gold(GOLD), alignments, titles, outline.title)
    with capsys.disabled():
        print("\nalignment: " + score.summary())
        for miss in score.misses:
            print("  miss " + miss)
    assert score.goals == 96
    assert score.precision >= 0.95
    assert score.recall >= 0.90
    assert score.verdict_accuracy >= 0.90


@pytest.mark.parametrize("plan", PLANS)
def test_maternal_mortality_aligns_with_the_national_goal(parsed, outline, alignments, plan):
    # 孕产妇死亡率下降到12/10万以下 nationally; 鹿寨 keeps 12, the other three set 7.5 or 8
    source = GoalRef(parsed[plan].plan.title, 1, 2)
    (link,) = [a for a in alignments.links if a.source == source]
    assert link.target == GoalRef(outline.title, 1, 2)
    assert link.method == "indicator"
    assert link.comparison.verdict == ("same" if plan == "luzhai" else "stricter")


def target(value: str, comparator: str, unit: str = "%") -> Target:
    return Target("x", Decimal(value), unit, comparator, 2030, "x", Span(0, 1, 1))


@pytest.mark.parametrize(
    ("local", "upstream", "verdict"),
    [
        (target("8", "at_most", "1/10万"), target("12", "at_most", "1/10万"), "stricter"),
        (target("12", "at_most", "1/10万"), target("12", "at_most", "1/10万"), "same"),
        (target("15", "at_most", "1/10万"), target("12", "at_most", "1/10万"), "looser"),
        (target("97", "at_least"), target("96", "at_least"), "stricter"),
        (target("93", "at_least"), target("100", "at_least"), "looser"),
        (target("45", "at_least"), target("45", "approximately"), "not_comparable"),
        (target("45", "approximately"), target("45", "approximately"), "same"),
        (target("50", "approximately"), target("45", "approximately"), "not_comparable"),
        (target("2", "at_most", "‰"), target("2", "at_most", "%"), "not_comparable"),
    ],
)
def test_verdict(local, upstream, verdict):
    assert compare(local, upstream) == verdict


def test_every_local_goal_has_a_counterpart_or_is_an_addition(parsed, alignments):
    linked = {a.source for a in alignments.links}
    added = set(alignments.additions)
    for k in PLANS:
        plan = parsed[k].plan
        for area in plan.areas:
            for g in area.goals:
                ref = GoalRef(plan.title, area.sequence, g.sequence)
                assert ref in linked or ref in added, ref


# --- the network and the command line, on the built store -------------------------------------

SLUGS = {
    "qujiang": "shaoguan-qujiang-women-2021-2030",
    "panyu": "guangzhou-panyu-women-2021-2030",
    "kaiping": "jiangmen-kaiping-women-2021-2030",
    "luzhai": "liuzhou-luzhai-women-2021-2030",
}


@pytest.fixture(scope="module")
def network(built_store):
    from queryapi.alignment_network import alignment_network
    from queryapi.store import open_store

    return alignment_network(open_store(built_store))


@pytest.mark.parametrize("plan", PLANS)
def test_trace_reaches_the_national_maternal_mortality_goal(network, plan):
    from ontology.namespaces import PGID

    steps = network.trace(f"{PGID}plan/{SLUGS[plan]}/area/1/goal/2")
    assert steps[-1].goal.level == "National"
    assert steps[-1].goal.text.startswith("孕产妇死亡率下降到12/10万以下")
    assert steps[-1].verdict == ("Same" if plan == "luzhai" else "Stricter")
    levels = [s.goal.level for s in steps]
    assert levels == sorted(levels, key=["County", "Municipal", "Provincial", "National"].index)


def test_a_local_addition_traces_to_itself(network):
    from ontology.namespaces import PGID

    steps = network.trace(f"{PGID}plan/{SLUGS['qujiang']}/area/1/goal/10")  # 女性化妆品抽查合格率
    assert [s.goal.plan for s in steps] == ["韶关市曲江区妇女发展规划（2021—2030年）"]


def test_clusters_have_one_canonical_goal(network):
    clusters = network.clusters()
    national = [c for c in clusters if c.canonical.level == "National"]
    assert national and all(c.canonical in c.members for c in clusters)
    mmr = next(c for c in national if c.canonical.text.startswith("孕产妇死亡率"))
    assert {g.plan for g in mmr.members} >= {"鹿寨县妇女发展规划（2021—2030年）"}
    assert len(mmr.members) == 5  # the outline's goal and one goal of each plan
    cosmetics = [c for c in clusters if "化妆" in c.canonical.text]
    assert len(cosmetics) == 1 and len(cosmetics[0].members) >= 2  # 曲江 and 开平, no national


def test_trace_command_prints_each_step(built_store):
    from tests.test_cli import run

    out = run("trace", "--store", str(built_store), f"{SLUGS['panyu']}/1/2")
    assert out.returncode == 0, out.stderr
    assert "孕产妇死亡率控制在7.5／10万以下" in out.stdout
    assert "中国妇女发展纲要（2021—2030年） (National)" in out.stdout and "Stricter" in out.stdout
    bad = run("trace", "--store", str(built_store), f"{SLUGS['panyu']}/1/99")
    assert bad.returncode == 2 and "no such goal" in bad.stderr


def test_analyze_alignment_reports_clusters_and_the_gold_figures(built_store):
    from tests.test_cli import run

    out = run("analyze", "alignment", "--store", str(built_store), "--gold", str(GOLD))
    assert out.returncode == 0, out.stderr
    assert "clusters of equivalent goals" in out.stdout
    assert re.search(r"96 hand-checked goals: precision [\d.]+%", out.stdout)
