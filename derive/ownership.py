"""Who owns each goal and measure, and on what evidence.

Stated owners come from the actors an item names (统计部门牵头, 公安机关 …) with the role its cue
gives (牵头/负责 → lead; 配合/参与 → support). Where the text names no owner, the lead is inferred
by a transparent linear score over a cue lexicon (data/ownership_lexicon.toml):

    score(type) = Σ weight(term, type) × (2 if the term is in the lead phrase else 1)
                  + PRIOR × prior(area, type) + NAMED × [the item names the type]

The lead is the best-scoring type; its confidence is its share of the two best scores. `fit` tunes
the lexicon on labelled items (term weights by precision, area priors by frequency, and new cue
terms mined from lead phrases), so that a maintainer can see and correct every weight.
"""

from __future__ import annotations

import math
import operator
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from derive.areas import area_concepts
from derive.departments import Registry
from ingest.model import Item, Plan, Responsibility, Span

PRIOR = 1.5  # weight of the area prior against one ordinary cue term
NAMED = 2.0  # bonus for a type the item names itself
STRONG = 3.0  # weight of a strong (decisive) cue term
LEAD_PHRASE = 2.0  # multiplier for cue terms found in the lead phrase
SUPPORT_SHARE = 0.6  # an inferred support needs this share of the lead's score
MAX_SUPPORT = 2


@dataclass(frozen=True)
class Lexicon:
    """Cue terms per department type, area priors, role cues, generic actors, actor patterns."""

    cues: dict[str, dict[str, float]]  # type → term → weight
    priors: dict[str, dict[str, float]]  # area concept → type → prior
    lead_cues: tuple[str, ...]
    support_cues: tuple[str, ...]
    generic: tuple[str, ...]
    actors: dict[str, str]  # mention → type

    def with_names(self, registry: Registry) -> Lexicon:
        """Add every registry short form as an actor pattern."""
        actors = dict(self.actors)
        for t in registry.types.values():
            for form in (*t.short, *t.variants):
                actors.setdefault(form, t.slug)
        return replace(self, actors=actors)


def load_lexicon(path: Path, registry: Registry) -> Lexicon:
    """Read the lexicon; every type it names must be in the registry (ValueError otherwise)."""
    with path.open("rb") as f:
        data = tomllib.load(f)
    cues: dict[str, dict[str, float]] = {}
    for slug, spec in data.get("cues", {}).items():
        weights = dict.fromkeys(spec.get("terms", []), 1.0)
        weights.update(dict.fromkeys(spec.get("strong", []), STRONG))
        cues[slug] = weights
    priors = {str(area): dict(types) for area, types in data.get("area_priors", {}).items()}
    roles = data.get("roles", {})
    lexicon = Lexicon(
        cues=cues,
        priors=priors,
        lead_cues=tuple(roles.get("lead", ("牵头", "负责", "主责"))),
        support_cues=tuple(roles.get("support", ("配合", "参与", "支持", "协助"))),
        generic=tuple(data.get("generic_actors", {}).get("terms", ())),
        actors=dict(data.get("actor_patterns", {})),
    )
    unknown = sorted(
        {s for s in cues}
        | {s for p in priors.values() for s in p}
        | set(lexicon.actors.values()) - set(registry.types)
    )
    unknown = [s for s in unknown if s not in registry]
    if unknown:
        raise ValueError(f"{path}: department types not in the registry: {', '.join(unknown)}")
    concepts = {c.slug for c in area_concepts()}
    strange = sorted(set(priors) - concepts)
    if strange:
        raise ValueError(
            f"{path}: [area_priors] keys that are no area concept: {', '.join(strange)}; "
            f"expected one of {', '.join(sorted(concepts))} (ontology/areas.ttl)"
        )
    return lexicon.with_names(registry)


@dataclass(frozen=True)
class Mention:
    """An actor named in an item: its type (or generic actor), role cue and the words."""

    type: str | None  # None for a generic actor
    actor: str
    role: str | None  # "lead" | "support" | None (no cue)
    evidence: str
    start: int


@dataclass(frozen=True)
class Score:
    """One type's score for an item and the terms that produced it."""

    type: str
    score: float
    terms: tuple[str, ...]


