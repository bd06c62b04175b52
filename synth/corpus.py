"""`plangraph synth`: plan documents for N synthetic regions, recombined from the seed plans.

Each plan takes the areas, goals, measures, key projects and sections of the four seed plans
(a base seed per area, some items dropped, some borrowed from the other seeds), writes the
synthetic region's names where the seed named its own, varies the target figures, and is laid
out in one of the layouts the structure reader knows (（一）areas under a 发展领域 part, areas as
parts, 第一章 chapters, bare area titles) with its own numbering, punctuation, front matter and
page breaks, then rendered as .txt (plain, paginated, a PDF's text layer), .docx or .html.
The corpus.toml beside the documents is what PLANGRAPH_CORPUS points a build at; manifest.json
says what every document holds (areas, item counts, targets), for the tests and benchmarks.

Deterministic: the same N and seed give byte-identical files, and a corpus's first plans are
those of any larger corpus with the same seed.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from ingest.normalise import STRUCTURE_START, TERMINAL
from ingest.targets import find_targets
from synth.regions import SynthRegion, pick_regions
from synth.renderings import to_docx, to_html, to_pdf_text
from synth.seeds import Seed, SeedItem, SeedNames, load_seeds

Pick = tuple[Seed, SeedItem]  # an item and the seed plan it comes from

FORMATS = ("txt", "paged", "pdftext", "docx", "html")  # paged, pdftext: .txt files as well
FORMAT_WEIGHTS = (55, 12, 8, 15, 10)
LAYOUTS = ("paren", "dun", "chapter", "bare")
LAYOUT_WEIGHTS = (50, 20, 15, 15)
ITEM_NUMBERS = ("{}.", "{}．", "{}、", "（{}）")
CN = "一二三四五六七八九十"
_NUMBER = re.compile(r"(?<![\d./])\d+(?:\.\d+)?(?![\d.])")
_ASCII_PUNCT = str.maketrans("（），：；", "(),:;")
_LOCAL = (
    "全{s}|我{s}|本{s}|(?<![社城园辖景片小山牧矿新老街])(?:{s}委|{s}政府|{s}妇儿工委|{s}级|{s}直)"
)


def cn_number(n: int) -> str:
    """一 … 十九, as parts and areas are numbered."""
    if n <= 10:
        return CN[n - 1]
    return (
        "十" + CN[n - 11] if n < 20 else CN[n // 10 - 1] + "十" + (CN[n % 10 - 1] if n % 10 else "")
    )


@dataclass(frozen=True)
class WrittenTarget:
    """A target as the generator wrote it: where, and what the reader should find."""

    area: int  # 1-based area sequence
    kind: str  # goal | measure
    item: int  # 1-based sequence in the area's goals or measures
    indicator: str
    value: str
    unit: str
    comparator: str


@dataclass(frozen=True)
class WrittenArea:
    """An area as written: its title and how many goals and measures it has."""

    title: str
    goals: int
    measures: int


@dataclass
class SynthPlan:
    """What one generated document holds: the manifest entry the parser must reproduce."""

    key: str
    file: str
    format: str
    layout: str
    title: str
    region: str
    level: str
    areas: list[WrittenArea] = field(default_factory=list)
    targets: list[WrittenTarget] = field(default_factory=list)
    principles: int = 0
    projects: int = 0
    implementation: int = 0
    monitoring: int = 0
    doc_number: str | None = None
    issued: str | None = None


@dataclass(frozen=True)
class SynthCorpus:
    """A generated corpus: its folder, corpus file, manifest and plans."""

    out: Path
    corpus_file: Path
    manifest_file: Path
    plans: list[SynthPlan]


@dataclass(frozen=True)
class Style:
    """How one plan is laid out and printed."""

    layout: str
    goal_number: str
    measure_number: str
    goal_label: str
    measure_label: str
    ascii_punct: bool
    notice: bool
    toc: bool
    titled_preface: bool
    pages: int  # lines per page for the paged format; 0: none


class _Namer:
    """Rewrites a seed's text for the synthetic region: its names and its 全区/我区 words."""

    def __init__(self, seed: SeedNames, region: SynthRegion) -> None:
        pairs = {
            seed.city + seed.county: region.region,
            seed.county: region.region if region.level == "county" else region.name,
            seed.city: region.city or region.name,
            seed.county_short: region.short,
            seed.city_short: region.city_short,
            seed.province: region.province,
            seed.province_short: region.province_short,
        }
        self.pairs = {k: v for k, v in pairs.items() if k}
        self.names = re.compile("|".join(map(re.escape, sorted(self.pairs, key=len, reverse=True))))
        self.local = None
        if seed.suffix in "区县" and region.suffix != seed.suffix:
            self.local = re.compile(_LOCAL.format(s=seed.suffix))
            self.swap = (seed.suffix, region.suffix)

    def __call__(self, text: str) -> str:
        text = self.names.sub(lambda m: self.pairs[m.group()], text)
        if self.local is not None:
            old, new = self.swap
            text = self.local.sub(lambda m: m.group().replace(old, new), text)
        return text


