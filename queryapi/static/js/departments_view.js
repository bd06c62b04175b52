// The department view: every department with its load, and one department's goals and measures
// across plans, as lead or support, with basis and confidence.

import { getJSON } from "./api.js";
import { fill, h } from "./dom.js";
import { lang, t, term } from "./i18n.js";
import { hrefOf, PGID } from "./links.js";
import { fmt } from "./format.js";
import { crumbs } from "./plans_view.js";
import { sortableTable } from "./table.js";

const idOf = (iri) => (iri.startsWith(`${PGID}department/`) ? iri.slice(`${PGID}department/`.length) : iri);
const slugOf = (iri, kind) => (iri?.startsWith(`${PGID}${kind}/`) ? iri.slice(`${PGID}${kind}/`.length) : null);
const PAGE = 100;

/** A link to the department list filtered by `params` (region, function, offset). */
function listHref(params) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v != null && v !== "" && v !== 0));
  const text = query.toString();
  return `#/departments${text ? `?${text}` : ""}`;
}

// One page of departments (of a region, of a function: #/departments?region=…&function=…), the
// server pages inside its query, so the view asks for one page, never the whole list.
export async function departmentList(main, params) {
  const region = params.get("region") || null;
  const fn = params.get("function") || null;
  const offset = Math.max(0, Number(params.get("offset")) || 0);
  const page = await getJSON("/api/departments", { region, function: fn, limit: PAGE, offset });
  const rows = page.items ?? [];
  const cell = (label, kind, iri) => {
    const slug = slugOf(iri, kind);
    if (!label || !slug) return label ?? "";
    const href = listHref(kind === "region" ? { region: slug } : { function: slug });
    return { text: label, node: h("a", { href, class: `${kind}-link` }, label) };
  };
  const filtered = [region && rows[0]?.jurisdictionLabel, fn && rows[0]?.departmentTypeLabel].filter(Boolean);
  const pager = (id) => h("p", { class: "pager muted", id },
    page.total ? `${offset + 1}–${offset + rows.length} / ${page.total}` : t("none"),
    offset > 0 ? [" · ", h("a", { href: listHref({ region, function: fn, offset: Math.max(0, offset - PAGE) }), class: "prev" }, t("dept.prev"))] : null,
    page.next ? [" · ", h("a", { href: listHref({ region, function: fn, offset: offset + PAGE }), class: "next" }, t("dept.next"))] : null,
    region || fn ? [" · ", h("a", { href: "#/departments" }, t("dept.all"))] : null);
  fill(main,
    h("h1", {}, [t("dept.title"), ...filtered].join(" · ")),
    pager("department-pager"),
    sortableTable(
      [t("dept.name"), t("dept.type"), t("dept.jurisdiction"), t("dept.leads"), t("dept.supports")],
      rows.map((d) => [
        { text: d.label, node: h("a", { href: `#/department/${idOf(d.iri)}`, class: "department-link" }, d.label) },
        cell(d.departmentTypeLabel, "department-type", d.departmentType),
        cell(d.jurisdictionLabel, "region", d.jurisdiction),
        { text: String(d.leads ?? 0), sort: Number(d.leads ?? 0) },
        { text: String(d.supports ?? 0), sort: Number(d.supports ?? 0) },
      ]),
      { id: "department-table" },
    ),
  );
}

export async function departmentView(main, _params, id) {
  const d = await getJSON(`/api/department/${id}`);
  const lead = d.leads ?? [];
  const support = d.supports ?? [];
  const region = slugOf(d.jurisdiction, "region");
  fill(main, 
    crumbs([[t("dept.title"), "#/departments"]]),
    h("h1", {}, d.label),
    h("p", { class: "muted" }, [lang() === "en" ? (d.departmentTypeLabelEn ?? d.departmentTypeLabel) : d.departmentTypeLabel, d.jurisdictionLabel, d.altLabels].filter(Boolean).join(" · ")),
    region ? h("p", {}, h("a", { href: listHref({ region }), id: "region-departments" }, t("dept.ofRegion", { region: d.jurisdictionLabel ?? region }))) : null,
    h("h2", {}, `${t("dept.leads")} (${lead.length})`), table(lead, "lead-table"),
    h("h2", {}, `${t("dept.supports")} (${support.length})`), table(support, "support-table"),
  );
  const fn = slugOf(d.departmentType, "department-type");
  if (!fn) return;
  // The departments of the same function in other jurisdictions, for comparison: a first page.
  const page = await getJSON("/api/departments", { function: fn, limit: 21 });
  const peers = (page.items ?? []).filter((p) => p.iri !== d.iri).slice(0, 20);
  if (peers.length) {
    const more = page.total - 1 > peers.length;
    main.append(h("h2", {}, t("dept.peers")), h("ul", { class: "peers", id: "peer-list" }, peers.map((p) =>
      h("li", {}, h("a", { href: `#/department/${idOf(p.iri)}` }, p.label ?? p.iri),
        h("span", { class: "muted" }, ` ${p.jurisdictionLabel ?? ""} · ${t("dept.leads")} ${p.leads} · ${t("dept.supports")} ${p.supports}`)))));
    if (more) main.append(h("p", {}, h("a", { href: listHref({ function: fn }), id: "peer-more" }, `${t("more")} (${page.total - 1})`)));
  }
}

function table(rows, id) {
  if (!rows.length) return h("p", { class: "muted" }, t("none"));
  return sortableTable(
    [t("dept.plan"), t("dept.kind"), t("dept.item"), t("owner.basis"), t("owner.confidence"), t("owner.evidence")],
    rows.map((r) => [
      r.planTitle ?? "",
      term("kind", r.kind),
      { text: r.label ?? r.iri, node: h("a", { href: hrefOf(r.iri), class: "item-link" }, r.label ?? r.iri) },
      term("basis", r.basis),
      { text: fmt(r.confidence), sort: Number(r.confidence ?? 0) },
      { text: r.evidence ?? "", node: h("span", { class: "evidence" }, r.evidence ?? "") },
    ]),
    { id },
  );
}
