"""Titles cited in 《…》: what kind of work each is and whether the sentence makes it the basis."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.model import CitationKind

TITLE = re.compile(r"《(?P<title>[^《》\n]{2,120})》")
_SENTENCE_END = re.compile(r"[。；;!?！？\n]")
_BASIS_VERB = re.compile(r"根据|依据|贯彻落实|遵照|按照|依照|落实")
_BASIS_OBJECT = re.compile(r"(?:制定|编制|制订)(?:本|此)(?:规划|纲要)")
_LAW = re.compile(r"(?:法|条例|法典|规定|宪法|办法|细则)(?:[（(][^）)]*[）)])?$")
_PLAN = re.compile(r"规划|纲要|行动计划|(?:发展|建设)计划|行动[（(]\d{4}")


@dataclass(frozen=True)
class FoundCitation:
    """A cited title with offsets of 《…》 relative to the passage it was found in."""

    title: str
    kind: CitationKind
    basis: bool
    sentence: str
    start: int
    end: int


def classify(title: str) -> CitationKind:
    """A cited title is a plan (规划, 纲要 …), a law (法, 条例 …) or another work."""
    if _LAW.search(title):
        return "law"
    if _PLAN.search(title):
        return "plan"
    return "other"


def canonical_title(title: str) -> str:
    """One spelling for variants of one title: dashes, spaces and full-width parentheses."""
    t = re.sub(r"\s+", "", title)
    t = re.sub(r"[-－–~～—]+", "—", t)
    t = t.replace("(", "（").replace(")", "）")
    return t


def find_citations(passage: str) -> list[FoundCitation]:
    """Every 《…》 title in a passage, in order, with its sentence."""
    out: list[FoundCitation] = []
    for m in TITLE.finditer(passage):
        s_start = 0
        for b in _SENTENCE_END.finditer(passage, 0, m.start()):
            s_start = b.end()
        e = _SENTENCE_END.search(passage, m.end())
        s_end = e.end() if e else len(passage)
        sentence = passage[s_start:s_end].strip()
        before = passage[s_start : m.start()]
        basis = bool(_BASIS_VERB.search(before) and _BASIS_OBJECT.search(sentence))
        title = m.group("title").strip()
        out.append(FoundCitation(title, classify(title), basis, sentence, m.start(), m.end()))
    return out
