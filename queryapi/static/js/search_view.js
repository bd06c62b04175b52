// Search over goal, measure and key-project text (/api/search), hits highlighted and linked.

import { getJSON } from "./api.js";
import { h, marked } from "./dom.js";
import { t, term } from "./i18n.js";
import { hrefOf } from "./links.js";

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

/** The hit's text with the server's highlight ranges, or every occurrence of the query marked. */
function snippet(hit, q) {
  const text = hit.snippet ?? hit.text ?? "";
  if (hit.highlights) return marked(text, hit.highlights, "hit");
  const ranges = [];
  for (const word of q.split(/\s+/).filter(Boolean)) {
    for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + word.length)) ranges.push([i, i + word.length]);
  }
  return marked(text, ranges, "hit");
}
