/**
 * The node endpoints under attack, on a real market and real nodes on loopback: market → root → relay → child,
 * where the relay is a registered node that lies (it repeats the child's bid and forges a refusal in its name).
 * Direct calls for bids, payments and provisionings without the market's MAC are refused and commit nothing;
 * forged calls are dropped before any flooding; a repeated bid costs the child nothing and names the relay; a
 * forged refusal is recorded as ignored and does not turn "no bids" into "rate limited".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "../http/client.ts";
import { startMarket, type RunningMarket } from "../market/market.ts";
import { startNode, type RunningNode } from "../node/agent.ts";
import type { NodeConfigSpec } from "../node/config.ts";
import { generateAgreementKeys } from "../protocol/bid-mac.ts";
import { callSigningText, deriveLinkKey, HMAC_AUTH, paymentSigningText } from "../protocol/endpoint-auth.ts";
import type { EventBody } from "../protocol/events.ts";
import { formatBidRequest, ZERO_LATENCY } from "../protocol/messages.ts";
import { generateNodeKeys, type NodeKeys } from "../protocol/signing.ts";
import { flood } from "../strategies/placement/auction.ts";
import { REASONS, type PlacementStrategy } from "../strategies/types.ts";
import { getJson, putFunction, resolvedSla, slaBody, type Json } from "../testing/fixtures.ts";
import { testNodeSpec } from "../testing/market-root.ts";
import { waitUntil } from "../testing/wait.ts";
import type { EventSink } from "../events/writer.ts";

const ip = (n: number) => `127.78.0.${n}`;
const PORT = 30_003;
const names = ["root", "relay", "child"] as const;
type Name = (typeof names)[number];
const keys = new Map<Name, NodeKeys>(names.map((n) => [n, generateNodeKeys()]));
const seen = new Map<Name, string[]>(names.map((n) => [n, []]));
const nodes = new Map<Name, RunningNode>();
let market: RunningMarket;

/** Records the SLA ids of the calls for bids a node handled. */
function recorder(name: Name): EventSink {
  return {
    emit(body: EventBody) {
      if (body.kind === "bid_request_seen") seen.get(name)!.push(body.slaId);
    },
    flush: async () => undefined,
    close: async () => undefined,
  };
}

/** The relay's lies: every bid of the child twice, and a refusal in the child's name it cannot MAC. */
const lyingRelay: PlacementStrategy = {
  name: "auction",
  marketRule: "second-price",
  async handle(ctx) {
    const answer = await flood(ctx);
    const childBids = answer.bids.filter((b) => b.nodeId === "child");
    const forged = { nodeId: "child", reason: REASONS.rateLimited, by: "child", mac: "A".repeat(43) };
    return { bids: [...answer.bids, ...childBids], refusals: [...(answer.refusals ?? []), forged] };
  },
};

function spec(name: Name, octet: number, situation: NodeConfigSpec["situation"]): NodeConfigSpec {
  return testNodeSpec(name, ip(octet), situation, { portHttp: PORT, latency: { warmupRounds: 4, periodMs: 500 } });
}

const url = (name: Name) => `http://${ip(names.indexOf(name) + 1)}:${PORT}`;

beforeAll(async () => {
  market = await startMarket({
    host: ip(254),
    port: 0,
    pinnedKeys: new Map(names.map((n) => [n, keys.get(n)!.publicKey])),
  });
  const start = async (name: Name, situation: NodeConfigSpec["situation"], strategy?: PlacementStrategy) => {
    const node = await startNode(
      spec(name, names.indexOf(name) + 1, situation),
      { faas: undefined, keys: keys.get(name)!, events: recorder(name) },
      strategy === undefined ? {} : { strategy },
    );
    nodes.set(name, node);
    await node.registered;
  };
  await start("root", { kind: "market", marketUrl: market.url });
  await start("relay", { kind: "node", parentId: "root", parentUrl: url("root") }, lyingRelay);
  await start("child", { kind: "node", parentId: "relay", parentUrl: url("relay") });
  await waitUntil("every node to measure its neighbours", () =>
    [...nodes.values()].every((n) => {
      const s = n.status();
      return s.neighbours.length > 0 && s.neighbours.every((x) => x.medianMs !== undefined);
    }),
  );
}, 60_000);

afterAll(async () => {
  for (const n of [...nodes.values()].reverse()) await n.close();
  await market?.close();
});

const sla = (id: string) => resolvedSla(id, { durationMs: 20 * 86_400_000 });

async function post(target: string, body: unknown): Promise<number> {
  return (await request(target, { method: "POST", body, timeoutMs: 5_000 })).status;
}

const state = (name: Name): Promise<Json> => getJson(`${url(name)}/api/state`);

