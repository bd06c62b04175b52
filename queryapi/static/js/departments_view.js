// The department view: every department with its load, and one department's goals and measures
// across plans, as lead or support, with basis and confidence.

import { getAll, getJSON } from "./api.js";
import { fill, h } from "./dom.js";
import { lang, t, term } from "./i18n.js";
import { hrefOf, PGID } from "./links.js";
import { fmt } from "./format.js";
import { crumbs } from "./plans_view.js";
import { sortableTable } from "./table.js";

const idOf = (iri) => (iri.startsWith(`${PGID}department/`) ? iri.slice(`${PGID}department/`.length) : iri);

export async function departmentList(main) {
  const rows = await getAll("/api/departments");
  fill(main, 
    h("h1", {}, t("dept.title")),
    sortableTable(
      [t("dept.name"), t("dept.type"), t("dept.jurisdiction"), t("dept.leads"), t("dept.supports")],
      rows.map((d) => [
        { text: d.label, node: h("a", { href: `#/department/${idOf(d.iri)}`, class: "department-link" }, d.label) },
        d.departmentTypeLabel ?? "",
        d.jurisdictionLabel ?? "",
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
  fill(main, 
    crumbs([[t("dept.title"), "#/departments"]]),
    h("h1", {}, d.label),
    h("p", { class: "muted" }, [lang() === "en" ? (d.departmentTypeLabelEn ?? d.departmentTypeLabel) : d.departmentTypeLabel, d.jurisdictionLabel, d.altLabels].filter(Boolean).join(" · ")),
    h("h2", {}, `${t("dept.leads")} (${lead.length})`), table(lead, "lead-table"),
    h("h2", {}, `${t("dept.supports")} (${support.length})`), table(support, "support-table"),
  );
  if (!d.departmentType) return;
  // The departments of the same function in the other plans' jurisdictions, for comparison.
  const peers = (await getAll("/api/departments")).filter((p) => p.departmentType === d.departmentType && p.iri !== d.iri);
  if (peers.length) {
    main.append(h("h2", {}, t("dept.peers")), h("ul", { class: "peers", id: "peer-list" }, peers.map((p) =>
      h("li", {}, h("a", { href: `#/department/${idOf(p.iri)}` }, p.label ?? p.iri),
        h("span", { class: "muted" }, ` ${p.jurisdictionLabel ?? ""} · ${t("dept.leads")} ${p.leads} · ${t("dept.supports")} ${p.supports}`)))));
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
