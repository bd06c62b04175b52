// The plan browser: plans → a plan's areas → an area's goals and measures → one goal or measure
// with its owners, targets, alignments and its source sentence highlighted in its paragraph.

import { getAll, getJSON } from "./api.js";
import { fill, h, marked, utf16Index } from "./dom.js";
import { lang, t, term } from "./i18n.js";
import { hrefOf, PGID } from "./links.js";
import { fmt, withUnit } from "./format.js";
import { sortableTable } from "./table.js";

/** The last path segment of a plan IRI: the slug of /api/plan/{slug}. */
export function slugOf(iri) {
  return iri.startsWith(`${PGID}plan/`) ? iri.slice(`${PGID}plan/`.length).split("/")[0] : iri;
}

const period = (p) => [p.periodStart, p.periodEnd].filter(Boolean).join("—");

export async function homeView(main, params) {
  await planList(main, params);
  main.prepend(h("section", { class: "intro" }, h("h1", {}, t("home.title")), h("p", {}, t("home.lead"))));
  main.querySelector("h1 + p + h1, .intro + h1")?.remove();
}

export async function planList(main) {
  const plans = await getAll("/api/plans");
  const rows = plans.map((p) => [
    { text: p.title, node: h("a", { href: `#/plan/${slugOf(p.iri)}`, class: "plan-link" }, p.title) },
    p.jurisdictionLabel ?? "",
    term("level", p.level),
    period(p),
    { text: String(p.areas ?? ""), sort: Number(p.areas ?? 0) },
  ]);
  fill(main, 
    h("h1", {}, t("plans.title")),
    sortableTable([t("plans.title"), t("plans.region"), t("plans.level"), t("plans.period"), t("plans.areas")], rows, { id: "plan-table" }),
  );
}

export async function planView(main, _params, slug) {
  const plan = await getJSON(`/api/plan/${slug}`);
  const areas = plan.areas ?? [];
  const facts = [
    [t("plans.region"), plan.jurisdictionLabel],
    [t("plans.level"), term("level", plan.level)],
    [t("plans.period"), period(plan)],
    [t("plans.identifier"), plan.identifier],
    [t("plans.issued"), plan.issued],
  ];
  fill(main, 
    crumbs([[t("plans.title"), "#/plans"]]),
    h("h1", {}, plan.title),
    dl(facts),
    links(t("plans.basedOn"), plan.basedOn),
    links(t("plans.upstream"), plan.upstreamPlan),
    links(t("plans.supersedes"), plan.supersedes),
    h("h2", {}, t("plans.areas")),
    h("ol", { class: "areas", id: "area-list" }, areas.map((a) =>
      h("li", {},
        h("a", { href: `#/plan/${slug}/area/${a.sequence}`, class: "area-link" }, a.label),
        " ", a.areaTypeLabel !== a.label ? areaType(a) : null,
        h("span", { class: "muted" }, ` ${t("plans.goals")} ${a.goals ?? 0} · ${t("plans.measures")} ${a.measures ?? 0}`)),
    )),
  );
  if (!plan.upstreamPlan?.length && !plan.basedOn?.length) return;
  const gaps = await getAll(`/api/plan/${slug}/gaps`);
  if (!gaps.length) return;
  const kinds = [["nationalWithoutLocal", "plans.gapNational"], ["localWithoutNational", "plans.gapLocal"]];
  main.append(h("h2", {}, t("plans.gaps")), ...kinds.map(([gap, key]) => {
    const rows = gaps.filter((g) => g.gap === gap);
    return rows.length ? h("details", { class: "gaps" }, h("summary", {}, `${t(key)} (${rows.length})`),
      h("ul", {}, rows.map((g) => h("li", {}, h("a", { href: hrefOf(g.iri) }, g.label ?? g.iri), h("span", { class: "muted" }, ` · ${g.areaLabel ?? ""}`))))) : null;
  }).filter(Boolean));
}

