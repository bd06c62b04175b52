// The SPARQL editor: CodeMirror with the SPARQL mode, the cookbook as examples, results as a
// sortable table, CSV download from the endpoint, and the query in the URL (#/sparql?query=...).

import { getAll, sparql } from "./api.js";
import { fill, h } from "./dom.js";
import { t } from "./i18n.js";
import { compact, hrefOf } from "./links.js";
import { sortableTable } from "./table.js";

const DEFAULT_QUERY = `SELECT ?plan ?title WHERE {
  ?plan a pg:Plan ; dcterms:title ?title ; pg:hasArea ?area .
}
GROUP BY ?plan ?title
ORDER BY ?title`;

const NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger)$/;

/** The editor view; `params.query` (from the URL) is the query to show and run. */
export async function sparqlView(main, params) {
  const initial = params.get("query") ?? DEFAULT_QUERY;
  const status = h("p", { class: "status", id: "sparql-status" });
  const results = h("div", { class: "results", id: "sparql-results" });
  const textarea = h("textarea", { id: "sparql-query" }, initial);
  const cookbook = h("ul", { class: "cookbook", id: "cookbook" }, h("li", { class: "muted" }, t("loading")));
  fill(main, 
    h("h1", {}, t("sparql.title")),
    h("div", { class: "sparql" },
      h("aside", {}, h("h2", {}, t("sparql.cookbook")), cookbook),
      h("section", {},
        textarea,
        h("div", { class: "toolbar" },
          h("button", { id: "run-query", class: "primary", onclick: () => run() }, t("sparql.run")),
          h("button", { id: "download-csv", onclick: () => downloadCsv() }, t("sparql.csv")),
          h("button", { id: "copy-link", onclick: () => copyLink() }, t("sparql.link")),
          h("span", { class: "muted hint" }, t("sparql.hint")),
        ),
        status,
        results,
      ),
    ),
  );
  const editor = window.CodeMirror.fromTextArea(textarea, {
    mode: "application/sparql-query",
    lineNumbers: true,
    indentUnit: 2,
    extraKeys: { "Ctrl-Enter": () => run(), "Cmd-Enter": () => run() },
  });
  main.querySelector(".CodeMirror").id = "sparql-editor";
  let pending = 0;
  editor.on("change", () => { clearTimeout(pending); pending = setTimeout(remember, 300); });

  function shareUrl() {
    return `${location.origin}/#/sparql?query=${encodeURIComponent(editor.getValue())}`;
  }

  function remember() {
    if (!location.hash.startsWith("#/sparql")) return; // the view was left
    history.replaceState(null, "", `#/sparql?query=${encodeURIComponent(editor.getValue())}`);
  }

  async function run() {
    remember();
    const started = performance.now();
    status.textContent = t("loading");
    status.classList.remove("error");
    try {
      const response = await sparql(editor.getValue(), "application/sparql-results+json, text/turtle;q=0.9");
      const ms = Math.round(performance.now() - started);
      const truncated = response.headers.get("X-Result-Truncated") === "true";
      const type = response.headers.get("Content-Type") ?? "";
      if (type.includes("json")) {
        const json = await response.json();
        if ("boolean" in json) {
          results.replaceChildren(h("p", { class: "boolean" }, t(json.boolean ? "sparql.true" : "sparql.false")));
          status.textContent = t("sparql.ms", { ms });
          return;
        }
        results.replaceChildren(resultTable(json));
        status.textContent = [t("sparql.rows", { n: json.results.bindings.length }), t("sparql.ms", { ms }),
          truncated ? t("sparql.truncated", { n: response.headers.get("X-Result-Limit") }) : null]
          .filter(Boolean).join(" · ");
      } else {
        const text = await response.text();
        results.replaceChildren(h("pre", { class: "rdf" }, text));
        status.textContent = [t("sparql.rows", { n: response.headers.get("X-Result-Rows") ?? "?" }), t("sparql.ms", { ms })].join(" · ");
      }
    } catch (err) {
      status.textContent = `${t("error")}: ${err.message}`;
      status.classList.add("error");
      results.replaceChildren();
    }
  }

  async function downloadCsv() {
    try {
      const response = await sparql(editor.getValue(), "text/csv");
      const url = URL.createObjectURL(await response.blob());
      const a = h("a", { href: url, download: `${queryName() ?? "query"}.csv` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      status.textContent = `${t("error")}: ${err.message}`;
      status.classList.add("error");
    }
  }

  async function copyLink() {
    remember();
    try {
      await navigator.clipboard.writeText(shareUrl());
      status.textContent = t("sparql.copied");
    } catch {
      status.textContent = shareUrl();
    }
  }

  let examples = [];
  function queryName() {
    const text = editor.getValue();
    return examples.find((q) => q.sparql === text)?.name;
  }

  try {
    examples = await getAll("/api/queries");
    cookbook.replaceChildren(...examples.map((q) =>
      h("li", {},
        h("button", {
          class: "example", "data-name": q.name, title: q.name,
          onclick: () => { editor.setValue(q.sparql); run(); },
        }, h("strong", {}, q.name), h("span", {}, q.question ?? "")),
      )));
  } catch (err) {
    cookbook.replaceChildren(h("li", { class: "muted" }, `${t("error")}: ${err.message}`));
  }
  if (params.has("query")) await run();
}

function resultTable(json) {
  const vars = json.head.vars;
  const rows = json.results.bindings.map((b) => vars.map((v) => cell(b[v])));
  return sortableTable(vars.map((v) => `?${v}`), rows, { id: "result-table" });
}

function cell(term) {
  if (!term) return "";
  if (term.type === "uri") {
    return { text: term.value, sort: term.value, node: h("a", { href: hrefOf(term.value), title: term.value }, compact(term.value)) };
  }
  if (term.type === "literal" && term.datatype && NUMERIC.test(term.datatype)) {
    return { text: term.value, sort: Number(term.value) };
  }
  if (term.type === "bnode") return `_:${term.value}`;
  return term.value;
}
