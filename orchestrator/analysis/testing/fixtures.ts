/**
 * A small hand-made campaign whose metrics were computed by hand (the expected values live in views.test.ts).
 * Every event is checked against the real schema before it is written, so the fixture cannot drift from
 * runtime/protocol/events.ts.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { metricEventSchema, type EventBody } from "../../../runtime/protocol/events.ts";

export type Line = EventBody & { t?: number };

const NODES = [
  { id: "n0", name: "root", level: 0, parent: null, link: null },
  { id: "n1", name: "edge1", level: 1, parent: "n0", link: { latencyMs: 5, rateBps: 1e9, lossPct: 0 } },
  { id: "n2", name: "edge2", level: 1, parent: "n0", link: { latencyMs: 10, rateBps: 1e9, lossPct: 0 } },
].map((n) => ({ ...n, flavor: { cores: 2, memMiB: 4096, reservedCores: 1, reservedMemMiB: 2048 } }));

/** Writes `<campaign>/<key>/` with manifest.json, topology.json, `events/<file>.jsonl` and, given one, plan.json. */
export function writeRun(
  campaign: string,
  key: string,
  params: Record<string, unknown>,
  files: Record<string, Line[]>,
  plan?: unknown,
): string {
  const dir = join(campaign, key);
  mkdirSync(join(dir, "events"), { recursive: true });
  for (const [file, lines] of Object.entries(files)) {
    const text = lines.map((body, i) => {
      const event = { t: body.t ?? i, run: key, source: file, ...body };
      metricEventSchema.parse(event);
      return JSON.stringify(event);
    });
    writeFileSync(join(dir, "events", `${file}.jsonl`), text.map((l) => `${l}\n`).join(""));
  }
  writeFileSync(join(dir, "topology.json"), JSON.stringify({ name: "t", nodes: NODES }));
  if (plan !== undefined) writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
  const record = { runKey: key, seq: 1, params, attempt: 1, final: true, startedAt: 0, endedAt: 5000, exit: 0 };
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({ version: 1, record, checksums: {} }));
  return dir;
}

/** An `sla_submitted` event at `t` (target n1, bound `latencyMaxMs`). */
export const sla = (slaId: string, name: string, latencyMaxMs: number, t: number): Line => ({
  t,
  kind: "sla_submitted",
  slaId,
  functionName: name,
  targetNode: "n1",
  memoryBytes: 64 * 2 ** 20,
  cpuMilli: 100,
  latencyMaxMs,
  durationMs: 60000,
  inputMaxSizeBytes: 1500,
  replicas: 1,
});

/** An awarded `auction_result`; `win` = [winner, winning bid id, winning bid, price charged]. */
export const awarded = (
  slaId: string,
  name: string,
  started: number,
  duration: number,
  win: [string, string, number, number],
): Line => ({
  t: started + duration,
  kind: "auction_result",
  slaId,
  functionName: name,
  targetNode: "n1",
  rule: "second-price",
  startedAt: started,
  durationMs: duration,
  outcome: "awarded",
  winner: win[0],
  winningBidId: win[1],
  winningBid: win[2],
  price: win[3],
  bids: [{ nodeId: win[0], bidId: win[1], bid: win[2], verdict: "valid" }],
  refusals: [],
  paymentAttempts: [{ nodeId: win[0], ok: true }],
});

/** A node's `bid`: `value` is the bid, `price` the node's own price (GIRAFF's cost). */
export const bid = (slaId: string, nodeId: string, bidId: string, value: number, price: number): Line => ({
  kind: "bid",
  slaId,
  functionName: "f",
  nodeId,
  bidId,
  bid: value,
  price,
  strategy: "auction",
  valuation: "quadratic",
});

/** A `proxy_hop` of request `reqId` at SLA `slaId` (`firstHop`: the entry proxy), received `rx`, answered `tx`. */
export const hop = (
  reqId: string,
  slaId: string,
  firstHop: boolean,
  rx: number,
  tx: number,
  serviceStatus = 200,
): Line => ({
  kind: "proxy_hop",
  reqId,
  slaId,
  tags: "<no-tags>",
  firstHop,
  receivedAt: rx,
  respondedAt: tx,
  serviceStatus,
  status: serviceStatus,
});

/** A replayer `submit` step of function `functionIndex` of a chain: ok with an SLA id, failed without one. */
export const submit = (chainId: string, functionIndex: number, slaId?: string): Line => ({
  kind: "replay_step",
  chainId,
  step: "submit",
  ok: slaId !== undefined,
  durationMs: 1,
  functionIndex,
  ...(slaId === undefined ? {} : { slaId }),
});

export const F0 = "fa20240101000000-i0-c100-m64-l20-a0-r1000-d60000";
export const F1 = "fb20240101000000-i0-c100-m64-l100-a0-r1000-d60000";
export const F2 = "fc20240101000000-i0-c100-m64-l10-a0-r1000-d60000";

