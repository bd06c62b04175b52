// The indicator view: the indicators shared across plans, and for one, every plan's target
// charted against the upstream one.

import { getAll, getJSON } from "./api.js";
import { fill, h } from "./dom.js";
import { t, term } from "./i18n.js";
import { hrefOf, PGID } from "./links.js";
import { targetChart } from "./chart.js";
import { withUnit } from "./format.js";
import { crumbs } from "./plans_view.js";
import { sortableTable } from "./table.js";

const idOf = (iri) => (iri.startsWith(`${PGID}indicator/`) ? iri.slice(`${PGID}indicator/`.length) : iri);

export async function indicatorList(main) {
  const rows = await getAll("/api/indicators");
  fill(main, 
    h("h1", {}, t("ind.title")),
    sortableTable(
      [t("ind.name"), t("ind.plans")],
      rows.map((i) => [
        { text: i.label, node: h("a", { href: `#/indicator/${idOf(i.iri)}`, class: "indicator-link" }, i.label) },
        { text: String(i.plans ?? ""), sort: Number(i.plans ?? 0) },
      ]),
      { id: "indicator-table" },
    ),
  );
}

export async function indicatorView(main, _params, id) {
  const ind = await getJSON(`/api/indicator/${id}`);
  // The local plans' targets, then the upstream plans' (each once).
  const upstreamIris = new Set((ind.upstream ?? []).map((r) => r.iri));
  const targets = [...(ind.targets ?? []).filter((r) => !upstreamIris.has(r.iri)), ...(ind.upstream ?? [])];
  const isUpstream = (r) => upstreamIris.has(r.iri);
  const byUnit = new Map();
  for (const r of targets) {
    if (r.value == null) continue;
    if (!byUnit.has(r.unit ?? "")) byUnit.set(r.unit ?? "", []);
    byUnit.get(r.unit ?? "").push(r);
  }
  const charts = [...byUnit].map(([unit, rows]) => {
    const up = rows.find(isUpstream) ?? null;
    const bars = rows.map((r) => ({
      label: r.planTitle ?? r.plan, value: Number(r.value), comparator: r.comparator, unit, upstream: isUpstream(r),
    }));
    return h("figure", { class: "indicator-chart" },
      targetChart(bars, up && { ...up, value: Number(up.value), unit }, t("ind.upstreamLine")),
      h("figcaption", {}, `${t("ind.chart")}${unit ? ` (${t("ind.unit")}: ${unit})` : ""}`));
  });
  fill(main, 
    crumbs([[t("ind.title"), "#/indicators"]]),
    h("h1", {}, ind.label),
    ...charts,
    sortableTable(
      [t("target.plan"), t("plans.level"), t("target.comparator"), t("target.value"), t("target.year"), t("align.goal")],
      targets.map((r) => [
        r.planTitle ?? r.plan,
        term("level", r.level),
        term("cmp", r.comparator),
        { text: withUnit(r.value, r.unit), sort: Number(r.value) },
        r.year ?? "",
        r.item ? { text: r.itemLabel ?? r.item, node: h("a", { href: hrefOf(r.item) }, r.itemLabel ?? r.item) } : "",
      ]),
      { id: "indicator-targets" },
    ),
  );
}
