import { describe, expect, it } from "vitest";
import { FIGURES } from "./figures.ts";
import { renderSvg } from "./render.ts";
import { assertSnapshot } from "./snapshot.ts";
import { FIXTURES } from "./testing/fixtures.ts";

// Each figure function on its hand-made rows, compared with __snapshots__/<function name>.svg.
describe("figure snapshots", () => {
  for (const figure of FIGURES) {
    const name = figure.spec.name as keyof typeof FIXTURES;
    it(`${name} (${figure.name})`, async () => {
      const rows = FIXTURES[name];
      expect(rows, `no fixture for ${name}`).toBeDefined();
      assertSnapshot(name, await renderSvg(figure.spec(rows)));
    });
  }
});

describe("figure specs", () => {
  it("do not depend on the order of the rows", () => {
    for (const figure of FIGURES) {
      const rows = FIXTURES[figure.spec.name as keyof typeof FIXTURES];
      const reversed = { runs: [...rows.runs].reverse(), summary: [...rows.summary].reverse() };
      expect(JSON.stringify(figure.spec(reversed))).toBe(JSON.stringify(figure.spec(rows)));
    }
  });

  it("give the auction strategy the first colour whatever the other names", () => {
    const spec = JSON.stringify(FIGURES[0]!.spec(FIXTURES.slaViolations));
    expect(spec).toContain('"domain":["auction","edge-first"]');
  });

  it("draw no interval for a single run (NULL bounds)", async () => {
    const rows = {
      runs: [{ run_key: "a", strategy: "auction", nodes: 5, panel: "p", value: 3 }],
      summary: [{ strategy: "auction", nodes: 5, panel: "p", runs: 1, mean: 3, sd: null, ci_low: null, ci_high: null }],
    };
    const svg = await renderSvg(FIGURES[0]!.spec(rows));
    expect(svg).toMatch(/^<svg /);
  });
});
