"""Ownership: every goal and measure has a lead with evidence; stated owners come from the
text's own words; inferred leads match what a county official would assign (hand labels)."""

from __future__ import annotations

import pytest

from plangraph.pipeline import ownership, parse_all
from plangraph.settings import Settings
from tests.conftest import PLANS


@pytest.fixture(scope="module")
def owned():
    return {d.plan.key: d.plan for d in parse_all(Settings.from_env())}


@pytest.mark.parametrize("key", PLANS)
def test_every_goal_and_measure_has_one_lead_with_evidence(owned, key):
    for area in owned[key].areas:
        for item in area.goals + area.measures:
            leads = [r for r in item.responsibilities if r.role == "lead"]
            assert len(leads) == 1, item.label
            lead = leads[0]
            assert lead.evidence and 0 < lead.confidence <= 1
            assert lead.department is not None


def test_stated_lead_from_the_cue(owned):
    """开平 监测评估 (二): 市统计部门牵头组织开展年度监测 → 统计 leads, as stated."""
    item = owned["kaiping"].monitoring[1]
    lead = next(r for r in item.responsibilities if r.role == "lead")
    assert (lead.department, lead.basis) == ("statistics", "stated")
    assert "统计部门牵头" in lead.evidence


def test_generic_actors_stay_generic(owned):
    actors = {
        r.actor
        for p in owned.values()
        for i in p.items()
        for r in i.responsibilities
        if r.department is None
    }
    assert {"用人单位", "社会组织"} <= actors


def test_overlapping_cue_terms_all_count():
    """A cue term inside a longer one (民族 in 中华民族共同体意识, starting mid-term) counts too."""
    model = ownership(Settings.from_env()).model
    top = model.scores("推进中华民族共同体意识教育，加强民族团结", "", None, set())[0]
    assert top.type == "ethnic_religious"
    assert top.terms == ("中华民族共同体意识", "民族", "民族团结")
