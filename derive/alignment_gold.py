"""How well alignment agrees with hand-checked goals (tests/data/alignment_gold.tsv): precision and
recall of the national counterparts, and the share of right target verdicts, with every miss."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from derive.alignment import Alignments, GoalRef

VERDICT_NAMES = {"Stricter": "stricter", "Same": "same", "Looser": "looser"}
VERDICT_NAMES["NotComparable"] = "not_comparable"


@dataclass(frozen=True)
class GoldGoal:
    """One hand-checked local goal: its national counterparts ("1.2") and the verdict, if any."""

    plan: str  # corpus key
    area: int
    goal: int
    excerpt: str
    national: frozenset[str]
    verdict: str | None  # stricter | same | looser | not_comparable
    line: int


@dataclass
class GoldScore:
    """Agreement with the hand-checked goals; misses are one line each, ready to print."""

    goals: int = 0
    right_links: int = 0
    found_links: int = 0
    gold_links: int = 0
    verdicts: int = 0
    right_verdicts: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.right_links / self.found_links if self.found_links else 1.0

    @property
    def recall(self) -> float:
        return self.right_links / self.gold_links if self.gold_links else 1.0

    @property
    def verdict_accuracy(self) -> float:
        return self.right_verdicts / self.verdicts if self.verdicts else 1.0

    def summary(self) -> str:
        """The figures in one paragraph."""
        return (
            f"{self.goals} hand-checked goals: precision {self.precision:.1%} "
            f"({self.right_links}/{self.found_links}), recall {self.recall:.1%} "
            f"({self.right_links}/{self.gold_links}), verdicts {self.verdict_accuracy:.1%} "
            f"({self.right_verdicts}/{self.verdicts})"
        )


def load_gold(path: Path) -> list[GoldGoal]:
    """The hand-checked goals; a malformed row raises ValueError naming FILE:LINE."""
    out = []
    lines = path.read_text("utf-8").splitlines()
    body = [(n, line) for n, line in enumerate(lines, 1) if line and not line.startswith("#")]
    header = body[0][1].split("\t")
    for n, line in body[1:]:
        row = dict(zip(header, line.split("\t"), strict=False))
        try:
            national = row["national"].strip()
            verdict = row["verdict"].strip()
            out.append(
                GoldGoal(
                    row["plan"],
                    int(row["area"]),
                    int(row["goal"]),
                    row["excerpt"],
                    frozenset() if national == "-" else frozenset(national.split(",")),
                    None if verdict == "-" else VERDICT_NAMES[verdict],
                    n,
                )
            )
        except (KeyError, ValueError) as err:
            raise ValueError(
                f"{path}:{n}: bad row ({err}); expected plan, area, goal, excerpt, national "
                "(A.G[,A.G] or -), indicator, verdict (Stricter/Same/Looser/NotComparable or -), note"
            ) from None
    return out


def score_gold(
    gold: list[GoldGoal], alignments: Alignments, titles: dict[str, str], upstream: str
) -> GoldScore:
    """Compare the alignments of the hand-checked goals (plan keys → titles) with the national
    plan titled `upstream` against the hand-checked answers."""
    found: dict[GoalRef, dict[str, str | None]] = {}
    for a in alignments.links:
        if a.target.plan == upstream:
            verdict = a.comparison.verdict if a.comparison else None
            found.setdefault(a.source, {})[f"{a.target.area}.{a.target.goal}"] = verdict
    out = GoldScore()
    for g in gold:
        mine = found.get(GoalRef(titles[g.plan], g.area, g.goal), {})
        where = f"line {g.line}: {g.plan} {g.area}.{g.goal} “{g.excerpt}”"
        out.goals += 1
        out.found_links += len(mine)
        out.gold_links += len(g.national)
        out.right_links += len(g.national & set(mine))
        if set(mine) != g.national:
            out.misses.append(
                f"{where}: counterpart {', '.join(sorted(g.national)) or '-'}, "
                f"found {', '.join(sorted(mine)) or '-'}"
            )
        got = {mine[n] for n in g.national & set(mine)} - {None}
        if g.verdict or got:
            out.verdicts += 1
            if got == ({g.verdict} if g.verdict else set()):
                out.right_verdicts += 1
            else:
                out.misses.append(
                    f"{where}: verdict {g.verdict or '-'}, found {', '.join(sorted(got)) or '-'}"
                )
    return out
