"""Stated-owner clauses printed at the end of a goal or measure.

（责任单位：县卫生健康局、县财政局）, （牵头单位：A；配合单位：B、C）, 责任部门：A、B。, （A牵头）,
（A牵头，B、C配合）: the units as printed and the role each gets. A unit the clause marks lead
(牵头, 主责) leads, a unit it marks support (配合, 参与) supports; a plain list (责任单位) gives the
first unit the lead and the others support.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ingest.normalise import fold

Role = Literal["lead", "support"]
_LEAD = ("牵头", "主责", "主办", "负责")
_SUPPORT = ("配合", "协办", "参与", "协助", "协同")
_LABEL = re.compile(
    r"^(?P<label>(?:责任|牵头|主责|主办|配合|协办|参与)(?:单位|部门))\s*:\s*(?P<names>.+)$"
)
_ROLE_END = re.compile(rf"(?P<names>.+?)(?P<role>{'|'.join(_LEAD + _SUPPORT)})$")
_PAREN = re.compile(r"\((?P<body>[^()]{2,200})\)\s*[。.;]?\s*$")
_LINE = re.compile(
    r"(?:^|(?<=[。;\n]))\s*(?P<body>(?:责任|牵头|主责)(?:单位|部门)\s*:[^\n()]+?)\s*[。.]?\s*$"
)


@dataclass(frozen=True)
class FoundClause:
    """An owner clause found at the end of a passage: offsets into it, text, units."""

    start: int
    end: int
    text: str
    units: tuple[tuple[str, Role], ...]


def find_owner_clause(passage: str, folded: str | None = None) -> FoundClause | None:
    """The stated-owner clause ending a passage, or None when it names no owner.

    `folded` is the passage already folded (fold), when the caller has it: folding is costly."""
    folded = (fold(passage) if folded is None else folded).rstrip()
    for pattern in (_PAREN, _LINE):
        m = pattern.search(folded)
        if m is None:
            continue
        units = parse_units(m.group("body"))
        if units:
            a, b = m.start(), m.end()
            if pattern is _LINE:
                a = m.start("body")
            return FoundClause(a, b, passage[a:b].strip(), units)
    return None


def parse_units(body: str) -> tuple[tuple[str, Role], ...]:
    """The units a clause body names with their roles; () when it is no owner clause."""
    marked: list[tuple[str, Role | None]] = []
    for segment in filter(None, (s.strip() for s in re.split(r"[;；]", body))):
        label = _LABEL.match(segment)
        if label:
            role = _role_of(label.group("label"))
            marked += [(n, role) for n in _names(label.group("names"))]
            continue
        for part in filter(None, (p.strip() for p in re.split(r"[,，]", segment))):
            m = _ROLE_END.match(part)
            if not m:
                return ()  # a plain parenthesis (（社区）, （含）…), not an owner clause
            marked += [(n, _role_of(m.group("role"))) for n in _names(m.group("names"))]
    if not marked:
        return ()
    if not any(role == "lead" for _, role in marked):
        return tuple((n, "lead" if i == 0 else "support") for i, (n, _) in enumerate(marked))
    return tuple((n, role or "support") for n, role in marked)


def _role_of(word: str) -> Role | None:
    """lead for 牵头/主责 …, support for 配合/参与 …, None for a plain list (责任单位)."""
    if word.startswith(_LEAD) or word.endswith(_LEAD):
        return "lead"
    if word.startswith(_SUPPORT) or word.endswith(_SUPPORT):
        return "support"
    return None


def _names(text: str) -> list[str]:
    """The unit names of a list: 县卫生健康局、县财政局等 → [县卫生健康局, 县财政局]."""
    names = (n.strip().removesuffix("等").strip() for n in re.split(r"[、,，/]", text))
    return [n for n in names if n]
