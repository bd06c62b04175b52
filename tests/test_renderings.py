"""The same plan read from its .docx, .html and hard-wrapped, paginated PDF-style renderings
gives the same model as from its text file (spans aside: they index each rendering's own text)."""

from __future__ import annotations

import re

import pytest

from derive import derive
from ingest.parse import parse_document
from synth.renderings import to_docx, to_html, to_pdf_text
from tests.conftest import PLANS


def comparable(doc) -> dict:
    """The model without spans, with whitespace inside texts squeezed (wrapping moves it)."""

    def squeeze(value):
        if isinstance(value, str):
            return re.sub(r"\s+", "", value)
        if isinstance(value, dict):
            return {k: squeeze(v) for k, v in value.items()}
        if isinstance(value, list):
            return [squeeze(v) for v in value]
        return value

    return squeeze(doc.plan.to_dict(spans=False))


RENDERERS = {
    "docx": lambda text, path, title: to_docx(text, path),
    "html": to_html,
    "pdf.txt": to_pdf_text,
}


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize("key", PLANS)
def test_rendering_gives_the_same_model(tmp_path, corpus, parsed, key, fmt):
    original = parsed[key]
    path = tmp_path / f"{key}.{fmt}"
    RENDERERS[fmt](original.source.text, path, original.plan.title)
    rendered = parse_document(path, corpus)
    derive(rendered.plan)
    assert comparable(rendered) == comparable(original)


@pytest.mark.parametrize("key", PLANS)
def test_pdf_style_spans_slice_the_rendering(tmp_path, corpus, parsed, key):
    path = to_pdf_text(parsed[key].source.text, tmp_path / f"{key}.pdf.txt", parsed[key].plan.title)
    doc = parse_document(path, corpus)
    for item in doc.plan.items():
        passage = re.sub(r"\s+", "", doc.source.text[item.span.start : item.span.end])
        head = re.sub(r"\s+", "", item.text)[:10]
        assert head in passage