/** Run A (see views.test.ts for the hand computation) and run B, both strategy `auction` on 3 nodes. */
export function writeFixtureCampaign(campaign: string): void {
  const params = { strategy: { strategy: "auction", valuation: "quadratic", marketRule: "second-price" }, size: 1 };
  writeRun(
    campaign,
    "runA",
    { ...params, repetition: 1, variation: "base" },
    {
      market: [
        sla("s1", F0, 20, 990),
        sla("s2", F1, 100, 1090),
        sla("s3", F2, 10, 1190),
        awarded("s1", F0, 1000, 50, ["n1", "b1", 3, 4]),
        awarded("s2", F1, 1100, 70, ["n2", "b2", 5, 6]),
        {
          t: 1230,
          kind: "auction_result",
          slaId: "s3",
          functionName: F2,
          targetNode: "n1",
          rule: "second-price",
          startedAt: 1200,
          durationMs: 30,
          outcome: "refused",
          reason: "no bid",
          bids: [],
          refusals: [],
          paymentAttempts: [],
        },
      ],
      "nodes-0": [
        bid("s1", "n1", "b1", 3, 3.5),
        bid("s1", "n2", "b3", 4, 4.2),
        bid("s2", "n2", "b2", 5, 5.5),
        { t: 1080, kind: "live", slaId: "s1", functionName: F0, nodeId: "n1", waitedMs: 20 },
        {
          kind: "resource_usage",
          nodeId: "n1",
          cpuUsedMilli: 100,
          cpuAvailableMilli: 1000,
          memoryUsedBytes: 1e8,
          memoryAvailableBytes: 1e9,
        },
        {
          kind: "resource_usage",
          nodeId: "n1",
          cpuUsedMilli: 300,
          cpuAvailableMilli: 1000,
          memoryUsedBytes: 1e8,
          memoryAvailableBytes: 1e9,
        },
      ],
      replay: [submit("c1", 0, "s1"), submit("c1", 1, "s2"), submit("c2", 0)],
      iot: [
        hop("r1", "s1", true, 2000, 2100),
        hop("r1", "s1", false, 2010, 2030),
        hop("r1", "s2", false, 2050, 2060),
        hop("r2", "s1", true, 3000, 3100),
        hop("r2", "s1", false, 3021.5, 3040),
        hop("r2", "s2", false, 3045, 3050),
        hop("r3", "s1", true, 4000, 4100),
        hop("r3", "s1", false, 4021, 4030),
        hop("r3", "s2", false, 4040, 4050, 500),
      ],
    },
  );
  writeRun(
    campaign,
    "runB",
    { ...params, repetition: 2, variation: "base" },
    {
      market: [sla("s9", F1, 50, 10), awarded("s9", F1, 20, 40, ["n0", "b9", 1, 2])],
      "nodes-0": [bid("s9", "n0", "b9", 1, 1.5)],
      replay: [submit("d1", 0, "s9")],
      iot: [hop("r9", "s9", true, 100, 200), hop("r9", "s9", false, 130, 150)],
    },
  );
}

/**
 * Adds one request to the fixture campaign's run B (its entry hop and one function hop, 20 ms apart) and changes
 * the run's manifest, so that the next ingestion loads the run again.
 */
export function addRequestToRunB(campaign: string): void {
  const hop = (firstHop: boolean, receivedAt: number) => ({
    ...{ t: 1, run: "runB", source: "iot", kind: "proxy_hop", reqId: "r10", slaId: "s9", tags: "x" },
    ...{ firstHop, receivedAt, respondedAt: receivedAt + 10, serviceStatus: 200, status: 200 },
  });
  appendFileSync(join(campaign, "runB/events/iot.jsonl"), `${JSON.stringify(hop(true, 1000))}\n`);
  appendFileSync(join(campaign, "runB/events/iot.jsonl"), `${JSON.stringify(hop(false, 1020))}\n`);
  appendFileSync(join(campaign, "runB/manifest.json"), "\n");
}

/**
 * A 4-node tree for the emulation views (views-emulation.test.ts): n0 the root; n1 under n0 (10 ms, 1 Gbit/s);
 * n2 under n1 (5 ms, 10 Mbit/s), where the IoT source enters; n3 under n0 (20 ms, 1 Gbit/s).
 */
export const EMULATION_NODES = [
  { id: "n0", name: "cloud", level: 0, parent: null, link: null },
  { id: "n1", name: "fog", level: 1, parent: "n0", link: { latencyMs: 10, rateBps: 1e9, lossPct: 0 } },
  { id: "n2", name: "edge", level: 2, parent: "n1", link: { latencyMs: 5, rateBps: 1e7, lossPct: 0 } },
  { id: "n3", name: "far", level: 1, parent: "n0", link: { latencyMs: 20, rateBps: 1e9, lossPct: 0 } },
].map((n) => ({ ...n, flavor: { cores: 2, memMiB: 4096, reservedCores: 1, reservedMemMiB: 2048 } }));

/** {@link writeRun} with its own topology.json (`nodes` in the schema of runtime/protocol/topology.ts). */
export function writeRunWithTopology(
  campaign: string,
  key: string,
  params: Record<string, unknown>,
  files: Record<string, Line[]>,
  nodes: readonly unknown[],
): string {
  const dir = writeRun(campaign, key, params, files);
  writeFileSync(join(dir, "topology.json"), JSON.stringify({ name: "t", nodes }));
  return dir;
}