@dataclass(frozen=True)
class _CueIndex:
    """The lexicon's cue terms indexed to find the ones a text contains without testing every
    term: one-character terms, and longer ones by their first two characters."""

    singles: frozenset[str]  # terms of at most one character ("" is in every text)
    by_bigram: dict[str, tuple[str, ...]]  # first two characters → the terms starting so
    entries: dict[str, tuple[tuple[str, int, float], ...]]  # term → (type, rank in type, weight)

    @classmethod
    def of(cls, cues: dict[str, dict[str, float]]) -> _CueIndex:
        """Index type → term → weight; a term's rank is its place in its type's dict."""
        entries: dict[str, list[tuple[str, int, float]]] = defaultdict(list)
        for slug, terms in cues.items():
            for rank, (term, weight) in enumerate(terms.items()):
                entries[term].append((slug, rank, weight))
        by_bigram: dict[str, list[str]] = defaultdict(list)
        for term in entries:
            if len(term) > 1:
                by_bigram[term[:2]].append(term)
        return cls(
            frozenset(t for t in entries if len(t) <= 1),
            {g: tuple(ts) for g, ts in by_bigram.items()},
            {t: tuple(e) for t, e in entries.items()},
        )

    def present(self, text: str) -> set[str]:
        """The cue terms the text contains (the same set as testing `term in text` for all)."""
        found = {t for t in self.singles if t in text}
        for gram in self.by_bigram.keys() & set(map(operator.add, text, text[1:])):
            found.update(t for t in self.by_bigram[gram] if t in text)
        return found

    def hits(self, text: str) -> dict[str, list[tuple[str, float]]]:
        """Per type, the (term, weight) pairs the text contains, in the type's dict order, so
        that sums over them add in the same order as a loop over all the type's terms."""
        ranked: dict[str, list[tuple[int, str, float]]] = defaultdict(list)
        for term in self.present(text):
            for slug, rank, weight in self.entries[term]:
                ranked[slug].append((rank, term, weight))
        return {slug: [(t, w) for _, t, w in sorted(r)] for slug, r in ranked.items()}


def _alternation(names: list[str]) -> re.Pattern[str]:
    """A regex matching, at the leftmost place, the longest of the names there: the same
    matches as `a|b|…` over the names longest first, but as a trie, so it scans far faster."""
    if not names:
        return re.compile(r"(?!x)x")
    trie: dict[str, dict] = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}
    return re.compile(_trie_pattern(trie))


def _trie_pattern(node: dict[str, dict]) -> str:
    """One trie node as a regex: longer continuations first, then (optionally) ending here."""
    branches = [re.escape(c) + _trie_pattern(child) for c, child in sorted(node.items()) if c]
    if not branches:
        return ""
    if len(branches) == 1 and "" not in node:
        return branches[0]
    group = "(?:" + "|".join(branches) + ")"
    return group + "?" if "" in node else group


