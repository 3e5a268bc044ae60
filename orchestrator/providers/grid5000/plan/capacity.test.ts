import { describe, expect, it } from "vitest";
import { generateTopology } from "../../../plan/topology/index.ts";
import { capacityLine, checkCapacity, CLUSTER_HOSTS, InfeasiblePlanError, slash22For } from "./capacity.ts";
import { planGrid5000, subnetSlotOf } from "./plan.ts";
import { isConfigErrorLike } from "./testing/config-error.ts";

describe("checkCapacity", () => {
  it("takes one /22 per 1,021 VMs, at least one", () => {
    expect([0, 1, 1021, 1022, 1758, 2042, 2043].map(slash22For)).toEqual([1, 1, 1, 2, 2, 2, 3]);
  });

  it("is feasible within the cluster's hosts and the subnets' addresses", () => {
    const c = checkCapacity({ cluster: "gros", hosts: 124, vms: 1021, slash22: 1 });
    expect(c).toMatchObject({ clusterHosts: 124, addresses: 1021, problems: [] });
    expect(capacityLine(c)).toBe(
      `Capacity: 124 gros hosts of 124 (as of ${CLUSTER_HOSTS.gros.asOf}); 1021 VMs in 1 /22 (1021 addresses): feasible.`,
    );
  });

  it("names the numbers and the rule of every broken limit", () => {
    const c = checkCapacity({ cluster: "gros", hosts: 126, vms: 1758, slash22: 1 });
    expect(c.problems).toEqual([
      `it needs 126 gros hosts and gros has 124 (reference API, ${CLUSTER_HOSTS.gros.asOf}); a job cannot hold more hosts than its cluster has`,
      "its 1758 VMs need more than the 1021 addresses of 1 /22 (1021 each); reserve slash_22=2",
    ]);
    expect(checkCapacity({ cluster: "gros", hosts: 1, vms: 1, slash22: 193 }).problems).toEqual([
      "it needs 193 /22 subnets and a site has 192 (three reservable /16s)",
    ]);
    expect(checkCapacity({ cluster: "elsewhere", hosts: 999, vms: 1, slash22: 1 })).toMatchObject({
      clusterHosts: undefined,
      problems: [],
    });
  });
});

describe("planGrid5000: capacity and subnets", () => {
  const big = generateTopology({ preset: "current", sizeMultiplier: 1, seed: "golden" });
  const options = { cluster: "parasilo", walltime: "02:00:00", site: "rennes", jobName: "cap" };

  it("refuses more hosts than the cluster has, unless asked to keep the plan for printing", () => {
    // 1,502 nodes: far more than parasilo's 28 hosts can pack
    const huge = generateTopology({ preset: "paper", sizeMultiplier: 4, seed: "golden" });
    let err: unknown;
    try {
      planGrid5000(huge, options);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InfeasiblePlanError);
    expect(isConfigErrorLike(err, "cluster")).toBe(true);
    expect((err as Error).message).toMatch(
      /^The plan of job cap is infeasible on Grid'5000: it needs \d+ parasilo hosts and parasilo has 28 /,
    );
    const kept = planGrid5000(huge, options, { infeasible: "keep" });
    expect(kept.capacity.problems.length).toBeGreaterThan(0);
    expect(kept.slash22).toBe(slash22For(huge.nodes.length + 1));
    expect(kept.submission.resources).toContain(`+slash_22=${kept.slash22},`);
  });

  it("puts VM i in subnet floor(i/1021) at position i mod 1021", () => {
    expect(subnetSlotOf(0)).toEqual({ subnet: 0, position: 0 });
    expect(subnetSlotOf(1020)).toEqual({ subnet: 0, position: 1020 });
    expect(subnetSlotOf(1021)).toEqual({ subnet: 1, position: 0 });
    expect(subnetSlotOf(1757)).toEqual({ subnet: 1, position: 736 });
  });

  it("spreads a lease's VMs over its subnets in order, and refuses a lease with too few addresses", () => {
    const huge = generateTopology({ preset: "paper", sizeMultiplier: 4, seed: "golden" });
    const vms = huge.nodes.length + 1;
    expect(vms).toBeGreaterThan(1021);
    const hosts = planGrid5000(huge, { ...options, cluster: "gros", site: "nancy" }, { infeasible: "keep" }).hosts;
    const nodes = Array.from({ length: hosts }, (_, i) => `gros-${i + 1}.nancy.grid5000.fr`);
    const lease = { jobUid: 1, nodes, subnets: ["10.144.4.0/22", "10.144.8.0/22"] };
    const plan = planGrid5000(huge, { ...options, cluster: "gros", site: "nancy", lease }, { infeasible: "keep" });
    expect(plan.vms[0]).toMatchObject({ ip: "10.144.4.2", mac: "00:16:3E:90:04:02" });
    expect(plan.vms[1020]).toMatchObject({ ip: "10.144.7.254" });
    expect(plan.vms[1021]).toMatchObject({ ip: "10.144.8.2", mac: "00:16:3E:90:08:02" });
    expect(new Set(plan.vms.map((v) => v.ip)).size).toBe(vms);
    const one = planGrid5000(
      huge,
      { ...options, cluster: "gros", site: "nancy", lease: { ...lease, subnets: ["10.144.4.0/22"] } },
      { infeasible: "keep" },
    );
    expect(one.capacity.problems.at(-1)).toBe(
      `its ${vms} VMs need more than the 1021 addresses of 1 /22 (1021 each); reserve slash_22=2`,
    );
    expect(big.nodes.length).toBeLessThan(1021);
  });
});