export async function areaView(main, _params, slug, n) {
  const area = await getJSON(`/api/plan/${slug}/area/${n}`);
  const goals = area.goals ?? [];
  const measures = area.measures ?? [];
  const list = (kind, rows) => h("ol", { class: `items ${kind}s`, id: `${kind}-list` }, rows.map((i) =>
    h("li", { value: i.sequence },
      h("a", { href: `#/plan/${slug}/area/${n}/${kind}/${i.sequence}`, class: `${kind}-link` },
        i.number ? h("span", { class: "num" }, `${i.number} `) : null, i.label ?? ""),
      i.leadLabel ? h("span", { class: "lead muted" }, ` · ${t("role.Lead")}: ${i.leadLabel}`) : null,
    )));
  fill(main, 
    crumbs([[t("plans.title"), "#/plans"], [area.planTitle ?? slug, `#/plan/${slug}`]]),
    h("h1", {}, area.label, " ", areaType(area)),
    h("h2", {}, t("area.goals")), list("goal", goals),
    h("h2", {}, t("area.measures")), list("measure", measures),
  );
}

export async function itemView(main, _params, slug, n, kind, k) {
  const item = await getJSON(`/api/plan/${slug}/area/${n}/${kind}/${k}`);
  fill(main,
    crumbs([[t("plans.title"), "#/plans"], [item.planTitle ?? slug, `#/plan/${slug}`],
      [item.areaLabel ?? n, `#/plan/${slug}/area/${n}`]]),
    h("p", { class: "kind muted" }, t(`item.${kind}`), item.number ? ` ${item.number}` : ""),
    h("h1", { id: "item-label" }, item.label ?? ""),
    item.textStatus ? h("p", { class: `status-${item.textStatus}` }, term("status", item.textStatus),
      item.statusSource ? ` (${item.statusSource})` : "") : null,
    section(t("item.owners"), "owners", owners(item.owners ?? [])),
    section(t("item.targets"), "targets", targets(item.targets ?? [])),
    kind === "goal" ? section(t("item.alignments"), "alignments", alignments(item.alignments ?? [])) : null,
    section(t("item.source"), "source", source(item)),
  );
  if (kind === "goal") {
    const steps = await getAll(`/api/plan/${slug}/area/${n}/goal/${k}/trace`);
    main.append(section(t("item.trace"), "trace", trace(steps)));
  }
}

/** The goal and the goals it aligns with on the way up to the national outline, with verdicts. */
function trace(steps) {
  if (steps.length < 2) return h("p", { class: "muted" }, t("item.noTrace"));
  return sortableTable(
    [t("align.plan"), t("plans.level"), t("align.goal"), t("item.targets"), t("align.comparison"), t("align.score")],
    steps.map((s) => [
      s.planTitle,
      term("level", s.level),
      { text: s.label ?? s.step, node: h("a", { href: hrefOf(s.step) }, s.label ?? s.step) },
      (s.targets ?? []).map((r) => `${r.indicatorLabel ?? ""} ${term("cmp", r.comparator)} ${withUnit(r.value, r.unit)}`).join("；"),
      term("comparison", s.verdict),
      { text: fmt(s.score), sort: Number(s.score ?? 0) },
    ]),
    { id: "trace-table" },
  );
}

function owners(rows) {
  if (!rows.length) return h("p", { class: "muted" }, t("none"));
  return sortableTable(
    [t("owner.department"), t("owner.role"), t("owner.basis"), t("owner.confidence"), t("owner.evidence")],
    rows.map((o) => [
      { text: o.departmentLabel ?? o.department, node: h("a", { href: hrefOf(o.department), class: "department-link" }, o.departmentLabel ?? o.department) },
      { text: term("role", o.role), node: h("span", { class: `role role-${o.role}` }, term("role", o.role)) },
      { text: term("basis", o.basis), node: h("span", { class: `basis basis-${o.basis}` }, term("basis", o.basis)) },
      { text: fmt(o.confidence), sort: Number(o.confidence ?? 0), node: confidence(o.confidence) },
      { text: o.evidence ?? "", node: h("span", { class: "evidence" }, o.evidence ?? "") },
    ]),
    { id: "owner-table" },
  );
}

