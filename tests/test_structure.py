"""Structure: what a careful reader counts in each plan (tests/data/expected_structure.toml,
written by hand from the documents) is what the parser reads."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.conftest import PLANS

EXPECTED = tomllib.loads(
    (Path(__file__).with_name("data") / "expected_structure.toml").read_text("utf-8")
)


@pytest.mark.parametrize("key", PLANS)
def test_areas_goals_and_measures(parsed, key):
    plan = parsed[key].plan
    got = [[a.title, len(a.goals), len(a.measures)] for a in plan.areas]
    assert got == EXPECTED[key]["areas"]


@pytest.mark.parametrize("key", PLANS)
def test_projects_implementation_monitoring(parsed, key):
    plan = parsed[key].plan
    want = EXPECTED[key]
    assert len(plan.key_projects) == want["key_projects"]
    assert len(plan.implementation) == want["implementation_items"]
    assert len(plan.monitoring) == want["monitoring_items"]


@pytest.mark.parametrize("key", PLANS)
def test_title_and_front_matter(parsed, key):
    plan = parsed[key].plan
    want = EXPECTED[key]
    assert plan.title == want["title"]
    assert plan.period_start == 2021 and plan.period_end == 2030
    assert plan.doc_number == want.get("doc_number")
    assert plan.issued == want.get("issued")
    assert plan.issuer == want.get("issuer")


def test_printed_numbers_repeat_and_are_kept(parsed):
    """番禺 prints a goal number twice (参与决策和管理) and a measure number twice (家庭建设):
    sequence counts on, the printed number is kept."""
    plan = parsed["panyu"].plan
    for area, kind in (("妇女参与决策和管理", "goals"), ("妇女与家庭建设", "measures")):
        items = getattr(next(a for a in plan.areas if a.title == area), kind)
        numbers = [i.number for i in items]
        assert len(numbers) != len(set(numbers)), numbers
        assert [i.sequence for i in items] == list(range(1, len(items) + 1))


# footnote bodies in each document: 曲江's ¹…⁹ lines, 番禺's [0: …] … [40: …]
FOOTNOTES = {"qujiang": 9, "panyu": 41, "kaiping": 0, "luzhai": 0}


@pytest.mark.parametrize("key", PLANS)
def test_every_footnote_is_attached(parsed, key):
    """No footnote is lost: each becomes a note of the item (or area) that carries its marker."""
    plan = parsed[key].plan
    assert plan.notes == []
    attached = (
        sum(len(i.notes) for i in plan.items())
        + sum(len(a.notes) for a in plan.areas)
        + sum(len(s.notes) for s in plan.sections)
    )
    assert attached == FOOTNOTES[key]


def test_footnote_goes_to_the_goal_it_annotates(parsed):
    plan = parsed["panyu"].plan
    health = plan.areas[0]
    [note] = health.goals[2].notes  # 宫颈癌筛查率达到75%以上[footnoteRef:0]
    assert note.marker == "0" and "国家和省规划目标设定为70%" in note.text
    [area_note] = plan.areas[3].notes  # 主要目标[footnoteRef:38]
    assert "本领域主要目标基本与省规划保持一致" in area_note.text


def test_pdf_footnote_between_page_halves(parsed):
    """曲江: measure 1.3 is split by a page break with footnote ¹ between its halves."""
    plan = parsed["qujiang"].plan
    measure = plan.areas[0].measures[0]
    assert "有效率、可负担的医疗保健服务" in measure.text
    assert "来源于" not in measure.text


def test_measure_labels_are_lead_phrases(parsed):
    measure = parsed["qujiang"].plan.areas[0].measures[3]
    assert measure.label == "保障孕产妇安全分娩"


def test_table_of_contents_is_dropped(parsed):
    plan = parsed["qujiang"].plan
    assert all("....." not in i.text for i in plan.items())
    assert plan.key_projects[0].label == "善美韶关妇幼健康保护工程"