describe("node endpoints", () => {
  it("refuses calls for bids without a MAC of the market or a neighbour (401/403), before any flooding", async () => {
    const call = { nodeOrigin: "child", sla: sla("forged-1"), accumulatedLatency: ZERO_LATENCY, budgetMs: 2000 };
    // as the market, without or with a made-up MAC; as a stranger; as the parent, under a key it never agreed
    expect(await post(`${url("child")}/api/bid`, formatBidRequest(call))).toBe(401);
    expect(await post(`${url("child")}/api/bid`, formatBidRequest({ ...call, mac: "A".repeat(43) }))).toBe(401);
    expect(await post(`${url("child")}/api/bid`, formatBidRequest({ ...call, nodeOrigin: "stranger" }))).toBe(403);
    const guessed = deriveLinkKey(
      generateAgreementKeys().privateKey,
      keys.get("child")!.agreement.publicKey,
      "relay",
      "child",
    );
    const fromRelay = { ...call, nodeOrigin: "relay", sla: sla("forged-2") };
    const mac = HMAC_AUTH.mac(guessed, () => callSigningText("child", fromRelay));
    expect(await post(`${url("child")}/api/bid`, formatBidRequest({ ...fromRelay, mac }))).toBe(401);

    // a burst of forged calls at the root: every one refused, none reaches another node
    const burst = Array.from({ length: 80 }, (_, i) =>
      post(`${url("root")}/api/bid`, formatBidRequest({ ...call, nodeOrigin: "root", sla: sla(`forged-burst-${i}`) })),
    );
    expect(new Set(await Promise.all(burst))).toEqual(new Set([401]));
    for (const name of names) expect(seen.get(name)!.filter((id) => id.startsWith("forged"))).toEqual([]);
    for (const name of names) expect((await state(name)).functions).toEqual({});

    // the market's own calls still work
    const placed = await putFunction(market.url, "root", slaBody({ functionLiveName: "after-forgeries" }));
    expect(placed.status, JSON.stringify(placed.json)).toBe(200);
  });

  it("refuses payments and provisionings without the market's MAC (401) and commits nothing", async () => {
    const placed = await putFunction(market.url, "root", slaBody({ functionLiveName: "pay-attack" }));
    expect(placed.status, JSON.stringify(placed.json)).toBe(200);
    const record = market.records.get(placed.json.sla.id)!;
    const loser = record.bids.find((b) => b.nodeId !== record.winner && b.nodeId !== "relay")!;
    const loserName = loser.nodeId as Name;
    const before = await state(loserName);
    const accept = `${url(loserName)}/api/accept/${record.slaId}`;
    // the attack of the report: a direct payment of a proposal nobody paid
    expect(await post(accept, {})).toBe(401);
    expect(await post(accept, { bidId: loser.bidId, price: 0 })).toBe(401);
    const wrongKey = Buffer.alloc(32, 9);
    const forgedMac = HMAC_AUTH.mac(wrongKey, () => paymentSigningText(record.slaId, loserName, loser.bidId, 0));
    expect(await post(accept, { bidId: loser.bidId, price: 0, mac: forgedMac })).toBe(401);
    const after = await state(loserName);
    expect(after.resources).toEqual(before.resources);
    expect(after.functions.Paid ?? 0).toBe(before.functions.Paid ?? 0);

    const winner = record.winner as Name;
    const provision = `${url(winner)}/api/provision/${record.slaId}`;
    expect(await post(provision, {})).toBe(401);
    expect(await post(provision, { bidId: record.winningBidId, price: record.price, mac: forgedMac })).toBe(401);
    expect((await state(winner)).functions.Live ?? 0).toBe(0);
    // the market's provisioning carries its MAC
    const provisioned = await request(`${market.url}/api/function/${record.slaId}`, {
      method: "POST",
      timeoutMs: 10_000,
    });
    expect(provisioned.status, provisioned.text()).toBe(200);
    expect((await state(winner)).functions.Live).toBe(1);
  });

  it("lets a relay's repeated bid cost the child nothing, and names the relay", async () => {
    // through the honest root: it drops the copy and reports the relay
    const viaRoot = await putFunction(market.url, "root", slaBody({ functionLiveName: "repeat-via-root" }));
    expect(viaRoot.status, JSON.stringify(viaRoot.json)).toBe(200);
    const r1 = market.records.get(viaRoot.json.sla.id)!;
    expect(r1.bids.filter((b) => b.nodeId === "child")).toEqual([expect.objectContaining({ verdict: "valid" })]);
    expect(r1.refusals).toContainEqual(
      expect.objectContaining({
        nodeId: "relay",
        reason: "bid duplicated",
        detail: expect.stringMatching(/dropped by root/),
      }),
    );

    // asked directly, the relay's answer reaches the market with both copies: only the copy loses its verdict
    const direct = await putFunction(market.url, "relay", slaBody({ functionLiveName: "repeat-direct" }));
    expect(direct.status, JSON.stringify(direct.json)).toBe(200);
    const r2 = market.records.get(direct.json.sla.id)!;
    expect(r2.bids.filter((b) => b.nodeId === "child").map((b) => b.verdict)).toEqual(["valid", "duplicate"]);
    expect(r2.refusals).toContainEqual(expect.objectContaining({ nodeId: "relay", reason: "bid duplicated" }));
    expect(r2.refusals.filter((r) => r.nodeId === "child" && r.reason.startsWith("bid "))).toEqual([]);
  });

  it("ignores a refusal forged in a node's name: recorded as such, and no longer a 429", async () => {
    // nobody can host 1 TB: "no bids" (503), whatever the relay claims about the child's rate
    const placed = await putFunction(
      market.url,
      "root",
      slaBody({ memory: "1000000 MB", functionLiveName: "too-big" }),
    );
    expect(placed.status, JSON.stringify(placed.json)).toBe(503);
    const record = placed.json.auction;
    expect(record.reason).toBe("no bids");
    expect(record.refusals).toContainEqual(
      expect.objectContaining({ nodeId: "child", reason: "refusal not authenticated" }),
    );
    expect(record.refusals).not.toContainEqual(expect.objectContaining({ reason: REASONS.rateLimited }));
    // the child's own refusal, MAC'd by the child, stands
    expect(record.refusals).toContainEqual(expect.objectContaining({ nodeId: "child", reason: "insufficient memory" }));
  });
});
