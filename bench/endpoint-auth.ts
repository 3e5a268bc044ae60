/**
 * `endpoint-auth`: what authenticating the node endpoints costs (`runtime/protocol/endpoint-auth.ts`: calls for
 * bids MAC'd per hop, payments and refusals MAC'd, every MAC checked), against the same runtime without it, in the
 * same run. Two networks per measure, one with `HMAC_AUTH` (what every process runs) and one with `NO_AUTH`
 * (injected here through `launchFogNetwork`'s effects: no flag or setting turns authentication off), measured in
 * alternation so that whatever else loads the machine weighs on both arms alike.
 *
 * - placement overhead: a 200-node tree with every link at 0 ms, the whole network in this process
 *   (`inProcess`), auctions one at a time from random IoT-connected targets, latencyMax 1 s so floods reach far;
 *   with no network delay, an auction's wall time is all overhead. The two arms take turns auction by auction.
 * - throughput: `throughput`'s setting (50 nodes, node workers, 0 ms links, 32 auctions in flight), in windows
 *   that alternate between the arms; auctions per second, and CPU per auction of the market and the workers.
 */
import { launchFogNetwork, type FogNetwork } from "../runtime/launcher/launch.ts";
import { HMAC_AUTH, NO_AUTH } from "../runtime/protocol/endpoint-auth.ts";
import type { Topology } from "../runtime/protocol/topology.ts";
import { seededRandom } from "../runtime/util/seeded-random.ts";
import {
  benchSla,
  exploredRegion,
  iotNodes,
  round,
  summary,
  target,
  type BenchContext,
  type Benchmark,
} from "./common.ts";
import { processCpuMs } from "./process-rss.ts";
import { throughputSetting } from "./throughput.ts";
import { benchTree } from "./tree.ts";

const ARMS = [
  { name: "authenticated", auth: HMAC_AUTH },
  { name: "unauthenticated", auth: NO_AUTH },
] as const;
type ArmName = (typeof ARMS)[number]["name"];

export const endpointAuth: Benchmark = {
  name: "endpoint-auth",
  // 127.210–127.213: two networks per measure
  subnet: "127.210",
  async run(ctx) {
    const overhead = await placementOverhead(ctx);
    const rate = await throughput(ctx);
    const ratio = (a: number | null | undefined, b: number | null | undefined) =>
      a === null || a === undefined || b === null || b === undefined || b === 0 ? null : round(a / b, 3);
    const withAuth = overhead.authenticated;
    const without = overhead.unauthenticated;
    const figures = {
      overheadP50Ms: withAuth.p50 ?? null,
      overheadP99Ms: withAuth.p99 ?? null,
      unauthenticatedOverheadP50Ms: without.p50 ?? null,
      unauthenticatedOverheadP99Ms: without.p99 ?? null,
      overheadP50Ratio: ratio(withAuth.p50, without.p50),
      overheadP99Ratio: ratio(withAuth.p99, without.p99),
      exploredNodesMean: overhead.exploredMean,
      auctionsPerS: rate.authenticated.perS,
      unauthenticatedAuctionsPerS: rate.unauthenticated.perS,
      throughputRatio: ratio(rate.authenticated.perS, rate.unauthenticated.perS),
      marketCpuMsPerAuction: rate.authenticated.marketCpuMs,
      unauthenticatedMarketCpuMsPerAuction: rate.unauthenticated.marketCpuMs,
      workersCpuMsPerAuction: rate.authenticated.workersCpuMs,
      unauthenticatedWorkersCpuMsPerAuction: rate.unauthenticated.workersCpuMs,
    };
    return {
      params: { placementOverhead: overhead.params, throughput: rate.params },
      figures,
      details: { overheadMs: { authenticated: withAuth, unauthenticated: without }, throughput: rate },
      // what authentication may cost: at most a tenth more overhead at the median, a tenth less throughput
      targets: [
        target("overheadP50Ratio", "<=", 1.1, "×", figures.overheadP50Ratio),
        target("throughputRatio", ">=", 0.9, "×", figures.throughputRatio),
      ],
      baseline: {
        what: "the same runtime with node endpoints unauthenticated (NO_AUTH), measured in alternation",
        figures: {
          overheadP50Ms: figures.unauthenticatedOverheadP50Ms,
          auctionsPerS: figures.unauthenticatedAuctionsPerS,
        },
        ratio: { what: "overheadP50Ms / unauthenticated overheadP50Ms", value: figures.overheadP50Ratio },
      },
    };
  },
};

async function launchArms(
  ctx: BenchContext,
  topology: Topology,
  options: Record<string, unknown>,
): Promise<Map<ArmName, FogNetwork>> {
  const networks = new Map<ArmName, FogNetwork>();
  try {
    for (const [i, arm] of ARMS.entries()) {
      ctx.progress(`launching ${topology.nodes.length} nodes, ${arm.name}`);
      const subnet = `${ctx.subnet.split(".")[0]}.${Number(ctx.subnet.split(".")[1]) + i}`;
      networks.set(
        arm.name,
        await launchFogNetwork(topology, { ...options, subnet }, { onProgress: ctx.progress, endpointAuth: arm.auth }),
      );
    }
  } catch (err) {
    await Promise.all([...networks.values()].map((n) => n.stop()));
    throw err;
  }
  return networks;
}

