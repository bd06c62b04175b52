// The page's router: the URL hash names the view (#/plan/luzhai/area/1, #/sparql?query=...);
// each view renders into <main>. A ?query= in the page's own URL opens the SPARQL editor with it.

import { fill, h } from "./dom.js";
import { applyStatic, initLang, lang, setLang, t } from "./i18n.js";
import { departmentList, departmentView } from "./departments_view.js";
import { indicatorList, indicatorView } from "./indicators_view.js";
import { areaView, homeView, itemView, planList, planView } from "./plans_view.js";
import { searchView } from "./search_view.js";
import { sparqlView } from "./sparql_view.js";

const ROUTES = [
  [/^\/?$/, "plans", homeView],
  [/^\/plans$/, "plans", planList],
  [/^\/plan\/([^/]+)$/, "plans", planView],
  [/^\/plan\/([^/]+)\/area\/(\d+)$/, "plans", areaView],
  [/^\/plan\/([^/]+)\/area\/(\d+)\/(goal|measure)\/(\d+)$/, "plans", itemView],
  [/^\/departments$/, "departments", departmentList],
  [/^\/department\/(.+)$/, "departments", departmentView],
  [/^\/indicators$/, "indicators", indicatorList],
  [/^\/indicator\/(.+)$/, "indicators", indicatorView],
  [/^\/sparql$/, "sparql", sparqlView],
  [/^\/search$/, "search", searchView],
];

let renders = 0;

async function route() {
  const main = document.getElementById("view");
  const [raw, query = ""] = splitOnce(location.hash.replace(/^#/, ""), "?");
  const params = new URLSearchParams(query);
  let path = raw;
  try {
    path = decodeURIComponent(raw);
  } catch {
    // a malformed %-escape: match the path as it is
  }
  const match = ROUTES.map(([re, nav, view]) => [path.match(re), nav, view]).find(([m]) => m);
  const mine = ++renders;
  main.dataset.view = "";
  for (const a of document.querySelectorAll("[data-nav]")) a.classList.toggle("active", a.dataset.nav === match?.[1]);
  if (!match) {
    fill(main, h("p", { class: "error" }, `${t("error")}: ${t("notFound", { path })}`));
    return;
  }
  const [m, nav, view] = match;
  // Each render writes into a container of its own: one that a later navigation has replaced
  // is detached, so a slow answer for a view already left cannot overwrite the current one.
  const container = h("div", { class: "view" }, h("p", { class: "muted" }, t("loading")));
  fill(main, container);
  try {
    await view(container, params, ...m.slice(1));
  } catch (err) {
    fill(container, h("h1", {}, t("error")), h("p", { class: "error" }, err.message));
    console.error(err);
  }
  if (mine === renders) main.dataset.view = nav;
}

function splitOnce(s, sep) {
  const i = s.indexOf(sep);
  return i < 0 ? [s] : [s.slice(0, i), s.slice(i + 1)];
}

function start() {
  initLang();
  applyStatic();
  const toggle = document.getElementById("lang-switch");
  toggle.textContent = t("lang.other");
  toggle.addEventListener("click", () => {
    setLang(lang() === "zh" ? "en" : "zh");
    applyStatic();
    toggle.textContent = t("lang.other");
    route();
  });
  document.getElementById("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const q = document.getElementById("search-input").value.trim();
    location.hash = `#/search?q=${encodeURIComponent(q)}`;
  });
  const query = new URLSearchParams(location.search).get("query");
  if (query != null) {
    history.replaceState(null, "", `/#/sparql?query=${encodeURIComponent(query)}`);
  }
  window.addEventListener("hashchange", route);
  route();
}

start();