@dataclass
class OwnerModel:
    """The scoring rule with its (possibly tuned) lexicon, indexed once: a changed lexicon
    needs a new model."""

    lexicon: Lexicon
    _actor_re: re.Pattern[str] = field(init=False, repr=False)
    _cues: _CueIndex = field(init=False, repr=False)

    def __post_init__(self) -> None:
        names = sorted(set(self.lexicon.actors) | set(self.lexicon.generic), key=len, reverse=True)
        self._actor_re = _alternation(names)
        self._cues = _CueIndex.of(self.lexicon.cues)

    def mentions(self, text: str) -> list[Mention]:
        """The actors a text names, with the role its cue words give each."""
        out: list[Mention] = []
        for m in self._actor_re.finditer(text):
            actor = m.group()
            kind = self.lexicon.actors.get(actor)
            after = text[m.end() : m.end() + 8]
            before = text[max(0, m.start() - 3) : m.start()]
            role = None
            rest = after.lstrip("、和及等各级部门有关")
            if any(rest.startswith(c) for c in self.lexicon.lead_cues):
                role = "lead"
            elif any(c in after[:4] for c in self.lexicon.support_cues) or "配合" in before:
                role = "support"
            out.append(Mention(kind, actor, role, _clause(text, m.start(), m.end()), m.start()))
        return out

    def scores(self, text: str, label: str, area: str | None, named: set[str]) -> list[Score]:
        """Every type's score for an item, best first (ties by type name)."""
        results = []
        priors = self.lexicon.priors.get(area or "", {})
        found = self._cues.hits(text)
        for slug in self.lexicon.cues:
            total, hits = 0.0, []
            for term, weight in found.get(slug, ()):
                total += weight * (LEAD_PHRASE if term in label else 1.0)
                hits.append(term)
            total += PRIOR * priors.get(slug, 0.0) + (NAMED if slug in named else 0.0)
            if total > 0:
                results.append(Score(slug, total, tuple(sorted(hits))))
        results.sort(key=lambda s: (-s.score, s.type))
        return results

    def resolve(self, unit: str) -> str | None:
        """The department type of a printed unit (县人力社保局 → human_resources), or None: the
        longest registry form or actor pattern the name contains."""
        forms = [f for f in self.lexicon.actors if f in unit]
        return self.lexicon.actors[max(forms, key=len)] if forms else None

    def stated(self, item: Item) -> list[Responsibility]:
        """The owners an item's owner clause states, each unit resolved to its type; a unit
        the registry cannot type is kept under its printed name, never guessed."""
        clause = item.owner_clause
        if clause is None:
            return []
        out = []
        for name, role in clause.units:
            slug = self.resolve(name)
            confidence = Decimal("0.95" if role == "lead" else "0.90")
            out.append(
                Responsibility(
                    slug, role, "stated", confidence, clause.text, name, unresolved=slug is None
                )
            )
        return out

    def owners(self, item: Item, area: str | None) -> list[Responsibility]:
        """The responsibilities of one item: its owner clause when it has one (stated owners
        always win), else stated from its mentions and inferred where needed."""
        if item.owner_clause is not None:
            return self.stated(item)
        mentions = self.mentions(item.text)
        named = {m.type for m in mentions if m.type}
        out: list[Responsibility] = []
        stated_lead = next((m for m in mentions if m.type and m.role == "lead"), None)
        if stated_lead:
            out.append(
                Responsibility(
                    stated_lead.type,
                    "lead",
                    "stated",
                    Decimal("0.95"),
                    stated_lead.evidence,
                    stated_lead.actor,
                )
            )
        ranked = self.scores(item.text, item.label, area, named)
        if not stated_lead and item.kind in ("goal", "measure", "project") and ranked:
            top = ranked[0]
            second = ranked[1].score if len(ranked) > 1 else 0.0
            confidence = _confidence(top.score, second)
            named_top = next((m for m in mentions if m.type == top.type), None)
            if named_top:
                out.append(
                    Responsibility(
                        top.type,
                        "lead",
                        "stated",
                        max(confidence, Decimal("0.80")),
                        named_top.evidence,
                        named_top.actor,
                    )
                )
            else:
                out.append(
                    Responsibility(
                        top.type, "lead", "inferred", confidence, _because(top, area), None
                    )
                )
        lead = out[0].department if out else None
        seen = {lead}
        for m in mentions:
            if m.type and m.type not in seen:
                seen.add(m.type)
                out.append(
                    Responsibility(
                        m.type, "support", "stated", Decimal("0.90"), m.evidence, m.actor
                    )
                )
            elif m.type is None and m.actor not in seen:
                seen.add(m.actor)
                out.append(
                    Responsibility(None, "support", "stated", Decimal("0.90"), m.evidence, m.actor)
                )
        if lead and item.kind in ("goal", "measure", "project") and len(ranked) > 1:
            best = ranked[0].score
            extra = [
                s
                for s in ranked[1:]
                if s.type not in seen and s.terms and s.score >= SUPPORT_SHARE * best
            ][:MAX_SUPPORT]
            for s in extra:
                out.append(
                    Responsibility(
                        s.type,
                        "support",
                        "inferred",
                        _confidence(s.score, best),
                        _because(s, area),
                        None,
                    )
                )
        return out


def _confidence(score: float, other: float) -> Decimal:
    share = score / (score + other) if score + other else 0.0
    return Decimal(str(round(min(max(share, 0.05), 0.99), 2)))


def _because(score: Score, area: str | None) -> str:
    terms = "、".join(score.terms) if score.terms else "none"
    return f"cue terms: {terms}; area {area} prior" if area else f"cue terms: {terms}"


def _clause(text: str, start: int, end: int) -> str:
    a = max((text.rfind(c, 0, start) for c in "。；;\n"), default=-1) + 1
    ends = [i for i in (text.find(c, end) for c in "。；;\n") if i != -1]
    return text[a : min(ends) + 1 if ends else len(text)].strip()


def assign_owners(plan: Plan, model: OwnerModel) -> None:
    """Give every goal, measure and key project its responsibilities (others: stated only)."""
    for area in plan.areas:
        for item in area.goals + area.measures:
            item.responsibilities = model.owners(item, area.concept)
    for item in plan.key_projects + plan.implementation + plan.monitoring:
        item.responsibilities = model.owners(item, None)


# --- tuning on labelled items --------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    """A hand-labelled item: its text, lead phrase, area, and acceptable lead types."""

    key: tuple[str, int, int]  # plan, area, measure sequence
    text: str
    label: str
    area: str  # the area concept
    lead: str
    acceptable: tuple[str, ...]