def _vary(value: Decimal, unit: str, rng: random.Random) -> Decimal:
    """Another plausible figure for a target: within a fifth of the seed's, same precision,
    rates at most 100%."""
    places = max(0, -value.as_tuple().exponent)  # type: ignore[operator]
    quantum = Decimal(1).scaleb(-places)
    if value == 0:
        return value
    factor = Decimal(str(round(rng.uniform(0.8, 1.2), 3)))
    new = (value * factor).quantize(quantum)
    if unit == "%" and new > 100:
        new = Decimal(100).quantize(quantum)
    return new if new > 0 else value


class _PlanWriter:
    """Writes the text of one synthetic plan and its manifest entry."""

    def __init__(self, region: SynthRegion, seeds: tuple[Seed, ...], rng: random.Random) -> None:
        self.region = region
        self.seeds = seeds
        self.rng = rng
        self.namers = {s.key: _Namer(s.names, region) for s in seeds}
        self.title = f"{region.region}妇女发展规划（2021—2030年）"
        self.lines: list[str] = []

    # --- choosing -------------------------------------------------------------------------
    def style(self, fmt: str) -> Style:
        r = self.rng
        layout = r.choices(LAYOUTS, LAYOUT_WEIGHTS)[0]
        sub = layout in ("dun", "chapter")
        goal_label = r.choice(
            ("（一）主要目标", "（一）主要目标：") if sub else ("主要目标：", "主要目标")
        )
        measure_label = r.choice(
            ("（二）策略措施", "（二）策略措施：") if sub else ("策略措施：", "策略措施")
        )
        return Style(
            layout=layout,
            goal_number=r.choice(ITEM_NUMBERS),
            measure_number=r.choice(ITEM_NUMBERS),
            goal_label=goal_label,
            measure_label=measure_label,
            ascii_punct=r.random() < 0.15,
            notice=r.random() < 0.35,
            toc=r.random() < 0.2,
            titled_preface=r.random() < 0.3,
            pages=r.randint(28, 45) if fmt == "paged" else 0,
        )

    def recombine(self, base: list[Pick], others: list[list[Pick]]) -> list[Pick]:
        """The base seed's items, about one in seven dropped, up to two borrowed from others."""
        r = self.rng
        out = [x for x in base if r.random() > 0.15] or base[:1]
        texts = {item.text for _, item in base}
        pool = [x for o in others for x in o if x[1].text not in texts]
        for x in r.sample(pool, min(len(pool), r.randint(0, 2))):
            out.insert(r.randint(0, len(out)), x)
        return out

    def item_text(self, seed: Seed, item: SeedItem) -> tuple[str, list[tuple[str, str, str, str]]]:
        """A seed item in the region's words with varied figures, and the targets it states."""
        text = self.namers[seed.key](item.text)
        expected = [(t.indicator, t.value, t.unit, t.comparator) for t in item.targets]
        if not item.targets:
            return text, []
        varied = self._varied(text, item)
        for candidate in (varied, text):
            if candidate is None:
                continue
            found = find_targets(candidate, 2030)
            got = [(t.unit, t.comparator) for t in found]
            if got == [(u, c) for _, _, u, c in expected]:
                return candidate, [(t.indicator, str(t.value), t.unit, t.comparator) for t in found]
        raise AssertionError(f"seed item of {seed.key} changed its targets: {item.text[:40]}")

    def _varied(self, text: str, item: SeedItem) -> str | None:
        """The text with each target's figure replaced by a varied one (None if none found)."""
        values = {t.value: _vary(t.value, t.unit, self.rng) for t in item.targets}
        spans = [(f.start, f.end) for f in find_targets(text, 2030)]
        out, pos = [], 0
        for a, b in spans:
            if a < pos:
                continue
            out.append(text[pos:a])
            phrase = text[a:b]
            out.append(
                _NUMBER.sub(
                    lambda m, phrase=phrase: (
                        str(values[Decimal(m.group())])
                        if Decimal(m.group()) in values and phrase[m.end() : m.end() + 1] != "年"
                        else m.group()
                    ),
                    phrase,
                )
            )
            pos = b
        out.append(text[pos:])
        varied = "".join(out)
        found = find_targets(varied, 2030)
        want = [values[t.value] for t in item.targets]
        return varied if [t.value for t in found] == want else None

    # --- writing --------------------------------------------------------------------------
    def write(self, key: str, file: str, fmt: str) -> tuple[str, SynthPlan]:
        r, region = self.rng, self.region
        style = self.style(fmt)
        plan = SynthPlan(key, file, fmt, style.layout, self.title, region.region, region.level)
        seed_of_area = [r.choice(self.seeds) for _ in range(8)]
        out = self.lines
        self.front(style, plan)
        chapter = style.layout == "chapter"
        part = iter(range(1, 40))

        def heading(title: str) -> str:
            n = next(part)
            return f"第{cn_number(n)}章 {title}" if chapter else f"{cn_number(n)}、{title}"

        # general part
        out.append(heading(r.choice(("总体要求", "指导思想、基本原则和总体目标"))))
        general = r.choice(self.seeds)
        principled = [s for s in self.seeds if s.principles]
        sub = 1
        sub_heading = (
            (lambda n, t: f"{cn_number(n)}、{t}")
            if chapter
            else (lambda n, t: f"（{cn_number(n)}）{t}{r.choice(('', '。'))}")
        )
        out.append(sub_heading(sub, "指导思想"))
        out += self.namers[general.key](general.guiding).split("\n")
        if principled and r.random() < 0.6:
            sub += 1
            src = r.choice(principled)
            out.append(sub_heading(sub, "基本原则"))
            items = list(src.principles)
            plan.principles = len(items)
            number = r.choice(ITEM_NUMBERS[:3])
            for i, item in enumerate(items, 1):
                self.item(number.format(i), self.namers[src.key](item.text))
        sub += 1
        out.append(sub_heading(sub, "总体目标"))
        src = r.choice(self.seeds)
        out += self.namers[src.key](src.overall).split("\n")
        # areas
        if style.layout != "dun":
            out.append(heading("发展领域、主要目标和策略措施"))
        for seq, seed in enumerate(seed_of_area, 1):
            area = seed.areas[seq - 1]
            others = [(s, s.areas[seq - 1]) for s in self.seeds if s is not seed]
            if style.layout == "dun":
                out.append(heading(area.title))
            elif style.layout == "chapter":
                out.append(f"{cn_number(seq)}、{area.title}")
            elif style.layout == "paren":
                out.append(f"（{cn_number(seq)}）{area.title}")
            else:
                out.append(area.title)
            goals = self.recombine(
                [(seed, x) for x in area.goals], [[(s, x) for x in o.goals] for s, o in others]
            )
            measures = self.recombine(
                [(seed, x) for x in area.measures],
                [[(s, x) for x in o.measures] for s, o in others],
            )
            plan.areas.append(WrittenArea(area.title, len(goals), len(measures)))
            out.append(style.goal_label)
            self.items(goals, style.goal_number, plan, seq, "goal")
            out.append(style.measure_label)
            self.items(measures, style.measure_number, plan, seq, "measure")
        # key projects, implementation, monitoring
        for kind, title, attr in (
            ("projects", r.choice(("重点工程", "重点项目")), "projects"),
            ("implementation", r.choice(("组织实施", "保障措施")), "implementation"),
            ("monitoring", r.choice(("监测评估", "监测与评估")), "monitoring"),
        ):
            src = r.choice([s for s in self.seeds if getattr(s, attr)])
            items = [x for _, x in self.recombine([(src, x) for x in getattr(src, attr)], [])]
            if kind == "projects" and r.random() < 0.15:
                continue
            out.append(heading(title))
            setattr(plan, kind, len(items))
            number = r.choice(("（{}）", "（{}）", "{}."))
            for i, item in enumerate(items, 1):
                shown = f"（{cn_number(i)}）" if number == "（{}）" else number.format(i)
                self.item(shown, self.namers[src.key](item.text))
        if plan.issued:
            year, month, day = (int(x) for x in plan.issued.split("-"))
            out.append(f"{region.region}人民政府办公室{year}年{month}月{day}日印发")
        text = "\n\n".join(out) if r.random() < 0.5 else "\n".join(out)
        if style.ascii_punct:
            text = text.translate(_ASCII_PUNCT)
            plan.title = self.title.translate(_ASCII_PUNCT)
            plan.targets = [
                replace(t, indicator=t.indicator.translate(_ASCII_PUNCT)) for t in plan.targets
            ]
        if style.pages:
            text = self.paginate(text, style.pages, plan.title)
        return text + "\n", plan

    def front(self, style: Style, plan: SynthPlan) -> None:
        r, region, out = self.rng, self.region, self.lines
        s = region.suffix
        if style.notice:
            month, day = r.randint(1, 12), r.randint(1, 28)
            number = r.randint(1, 120)
            plan.doc_number = f"{region.short[0]}府办〔2022〕{number}号"
            plan.issued = f"2022-{month:02d}-{day:02d}"
            out += [
                f"{region.region}人民政府办公室文件",
                plan.doc_number,
                f"{region.region}人民政府办公室关于印发{self.title}的通知",
                f"各镇人民政府（街道办事处），{s}政府各部门、各直属机构：",
                f"《{self.title}》已经{s}政府同意，现印发给你们，请认真贯彻执行。",
                f"{region.region}人民政府办公室",
                f"2022年{month}月{day}日",
            ]
        out.append(self.title)
        if style.toc:
            out.append("目录")
            out += [
                f"{cn_number(i)}、{t}……………………{p}"
                for i, (t, p) in enumerate(
                    (
                        ("总体要求", 1),
                        ("发展领域、主要目标和策略措施", 3),
                        ("重点工程", 30),
                        ("组织实施", 32),
                        ("监测评估", 35),
                    ),
                    1,
                )
            ]
        plans = [
            "《中国妇女发展纲要（2021—2030年）》",
            f"《{region.province}妇女发展规划（2021—2030年）》",
        ]
        if region.city:
            plans.append(f"《{region.city}妇女发展规划（2021—2030年）》")
        joined = "".join(plans[:-1]) + "和" + plans[-1]
        basis = (
            f"为贯彻落实{joined}，{r.choice(('进一步推进', '推动', '促进'))}我{s}妇女事业"
            f"{r.choice(('高质量发展', '发展', '全面发展'))}，保障妇女合法权益，结合我{s}实际，制定本规划。"
        )
        prefaces = [x for x in self.seeds if x.preface]
        if style.titled_preface and prefaces:
            src = r.choice(prefaces)
            out.append(r.choice(("序言", "前言", "序 言")))
            out += [*self.namers[src.key](src.preface or "").split("\n"), basis]
        else:
            out.append(basis)

    def items(self, items: list[Pick], number: str, plan: SynthPlan, area: int, kind: str) -> None:
        """Write an area's goals or measures and record their targets."""
        for i, (seed, item) in enumerate(items, 1):
            text, targets = self.item_text(seed, item)
            self.item(number.format(i), text)
            plan.targets += [WrittenTarget(area, kind, i, *t) for t in targets]

    def item(self, number: str, text: str) -> None:
        sep = self.rng.choice(("", "", " ")) if not number.startswith("（") else ""
        self.lines.append(number + sep + text)

    def paginate(self, text: str, per_page: int, header: str) -> str:
        """Page breaks every so many lines: a page number, a form feed and the running title;
        now and then inside a long sentence, as a PDF conversion leaves them."""
        lines = text.split("\n")
        out: list[str] = []
        page, count = 1, 0
        for line in lines:
            count += bool(line.strip())
            cut = _cut_point(line, self.rng) if count >= per_page and len(line) > 90 else None
            if cut:
                out.append(line[:cut])
                line = line[cut:]
            if count >= per_page and (cut or line.strip()):
                label = f"— {page} —" if self.rng.random() < 0.5 else f"- {page} -"
                out += ["", label, "\f", header, ""]
                page, count = page + 1, 0
            out.append(line)
        return "\n".join(out)


