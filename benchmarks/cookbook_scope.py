"""The cookbook's queries as an analyst asks them of a corpus, for the benchmarks.

A query's defaults (queries/*.rq) name the seed plans and 柳州市. A synthetic corpus holds other
plans, so there the defaults would time a lookup that finds nothing. A default plan or region
the store lacks is replaced by one of the corpus: its first county plan (in IRI order) and that
plan's city, bound as /api/queries/{name}?plan=…&region=… binds them; every other parameter
keeps its default.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from queryapi.answer import bound_text  # noqa: E402
from queryapi.named_queries import load_folder  # noqa: E402

# Runs a SELECT on the store under test and gives its rows as the terms' values.
Select = Callable[[str], list[list[str | None]]]

SCOPE_QUERY = (
    "SELECT ?plan ?region WHERE { ?plan pg:hasArea ?a ; pg:level pg:County ;"
    " pg:jurisdiction/pg:partOf ?region } ORDER BY ?plan LIMIT 1"
)
SCOPED = ("plan", "region")  # the parameters a corpus's own plan and city replace


@dataclass(frozen=True)
class CookbookQuery:
    """A cookbook query ready to run, and the parameters bound away from their defaults."""

    name: str
    text: str
    bound: dict[str, str] = field(default_factory=dict)


def corpus_scope(select: Select) -> dict[str, str]:
    """The corpus's first county plan (in IRI order) and its city, as "plan" and "region"."""
    rows = select(SCOPE_QUERY)
    if not rows:
        raise SystemExit("the store holds no county plan with a city: nothing to bind")
    return dict(zip(SCOPED, rows[0], strict=True))


def cookbook_queries(select: Select, folder: Path = ROOT / "queries") -> list[CookbookQuery]:
    """Every cookbook query of the folder, its plan and region those of the corpus where the
    store lacks the defaults."""
    queries = load_folder(folder, template=True)
    defaults = {p.default for q in queries.values() for p in q.parameters if p.name in SCOPED}
    listed = " ".join(f"<{iri}>" for iri in sorted(defaults - {None}))
    present = {
        row[0] for row in select(f"SELECT DISTINCT ?x {{ VALUES ?x {{ {listed} }} ?x ?p ?o }}")
    }
    scope = corpus_scope(select) if defaults - present else {}
    out = []
    for name, query in queries.items():
        bound = {
            p.name: scope[p.name]
            for p in query.parameters
            if p.name in scope and p.default not in present
        }
        out.append(CookbookQuery(name, bound_text(query.query.text, query.bind(bound)), bound))
    return out
