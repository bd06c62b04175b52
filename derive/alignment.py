"""Goal alignment across plans: each local goal to the national goal it carries, its targets
compared, and local additions to the same addition in peer plans.

The method, reproducible and explainable:
- candidates for a local goal are the upstream goals of the same area type and the upstream goals
  that share one of its indicators (an index lookup, so the cost per goal does not grow with the
  corpus);
- the score is the Dice coefficient of the two texts' character bigrams (punctuation, figures
  and region words dropped), or COVERED_WEIGHT times the share of the upstream goal's bigrams
  found in the local goal when that is higher (a local goal that adds to the upstream wording),
  raised to at least INDICATOR_FLOOR when the two share an indicator;
- a footnote that quotes the upstream wording (番禺's 《…》表述为：“…”) or says it is the same
  decides: score 1, method "footnote"; a footnote saying the upstream plan has no such goal
  (无此项内容) leaves the goal a local addition;
- the best candidate at or above THRESHOLD is the counterpart, and others too when they score
  within SECOND_MARGIN of the best or lie MERGED inside the local goal (a local goal merging
  two upstream goals);
- a goal with no counterpart is a local addition; local additions of the same area type meet
  their peers through an inverted index of bigrams and are linked to the first such goal
  (the cluster's canonical goal), never compared pairwise across the corpus.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from ingest.citations import canonical_title
from ingest.model import Item, Plan, Target

Verdict = Literal["stricter", "same", "looser", "not_comparable"]
Method = Literal["footnote", "indicator", "text", "upstream", "peer"]
_RANK = {"county": 0, "municipal": 1, "provincial": 2, "national": 3}

THRESHOLD = 0.45  # least score of a counterpart
INDICATOR_FLOOR = 0.6  # least score of two goals of the same area type sharing an indicator
SECOND_MARGIN = 0.05  # a second counterpart scores at least best - this
MERGED = 0.8  # or has this share of its bigrams in the local goal (two upstream goals merged)
PEER_THRESHOLD = 0.5  # least score of two local additions that are the same goal
MAX_POSTINGS = 500  # canonical goals a bigram may index before it stops counting
PEER_CANDIDATES = 20  # canonical goals sharing most bigrams that are scored
COVERED_WEIGHT = 0.85  # an upstream goal wholly inside a longer local goal scores this
MAX_INSERTED = 4  # characters one indicator key may add to another and still be the same
MIN_COVERED = 8  # bigrams an upstream goal needs before being inside another goal counts

_NOISE = re.compile(
    r"[\s\d.%‰％，。；：、,;:（）()《》“”\"'!！?？\-—～~/]+"
    r"|(?:全区|全县|全市|全省|全国|我区|我县|我市|本区|本县|本市|区域内|县域|市域)"
)
_SHORT_FORMS = (("村民委员会", "村委会"), ("居民委员会", "居委会"))
_POPULATION = re.compile(r"^(?:妇女|女性|女童|女生|女职工|适龄妇女|农村妇女|城乡妇女)")


@dataclass(frozen=True)
class GoalRef:
    """A goal of a plan: the plan's title, the area's and the goal's sequence."""

    plan: str
    area: int
    goal: int


@dataclass(frozen=True)
class TargetComparison:
    """A target of the from-goal against the to-goal's target on the same indicator (1-based
    positions in each goal's targets)."""

    from_target: int
    to_target: int | None  # None: the upstream goal names the indicator but sets no figure
    verdict: Verdict


@dataclass(frozen=True)
class Alignment:
    """A goal and its counterpart in an upstream or peer plan, with how it was found."""

    source: GoalRef
    target: GoalRef
    score: Decimal
    method: Method
    evidence: str  # why, in a few words: the shared indicator, the similarity, the footnote
    comparison: TargetComparison | None = None  # of the first target with an upstream match


@dataclass(frozen=True)
class UpstreamNote:
    """What a footnote of a local goal says of an upstream plan's goal: its wording (quoted, or
    the local goal's own when the note says they are the same), or None (it has no such goal)."""

    source: GoalRef
    plan: str  # the upstream plan's canonical title
    wording: str | None
    where: str  # the footnote, as a reader finds it: "panyu footnote 7"


