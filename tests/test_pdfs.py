"""PDFs as real producers write them (tests/data/pdf/, made by tests/make_pdfs.py) give the same
model as the plan's text: radical code points folded, running headers and footers dropped."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ingest.normalise import IDEOGRAPH_FOLD
from ingest.parse import parse_document
from ingest.readers import read_source
from tests.make_pdfs import FIXTURES, OUT, chromium_pdf, excerpt, title_of
from tests.test_renderings import comparable

PDFS = sorted(OUT.glob("*/*.pdf"))
KANGXI = re.compile("[\u2f00-\u2fd5]")


def _excerpt_model(key: str, tmp_path: Path, corpus):
    """The model of a fixture's excerpt read as a .txt named like the PDF (same plan key)."""
    path = tmp_path / f"{key}.txt"
    path.write_text(excerpt(key), encoding="utf-8")
    return parse_document(path, corpus)


def test_fixtures_exist():
    assert {p.parent.name for p in PDFS} >= {"chromium"}, f"{OUT}: expected chromium/*.pdf"


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_real_pdf_gives_the_same_model(tmp_path, corpus, pdf):
    assert comparable(parse_document(pdf, corpus)) == comparable(
        _excerpt_model(pdf.stem, tmp_path, corpus)
    )


def test_chromium_text_layer_has_radicals_the_model_does_not():
    """The reason for the fold: Chromium writes ⼥ (U+2F25) for 女, and the model has none."""
    pdf = OUT / "chromium" / f"{FIXTURES[0]}.pdf"
    raw = read_source(pdf).text
    assert len(KANGXI.findall(raw)) > 100
    doc = parse_document(pdf)
    texts = [i.text for i in doc.plan.items()] + [a.title for a in doc.plan.areas]
    assert not any(KANGXI.search(t) for t in texts)


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_spans_point_into_the_decoded_text(pdf):
    """Each item's span slices the PDF's decoded text (radicals and all) to the item's text."""
    doc = parse_document(pdf)
    for item in doc.plan.items():
        passage = doc.source.text[item.span.start : item.span.end]
        folded = re.sub(r"\s+", "", passage.translate(IDEOGRAPH_FOLD))
        assert re.sub(r"\s+", "", item.text)[:10] in folded


def test_running_header_and_footer_are_dropped():
    """Chromium prints date, title, file address and page count on every page; none is kept."""
    doc = parse_document(OUT / "chromium" / f"{FIXTURES[0]}.pdf")
    texts = [i.text for i in doc.plan.items()]
    assert not any("file:" in t or "ﬁle:" in t or re.search(r"\d+/\d+\s*$", t) for t in texts)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_chromium_prints_a_readable_plan(tmp_path, corpus):
    """A fresh print by the installed Chromium reads as the committed fixture does."""
    key = FIXTURES[0]
    text = excerpt(key)
    pdf = tmp_path / f"{key}.pdf"
    chromium_pdf(text, title_of(text), pdf)
    assert comparable(parse_document(pdf, corpus)) == comparable(
        _excerpt_model(key, tmp_path, corpus)
    )
