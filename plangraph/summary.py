"""Plain-text summaries of parsed plans for the terminal."""

from __future__ import annotations

import unicodedata

from ingest.model import Plan
from queryapi.network import NetworkReport


def width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, cols: int) -> str:
    """Left-align text in a column of display width `cols`."""
    return text + " " * max(cols - width(text), 0)


def plan_table(plan: Plan) -> str:
    """A per-area table of goals, measures, targets and notes, with the plan's totals."""
    head = f"{plan.source}  {plan.title}"
    facts = [x for x in (plan.doc_number, plan.issued, plan.issuer) if x]
    if facts:
        head += f"  [{', '.join(facts)}]"
    rows = [f"  {'#':>2}  {pad('area', 22)}{'goals':>6}{'measures':>9}{'targets':>8}{'notes':>6}"]
    totals = [0, 0, 0, 0]
    for area in plan.areas:
        items = area.goals + area.measures
        counts = [
            len(area.goals),
            len(area.measures),
            sum(len(i.targets) for i in items),
            len(area.notes) + sum(len(i.notes) for i in items),
        ]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        rows.append(
            f"  {area.sequence:>2}  {pad(area.title, 22)}{counts[0]:>6}{counts[1]:>9}"
            f"{counts[2]:>8}{counts[3]:>6}"
        )
    rows.append(f"      {pad('total', 22)}{totals[0]:>6}{totals[1]:>9}{totals[2]:>8}{totals[3]:>6}")
    basis = sum(1 for c in plan.citations if c.basis)
    rows.append(
        f"  key projects {len(plan.key_projects)} · implementation {len(plan.implementation)}"
        f" · monitoring {len(plan.monitoring)} · citations {len(plan.citations)} (basis {basis})"
        f" · unattached notes {len(plan.notes)}"
    )
    return "\n".join([head, *rows])


def result_table(variables: list[str], rows: list[list[str | None]]) -> str:
    """SPARQL results as an aligned text table."""
    cells = [[v or "" for v in row] for row in rows]
    widths = [max([width(v)] + [width(r[i]) for r in cells]) for i, v in enumerate(variables)]
    lines = [
        "  ".join(pad(v, w) for v, w in zip(variables, widths, strict=True)),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(pad(c, w) for c, w in zip(r, widths, strict=True)) for r in cells]
    lines.append(f"({len(rows)} rows)")
    return "\n".join(lines)


def network_table(report: NetworkReport, top: int = 15) -> str:
    """A readable text report of one scope."""
    lines = [
        f"== {report.scope}: {report.measures} items, {len(report.departments)} departments",
        f"{pad('department', 34)}{'lead':>6}{'support':>9}{'co-owners':>11}{'degree':>8}{'between':>9}",
    ]
    for d in report.departments[:top]:
        lines.append(
            f"{pad(d.department, 34)}{d.lead:>6}{d.support:>9}{d.co_owners:>11}"
            f"{d.degree_centrality:>8.3f}{d.betweenness:>9.3f}"
        )
    if report.shared_pairs:
        lines.append(
            "most shared: " + "; ".join(f"{a} + {b} ({n})" for a, b, n in report.shared_pairs[:5])
        )
    return "\n".join(lines)
