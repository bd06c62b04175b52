// An SVG bar chart of each plan's target for one indicator, with the upstream target as a line.

import { withUnit } from "./format.js";

const SVG = "http://www.w3.org/2000/svg";
const SYMBOL = { AtLeast: "≥", AtMost: "≤", Approximately: "≈", Exactly: "=" };

function el(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text != null) node.textContent = text;
  return node;
}

/**
 * bars: [{label, value, comparator, unit, upstream?: bool}]; upstream: {value, comparator, label}
 * or null. One chart per unit: values of different units do not share an axis.
 */
export function targetChart(bars, upstream, upstreamLabel) {
  const rowH = 28, labelW = 300, plotW = 420, pad = 16;
  const height = pad * 2 + bars.length * rowH + 18;
  const max = Math.max(...bars.map((b) => b.value), upstream?.value ?? 0) * 1.1 || 1;
  const x = (v) => labelW + (v / max) * plotW;
  const svg = el("svg", { viewBox: `0 0 ${labelW + plotW + 90} ${height}`, class: "chart", role: "img" });
  bars.forEach((b, i) => {
    const y = pad + i * rowH;
    svg.append(el("text", { x: labelW - 8, y: y + rowH / 2 + 4, "text-anchor": "end", class: "label" }, b.label));
    svg.append(el("rect", {
      x: labelW, y: y + 4, width: Math.max(1, x(b.value) - labelW), height: rowH - 8,
      class: b.upstream ? "bar upstream" : "bar", "data-value": b.value,
    }));
    svg.append(el("text", { x: x(b.value) + 4, y: y + rowH / 2 + 4, class: "value" },
      `${SYMBOL[b.comparator] ?? ""}${withUnit(b.value, b.unit)}`));
  });
  const axisY = pad + bars.length * rowH;
  svg.append(el("line", { x1: labelW, y1: pad, x2: labelW, y2: axisY, class: "axis" }));
  if (upstream?.value != null) {
    const ux = x(upstream.value);
    svg.append(el("line", { x1: ux, y1: pad - 4, x2: ux, y2: axisY + 4, class: "upstream-line" }));
    svg.append(el("text", { x: ux, y: axisY + 16, "text-anchor": "middle", class: "upstream-label" },
      `${upstreamLabel} ${SYMBOL[upstream.comparator] ?? ""}${withUnit(upstream.value, upstream.unit)}`));
  }
  return svg;
}
