// A small element builder: h("a", {href: "#/x", class: "c"}, "text", child) → HTMLElement.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

/** Replace el's children, skipping null and false like h() does. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** `text` with each [start, end, class?] range of `ranges` wrapped in <mark class>; overlaps skipped. */
export function marked(text, ranges, cls) {
  const out = [];
  let at = 0;
  for (const [start, end, own] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (start < at || end <= start) continue;
    out.push(text.slice(at, start), h("mark", { class: own ?? cls }, text.slice(start, end)));
    at = end;
  }
  out.push(text.slice(at));
  return out;
}

/** Code-point offsets (the graph's pg:startOffset) as UTF-16 indexes into `text`. */
export function utf16Index(text, codePoints) {
  let i = 0;
  for (let n = 0; n < codePoints && i < text.length; n++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c < 0xdc00 ? 2 : 1;
  }
  return i;
}
