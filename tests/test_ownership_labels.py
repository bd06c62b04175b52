"""Inferred leads against hand labels (tests/data/measure_owner_labels.tsv): what a county
official would assign, overall and leave-one-plan-out."""

from __future__ import annotations

from pathlib import Path

import pytest

from derive.areas import area_concepts
from derive.ownership import evaluate, leave_one_plan_out, load_examples
from plangraph.pipeline import ownership, parse_all
from plangraph.settings import Settings
from tests.conftest import PLANS

LABELS = Path(__file__).with_name("data") / "measure_owner_labels.tsv"


@pytest.fixture(scope="module")
def examples():
    plans = {d.plan.key: d.plan for d in parse_all(Settings.from_env())}
    return load_examples(LABELS, plans)


def test_labels_cover_all_plans_and_areas(examples):
    assert len(examples) >= 120
    assert {e.key[0] for e in examples} == set(PLANS)
    assert {e.area for e in examples} == {c.slug for c in area_concepts() if c.kind == "women"}


def test_lead_accuracy_against_hand_labels(examples):
    ev = evaluate(ownership(Settings.from_env()).model, examples)
    assert ev.coverage == 1.0
    assert ev.accuracy >= 0.90, [(m.example.label, m.example.lead, m.predicted) for m in ev.misses]


def test_leave_one_plan_out_accuracy(examples):
    lexicon = ownership(Settings.from_env()).model.lexicon
    results = leave_one_plan_out(lexicon, examples)
    right = sum(e.n - len(e.misses) for e in results.values())
    assert right / sum(e.n for e in results.values()) >= 0.85


def test_blind_lexicon_tuned_on_three_plans_generalises_to_the_fourth(examples):
    """A lexicon written before any label existed, tuned on three plans' labels and scored on
    the fourth: the honest leave-one-plan-out figure."""
    from derive.ownership import load_lexicon

    settings = Settings.from_env()
    registry = ownership(settings).registry
    blind = load_lexicon(LABELS.with_name("blind_lexicon.toml"), registry)
    results = leave_one_plan_out(blind, examples)
    right = sum(e.n - len(e.misses) for e in results.values())
    assert right / sum(e.n for e in results.values()) >= 0.85
    assert all(e.accuracy >= 0.80 for e in results.values())
