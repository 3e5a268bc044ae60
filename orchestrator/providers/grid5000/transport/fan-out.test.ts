import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RemoteCommandError } from "./errors.ts";
import { FanOutError } from "./fan-out.ts";
import { freePort, sshdSkipReason, startSshd, type Sshd } from "./testing/sshd.ts";
import { transportTo } from "./testing/transport-to.ts";
import type { SshTransport } from "./transport.ts";
import type { HostSpec } from "./types.ts";

const skip = sshdSkipReason();

describe.skipIf(skip !== undefined)("SshTransport.execAll against a real sshd", () => {
  let sshd: Sshd;
  let transport: SshTransport;
  const alias = (i: number): HostSpec => ({ name: `vm-${i}`, address: sshd.host, port: sshd.port });

  beforeAll(async () => {
    sshd = await startSshd();
    transport = await transportTo(sshd);
  });
  afterAll(async () => {
    await transport?.close();
    await sshd?.stop();
  });

  test("runs on 20 hosts with never more than 4 commands in flight", async () => {
    const log = join(sshd.dir, "intervals");
    const hosts = Array.from({ length: 20 }, (_, i) => alias(i));
    const command = `s=$(date +%s%N); sleep 1; echo "$s $(date +%s%N)" >> ${log}`;
    const results = await transport.execAll(hosts, command, { concurrency: 4 });
    expect(results.ok().map((r) => r.host)).toEqual(hosts.map((h) => h.name));
    expect(results.failed()).toEqual([]);
    const intervals = (await readFile(log, "utf8"))
      .trim()
      .split("\n")
      .map((line) => line.split(" ").map(BigInt) as [bigint, bigint]);
    expect(intervals).toHaveLength(20);
    const events = intervals.flatMap(([s, e]) => [
      { at: s, delta: 1 },
      { at: e, delta: -1 },
    ]);
    // Ends sort before starts at the same instant, so touching intervals do not count as overlapping.
    events.sort((a, b) => (a.at === b.at ? a.delta - b.delta : a.at < b.at ? -1 : 1));
    let inFlight = 0;
    let most = 0;
    for (const { delta } of events) most = Math.max(most, (inFlight += delta));
    expect(most).toBeLessThanOrEqual(4);
    expect(most).toBeGreaterThan(1);
    expect(transport.connections).toBeGreaterThanOrEqual(20);
  });

  test("throws one FanOutError naming every failed host, with per-host reasons", async () => {
    const closed: HostSpec = { name: "vm-down", address: "127.0.0.1", port: await freePort() };
    // `nobody` has no key in this sshd's eyes (it refuses the nologin account), so its host fails authentication.
    const nologin: HostSpec = { ...alias(99), name: "vm-nologin", user: "nobody" };
    const hosts = [alias(1), closed, alias(2), nologin];
    // One at a time, so vm-1 creates the directory and vm-2 fails with exit 1.
    const err = await transport.execAll(hosts, `mkdir ${join(sshd.dir, "once")}`, { concurrency: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(FanOutError);
    const fanOut = err as FanOutError;
    expect(fanOut.failedHosts).toEqual(["vm-down", "vm-2", "vm-nologin"]);
    expect(fanOut.message).toMatch(
      /^`mkdir .*` failed on 3 of 4 hosts: vm-down \(unreachable\), vm-2 \(exit 1\), vm-nologin \(authentication failed\)\.\n/,
    );
    expect(fanOut.message).toMatch(/First failure: vm-down is unreachable over SSH\./);
    expect(fanOut.results.ok().map((r) => r.host)).toEqual(["vm-1"]);
    expect(fanOut.failures.find((f) => f.host === "vm-2")?.stderrTail).toMatch(/File exists/);
    RemoteCommandError.assert(
      fanOut.failures.find((f) => f.host === "vm-down"),
      { isUnreachable: true },
    );
  });

  test("continueOnError returns the failures among the results", async () => {
    const closed: HostSpec = { name: "vm-down", address: "127.0.0.1", port: await freePort() };
    const results = await transport.execAll([alias(1), closed, "vm-unresolvable.invalid"], "true", {
      continueOnError: true,
      concurrency: 3,
    });
    expect(results.ok().map((r) => r.host)).toEqual(["vm-1"]);
    expect(results.failed().map((e) => [e.host, e.isUnreachable])).toEqual([
      ["vm-down", true],
      ["vm-unresolvable.invalid", true],
    ]);
    expect(results.filter((o) => !o.ok)).toHaveLength(2);
  });
});
