/**
 * `throughput`: auctions per second the runtime sustains when the network costs nothing. A 50-node tree with
 * every link at 0 ms; a fixed number of auctions kept in flight (each submitted as the previous one in its
 * slot ends) for a fixed time, from random IoT-connected targets.
 *
 * Every node is in reach over 0 ms links, so the SLA's latencyMax is generous (10 s): with a realistic one, the
 * latency screen acts on measurement noise (estimates inflated by start-up and by the load itself) and floods
 * stop at the target, which would flatter the figure. `exploredNodesMean` shows how far floods went.
 *
 * CPU per auction (the market's process and the node workers') is reported too: on a shared machine the rate
 * depends on what else runs, the CPU an auction costs much less.
 */
import { launchFogNetwork } from "../runtime/launcher/launch.ts";
import { seededRandom } from "../runtime/util/seeded-random.ts";
import { benchSla, exploredRegion, histogram, iotNodes, round, summary, target, type Benchmark } from "./common.ts";
import { processCpuMs } from "./process-rss.ts";
import { benchTree } from "./tree.ts";

/**
 * The setting of this benchmark, which `endpoint-auth` measures too: a 50-node tree on 0 ms links, 32 auctions in
 * flight, SLAs of 1 s under the generous latencyMax above. `slaId` names the SLA of the benchmark that uses it.
 */
export function throughputSetting(seed: number, slaId: string) {
  const nodes = 50;
  return {
    nodes,
    inFlight: 32,
    sla: benchSla(slaId, { latencyMaxMs: 10_000, durationMs: 1000 }),
    topology: benchTree({ nodes, seed, zeroLatency: true }),
  };
}

export const throughput: Benchmark = {
  name: "throughput",
  subnet: "127.202",
  async run(ctx) {
    const { nodes, inFlight, sla, topology } = throughputSetting(ctx.seed, "throughput");
    const durationMs = ctx.quick ? 3000 : 10_000;
    const warmupMs = ctx.quick ? 500 : 1000;
    const random = seededRandom(`throughput/${ctx.seed}`);
    const iot = iotNodes(topology);

    ctx.progress(`launching ${nodes} nodes (0 ms links)`);
    const options = { subnet: ctx.subnet, faas: false, logLevel: "error" as const, run: "bench" };
    const network = await launchFogNetwork(topology, options, { onProgress: ctx.progress });
    const latencies: number[] = [];
    const bids: number[] = [];
    const explored: number[] = [];
    const outcomes: string[] = [];
    const reasons: string[] = [];
    const measuredMs = durationMs;
    let used: { marketMs: number; workersMs: number } | undefined;
    let submitted = 0;
    try {
      ctx.progress(
        `ready after ${Math.round(network.readyAfterMs)} ms; ${inFlight} in flight for ${warmupMs} + ${durationMs} ms`,
      );
      const start = performance.now();
      const measureFrom = start + warmupMs;
      const end = measureFrom + durationMs;
      const workerCpu = () => network.workers.reduce((sum, w) => sum + processCpuMs(w.pid), 0);
      const cpuAtStart = { market: process.cpuUsage(), workersMs: workerCpu() };
      const cpu = () => ({
        marketMs: cpuMs(process.cpuUsage(cpuAtStart.market)),
        workersMs: workerCpu() - cpuAtStart.workersMs,
      });
      const slot = async () => {
        while (performance.now() < end) {
          const targetNode = iot[Math.floor(random() * iot.length)]!;
          const t = performance.now();
          const record = await network.market.submit(sla, targetNode);
          submitted += 1;
          const done = performance.now();
          // throughput = auctions completed inside the window (long auctions that started before it count too)
          if (done < measureFrom || done > end) continue;
          latencies.push(done - t);
          bids.push(record.bids.length);
          explored.push(exploredRegion(topology, record).nodes);
          outcomes.push(record.outcome);
          for (const r of record.refusals) reasons.push(r.reason);
          if (record.reason !== undefined) reasons.push(`market: ${record.reason}`);
        }
      };
      await Promise.all(Array.from({ length: inFlight }, slot));
      used = cpu();
    } finally {
      await network.stop();
    }
    const perS = measuredMs > 0 ? (latencies.length * 1000) / measuredMs : null;
    const awarded = outcomes.filter((o) => o === "awarded").length;
    return {
      params: { nodes, inFlight, durationMs, warmupMs, seed: ctx.seed, sla, launch: options, iotTargets: iot.length },
      figures: {
        auctionsPerS: round(perS, 1),
        awardedPerS: round(measuredMs > 0 ? (awarded * 1000) / measuredMs : null, 1),
        auctions: latencies.length,
        bidsPerAuctionMean: round(bids.reduce((s, b) => s + b, 0) / Math.max(1, bids.length), 2),
        exploredNodesMean: round(explored.reduce((s, b) => s + b, 0) / Math.max(1, explored.length), 2),
        auctionP50Ms: summary(latencies).p50 ?? null,
        auctionP99Ms: summary(latencies).p99 ?? null,
        readyAfterMs: round(network.readyAfterMs, 0),
        // CPU per auction over the whole run (warm-up included), which depends far less on other load than the rate
        marketCpuMsPerAuction: used === undefined ? null : round(used.marketMs / Math.max(1, submitted), 3),
        workersCpuMsPerAuction: used === undefined ? null : round(used.workersMs / Math.max(1, submitted), 3),
        workers: network.workers.length,
      },
      details: {
        auctionMs: summary(latencies),
        bidsPerAuction: summary(bids),
        exploredNodes: summary(explored),
        outcomes: histogram(outcomes),
        refusalReasons: histogram(reasons),
      },
      targets: [target("auctionsPerS", ">=", 500, "auctions/s", round(perS, 1))],
    };
  },
};

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}