@dataclass
class Alignments:
    """Every alignment of a corpus, and the goals left without an upstream counterpart."""

    links: list[Alignment] = field(default_factory=list)
    additions: list[GoalRef] = field(default_factory=list)  # local goals with no counterpart
    peers: PeerIndex | None = None  # the additions as peer matching left them


@dataclass(frozen=True)
class GoalFeatures:
    """What alignment compares of one goal (goals_of): its text's bigrams, its indicators, its
    area's type and its plan's level."""

    ref: GoalRef
    item: Item
    concept: str | None
    grams: frozenset[str]
    indicators: tuple[str, ...]
    level: str


def bigrams(text: str) -> frozenset[str]:
    """The character bigrams of a goal's text without punctuation, figures and region words."""
    t = _NOISE.sub("", text)
    return frozenset(t[i : i + 2] for i in range(len(t) - 1))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient of two bigram sets: 1 for the same text, 0 for nothing shared."""
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def indicator_name(phrase: str) -> str:
    """An indicator phrase without spaces, region and population words, short forms for long:
    the key two plans' targets are matched on (女童九年义务教育巩固率 and 九年义务教育巩固率 are one)."""
    name = _POPULATION.sub("", _NOISE.sub("", phrase))
    for long, short in _SHORT_FORMS:
        name = name.replace(long, short)
    return name


def same_indicator(a: str, b: str) -> bool:
    """Whether two indicator phrases name one indicator: the same key, or one key inside the
    other with at most MAX_INSERTED characters put in (高中阶段毛入学率, 高中阶段教育毛入学率)."""
    x, y = sorted((indicator_name(a), indicator_name(b)), key=len)
    if not x or (len(x) < 4 and x != y):
        return False
    if len(y) - len(x) > MAX_INSERTED:
        return False
    rest = iter(y)
    return all(ch in rest for ch in x)


def compare(local: Target, upstream: Target) -> Verdict:
    """The local target against the upstream one: for an at-most target lower is stricter, for an
    at-least target higher; different comparators or units cannot be compared."""
    if local.unit != upstream.unit or local.comparator != upstream.comparator:
        return "not_comparable"
    if local.value == upstream.value:
        return "same"
    if local.comparator == "at_most":
        return "stricter" if local.value < upstream.value else "looser"
    if local.comparator == "at_least":
        return "stricter" if local.value > upstream.value else "looser"
    return "not_comparable"  # two different 左右 or exact figures: no direction


def compare_targets(local: Item, upstream: Item) -> TargetComparison | None:
    """The first local target that has an upstream target on the same indicator, against it;
    else the first whose indicator the upstream goal names without a figure (not comparable)."""
    for i, t in enumerate(local.targets, 1):
        for j, u in enumerate(upstream.targets, 1):
            if same_indicator(t.indicator, u.indicator):
                return TargetComparison(i, j, compare(t, u))
    words = _NOISE.sub("", upstream.text)
    for i, t in enumerate(local.targets, 1):
        name = indicator_name(t.indicator)
        if len(name) >= 4 and name in words:
            return TargetComparison(i, None, "not_comparable")
    return None


def goals_of(plan: Plan) -> list[GoalFeatures]:
    """The plan's goals with what alignment compares."""
    return [
        GoalFeatures(
            GoalRef(plan.title, area.sequence, g.sequence),
            g,
            area.concept,
            bigrams(g.text),
            tuple(indicator_name(t.indicator) for t in g.targets),
            plan.level,
        )
        for area in plan.areas
        for g in area.goals
    ]


