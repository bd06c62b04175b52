"""Area typing, in one place: a plan's kind from its title and each area's concept, by label.

The schemes are data (ontology/areas.ttl): one SKOS scheme per national outline, whose
dcterms:source names the outline (中国妇女发展纲要 → kind 妇女 → women). A plan's kind is the outline
word its title names (…妇女发展规划, …儿童发展规划); an area's concept is the concept of that scheme
whose label (skos:prefLabel or a wording variant, skos:altLabel) the area's title is, or else the
longest such label its title contains. Never by position: area 2 of a children's plan is 安全.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyoxigraph import RdfFormat, parse

from ingest.model import Plan

AREAS_TTL = Path(__file__).resolve().parent.parent / "ontology" / "areas.ttl"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_DCT = "http://purl.org/dc/terms/"
_AREA_TYPE = "https://w3id.org/plangraph/id/area-type/"
_KINDS = {"妇女": "women", "儿童": "children"}


@dataclass(frozen=True)
class AreaConcept:
    """One area concept: its slug (health, children-safety …), scheme kind and labels."""

    slug: str
    kind: str  # women | children
    pref: str
    labels: tuple[str, ...]  # prefLabel first, then the wording variants


@cache
def area_concepts(path: Path = AREAS_TTL) -> tuple[AreaConcept, ...]:
    """Every area concept of the schemes in areas.ttl, in file order of notation."""
    triples = list(parse(path=str(path), format=RdfFormat.TURTLE))
    kinds = {iri: kind for kind, iri in area_schemes(path).items()}
    pref: dict[str, str] = {}
    alts: dict[str, list[str]] = {}
    scheme: dict[str, str] = {}
    notation: dict[str, int] = {}
    for t in triples:
        s, p, o = t.subject.value, t.predicate.value, t.object
        if not s.startswith(_AREA_TYPE):
            continue
        if p == _SKOS + "prefLabel" and getattr(o, "language", None) == "zh":
            pref[s] = o.value
        elif p == _SKOS + "altLabel":
            alts.setdefault(s, []).append(o.value)
        elif p == _SKOS + "inScheme":
            scheme[s] = o.value
        elif p == _SKOS + "notation":
            notation[s] = int(o.value)
    order = sorted(pref, key=lambda s: (list(kinds).index(scheme[s]), notation.get(s, 0)))
    return tuple(
        AreaConcept(
            s.removeprefix(_AREA_TYPE),
            kinds[scheme[s]],
            pref[s],
            (pref[s], *sorted(alts.get(s, []))),
        )
        for s in order
    )


@cache
def area_schemes(path: Path = AREAS_TTL) -> dict[str, str]:
    """The scheme IRI of each plan kind (women → …/scheme/areas), from the schemes' sources."""
    out: dict[str, str] = {}
    for t in parse(path=str(path), format=RdfFormat.TURTLE):
        if t.predicate.value == _DCT + "source":
            word = next((w for w in _KINDS if w + "发展纲要" in t.object.value), None)
            if word:
                out[_KINDS[word]] = t.subject.value
    return out


def plan_kind(title: str) -> str | None:
    """women or children: the outline a plan's title names (…儿童发展规划 → children)."""
    flat = re.sub(r"\s+", "", title)
    found = [(flat.find(w + "发展"), kind) for w, kind in _KINDS.items() if w + "发展" in flat]
    return min(found)[1] if found else None


def area_concept(title: str, kind: str | None) -> str | None:
    """The concept of an area title within the plan's kind (any kind when unknown), or None."""
    flat = re.sub(r"\s+", "", title).rstrip("。.")
    concepts = [c for c in area_concepts() if kind is None or c.kind == kind]
    exact = next((c.slug for c in concepts if flat in c.labels), None)
    if exact:
        return exact
    hits = [(len(label), c.slug) for c in concepts for label in c.labels if label in flat]
    return max(hits)[1] if hits else None


def type_areas(plan: Plan) -> None:
    """Set the plan's kind and each area's concept; warn of an area that matches none."""
    plan.kind = plan_kind(plan.title)
    scheme = {"women": "women's", "children": "children's"}.get(plan.kind or "", "any")
    for area in plan.areas:
        area.concept = area_concept(area.title, plan.kind)
        if area.concept is None:
            plan.warnings.append(
                f"{plan.source}:{area.span.line}: area “{area.title}” matches no area of the "
                f"{scheme} outline (ontology/areas.ttl); kept as an area with no type — add its "
                "wording as a skos:altLabel of a concept if it is one of them"
            )
