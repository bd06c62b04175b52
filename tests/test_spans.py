"""Provenance: every extracted node's span slices the original text to that node."""

from __future__ import annotations

import re

import pytest

from ingest.normalise import normalise
from tests.conftest import PLANS


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def clean(passage: str) -> str:
    return squeeze(normalise(passage).text.text)


@pytest.mark.parametrize("key", PLANS)
def test_item_spans_slice_the_item(parsed, key):
    doc = parsed[key]
    text = doc.source.text
    items = doc.plan.items()
    assert items
    for item in items:
        passage = text[item.span.start : item.span.end]
        assert squeeze(item.text) in clean(passage), item.label
        assert passage.lstrip().startswith((item.number or "", "[", "（", "(")), item.label
        assert text.count("\n", 0, item.span.start) + 1 == item.span.line


@pytest.mark.parametrize("key", PLANS)
def test_target_note_and_citation_spans(parsed, key):
    doc = parsed[key]
    text = doc.source.text
    for item in doc.plan.items():
        for t in item.targets:
            assert clean(text[t.span.start : t.span.end]) == squeeze(t.phrase)
        for n in item.notes:
            assert squeeze(n.text) in squeeze(text[n.span.start : n.span.end])
    for c in doc.plan.citations:
        assert text[c.span.start : c.span.end] == f"《{c.title}》"


@pytest.mark.parametrize("key", PLANS)
def test_areas_are_in_order_and_nested(parsed, key):
    plan = parsed[key].plan
    assert [a.sequence for a in plan.areas] == list(range(1, len(plan.areas) + 1))
    for area in plan.areas:
        for item in area.goals + area.measures:
            assert area.span.start <= item.span.start < item.span.end <= area.span.end
        seqs = [i.sequence for i in area.goals]
        assert seqs == list(range(1, len(seqs) + 1))
