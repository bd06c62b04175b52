// Search over goal, measure and key-project text (/api/search), hits highlighted and linked.

import { getJSON } from "./api.js";
import { h, marked } from "./dom.js";
import { t, term } from "./i18n.js";
import { hrefOf } from "./links.js";
import { occurrences } from "./plans_view.js";

export async function searchView(main, params) {
  const q = params.get("q") ?? "";
  document.getElementById("search-input").value = q;
  if (!q) {
    main.replaceChildren(h("h1", {}, t("search.title")), h("p", { class: "muted" }, t("search.empty")));
    return;
  }
  const answer = await getJSON("/api/search", { q, limit: 100 });
  const hits = answer.items ?? [];
  main.replaceChildren(
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

/** The hit's snippet with every occurrence of the query's words marked. */
function snippet(hit, q) {
  const text = hit.snippet ?? hit.text ?? "";
  return marked(text, occurrences(text, q.split(/\s+/).filter(Boolean)), "hit");
}
