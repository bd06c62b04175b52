// Search over goal, measure and key-project text (/api/search), hits highlighted and linked.

import { getJSON } from "./api.js";
import { fill, h, marked } from "./dom.js";
import { t, term } from "./i18n.js";
import { hrefOf } from "./links.js";
import { occurrences } from "./plans_view.js";

export async function searchView(main, params) {
  const q = params.get("q") ?? "";
  document.getElementById("search-input").value = q;
  if (!q) {
    fill(main, h("h1", {}, t("search.title")), h("p", { class: "muted" }, t("search.empty")));
    return;
  }
  const answer = await getJSON("/api/search", { q, limit: 100 });
  const hits = answer.items ?? [];
  fill(main, 
    h("h1", {}, t("search.title")),
    h("p", { class: "muted", id: "search-summary" }, t("search.results", { q, n: answer.total ?? hits.length })),
    h("ol", { class: "hits", id: "search-hits" }, hits.map((hit) =>
      h("li", {},
        h("a", { href: hrefOf(hit.iri), class: "hit-link" }, hit.label ?? hit.iri),
        h("span", { class: "tag" }, term("kind", hit.kind)),
        h("span", { class: "muted" }, ` ${hit.planTitle ?? ""}`),
        h("p", { class: "snippet" }, snippet(hit, q)),
      ))),
  );
}

/** The server's snippet (HTML-escaped text, matches in <mark>) as nodes, never as markup; a
 * snippet without marks gets every occurrence of the query's words marked here. */
function snippet(hit, q) {
  const parts = (hit.snippet ?? "").split(/<mark>(.*?)<\/mark>/s).map(unescape);
  if (parts.length > 1) return parts.map((part, i) => (i % 2 ? h("mark", { class: "hit" }, part) : part));
  const text = parts[0];
  return marked(text, occurrences(text, q.split(/\s+/).filter(Boolean)), "hit");
}

function unescape(html) {
  return new DOMParser().parseFromString(`<body>${html}`, "text/html").body.textContent;
}
