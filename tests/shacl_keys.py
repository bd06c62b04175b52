"""The comparable part of a SHACL report, for checking the fast validator against pySHACL."""

from __future__ import annotations

import rdflib
from rdflib.namespace import RDF, SH

Key = tuple[str, str | None, str]


def report_keys(report: rdflib.Graph) -> list[Key]:
    """(focus, path, component) of each sh:ValidationResult of an RDF report, N-Triples terms."""
    keys = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(r, SH.resultPath)
        keys.append(
            (
                report.value(r, SH.focusNode).n3(),
                path.n3() if path is not None else None,
                str(report.value(r, SH.sourceConstraintComponent)),
            )
        )
    return sorted(keys, key=lambda k: (k[0], k[1] or "", k[2]))
