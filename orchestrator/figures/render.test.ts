import { fileURLToPath } from "node:url";
import { execaNode } from "execa";
import { describe, expect, it } from "vitest";
import { slaViolations } from "./sla-violations/spec.ts";
import { normalizeSvg, renumberIds, roundFloats } from "./normalize-svg.ts";
import { renderHashes } from "./testing/render-hashes.ts";
import { renderPng, renderSvg } from "./render.ts";
import { FIXTURES } from "./testing/fixtures.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe("render", () => {
  it("gives byte-identical SVG and PNG for the same data, twice in one process", async () => {
    const spec = slaViolations(FIXTURES.slaViolations);
    const [a, b] = [await renderSvg(spec), await renderSvg(spec)];
    expect(b).toBe(a);
    expect(renderPng(b).equals(renderPng(a))).toBe(true);
    expect(renderPng(a).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });

  it("gives the same bytes in a separate process, for every figure", async () => {
    const script = fileURLToPath(new URL("./testing/render-hashes.ts", import.meta.url));
    const { stdout } = await execaNode(script, [], {
      nodeOptions: ["--import", "tsx"],
      ipc: false,
      env: { TZ: "UTC" },
    });
    expect(stdout.trim().split("\n")).toEqual(await renderHashes());
  });

  it("uses a fixed size and the figures' font, with no date in the output", async () => {
    const svg = await renderSvg(slaViolations(FIXTURES.slaViolations));
    expect(svg).toMatch(/^<svg [^>]*width="\d+" height="\d+"/);
    expect(svg).toContain('font-family="DejaVu Sans"');
    expect(svg).not.toMatch(/20\d\d-\d\d-\d\d/);
  });
});

describe("normalizeSvg", () => {
  it("rounds floats to 3 decimals and keeps integers", () => {
    expect(roundFloats('<path d="M0.12345,10L-0.0001,3.5"/>')).toBe('<path d="M0.123,10L0,3.5"/>');
  });

  it("renumbers ids in order of appearance, with their references", () => {
    const svg = '<clipPath id="clip7"/><g clip-path="url(#clip7)"/><clipPath id="clip9"/><use href="#clip9"/>';
    expect(renumberIds(svg)).toBe(
      '<clipPath id="id0"/><g clip-path="url(#id0)"/><clipPath id="id1"/><use href="#id1"/>',
    );
  });

  it("is idempotent", () => {
    const svg = '<g id="a1" transform="translate(1.23456,2)"/>';
    expect(normalizeSvg(normalizeSvg(svg))).toBe(normalizeSvg(svg));
  });
});
