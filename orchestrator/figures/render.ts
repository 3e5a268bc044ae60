/**
 * Spec → SVG → PNG without a browser (toolchain.md §3): Vega-Lite compiles to Vega, Vega renders SVG headless
 * (`renderer: "none"`, text widths estimated, so no canvas and no system dependence), resvg rasterises. The SVG is
 * normalised (normalize-svg.ts) so the same spec gives the same bytes in any process, after any other render.
 */
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { FONT } from "./theme.ts";
import { normalizeSvg } from "./normalize-svg.ts";

/** The SVG text of `spec`: fixed size from the spec, fixed font, no timestamps, normalised ids and floats. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return `${normalizeSvg(await view.toSVG())}\n`;
  } finally {
    view.finalize();
  }
}

/** A PNG of `svg` at twice its size on white, with the figures' font (resvg would otherwise pick per machine). */
export function renderPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    background: "white",
    fitTo: { mode: "zoom", value: 2 },
    font: { loadSystemFonts: true, defaultFontFamily: FONT },
  });
  return Buffer.from(resvg.render().asPng());
}
