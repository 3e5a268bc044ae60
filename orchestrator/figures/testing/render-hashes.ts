/**
 * Prints `<function> <sha256 of SVG> <sha256 of PNG>` for every figure on the test fixture: render.test.ts runs it
 * in a separate process to show that output does not depend on process state (Vega's id counters, caches).
 */
import { createHash } from "node:crypto";
import { isMain } from "../../../runtime/util/cli.ts";
import { FIGURES } from "../figures.ts";
import { renderPng, renderSvg } from "../render.ts";
import { FIXTURES } from "./fixtures.ts";

const sha = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** One line per figure, in registry order. */
export async function renderHashes(): Promise<string[]> {
  const lines: string[] = [];
  for (const figure of FIGURES) {
    const svg = await renderSvg(figure.spec(FIXTURES[figure.spec.name as keyof typeof FIXTURES]));
    lines.push(`${figure.spec.name} ${sha(svg)} ${sha(renderPng(svg))}`);
  }
  return lines;
}

if (isMain(import.meta.url)) {
  console.log((await renderHashes()).join("\n"));
}