class UpstreamIndex:
    """The goals of one upstream plan, looked up by area type and by indicator."""

    def __init__(self, goals: list[GoalFeatures]) -> None:
        self.goals = goals
        self.by_ref = {g.ref: g for g in goals}
        self.by_concept: dict[str | None, list[GoalFeatures]] = defaultdict(list)
        self.by_indicator: dict[str, list[GoalFeatures]] = defaultdict(list)
        for g in goals:
            self.by_concept[g.concept].append(g)
            for ind in g.indicators:
                self.by_indicator[ind].append(g)

    def candidates(self, goal: GoalFeatures) -> list[GoalFeatures]:
        """Upstream goals of the same area type or sharing an indicator name, in order."""
        seen = {g.ref: g for g in self.by_concept.get(goal.concept, [])}
        for ind in goal.indicators:
            for g in self.by_indicator.get(ind, []):
                seen.setdefault(g.ref, g)
        return list(seen.values())

    def by_wording(self, wording: str) -> GoalFeatures | None:
        """The upstream goal a quoted wording is, if one is close enough to be it."""
        grams = bigrams(wording)
        best = max(self.goals, key=lambda g: dice(grams, g.grams), default=None)
        return best if best and dice(grams, best.grams) >= 0.6 else None


def covered(part: frozenset[str], whole: frozenset[str]) -> float:
    """The share of a goal's bigrams found in another goal: 1 when its text is all in the other."""
    return len(part & whole) / len(part) if len(part) >= MIN_COVERED else 0.0


def score(local: GoalFeatures, upstream: GoalFeatures) -> tuple[float, Method, str]:
    """How alike two goals are, by which method, and the evidence in a few words."""
    text = max(
        dice(local.grams, upstream.grams), COVERED_WEIGHT * covered(upstream.grams, local.grams)
    )
    shared = [
        t.indicator
        for t in local.item.targets
        if any(same_indicator(t.indicator, u.indicator) for u in upstream.item.targets)
    ]
    if shared and local.concept == upstream.concept:
        s = max(text, INDICATOR_FLOOR + (1 - INDICATOR_FLOOR) * text)
        return s, "indicator", f"same indicator: {shared[0]}; text similarity {text:.2f}"
    return text, "text", f"text similarity {text:.2f}"


def align_to(
    local: list[GoalFeatures], upstream: UpstreamIndex, notes: dict[GoalRef, UpstreamNote]
) -> tuple[list[Alignment], list[GoalRef]]:
    """Each local goal's counterpart(s) in one upstream plan, and the goals with none."""
    links: list[Alignment] = []
    missing: list[GoalRef] = []
    for goal in local:
        note = notes.get(goal.ref)
        if note is not None and note.wording is None:  # the upstream plan has no such goal
            missing.append(goal.ref)
            continue
        found = upstream.by_wording(note.wording) if note and note.wording else None
        if note and found:
            links.append(_link(goal, found, 1.0, "footnote", f"{note.where} quotes its wording"))
            continue
        scored = sorted(
            ((score(goal, u), u) for u in upstream.candidates(goal)),
            key=lambda su: (-su[0][0], su[1].ref.area, su[1].ref.goal),
        )
        top = [su for su in scored if su[0][0] >= THRESHOLD]
        if not top:
            missing.append(goal.ref)
            continue
        best = top[0][0][0]
        for (s, method, evidence), u in top:
            if s >= best - SECOND_MARGIN or covered(u.grams, goal.grams) >= MERGED:
                links.append(_link(goal, u, s, method, evidence))
    return links, missing


def _link(
    local: GoalFeatures, upstream: GoalFeatures, s: float, method: Method, evidence: str
) -> Alignment:
    return Alignment(
        local.ref,
        upstream.ref,
        Decimal(f"{s:.3f}"),
        method,
        evidence,
        compare_targets(local.item, upstream.item),
    )


@dataclass(frozen=True)
class PeerEntry:
    """A local addition as peer matching saw it, and the canonical goal it was linked to (None:
    it is a canonical goal itself)."""

    goal: GoalFeatures
    canonical: GoalRef | None


