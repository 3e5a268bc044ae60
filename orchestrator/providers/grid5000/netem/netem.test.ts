import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateTopology, pathMatrix } from "../../../plan/topology/index.ts";
import { FakeExec } from "../vms/testing/fake-exec.ts";
import { expectGoldenText } from "../vms/testing/golden.ts";
import { smallPlan, smallTopology } from "../vms/testing/small-plan.ts";
import { applyNetem, clearNetem } from "./apply.ts";
import { chunkScripts, deviceCommands } from "./commands.ts";
import { isNetemError } from "./errors.ts";
import { formatDelay, formatLoss, formatRate } from "./format.ts";
import { netemVmsOf, planNetem } from "./plan.ts";

const GOLDEN = join(import.meta.dirname, "golden");

describe("planNetem + applyNetem", () => {
  it("issues the golden transcript for the small plan (market ← a ← b, IoT VM on b)", async () => {
    const plan = smallPlan();
    const hosts = planNetem(pathMatrix(smallTopology()), netemVmsOf(plan.vms));
    const fake = new FakeExec();
    await applyNetem(fake, hosts);
    expectGoldenText(join(GOLDEN, "small-plan.transcript.txt"), fake.transcript());
    // b → market crosses both links: 15 ms, the narrowest 100 Mb/s, b's 2 % loss; 4 VMs → 3 classes each.
    expect(hosts.find((h) => h.vm === "b")!.commands).toContain(
      "tc qdisc add dev eth0 parent 1:1 handle 10: netem delay 15ms loss 2%",
    );
    expect(hosts.every((h) => h.constraints.length === 3 && h.scripts.length === 1)).toBe(true);
  });

  it("matches the golden commands for 6 VMs of a generated topology, chunked by 10", () => {
    const topology = generateTopology({ preset: "current", sizeMultiplier: 1, seed: "netem" });
    const vms = topology.nodes.slice(0, 6).map((n, i) => ({ id: n.id, ip: `10.144.4.${i + 2}` }));
    const hosts = planNetem(pathMatrix(topology), vms, { chunkSize: 10, device: "ens3" });
    const text = hosts.map((h) => h.scripts.map((s, i) => `# ${h.vm} (${h.host}) chunk ${i + 1}\n${s}\n`).join("\n"));
    expectGoldenText(join(GOLDEN, "generated-6.commands.txt"), text.join("\n"));
    // 2 + 3 × 5 = 17 commands: chunks of 10 and 7, plus `set -e` each.
    expect(hosts.map((h) => h.scripts.map((s) => s.split("\n").length))).toEqual(Array(6).fill([11, 8]));
  });

  it("is idempotent: applying twice runs the same scripts, each application starting with the removal", async () => {
    const hosts = planNetem(pathMatrix(smallTopology()), netemVmsOf(smallPlan().vms));
    const fake = new FakeExec();
    await applyNetem(fake, hosts);
    const once = fake.calls.map((c) => c.command);
    await applyNetem(fake, hosts);
    expect(fake.calls.map((c) => c.command)).toEqual([...once, ...once]);
    expect(once.every((s) => s.startsWith("set -e\ntc qdisc del dev eth0 root || true\n"))).toBe(true);
  });

  it("names the VM and the chunk that failed", async () => {
    const hosts = planNetem(pathMatrix(smallTopology()), netemVmsOf(smallPlan().vms), { chunkSize: 4 });
    const fake = new FakeExec().on(
      /classid 1:2 /,
      { exitCode: 2, stderrTail: "RTNETLINK answers: File exists\n" },
      "10.144.4.3",
    );
    const err = await applyNetem(fake, hosts).catch((e: unknown) => e);
    expect(isNetemError(err) && err.failures.map((f) => [f.vm, f.chunk])).toEqual([["a", 2]]);
    expect((err as Error).message).toBe(
      "Could not apply network emulation on 1 of 4 VMs. On a (10.144.4.3): tc exited with code 2 in chunk 2 of 3: " +
        "RTNETLINK answers: File exists.",
    );
    // The other VMs were still shaped.
    expect(fake.calls.filter((c) => c.host === "10.144.4.2")).toHaveLength(3);
  });

  it("clears every VM's root qdisc", async () => {
    const hosts = planNetem(pathMatrix(smallTopology()), netemVmsOf(smallPlan().vms));
    const fake = new FakeExec();
    await clearNetem(fake, hosts);
    expect(fake.calls.map((c) => c.command)).toEqual(Array(4).fill("tc qdisc del dev eth0 root || true"));
  });
});

describe("commands", () => {
  it("chunks into scripts of at most `size` commands, each under set -e", () => {
    const commands = Array.from({ length: 53 }, (_, i) => `echo ${i}`);
    const scripts = chunkScripts(commands, 25);
    expect(scripts.map((s) => s.split("\n").length - 1)).toEqual([25, 25, 3]);
    expect(scripts.every((s) => s.startsWith("set -e\n"))).toBe(true);
    expect(
      scripts
        .join("\n")
        .split("\n")
        .filter((l) => l !== "set -e"),
    ).toEqual(commands);
    expect(() => chunkScripts(commands, 0)).toThrow(/chunk size/);
  });

  it("leaves loss out when it is 0, and numbers classes from 1:1 and netem handles from 10:", () => {
    expect(deviceCommands("eth0", [{ dst: "10.0.0.9", delayMs: 3, rateBps: 1e9, lossPct: 0 }])).toEqual([
      "tc qdisc del dev eth0 root || true",
      "tc qdisc add dev eth0 root handle 1: htb",
      "tc class add dev eth0 parent 1: classid 1:1 htb rate 1gbit",
      "tc qdisc add dev eth0 parent 1:1 handle 10: netem delay 3ms",
      "tc filter add dev eth0 parent 1: protocol ip u32 match ip dst 10.0.0.9 flowid 1:1",
    ]);
  });

  it("formats rates, delays and losses as tc reads them", () => {
    expect([1e9, 5e8, 100e6, 1.5e6, 2500, 1234].map(formatRate)).toEqual([
      "1gbit",
      "500mbit",
      "100mbit",
      "1500kbit",
      "2500bit",
      "1234bit",
    ]);
    expect(formatRate(2.5e3)).toBe("2500bit");
    expect(() => formatRate(Infinity)).toThrow(/finite/);
    expect([0, 5, 12.5, 1 / 3].map(formatDelay)).toEqual(["0ms", "5ms", "12.5ms", "0.333ms"]);
    expect([2, 2.5, 100 * (1 - 0.98 * 0.9)].map(formatLoss)).toEqual(["2%", "2.5%", "11.8%"]);
    expect(() => formatLoss(101)).toThrow(/between 0 and 100/);
  });
});
