/**
 * Registration under attack, on a real market and real nodes on loopback (and the market's own process for the
 * flood): a self-signed stranger is refused at the market and through a node, whose neighbour table stays as it
 * was; a stranger registering a known child's id with its own key is refused by the parent before anything is
 * relayed, and the child keeps getting its calls for bids; a flood of registrations is answered 429 with
 * Retry-After while health stays fast; and a registration costs the same in a registry of 250 or 2,500 nodes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execaNode } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../http/client.ts";
import { startJsonServer, type RunningServer } from "../http/server.ts";
import { startMarket, type RunningMarket } from "../market/market.ts";
import { startNode, type RunningNode } from "../node/agent.ts";
import type { NodeConfigSpec } from "../node/config.ts";
import { formatRegistration, registrationSigningText, type NodeRegistration } from "../protocol/messages.ts";
import { generateNodeKeys, signText, type NodeKeys } from "../protocol/signing.ts";
import { getJson, putFunction, slaBody, type Json } from "../testing/fixtures.ts";
import { testNodeSpec } from "../testing/market-root.ts";
import { waitUntil } from "../testing/wait.ts";
import { isAlive } from "../util/is-alive.ts";

const ip = (n: number) => `127.79.0.${n}`;
const PORT = 30_003;
const scratch = mkdtempSync(join(tmpdir(), "giraff-registration-"));
const rootKeys = generateNodeKeys();
const childKeys = generateNodeKeys();
let market: RunningMarket;
let root: RunningNode;
let child: RunningNode;
let impostor: RunningServer;
const impostorCalls: string[] = [];
/** Processes this file started, killed after the tests. */
const processes: { readonly pid?: number | undefined; kill(signal: "SIGKILL"): unknown }[] = [];

/** A registration signed by `keys` (a stranger's, unless they are pinned). */
function registration(keys: NodeKeys, fields: Partial<NodeRegistration> & Pick<NodeRegistration, "nodeId">) {
  const unsigned: NodeRegistration = {
    kind: "node",
    parent: "root",
    ip: ip(200),
    portHttp: String(impostor?.port ?? 1),
    portFaas: "1",
    tags: [],
    advertisedBandwidthBps: 1e9,
    publicKey: keys.publicKey,
    agreementKey: keys.agreement.publicKey,
    signedAt: Date.now(),
    ...fields,
  };
  if (unsigned.kind === "marketNode") unsigned.parent = undefined;
  return formatRegistration({ ...unsigned, signature: signText(keys, registrationSigningText(unsigned)) });
}

function spec(id: string, octet: number, situation: NodeConfigSpec["situation"]): NodeConfigSpec {
  return testNodeSpec(id, ip(octet), situation, { portHttp: PORT, latency: { warmupRounds: 4, periodMs: 500 } });
}

const rootUrl = `http://${ip(1)}:${PORT}`;
const neighbours = async (): Promise<Json> => (await getJson(`${rootUrl}/api/state`)).neighbours;

beforeAll(async () => {
  impostor = await startJsonServer({
    host: ip(200),
    port: 0,
    routes: [
      { method: "GET", path: "/api/ping", handler: () => ({ status: 204 }) },
      {
        method: "POST",
        path: "/api/bid",
        handler: (req) => {
          impostorCalls.push(JSON.stringify(req.body).slice(0, 80));
          return { json: { bids: [] } };
        },
      },
    ],
  });
  market = await startMarket({
    host: ip(254),
    port: 0,
    pinnedKeys: new Map([
      ["root", rootKeys.publicKey],
      ["child", childKeys.publicKey],
    ]),
  });
  root = await startNode(spec("root", 1, { kind: "market", marketUrl: market.url }), {
    faas: undefined,
    keys: rootKeys,
  });
  await root.registered;
  child = await startNode(spec("child", 2, { kind: "node", parentId: "root", parentUrl: rootUrl }), {
    faas: undefined,
    keys: childKeys,
  });
  await child.registered;
  await waitUntil("root to measure its child", async () => (await neighbours())[0]?.medianMs !== undefined);
}, 60_000);

