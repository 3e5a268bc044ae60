/**
 * Node processes die: `kill -9` of a node worker left the market counting, calling and paying its nodes (about 40 %
 * of later placements failed "target node unreachable"), with nothing logged; a launcher that died or was stopped
 * left its workers printing ERR_IPC_CHANNEL_CLOSED stack traces. Real processes on loopback.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchFogNetwork, type FogNetwork } from "../launcher/launch.ts";
import { createLogger } from "../log.ts";
import { DEV_TOPOLOGY_PATH, devTopology, getJson, putFunction, slaBody, type Json } from "../testing/fixtures.ts";
import { startCliProcess } from "../testing/cli-process.ts";
import { waitUntil } from "../testing/wait.ts";
import { isAlive } from "../util/is-alive.ts";

const topology = devTopology();
const names = new Map(topology.nodes.map((n) => [n.id, n.name]));
const root = topology.nodes.find((n) => n.parent === null)!.id;

describe("a node worker killed with SIGKILL", () => {
  let network: FogNetwork;
  const logs: string[] = [];

  beforeAll(async () => {
    network = await launchFogNetwork(
      topology,
      {
        subnet: "127.91",
        faas: false,
        proxies: false,
        iot: false,
        processes: 2,
        logLevel: "error",
        bidTimeoutMs: 1500,
      },
      { logger: createLogger("launcher", { level: "warn", write: (line) => logs.push(line) }) },
    );
  });
  afterAll(async () => {
    await network?.stop();
  });

  it("is logged, its nodes are down in /api/health, and placements avoid them", async () => {
    const before = await getJson(`${network.marketUrl}/api/health`);
    expect(before).toEqual({ status: "ok", nodes: topology.nodes.length, down: [] });

    // the worker that does not host the root, which the market reaches first
    const victim = network.workers.find((w) => !w.nodeIds.includes(root))!;
    process.kill(victim.pid, "SIGKILL");
    await waitUntil("the worker to die", () => !isAlive(victim.pid));
    const health: Json = await waitUntil("the market to mark its nodes down", async () => {
      const h = await getJson(`${network.marketUrl}/api/health`);
      return h.down.length === victim.nodeIds.length && h;
    });
    expect(health.status).toBe("degraded");
    expect(health.nodes).toBe(topology.nodes.length - victim.nodeIds.length);
    expect(health.down.map((d: Json) => d.id).sort()).toEqual([...victim.nodeIds].sort());
    for (const d of health.down) expect(d.reason).toBe(`its worker process ${victim.pid} exited on signal SIGKILL`);
    const logged = logs.filter((l) => l.includes(`(pid ${victim.pid}) exited on signal SIGKILL`));
    expect(logged, logs.join("")).toHaveLength(1);
    expect(logged[0]).toMatch(/ error /);
    expect(logged[0]).toContain(`its ${victim.nodeIds.length} nodes are marked down`);
    for (const id of victim.nodeIds) expect(logged[0]).toContain(names.get(id));

    // two placements targeting every node of the tree, one after the other
    const targets = [...topology.nodes, ...topology.nodes].map((n) => n.id);
    const records = [];
    for (const target of targets) {
      const { status, json } = await putFunction(
        network.marketUrl,
        target,
        slaBody({ latencyMax: "5 s", duration: "5 s", functionLiveName: `after-kill-${records.length}` }),
      );
      const slaId: string = status === 200 ? json.sla.id : json.auction.slaId;
      const record = network.market.records.get(slaId)!;
      records.push(record);
      if (victim.nodeIds.includes(target)) {
        // refused at once, without calling anyone
        expect(status).toBe(503);
        expect(json.error.reason).toBe(record.reason);
        expect(record.reason).toBe(`target node down: its worker process ${victim.pid} exited on signal SIGKILL`);
        expect(record.bids).toEqual([]);
      } else {
        expect(status, JSON.stringify(json)).toBe(200);
        expect(victim.nodeIds).not.toContain(record.winner);
        for (const attempt of record.paymentAttempts) expect(victim.nodeIds).not.toContain(attempt.nodeId);
      }
    }
    expect(records.filter((r) => /target node unreachable/.test(r.reason ?? ""))).toEqual([]);
    expect(records.filter((r) => r.outcome === "awarded")).toHaveLength(
      targets.filter((t) => !victim.nodeIds.includes(t)).length,
    );
  });
});

describe("node workers whose launcher goes away", () => {
  const CLI = fileURLToPath(new URL("../launcher/cli.ts", import.meta.url));

  /**
   * The launcher CLI in a process group of its own; its workers inherit its stderr, so the test reads theirs too,
   * and `exited` settles only once every holder of the pipes (the launcher and its workers) has exited.
   */
  const startCli = (subnet: string) =>
    startCliProcess(CLI, ["--topology", DEV_TOPOLOGY_PATH, "--no-faas", "--processes", "2", "--subnet", subnet], {
      detached: true,
    });

  const workersOf = (pid: number) =>
    readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          const stat = readFileSync(`/proc/${d}/stat`, "utf8");
          return (
            stat.split(") ")[1]!.split(" ")[1] === String(pid) &&
            readFileSync(`/proc/${d}/cmdline`, "utf8").includes("worker.ts")
          );
        } catch {
          return false;
        }
      })
      .map(Number);

  /** A worker reparented to an init that does not reap stays a zombie: it has exited all the same. */
  const hasExited = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.startsWith("Z");
    } catch {
      return true;
    }
  };

  const STACK_TRACE = /ERR_IPC|Error \[|^\s+at /m;

  it.each([
    ["killed with SIGKILL", "127.92", (pid: number) => process.kill(pid, "SIGKILL")],
    // Ctrl-C in a terminal signals the whole process group at once
    ["stopped by Ctrl-C", "127.93", (pid: number) => process.kill(-pid, "SIGINT")],
  ])("stop quietly when it is %s", async (_, subnet, signal) => {
    const cli = startCli(subnet);
    await waitUntil("the market URL on stdout", () => /^http:\/\/\S+$/m.test(cli.out()), { timeoutMs: 60_000 });
    const workers = workersOf(cli.child.pid!);
    expect(workers).toHaveLength(2);
    signal(cli.child.pid!);
    await waitUntil("the workers to exit", () => workers.every(hasExited), { timeoutMs: 20_000 });
    await cli.exited;
    expect(cli.err()).not.toMatch(STACK_TRACE);
  });
});
