/**
 * Makes an SVG string independent of anything but the figure: Vega numbers clip paths and gradients from a
 * process-wide counter (`clip1`, `clip7`, … depending on what was rendered before), and prints floats with
 * platform-dependent trailing digits. Both are rewritten here, so the same data always gives the same bytes.
 */

/** Rounds every decimal number to 3 places (STYLE.md principle 14). */
export function roundFloats(svg: string): string {
  return svg.replace(/-?\d+\.\d+(?:e-?\d+)?/g, (n) => {
    const r = Math.round(Number(n) * 1000) / 1000;
    return Object.is(r, -0) ? "0" : String(r);
  });
}

/** Renames every `id="…"` to `id0`, `id1`, … in order of appearance, and its `url(#…)`/`href="#…"` uses. */
export function renumberIds(svg: string): string {
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) if (!ids.has(m[1]!)) ids.set(m[1]!, `id${ids.size}`);
  if (ids.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (_, a: string, id: string, b: string) => a + ids.get(id)! + b)
    .replace(/url\(#([^)]+)\)/g, (whole, id: string) => (ids.has(id) ? `url(#${ids.get(id)})` : whole))
    .replace(/(href=")#([^"]+)(")/g, (whole, a: string, id: string, b: string) =>
      ids.has(id) ? `${a}#${ids.get(id)}${b}` : whole,
    );
}

/** Both normalisations, ids first (an id could contain digits with a dot). */
export function normalizeSvg(svg: string): string {
  return roundFloats(renumberIds(svg));
}
