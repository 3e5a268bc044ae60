import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../runtime/protocol/errors.ts";
import { generateTopology } from "./generate.ts";
import { packHosts } from "./pack-hosts.ts";
import { tree } from "./testing/tree.ts";

describe("packHosts", () => {
  it("groups VMs by flavour and fills each host until cores or memory would overflow", () => {
    const six = { cores: 6, memMiB: 8192, reservedCores: 6, reservedMemMiB: 7168 };
    const t = tree([
      ["root", null, { cores: 34, memMiB: 81920 }],
      // 7 × (6 cores, 8 GiB): 5 fit in 35 cores, the 6th would need 36
      ...Array.from({ length: 7 }, (_, i) => [`e${i}`, "root", six] as [string, string, typeof six]),
      // 3 × (8 cores, 40 GiB): memory binds first, 2 per 96 GiB host
      ["m0", "root", { cores: 8, memMiB: 40960 }],
      ["m1", "root", { cores: 8, memMiB: 40960 }],
      ["m2", "root", { cores: 8, memMiB: 40960 }],
      // same cores and memory as e*, different reservation: a group of its own, as in GIRAFF
      ["r0", "root", { ...six, reservedCores: 4 }],
    ]);
    const packing = packHosts(t, "gros");
    expect(packing.hosts.map((h) => h.nodeIds)).toEqual([
      ["root"],
      ["e0", "e1", "e2", "e3", "e4"],
      ["e5", "e6"],
      ["m0", "m1"],
      ["m2"],
      ["r0"],
    ]);
    expect(packing.hosts[1]).toMatchObject({ cores: 30, memMiB: 40960 });
    expect(packing).toMatchObject({ cluster: "gros", iotHosts: 1, hostsNeeded: 7 });
    // ecotype's 40 cores take six of the 6-core VMs
    expect(packHosts(t, "ecotype").hosts[1]!.nodeIds).toHaveLength(6);
  });

  it("gives roughly 5, 4, 2 and 1 VMs per gros host for HEAD's tiers (grid5000.md §2.4)", () => {
    const t = generateTopology({ preset: "current", sizeMultiplier: 4, seed: 5 });
    const perHost = new Map<number, number>();
    for (const h of packHosts(t, "gros").hosts)
      perHost.set(h.flavor.cores, Math.max(perHost.get(h.flavor.cores) ?? 0, h.nodeIds.length));
    expect(perHost.get(34)).toBe(1);
    expect(perHost.get(16)).toBeLessThanOrEqual(2);
    expect(perHost.get(8)).toBe(4);
    expect(perHost.get(6)).toBe(5);
  });

  it("refuses a VM larger than a host, naming the cluster", () => {
    const t = generateTopology({ preset: "current", sizeMultiplier: 1, seed: 1 });
    expect(() => packHosts(t, "parasilo")).toThrow(ConfigError);
    expect(() => packHosts(t, "parasilo")).toThrow(/34 cores.*parasilo host \(32 cores/);
  });
});
