import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../runtime/protocol/errors.ts";
import { checkTopology, EXIT_TOO_FEW_NODES, EXIT_TOO_MANY_HOSTS, fogNodeCount, TopologyCheckError } from "./checks.ts";
import { generateTopology } from "./generate.ts";
import { packHosts } from "./pack-hosts.ts";
import { derivedSeed, generateTopologyWithRetries } from "./retries.ts";
import { tree } from "./testing/tree.ts";

const catchError = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("Expected the call to throw.");
};

describe("acceptance checks", () => {
  const t = tree([
    ["root", null],
    ["a", "root"],
    ["b", "root"],
  ]);

  it("counts fog nodes without the root, as GIRAFF's FOG_NODES does", () => {
    expect(fogNodeCount(t)).toBe(2);
    expect(() => checkTopology(t, { minNodes: 2, cluster: "gros" })).not.toThrow();
  });

  it("fails too few fog nodes with exit code 122", () => {
    const err = catchError(() => checkTopology(t, { minNodes: 3, cluster: "gros" }));
    expect(err).toBeInstanceOf(TopologyCheckError);
    expect(err).toMatchObject({ check: "min-nodes", exitCode: EXIT_TOO_FEW_NODES, actual: 2, limit: 3 });
    expect((err as Error).message).toMatch(/2 fog nodes, fewer than the minimum 3/);
  });

  it("bounds the fog nodes on one machine (maxNodes, ours) with GIRAFF's exit code for too big a network", () => {
    const t = generateTopology({ preset: "current", sizeMultiplier: 1, seed: 1 });
    const fogNodes = t.nodes.length - 1;
    expect(() => checkTopology(t, { maxNodes: fogNodes, cluster: "gros" })).not.toThrow();
    const err = catchError(() => checkTopology(t, { maxNodes: fogNodes - 1, cluster: "gros" }));
    expect(err).toMatchObject({ check: "max-nodes", exitCode: 123, actual: fogNodes, limit: fogNodes - 1 });
    expect((err as Error).message).toMatch(/more than the maximum/);
  });

  it("fails too many hosts with exit code 123, counting the IoT emulator's host", () => {
    // three 2-core VMs share one gros host; the IoT emulator takes a second
    expect(packHosts(t, "gros").hostsNeeded).toBe(2);
    expect(() => checkTopology(t, { maxHosts: 2, cluster: "gros" })).not.toThrow();
    const err = catchError(() => checkTopology(t, { maxHosts: 1, cluster: "gros" }));
    expect(err).toMatchObject({ check: "max-hosts", exitCode: EXIT_TOO_MANY_HOSTS, actual: 2, limit: 1 });
  });

  it("runs the checks inside generateTopology", () => {
    const err = catchError(() => generateTopology({ preset: "current", sizeMultiplier: 1, seed: 1, minNodes: 1000 }));
    expect(err).toMatchObject({ exitCode: 122, seed: 1 });
    const err2 = catchError(() => generateTopology({ preset: "current", sizeMultiplier: 1, seed: 1, maxHosts: 2 }));
    expect(err2).toMatchObject({ exitCode: 123 });
    expect(() =>
      generateTopology({ preset: "current", sizeMultiplier: 1, seed: 1, maxHosts: 1, cluster: "parasilo" }),
    ).toThrow(ConfigError);
  });
});

describe("generateTopologyWithRetries", () => {
  it("re-draws with derived seeds until the checks pass and records the seed that did", () => {
    const options = { preset: "current", sizeMultiplier: 1, seed: 7 } as const;
    // Find a minimum the first seed misses but a later one meets.
    const sizes = [1, 2, 3, 4, 5].map((a) => fogNodeCount(generateTopology({ ...options, seed: derivedSeed(7, a) })));
    const target = sizes.findIndex((s) => s > sizes[0]!);
    expect(target).toBeGreaterThan(0);
    const minNodes = sizes[0]! + 1;
    const expectedAttempt = sizes.findIndex((s) => s >= minNodes) + 1;
    const result = generateTopologyWithRetries({ ...options, minNodes });
    expect(result.attempt).toBe(expectedAttempt);
    expect(result.seed).toBe(derivedSeed(7, expectedAttempt));
    expect(result.topology.seed).toBe(result.seed);
    expect(result.topology.description).toMatch(
      new RegExp(`Attempt ${expectedAttempt} of 5: seed 7#${expectedAttempt}`),
    );
    expect(result.failures).toHaveLength(expectedAttempt - 1);
    expect(result.failures[0]).toMatchObject({ seed: 7, check: "min-nodes", limit: minNodes });
    // Deterministic: the same search again lands on the same topology.
    expect(
      JSON.stringify(generateTopologyWithRetries({ ...options, minNodes }).topology) ===
        JSON.stringify(result.topology),
    ).toBe(true);
  });

  it("throws the last check's exit code, naming every seed, once the attempts run out", () => {
    const err = catchError(() =>
      generateTopologyWithRetries({ preset: "current", sizeMultiplier: 1, seed: 7, maxHosts: 3, attempts: 3 }),
    );
    expect(err).toMatchObject({ exitCode: 123, check: "max-hosts" });
    expect((err as Error).message).toMatch(/3 attempts \(seeds 7, 7#2, 7#3\)/);
    expect((err as Error).cause).toBeInstanceOf(TopologyCheckError);
  });

  it("passes a single attempt's error through unchanged and lets other errors out at once", () => {
    const err = catchError(() =>
      generateTopologyWithRetries({ preset: "current", sizeMultiplier: 1, seed: 7, minNodes: 999, attempts: 1 }),
    );
    expect((err as Error).message).toMatch(/^The topology drawn with seed 7 has/);
    expect(() => generateTopologyWithRetries({ preset: "current", sizeMultiplier: 0, seed: 7 })).toThrow(ConfigError);
  });
});
