import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ProtocolError } from "../../../runtime/protocol/errors.ts";
import type { Topology } from "../../../runtime/protocol/topology.ts";
import { generateTopology } from "./generate.ts";
import { loadTopology, saveTopology } from "./save.ts";

const scratch = mkdtempSync(join(tmpdir(), "giraff-topology-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("saveTopology", () => {
  it("round-trips through loadTopology, pretty-printed, leaving no temporary file", async () => {
    const t = generateTopology({ preset: "paper", sizeMultiplier: 2, seed: 11 });
    const path = join(scratch, "nested", "paper.json");
    await saveTopology(path, t);
    expect(loadTopology(path)).toEqual(t);
    const text = readFileSync(path, "utf8");
    expect(text.startsWith('{\n  "name": "paper-sm2-seed11"')).toBe(true);
    expect(text.endsWith("}\n")).toBe(true);
    expect(readdirSync(join(scratch, "nested"))).toEqual(["paper.json"]);
  });

  it("replaces an existing file whole", async () => {
    const path = join(scratch, "replace.json");
    await saveTopology(path, generateTopology({ preset: "current", sizeMultiplier: 2, seed: 1 }));
    const small = generateTopology({ preset: "paper", sizeMultiplier: 1, seed: 1 });
    await saveTopology(path, small);
    expect(loadTopology(path)).toEqual(small);
  });

  it("refuses an invalid topology before writing anything", async () => {
    const path = join(scratch, "bad.json");
    const bad = { name: "bad", nodes: [] } as unknown as Topology;
    await expect(saveTopology(path, bad)).rejects.toThrow(ProtocolError);
    expect(readdirSync(scratch)).not.toContain("bad.json");
  });
});