def fit(lexicon: Lexicon, examples: list[Example], smoothing: float = 2.0) -> Lexicon:
    """Tune a lexicon on labelled items: reweight cue terms by how reliably they pick the
    labelled type, re-estimate area priors, and add cue terms mined from lead phrases."""
    if not examples:
        return lexicon
    cues = {slug: dict(terms) for slug, terms in lexicon.cues.items()}
    for slug, terms in cues.items():
        for term in terms:
            with_term = [e for e in examples if term in e.text]
            if not with_term:
                continue
            right = sum(1 for e in with_term if e.lead == slug or slug in e.acceptable)
            precision = (right + smoothing * 0.5) / (len(with_term) + smoothing)
            terms[term] = round(terms[term] * 2 * precision, 3)
    for term, slug in _mined_terms(examples, set().union(*map(set, cues.values()))).items():
        cues.setdefault(slug, {})[term] = 1.0
    priors: dict[str, dict[str, float]] = {}
    by_area: dict[str, Counter[str]] = defaultdict(Counter)
    for e in examples:
        by_area[e.area][e.lead] += 1
    for area in set(lexicon.priors) | set(by_area):
        base = lexicon.priors.get(area, {})
        counts = by_area.get(area, Counter())
        n = sum(counts.values())
        types = set(base) | set(counts)
        priors[area] = {
            t: round((counts[t] + smoothing * base.get(t, 0.0)) / (n + smoothing), 3)
            for t in sorted(types)
        }
    return replace(lexicon, cues=cues, priors=priors)


def _mined_terms(
    examples: list[Example], known: set[str], min_count: int = 3, min_precision: float = 0.85
) -> dict[str, str]:
    """Character 2–4-grams of lead phrases that almost always go with one type."""
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for e in examples:
        grams = {e.label[i : i + n] for n in (2, 3, 4) for i in range(len(e.label) - n + 1)}
        for g in grams:
            if re.fullmatch(r"[\u4e00-\u9fff]+", g):
                seen[g][e.lead] += 1
    mined: dict[str, str] = {}
    for gram, counts in sorted(seen.items()):
        slug, top = counts.most_common(1)[0]
        total = sum(counts.values())
        if gram not in known and top >= min_count and top / total >= min_precision:
            mined[gram] = slug
    return mined


@dataclass(frozen=True)
class Miss:
    """A labelled item whose predicted lead is neither the label nor an acceptable type."""

    example: Example
    predicted: str | None


@dataclass(frozen=True)
class Evaluation:
    """Top-1 lead accuracy against hand labels, coverage (items given a lead) and the misses."""

    accuracy: float
    coverage: float
    n: int
    misses: list[Miss]


def evaluate(model: OwnerModel, examples: list[Example]) -> Evaluation:
    """Score the model's lead for each labelled item (right: the label or an acceptable type)."""
    misses, covered = [], 0
    for e in examples:
        item = Item("measure", e.key[2], None, e.label, e.text, Span(0, 0, 1))
        lead = next((r.department for r in model.owners(item, e.area) if r.role == "lead"), None)
        covered += lead is not None
        if lead != e.lead and lead not in e.acceptable:
            misses.append(Miss(e, lead))
    n = len(examples)
    return Evaluation(
        1 - len(misses) / n if n else math.nan, covered / n if n else math.nan, n, misses
    )


def load_examples(labels: Path, plans: dict[str, Plan]) -> list[Example]:
    """Hand labels (plan, area, measure, lead_phrase, lead, acceptable) joined to the measures
    they label; a row that points at no measure, or at the wrong one, raises ValueError."""
    import csv

    examples = []
    with labels.open(encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f, delimiter="\t"), 2):
            try:
                area = plans[row["plan"]].areas[int(row["area"]) - 1]
                item = area.measures[int(row["measure"]) - 1]
            except (KeyError, IndexError, ValueError) as err:
                raise ValueError(f"{labels}:{n}: no such measure ({err})") from err
            phrase = row["lead_phrase"].strip()
            if phrase and phrase[:6] not in item.text:
                raise ValueError(
                    f"{labels}:{n}: lead phrase “{phrase}” is not in measure "
                    f"{row['plan']}/{area.sequence}/{item.sequence} “{item.label}”"
                )
            acceptable = tuple(
                a.strip() for a in (row.get("acceptable") or "").split(",") if a.strip()
            )
            examples.append(
                Example(
                    (row["plan"], area.sequence, item.sequence),
                    item.text,
                    item.label,
                    area.concept or "",
                    row["lead"].strip(),
                    acceptable,
                )
            )
    return examples


def leave_one_plan_out(lexicon: Lexicon, examples: list[Example]) -> dict[str, Evaluation]:
    """For each plan: tune the lexicon on the other plans' labels, evaluate on this plan's."""
    out = {}
    for plan in sorted({e.key[0] for e in examples}):
        train = [e for e in examples if e.key[0] != plan]
        test = [e for e in examples if e.key[0] == plan]
        out[plan] = evaluate(OwnerModel(fit(lexicon, train)), test)
    return out
