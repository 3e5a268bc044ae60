import { describe, expect, it } from "vitest";
import { isConfigErrorLike } from "./testing/config-error.ts";
import { generateTopology } from "../../../plan/topology/index.ts";
import { reserveJob } from "../api/reserve.ts";
import { withFake } from "../api/testing/with-fake.ts";
import { expectGolden } from "../fake/golden.ts";
import { addressesOf, capacityOf, macOf } from "./addresses.ts";
import { dryRunLines, toProviderPlan } from "./dry-run.ts";
import { planGrid5000 } from "./plan.ts";

const topology = generateTopology({ preset: "current", sizeMultiplier: 1, seed: "golden" });
const options = { cluster: "gros", walltime: "02:00:00", site: "nancy", jobName: "giraff-golden", login: "alice" };

describe("planGrid5000", () => {
  it("builds the golden request bodies for the golden topology on gros", async () => {
    const plan = planGrid5000(topology, options);
    expect(plan.submission.resources).toBe(`{cluster='gros'}/nodes=${plan.hosts}+slash_22=1,walltime=02:00:00`);
    expect(plan.vms).toHaveLength(topology.nodes.length + 1);
    await expectGolden("gros-current-golden.requests", plan.requests);
  });

  it("fills every body exactly once the job runs, and with kadeploy when an environment is given", async () => {
    const hosts = planGrid5000(topology, options).hosts;
    // OAR's order is not the name order; hosts are matched to the plan sorted by name, numerically.
    const nodes = Array.from({ length: hosts }, (_, i) => `gros-${hosts - i}.nancy.grid5000.fr`);
    const plan = planGrid5000(topology, {
      ...options,
      environment: "debian12-nfs",
      sshKey: "ssh-ed25519 AAAA golden",
      reservation: "2026-05-01 19:00:00",
      project: "giraff",
      lease: { jobUid: 4242, nodes, subnets: ["10.144.4.0/22"] },
    });
    expect(plan.requests.every((r) => r.exact)).toBe(true);
    expect(plan.submission.types).toEqual(["deploy", "origin=giraff-ts"]);
    expect(plan.vms[0]).toMatchObject({
      ip: "10.144.4.2",
      mac: "00:16:3E:90:04:02",
      hostFqdn: "gros-1.nancy.grid5000.fr",
    });
    expect(plan.vms.at(-1)).toMatchObject({ role: "iot", hostFqdn: `gros-${hosts}.nancy.grid5000.fr` });
    await expectGolden("gros-current-golden.leased", { requests: plan.requests, vms: plan.vms });
  });

  it("names the option and the rule when one is wrong", () => {
    for (const [field, bad] of [
      ["cluster", "graphene"],
      ["walltime", "2 hours"],
      ["reservation", "tomorrow"],
      ["queue", "fast"],
      ["jobName", "a name"],
    ] as const) {
      const err = (() => {
        try {
          planGrid5000(topology, { ...options, [field]: bad });
        } catch (e) {
          return e;
        }
      })();
      expect(isConfigErrorLike(err, field)).toBe(true);
      expect((err as Error).message).toMatch(new RegExp(`^Expected \`${field}\` to be .*, got "${bad}"`));
    }
  });
});

describe("address plan", () => {
  it("skips network, broadcast and the first host; MAC is 00:16:3E + the last three IP bytes", () => {
    expect(capacityOf("10.144.4.0/22")).toBe(1021);
    const all = addressesOf("10.144.4.0/22", 1021);
    expect(all[0]).toEqual({ ip: "10.144.4.2", mac: "00:16:3E:90:04:02", hostname: "virtual-144-4-2" });
    expect(all[253]?.ip).toBe("10.144.4.255");
    expect(all.at(-1)).toEqual({ ip: "10.144.7.254", mac: "00:16:3E:90:07:FE", hostname: "virtual-144-7-254" });
    expect(macOf("10.158.255.10")).toBe("00:16:3E:9E:FF:0A");
    expect(() => addressesOf("10.144.4.0/22", 1022)).toThrow(/has 1021 addresses for VMs; the plan needs 1022/);
  });
});

describe("dry run", () => {
  it("prints the hosts, the OAR request, every VM and the exact bodies, and makes no call", () =>
    withFake(async ({ fake, client }) => {
      const plan = planGrid5000(topology, options);
      const lines = dryRunLines(plan, fake.baseUrl);
      const outcome = await reserveJob(client, "nancy", plan.submission, { dryRun: true });
      expect(outcome).toEqual({
        dryRun: true,
        request: { method: "POST", path: "/sites/nancy/jobs", body: plan.submission },
      });
      const provider = toProviderPlan(plan, fake.baseUrl);
      expect(provider).toMatchObject({ provider: "grid5000", hosts: plan.hosts });
      expect(provider.requests[0]).toEqual({
        method: "POST",
        url: `${fake.baseUrl}/sites/nancy/jobs`,
        body: plan.submission,
      });
      expect(lines).toContain(`OAR resources: ${plan.submission.resources}`);
      expect(lines.filter((l) => /^ {2}\S+ \((fog|iot),/.test(l))).toHaveLength(plan.vms.length);
      expect(lines).toContain(`    ${JSON.stringify(plan.submission)}`);
      expect(fake.requests).toHaveLength(0);
      expect(fake.rawRequestCount()).toBe(0);
    }));
});