def _cut_point(line: str, rng: random.Random) -> int | None:
    """Where a page break may cut a long line mid-sentence so that the normaliser joins it back:
    after 60 characters, not after a full stop, not before a numbered start or a figure."""
    for _ in range(8):
        at = rng.randint(60, len(line) - 20)
        before, after = line[at - 1], line[at:]
        if before in TERMINAL or before.isdigit() or after[0].isdigit() or before == "。":
            continue
        if STRUCTURE_START.match(after) or not after[0].strip():
            continue
        return at
    return None


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def corpus_toml(plans: list[SynthPlan], regions: list[SynthRegion]) -> str:
    """The corpus file of a synthetic corpus, in the form of data/plans/corpus.toml."""
    out = [
        "# A synthetic corpus written by `plangraph synth` from the four seed plans; regions",
        "# from the gazetteer. Point PLANGRAPH_CORPUS at this file to build it.",
    ]
    for plan, region in zip(plans, regions, strict=True):
        fields = {
            "file": plan.file,
            "region": region.region,
            "region_slug": region.region_slug,
            "parent_region": region.city,
            "parent_slug": region.parent_slug,
            "province": region.province,
            "province_slug": region.province_slug,
        }
        out.append(f"\n[{plan.key}]")
        out += [f"{k} = {_toml_string(v)}" for k, v in fields.items() if v]
    return "\n".join(out) + "\n"