class PeerIndex:
    """The canonical local additions, in the order they were met, with an inverted index of
    their bigrams by area type: a new addition is linked to the best of them or becomes one.

    Kept beside the store (plangraph/update.py) so that replacing one plan links its additions
    against the canonical goals of all the others without re-reading the corpus."""

    def __init__(self, entries: Sequence[PeerEntry] = ()) -> None:
        self.entries: list[PeerEntry] = []
        self.canon: dict[str | None, list[GoalFeatures]] = defaultdict(list)
        self.index: dict[tuple[str | None, str], list[int]] = defaultdict(list)
        self.canonical: set[GoalRef] = set()
        for entry in entries:
            if entry.canonical is None:
                self._add_canonical(entry.goal)
            self.entries.append(entry)

    def _add_canonical(self, goal: GoalFeatures) -> None:
        reps = self.canon[goal.concept]
        for gram in goal.grams:
            self.index[(goal.concept, gram)].append(len(reps))
        reps.append(goal)
        self.canonical.add(goal.ref)

    def match(self, goal: GoalFeatures) -> Alignment | None:
        """The peer link of one local addition to the canonical goal it is, or None when it
        becomes a canonical goal itself."""
        counts: dict[int, int] = defaultdict(int)
        for gram in goal.grams:
            postings = self.index.get((goal.concept, gram), ())
            if len(postings) <= MAX_POSTINGS:  # a gram in most goals tells nothing apart
                for k in postings:
                    counts[k] += 1
        reps = self.canon[goal.concept]
        best = None
        for k in sorted(counts, key=lambda k: (-counts[k], k))[:PEER_CANDIDATES]:
            rep = reps[k]
            if rep.ref.plan == goal.ref.plan:
                continue
            s = dice(goal.grams, rep.grams)
            if s >= PEER_THRESHOLD and (best is None or s > best[0]):
                best = (s, rep)
        if best is not None:
            s, rep = best
            self.entries.append(PeerEntry(goal, rep.ref))
            return _link(goal, rep, s, "peer", f"local addition in both; text similarity {s:.2f}")
        self._add_canonical(goal)
        self.entries.append(PeerEntry(goal, None))
        return None


def peers(additions: list[GoalFeatures], index: PeerIndex | None = None) -> list[Alignment]:
    """Local additions that are the same goal in several plans, each linked to the first of them
    (the canonical goal), found through an inverted index of bigrams by area type; the index
    may hold the canonical goals of plans aligned before (see PeerIndex)."""
    index = PeerIndex() if index is None else index
    return [link for goal in additions if (link := index.match(goal)) is not None]


def footnoted(
    local: dict[GoalRef, GoalFeatures],
    quoted: dict[str, list[GoalFeatures]],
    titles: dict[str, str],
) -> list[Alignment]:
    """Links from each local goal to the goals footnotes quote for it (score 1), and from a
    quoted city goal to the provincial goal quoted for the same local goal: the way up."""
    by_local: dict[GoalRef, list[GoalFeatures]] = defaultdict(list)
    for goals in quoted.values():
        for goal in goals:
            if goal.item.quoted_for and goal.item.quoted_for[0] in titles:
                key, area, n = goal.item.quoted_for
                by_local[GoalRef(titles[key], area, n)].append(goal)
    links = []
    for ref in sorted(by_local, key=lambda r: (r.plan, r.area, r.goal)):
        lower = local[ref]
        for upper in sorted(by_local[ref], key=lambda g: (_RANK[g.level], g.ref.plan)):
            where = upper.item.status_source or "a footnote"
            links.append(_link(lower, upper, 1.0, "footnote", f"{where} quotes its wording"))
            lower = upper
    return links


def through(
    local: GoalFeatures,
    links: list[Alignment],
    up: dict[GoalRef, list[Alignment]],
    national: UpstreamIndex,
) -> list[Alignment]:
    """A local goal's national counterparts through the upstream goals it aligns with (a
    provincial goal whose counterpart is known): score the product of the two steps."""
    out = []
    for first in links:
        for second in up.get(first.target, []):
            if any(o.target == second.target for o in out):
                continue
            out.append(
                Alignment(
                    local.ref,
                    second.target,
                    (first.score * second.score).quantize(Decimal("0.001")),
                    "upstream",
                    f"through goal {first.target.area}.{first.target.goal} of {first.target.plan} "
                    f"({first.method} {first.score}), whose counterpart it is ({second.method})",
                    compare_targets(local.item, national.by_ref[second.target].item),
                )
            )
    return out