afterAll(async () => {
  for (const p of processes) if (p.pid !== undefined && isAlive(p.pid)) p.kill("SIGKILL");
  await child?.close();
  await root?.close();
  await market?.close();
  await impostor?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function post(url: string, body: unknown): Promise<{ status: number; retryAfter: string | undefined }> {
  const answer = await request(url, { method: "POST", body, timeoutMs: 10_000 });
  const retryAfter = answer.headers["retry-after"];
  return { status: answer.status, retryAfter: typeof retryAfter === "string" ? retryAfter : undefined };
}

describe("registration", () => {
  it("refuses a self-signed stranger (403), at the market and through a node, leaving the neighbours as they were", async () => {
    const before = await neighbours();
    const stranger = generateNodeKeys();
    const body = registration(stranger, { nodeId: "rogue-1" });
    expect((await post(`${market.url}/api/register`, body)).status).toBe(403);
    expect((await post(`${rootUrl}/api/register`, body)).status).toBe(403);
    expect(await neighbours()).toEqual(before);
    expect(market.registry.size).toBe(2);
    expect(market.registry.get("rogue-1")).toBeUndefined();
  });

  it("refuses a known child's id under another key at the parent, and the child keeps its calls for bids", async () => {
    const before = await neighbours();
    const stranger = generateNodeKeys();
    const answer = await post(`${rootUrl}/api/register`, registration(stranger, { nodeId: "child" }));
    expect(answer.status).toBe(403);
    expect(await neighbours()).toEqual(before);
    const placed = await putFunction(market.url, "root", slaBody({ functionLiveName: "after-impostor" }));
    expect(placed.status, JSON.stringify(placed.json)).toBe(200);
    const record = market.records.get(placed.json.sla.id)!;
    expect(record.bids).toContainEqual(expect.objectContaining({ nodeId: "child", verdict: "valid" }));
    expect(impostorCalls).toEqual([]);
  });

  it("answers a registration flood with 429 and Retry-After, and keeps health fast", async () => {
    // the market's own process, open to strangers: the worst case
    const ready = join(scratch, "market.ready");
    const marketProcess = execaNode(fileURLToPath(new URL("../market/cli.ts", import.meta.url)), [], {
      nodeOptions: ["--import", "tsx"],
      ipc: false,
      env: {
        GIRAFF_MARKET_HOST: ip(253),
        GIRAFF_MARKET_OPEN_REGISTRATION: "true",
        GIRAFF_READY_FILE: ready,
        GIRAFF_LOG_LEVEL: "error",
      },
      stdio: "ignore",
      reject: false,
    });
    processes.push(marketProcess);
    await waitUntil("the market process to be ready", () => existsSync(ready), { timeoutMs: 60_000 });
    const url = readFileSync(ready, "utf8").trim();
    const flooder = generateNodeKeys();
    expect((await post(`${url}/api/register`, registration(flooder, { kind: "marketNode", nodeId: "r" }))).status).toBe(
      200,
    );
    const bodies = Array.from({ length: 1000 }, (_, i) =>
      registration(generateNodeKeys(), { nodeId: `f${i}`, parent: "r" }),
    );

    // the machine's own pace first (a loaded CI box answers slower with or without a flood)
    const quiet: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      await request(`${url}/api/health`, { timeoutMs: 10_000 });
      quiet.push(performance.now() - t0);
    }
    quiet.sort((a, b) => a - b);
    const quietP99 = quiet[Math.floor(quiet.length * 0.99)]!;

    const health: number[] = [];
    let flooding = true;
    const probe = (async () => {
      while (flooding) {
        const t0 = performance.now();
        const answer = await request(`${url}/api/health`, { timeoutMs: 10_000 });
        health.push(performance.now() - t0);
        expect(answer.status).toBeLessThan(500);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    // 200 registrations per second for 5 s: five times the rate of the reported flood (1,991 in 50 s)
    const started = performance.now();
    const sent: Promise<{ status: number; retryAfter: string | undefined }>[] = [];
    for (let batch = 0; batch * 10 < bodies.length; batch++) {
      const due = started + batch * 50;
      if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
      for (const body of bodies.slice(batch * 10, batch * 10 + 10)) sent.push(post(`${url}/api/register`, body));
    }
    const statuses = await Promise.all(sent);
    const elapsedS = (performance.now() - started) / 1000;
    flooding = false;
    await probe;

    const accepted = statuses.filter((s) => s.status === 200).length;
    const limited = statuses.filter((s) => s.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((s) => Number(s.retryAfter) >= 1)).toBe(true);
    // strangers get a burst of 100 (the root's took one), then 20 per second
    expect(accepted).toBeLessThanOrEqual(99 + Math.ceil(20 * elapsedS) + 2);
    health.sort((a, b) => a - b);
    const p99 = health[Math.min(health.length - 1, Math.floor(health.length * 0.99))]!;
    expect(health.length).toBeGreaterThan(5);
    const p50 = health[Math.floor(health.length / 2)]!;
    // it was 242 ms under the reported flood, 15 ms without (×16); allowed: 50 ms, or 4× the quiet p99 when the
    // machine itself is slower than that (other tests running on a loaded 2-core machine)
    const bound = Math.max(50, 4 * quietP99);
    expect(
      p99,
      `health p50 ${p50.toFixed(1)} ms, p99 over ${health.length} probes, quiet p99 ${quietP99.toFixed(1)} ms`,
    ).toBeLessThan(bound);
  }, 120_000);

  it("costs the same per registration in a registry of 250 or 2,500 nodes", async () => {
    const big = await startMarket({
      host: ip(252),
      port: 0,
      openRegistration: true,
      strangerRegistrationLimit: { perSecond: 1e6, burst: 1e6 },
    });
    try {
      const keys = generateNodeKeys();
      const register = async (nodeId: string, parent: string | undefined) => {
        const body = registration(keys, parent === undefined ? { kind: "marketNode", nodeId } : { nodeId, parent });
        const t0 = performance.now();
        const { status } = await post(`${big.url}/api/register`, body);
        expect(status).toBe(200);
        return performance.now() - t0;
      };
      await register("n0", undefined);
      let size = 1;
      // a random tree: each node under one already there
      const grow = async (to: number) => {
        for (; size < to; size++) await register(`n${size}`, `n${Math.floor(Math.random() * size)}`);
      };
      const median = async () => {
        const times: number[] = [];
        for (let i = 0; i < 200; i++) times.push(await register(`n${size++}`, `n${Math.floor(Math.random() * 250)}`));
        return times.sort((a, b) => a - b)[100]!;
      };
      await grow(250);
      const small = await median();
      await grow(2500);
      const large = await median();
      expect(big.registry.size).toBe(size);
      // it was 1.4 ms at 250 nodes and 129 ms at 1,750 (a copy and a check of the whole tree per registration)
      expect(large / small, `median ${small.toFixed(2)} ms at 250 nodes, ${large.toFixed(2)} ms at 2,500`).toBeLessThan(
        3,
      );
    } finally {
      await big.close();
    }
  }, 120_000);
});
