// Numbers and units as the plans print them.

/** A value with its unit as printed: 12 and "1/10万" → "12/10万", 97.5 and "%" → "97.5%". */
export function withUnit(value, unit) {
  const v = fmt(value);
  if (!unit) return v;
  return unit.startsWith("1/") ? `${v}${unit.slice(1)}` : `${v}${unit}`;
}

export function fmt(x) {
  if (x == null || x === "") return "";
  const n = Number(x);
  return Number.isFinite(n) ? String(Math.round(n * 1000) / 1000) : String(x);
}