@dataclass(frozen=True)
class Quoting:
    """What a document whose footnotes quote other plans gives the alignment of other
    documents' plans: its plan's key and title, its footnotes' notes and the quoted plans."""

    key: str
    title: str
    notes: list[UpstreamNote]
    quoted: list[Plan]


def align(
    local: Sequence[Plan],
    upstream: Plan,
    notes: Sequence[UpstreamNote] = (),
    quoted: Sequence[Plan] = (),
    peer_index: PeerIndex | None = None,
    known: Sequence[Quoting] = (),
    features: Mapping[str, list[GoalFeatures]] | None = None,
) -> Alignments:
    """Align the goals of the local plans, and of the provincial and city plans their footnotes
    quote, with the upstream plan (the national outline); each local goal with the goals quoted
    for it and with those of a quoted plan it cites; the local additions with each other and
    with the canonical goals already in `peer_index` (plans aligned before: an update).

    `known` are the quoted plans of documents aligned before (an update): a local plan that
    cites one is aligned with its goals, as in a full build, but nothing of theirs is linked.
    `features`: goals_of of some of the plans, by title, made already (by a build's workers)."""
    national = UpstreamIndex(goals_of(upstream))
    titles = {p.key: p.title for p in local}
    every_title = {**{k.key: k.title for k in known}, **titles}
    context = [q for k in known for q in k.quoted]
    made = features or {}
    goals = {p.title: made.get(p.title) or goals_of(p) for p in [*local, *quoted, *context]}
    by_ref = {g.ref: g for p in local for g in goals[p.title]}
    every_note = [*notes, *(n for k in known for n in k.notes)]
    said = {n.source: n for n in every_note if n.plan == upstream.title}
    for q in [*quoted, *context]:  # a quoted goal shares the footnote of the goal it was quoted for
        for g in goals[q.title]:
            if g.item.quoted_for and g.item.quoted_for[0] in every_title:
                key, area, n = g.item.quoted_for
                if (note := said.get(GoalRef(every_title[key], area, n))) is not None:
                    said[g.ref] = note
    out = Alignments()
    additions: list[GoalFeatures] = []
    up: dict[GoalRef, list[Alignment]] = defaultdict(list)  # quoted goal → its national ones
    for q in context:
        for link in align_to(goals[q.title], national, said)[0]:
            up[link.source].append(link)
    for q in quoted:
        links, missing = align_to(goals[q.title], national, said)
        out.links += links
        for link in links:
            up[link.source].append(link)
        gone = set(missing)
        additions += [g for g in goals[q.title] if g.ref in gone]
    quoted_goals = {q.title: goals[q.title] for q in quoted}
    footnotes = footnoted(by_ref, quoted_goals, titles)
    out.links += footnotes
    indexes = {q.title: UpstreamIndex(goals[q.title]) for q in [*quoted, *context]}
    quoted_for = {a.source for a in footnotes}
    footnotes_of: dict[str, list[Alignment]] = defaultdict(list)
    for a in footnotes:
        footnotes_of[a.source.plan].append(a)
    for plan in local:
        cited = sorted({canonical_title(c.title) for c in plan.citations} & indexes.keys())
        new: list[Alignment] = []  # this plan's links, added to out.links in this order
        for title in cited:  # a plan it cites that footnotes quote: align with its known goals
            mine = [g for g in goals[plan.title] if g.ref not in quoted_for]
            new += align_to(mine, indexes[title], {})[0]
        links, missing = align_to(goals[plan.title], national, said)
        new += links
        to_quoted = defaultdict(list)
        for link in [*footnotes_of[plan.title], *new]:
            if link.target.plan in indexes:
                to_quoted[link.source].append(link)
        for ref in missing:
            if ref in said:  # a footnote says the national outline has no such goal
                continue
            new += through(by_ref[ref], to_quoted.get(ref, []), up, national)
        out.links += new
        found = {
            a.source for a in [*footnotes_of[plan.title], *new] if a.target.plan == upstream.title
        }
        left = [ref for ref in missing if ref not in found]
        out.additions += left
        additions += [by_ref[ref] for ref in left]
    out.peers = PeerIndex() if peer_index is None else peer_index
    out.links += peers(additions, out.peers)
    return out
