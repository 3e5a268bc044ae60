import { describe, expect, it } from "vitest";
import { pathMatrix } from "../../../plan/topology/index.ts";
import { FakeExec } from "../vms/testing/fake-exec.ts";
import { smallPlan, smallTopology } from "../vms/testing/small-plan.ts";
import { netemVmsOf } from "./plan.ts";
import { parsePing } from "./ping.ts";
import {
  describePair,
  emulatedPairs,
  PAIR_NO_REPLY,
  PAIR_OK,
  PAIR_TOO_FAST,
  PAIR_TOO_SLOW,
  PAIR_UNPARSABLE,
  validateNetem,
} from "./validate.ts";

/** What iputils ping -q prints, with the summary lines the parser reads. */
const ping = (ip: string, received: number, avg?: number) =>
  [
    `PING ${ip} (${ip}) 56(84) bytes of data.`,
    ``,
    `--- ${ip} ping statistics ---`,
    `10 packets transmitted, ${received} received, ${(100 * (10 - received)) / 10}% packet loss, time 1809ms`,
    ...(avg === undefined ? [] : [`rtt min/avg/max/mdev = ${avg - 0.2}/${avg}/${avg + 0.3}/0.101 ms`]),
    ``,
  ].join("\n");

describe("parsePing", () => {
  it("reads iputils' packet and rtt lines", () => {
    expect(parsePing(ping("10.144.4.3", 9, 20.4))).toEqual({
      transmitted: 10,
      received: 9,
      lossPct: 10,
      minMs: 20.2,
      avgMs: 20.4,
      maxMs: 20.7,
      mdevMs: 0.101,
    });
  });

  it("reads a run with no reply (errors, no rtt line) and BusyBox's round-trip line", () => {
    const none = "5 packets transmitted, 0 received, +5 errors, 100% packet loss, time 4080ms\n";
    expect(parsePing(none)).toEqual({ transmitted: 5, received: 0, lossPct: 100 });
    const busybox =
      "3 packets transmitted, 3 packets received, 0% packet loss\nround-trip min/avg/max = 1.1/1.2/1.3 ms\n";
    expect(parsePing(busybox)).toMatchObject({ received: 3, avgMs: 1.2 });
    expect(parsePing(busybox)).not.toHaveProperty("mdevMs");
    expect(parsePing("ping: connect: Network is unreachable\n")).toBeUndefined();
  });
});

describe("validateNetem", () => {
  const vms = netemVmsOf(smallPlan().vms);
  const matrix = pathMatrix(smallTopology());

  it("pings the tree neighbours and the IoT VM's link, from the first VM of each pair", () => {
    expect(emulatedPairs(smallTopology(), vms)).toEqual([
      { from: "a", to: "market" },
      { from: "b", to: "a" },
      { from: "iot_emulation", to: "b" },
    ]);
  });

  it("checks each RTT against 2 × delay within tolerance and reports every pair", async () => {
    // a → market: 10 ms one way → 20 ms RTT; b → a: 5 ms → 10 ms; IoT → b: 0 ms → 0 ms.
    const fake = new FakeExec()
      .on(/10\.144\.4\.2$/, { stdoutTail: ping("10.144.4.2", 10, 21.1) }, "10.144.4.3")
      .on(/10\.144\.4\.3$/, { stdoutTail: ping("10.144.4.3", 8, 0.4) }, "10.144.4.4")
      .on(/10\.144\.4\.4$/, { stdoutTail: ping("10.144.4.4", 0), exitCode: 1 }, "10.144.4.5");
    const reports = await validateNetem(fake, matrix, vms, emulatedPairs(smallTopology(), vms), { count: 10 });
    expect(reports.map((r) => [r.from, r.to, r.expectedRttMs, r.ok, r.reason])).toEqual([
      ["a", "market", 20, true, PAIR_OK],
      ["b", "a", 10, false, PAIR_TOO_FAST],
      ["iot_emulation", "b", 0, false, PAIR_NO_REPLY],
    ]);
    expect(fake.calls[0]).toEqual({ host: "10.144.4.3", command: "ping -n -q -c 10 -i 0.2 -w 20 10.144.4.2" });
    expect(reports.map(describePair)).toEqual([
      "a → market: RTT 21.1 ms, expected 20 ms, within tolerance",
      "b → a: RTT 0.4 ms, expected 10 ms, faster than emulated (is the emulation applied?)",
      "iot_emulation → b: no RTT, expected 0 ms, no reply",
    ]);
  });

  it("uses the larger of the absolute and relative tolerance", async () => {
    const pairs = [{ from: "a", to: "market" }];
    const at = async (avg: number, opts = {}) => {
      const fake = new FakeExec().on(/ping/, { stdoutTail: ping("10.144.4.2", 10, avg) });
      return (await validateNetem(fake, matrix, vms, pairs, opts))[0]!.reason;
    };
    expect(await at(21.9)).toBe(PAIR_OK); // 10 % of 20 ms = 2 ms
    expect(await at(22.3)).toBe(PAIR_TOO_SLOW);
    expect(await at(22.3, { toleranceMs: 3 })).toBe(PAIR_OK);
    const garbled = new FakeExec().on(/ping/, { stdoutTail: "ping: unknown host\n", exitCode: 2 });
    expect((await validateNetem(garbled, matrix, vms, pairs))[0]!.reason).toBe(PAIR_UNPARSABLE);
  });
});
