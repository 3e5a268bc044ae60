/** Test fixtures shared by the VM and netem tests: a small leased plan and a virtual clock. */
import { tree } from "../../../../plan/topology/testing/tree.ts";
import { planGrid5000, type Grid5000Plan } from "../../plan/index.ts";
import type { Clock } from "../../transport/index.ts";
import type { Topology } from "../../../../../runtime/protocol/topology.ts";

/** Three fog nodes in a line (market ← a ← b) plus the IoT VM, planned on gros with a running job's lease: the
 * market on gros-1 (its own flavour), a and b on gros-2, the IoT VM on gros-3. */
export function smallPlan(): Grid5000Plan {
  return planGrid5000(smallTopology(), {
    cluster: "gros",
    walltime: "01:00:00",
    site: "nancy",
    jobName: "giraff-vms",
    lease: {
      jobUid: 7,
      nodes: ["gros-3.nancy.grid5000.fr", "gros-1.nancy.grid5000.fr", "gros-2.nancy.grid5000.fr"],
      subnets: ["10.144.4.0/22"],
    },
  });
}

/** market ← a (10 ms, 1 Gb/s) ← b (5 ms, 100 Mb/s, 2 % loss, IoT-connected). */
export function smallTopology(): Topology {
  return tree([
    ["market", null, { cores: 4, memMiB: 4096 }],
    ["a", "market", { latencyMs: 10, rateBps: 1e9 }],
    ["b", "a", { latencyMs: 5, rateBps: 100e6, lossPct: 2, iot: true }],
  ]);
}

export const IMAGE = { path: "/home/alice/giraff/nixos.qcow2", sha256: "ab".repeat(32) };

/** A clock whose `sleep` only moves virtual time forward. */
export function virtualClock(start = 0): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}