function targets(rows) {
  if (!rows.length) return h("p", { class: "muted" }, t("none"));
  return sortableTable(
    [t("target.indicator"), t("target.comparator"), t("target.value"), t("target.year")],
    rows.map((r) => [
      r.indicator ? { text: r.indicatorLabel ?? r.indicator, node: h("a", { href: hrefOf(r.indicator) }, r.indicatorLabel ?? r.indicator) } : (r.phrase ?? ""),
      term("cmp", r.comparator),
      { text: withUnit(r.value, r.unit), sort: Number(r.value) },
      r.year ?? "",
    ]),
    { id: "target-table" },
  );
}

function alignments(rows) {
  if (!rows.length) return h("p", { class: "muted" }, t("none"));
  return sortableTable(
    [t("align.goal"), t("align.plan"), t("align.score"), t("align.comparison"), t("align.method")],
    rows.map((a) => [
      { text: a.toGoalLabel ?? a.toGoal, node: h("a", { href: hrefOf(a.toGoal) }, a.toGoalLabel ?? a.toGoal) },
      a.toPlanTitle ?? "",
      { text: fmt(a.score), sort: Number(a.score ?? 0) },
      term("comparison", a.comparison),
      a.method ?? "",
    ]),
    { id: "alignment-table" },
  );
}

/** The paragraph around the item, its own passage marked; the item's text when there is none. */
function source(item) {
  const src = item.source ?? {};
  const where = h("p", { class: "muted where" },
    `${t("item.sourceFile")}: ${src.file ?? ""}`, src.line ? ` · ${t("item.line")} ${src.line}` : "",
    src.file ? ` · ${src.start}–${src.end}` : "");
  if (src.paragraph == null) {
    return [h("blockquote", { id: "source-paragraph" }, h("mark", { class: "source" }, src.text ?? item.text ?? "")), where];
  }
  // The server's offsets count code points; the browser's strings count UTF-16 units.
  const text = src.paragraph;
  const start = utf16Index(text, src.highlightStart ?? 0);
  const end = utf16Index(text, src.highlightEnd ?? [...text].length);
  const passage = text.slice(start, end);
  // Inside the passage: the item's short title, and the phrase of each of its targets.
  const phrases = (item.targets ?? []).map((r) => r.phrase).filter(Boolean);
  const ranges = [...occurrences(passage, [item.label].filter(Boolean)).slice(0, 1).map((r) => [...r, "title"]),
    ...occurrences(passage, phrases).map((r) => [...r, "target"])];
  const quote = h("blockquote", { id: "source-paragraph" },
    text.slice(0, start), h("mark", { class: "source" }, marked(passage, ranges)), text.slice(end));
  return [quote, where];
}

/** The [start, end) ranges of each occurrence of each word in text. */
export function occurrences(text, words) {
  const ranges = [];
  for (const word of words) {
    for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + word.length)) ranges.push([i, i + word.length]);
  }
  return ranges;
}

function confidence(value) {
  if (value == null) return "";
  const v = Number(value);
  return h("span", { class: "confidence", title: fmt(v) },
    h("span", { class: "bar" }, h("span", { style: `width:${Math.round(v * 100)}%` })), ` ${fmt(v)}`);
}

function areaType(a) {
  const label = lang() === "en" ? (a.areaTypeLabelEn ?? a.areaTypeLabel) : a.areaTypeLabel;
  return label ? h("span", { class: "tag", title: t("area.type") }, label) : null;
}

function links(label, list) {
  if (!list?.length) return null;
  return h("p", {}, `${label}: `, list.map((p, i) => [i ? "、" : "", h("a", { href: hrefOf(p.iri) }, p.title ?? p.iri)]));
}

export function crumbs(pairs) {
  return h("nav", { class: "crumbs" }, pairs.map(([label, href], i) => [i ? " › " : "", h("a", { href }, label)]));
}

export function dl(pairs) {
  return h("dl", { class: "facts" }, pairs.filter(([, v]) => v).map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function section(title, id, body) {
  return h("section", { id, class: "block" }, h("h2", {}, title), body);
}