async function placementOverhead(ctx: BenchContext) {
  const nodes = ctx.quick ? 50 : 200;
  const auctions = ctx.quick ? 60 : 300;
  const warmup = ctx.quick ? 10 : 30;
  const topology = benchTree({ nodes, seed: ctx.seed, zeroLatency: true });
  const options = { faas: false, logLevel: "error" as const, inProcess: true, run: "bench" };
  const networks = await launchArms(ctx, topology, options);
  const wall: Record<ArmName, number[]> = { authenticated: [], unauthenticated: [] };
  const explored: number[] = [];
  try {
    const random = seededRandom(`endpoint-auth/${ctx.seed}`);
    const iot = iotNodes(topology);
    ctx.progress(`placement overhead: ${warmup} + ${auctions} auctions per arm, in turns`);
    for (let i = 0; i < warmup + auctions; i++) {
      const targetNode = iot[Math.floor(random() * iot.length)]!;
      // the same target and SLA for both arms; which arm goes first alternates
      const order = i % 2 === 0 ? ARMS : [...ARMS].reverse();
      for (const arm of order) {
        const sla = benchSla(`auth-${arm.name}-${i}`, { latencyMaxMs: 1000 });
        const t = performance.now();
        const record = await networks.get(arm.name)!.market.submit(sla, targetNode);
        const ms = performance.now() - t;
        if (i < warmup) continue;
        wall[arm.name].push(ms);
        if (arm.name === "authenticated") explored.push(exploredRegion(topology, record).nodes);
      }
    }
  } finally {
    await Promise.all([...networks.values()].map((n) => n.stop()));
  }
  return {
    params: { nodes, auctions, warmupAuctions: warmup, seed: ctx.seed, latencyMaxMs: 1000, launch: options },
    authenticated: summary(wall.authenticated),
    unauthenticated: summary(wall.unauthenticated),
    exploredMean: round(explored.reduce((s, x) => s + x, 0) / Math.max(1, explored.length), 2),
  };
}

async function throughput(ctx: BenchContext) {
  const { nodes, inFlight, sla, topology } = throughputSetting(ctx.seed, "auth-throughput");
  const windows = ctx.quick ? 2 : 4;
  const windowMs = ctx.quick ? 1500 : 3000;
  const options = { faas: false, logLevel: "error" as const, run: "bench" };
  const networks = await launchArms(
    { ...ctx, subnet: `${ctx.subnet.split(".")[0]}.${Number(ctx.subnet.split(".")[1]) + 2}` },
    topology,
    options,
  );
  const totals = Object.fromEntries(
    ARMS.map((a) => [
      a.name,
      { auctions: 0, awarded: 0, bids: 0, refusals: 0, ms: 0, marketCpuMs: 0, workersCpuMs: 0 },
    ]),
  ) as Record<
    ArmName,
    Record<"auctions" | "awarded" | "bids" | "refusals" | "ms" | "marketCpuMs" | "workersCpuMs", number>
  >;
  try {
    const random = seededRandom(`endpoint-auth-throughput/${ctx.seed}`);
    const iot = iotNodes(topology);
    for (let w = 0; w < 2 * windows + 2; w++) {
      const arm = ARMS[w % 2]!;
      const network = networks.get(arm.name)!;
      const measured = w >= 2; // the first window of each arm warms it up
      ctx.progress(`throughput: ${arm.name}, window ${w}`);
      const workerCpu = () => network.workers.reduce((sum, x) => sum + processCpuMs(x.pid), 0);
      const cpuStart = { market: process.cpuUsage(), workers: workerCpu() };
      const start = performance.now();
      const end = start + windowMs;
      let done = 0;
      const slot = async () => {
        while (performance.now() < end) {
          const record = await network.market.submit(sla, iot[Math.floor(random() * iot.length)]!);
          done += 1;
          if (!measured) continue;
          const t = totals[arm.name];
          t.bids += record.bids.length;
          t.refusals += record.refusals.length;
          if (record.outcome === "awarded") t.awarded += 1;
        }
      };
      await Promise.all(Array.from({ length: inFlight }, slot));
      if (!measured) continue;
      const used = process.cpuUsage(cpuStart.market);
      const t = totals[arm.name];
      t.auctions += done;
      t.ms += performance.now() - start;
      t.marketCpuMs += (used.user + used.system) / 1000;
      t.workersCpuMs += workerCpu() - cpuStart.workers;
    }
  } finally {
    await Promise.all([...networks.values()].map((n) => n.stop()));
  }
  const figures = (name: ArmName) => {
    const t = totals[name];
    return {
      perS: round((t.auctions * 1000) / Math.max(1, t.ms), 1),
      auctions: t.auctions,
      awardedRatio: round(t.awarded / Math.max(1, t.auctions), 3),
      bidsPerAuction: round(t.bids / Math.max(1, t.auctions), 2),
      refusalsPerAuction: round(t.refusals / Math.max(1, t.auctions), 2),
      marketCpuMs: round(t.marketCpuMs / Math.max(1, t.auctions), 3),
      workersCpuMs: round(t.workersCpuMs / Math.max(1, t.auctions), 3),
    };
  };
  return {
    params: { nodes, inFlight, windowsPerArm: windows, windowMs, seed: ctx.seed, sla, launch: options },
    authenticated: figures("authenticated"),
    unauthenticated: figures("unauthenticated"),
  };
}
