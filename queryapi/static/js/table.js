// A table whose columns sort on click (numbers as numbers, text in Chinese collation order).

import { h } from "./dom.js";

const collator = new Intl.Collator(["zh", "en"], { numeric: true });

/**
 * columns: [{label, key?}]; rows: arrays of cells, a cell being a string, a number or
 * {text, sort?, node?} (node: what to show; sort: what to order by).
 */
export function sortableTable(columns, rows, attrs = {}) {
  const cells = rows.map((row) => row.map(normal));
  const tbody = h("tbody");
  let by = -1, dir = 1;
  const ths = columns.map((col, i) =>
    h("th", { scope: "col", "aria-sort": "none", onclick: () => sort(i) }, col.label ?? col),
  );
  function sort(i) {
    dir = by === i ? -dir : 1;
    by = i;
    ths.forEach((th, j) => th.setAttribute("aria-sort", j !== i ? "none" : dir > 0 ? "ascending" : "descending"));
    cells.sort((a, b) => dir * compare(a[i].sort, b[i].sort));
    fill();
  }
  function fill() {
    tbody.replaceChildren(...cells.map((row) => h("tr", {}, row.map((c) => h("td", {}, c.node ?? c.text)))));
  }
  fill();
  return h("table", { class: "data", ...attrs }, h("thead", {}, h("tr", {}, ths)), tbody);
}

function normal(cell) {
  if (cell == null) return { text: "", sort: "" };
  if (typeof cell !== "object" || cell instanceof Node) {
    return cell instanceof Node ? { text: cell.textContent, sort: cell.textContent, node: cell } : { text: String(cell), sort: cell };
  }
  return { sort: cell.sort ?? cell.text ?? "", ...cell };
}

function compare(a, b) {
  if (a === b) return 0;
  if (a === "" || a == null) return 1;
  if (b === "" || b == null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return collator.compare(String(a), String(b));
}