def clear(out: Path) -> None:
    """Make `out` ready for a corpus: create it, or remove an earlier corpus's files from it;
    a folder holding anything else is refused rather than emptied."""
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / "manifest.json"
    known: set[str] = set()
    if manifest.exists():
        try:
            known = {d["file"] for d in json.loads(manifest.read_text("utf-8"))["documents"]}
        except (ValueError, KeyError, TypeError):
            known = set()
        known |= {"manifest.json", "corpus.toml"}
    others = sorted(p.name for p in out.iterdir() if p.name not in known)
    if others:
        raise ValueError(
            f"{out}: not empty ({others[0]} …) and not a corpus `plangraph synth` wrote; "
            "expected a new or empty folder"
        )
    for name in known:
        (out / name).unlink(missing_ok=True)


SUFFIXES = {"txt": ".txt", "paged": ".txt", "pdftext": ".txt", "docx": ".docx", "html": ".html"}


def synthesize(n: int, seed: int, out: Path, formats: tuple[str, ...] | None = None) -> SynthCorpus:
    """Write N synthetic plan documents, corpus.toml and manifest.json into `out` (emptied of
    an earlier corpus's documents first). `formats` restricts the formats (all by default)."""
    if n < 1:
        raise ValueError(f"--plans {n}: expected at least one plan")
    unknown = set(formats or ()) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown format {sorted(unknown)}; expected some of {', '.join(FORMATS)}")
    seeds = load_seeds()
    regions = pick_regions(n, seed)
    clear(out)
    plans = []
    for i, region in enumerate(regions):
        rng = random.Random(f"plan:{seed}:{i}")
        choices = formats or FORMATS
        weights = None if formats else FORMAT_WEIGHTS
        fmt = rng.choices(choices, weights)[0]
        key = region.region_slug
        file = key + SUFFIXES[fmt]
        writer = _PlanWriter(region, seeds, rng)
        text, plan = writer.write(key, file, fmt)
        path = out / file
        if fmt in ("txt", "paged"):
            path.write_text(text, encoding="utf-8")
        elif fmt == "pdftext":
            to_pdf_text(text, path, plan.title)
        elif fmt == "docx":
            to_docx(text, path)
        else:
            to_html(text, path, plan.title)
        plans.append(plan)
    corpus_file = out / "corpus.toml"
    corpus_file.write_text(corpus_toml(plans, regions), encoding="utf-8")
    manifest = out / "manifest.json"
    manifest.write_text(
        json.dumps(
            {"plans": n, "seed": seed, "documents": [asdict(p) for p in plans]},
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    return SynthCorpus(out, corpus_file, manifest, plans)
