"""A cookbook query's answer as /api/queries gives it, and its answer over the whole corpus
(asked of every plan, or of every region): shared by the tests that check cookbook answers."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import Store

from queryapi.answer import bound_text
from queryapi.named_queries import load_query
from queryapi.store import run_query

CHINA = "https://w3id.org/plangraph/id/region/china"
LOOKUPS = {"goal-source"}  # one item of one plan, named by its defaults


def answers(store: Store, path: Path, values: dict[str, str] | None = None) -> list[dict[str, str]]:
    """The rows of a cookbook query as /api/queries runs it: parameters bound, else defaults."""
    query = load_query(path, template=True)
    text = bound_text(query.query.text, query.bind(values or {}))
    result = run_query(store, text)
    return [dict(zip(result.variables, r, strict=True)) for r in result.rows]


def whole_corpus(store: Store, path: Path) -> list[dict[str, str]]:
    """The query's answer over every plan: a one-plan query asked of each plan with areas in
    title order, rows put together; a region's asked of 中国 (every region is under it)."""
    names = {p.name for p in load_query(path, template=True).parameters}
    if path.stem in LOOKUPS:
        return answers(store, path)
    if "plan" in names:
        plans = run_query(
            store, "SELECT DISTINCT ?p ?t WHERE { ?p pg:hasArea ?a ; dcterms:title ?t } ORDER BY ?t"
        ).rows
        return [row for p, _ in plans for row in answers(store, path, {"plan": p})]
    if "region" in names:
        return answers(store, path, {"region": CHINA})
    return answers(store, path)
