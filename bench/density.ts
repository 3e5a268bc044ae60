/**
 * `density`: memory of a GIRAFF-size network (663 nodes, placement only) on this machine: the resident set of
 * the launcher process (this one, which also hosts the market) plus every node worker it forked. One auction
 * must succeed on the network for the figure to count.
 */
import { launchFogNetwork } from "../runtime/launcher/launch.ts";
import { seededRandom } from "../runtime/util/seeded-random.ts";
import { benchSla, exploredRegion, iotNodes, round, target, type Benchmark } from "./common.ts";
import { processTreeRss } from "./process-rss.ts";
import { benchTree } from "./tree.ts";

const GiB = 2 ** 30;

export const density: Benchmark = {
  name: "density",
  subnet: "127.203",
  async run(ctx) {
    const nodes = ctx.quick ? 200 : 663;
    const topology = benchTree({ nodes, seed: ctx.seed });
    const random = seededRandom(`density/${ctx.seed}`);
    const iot = iotNodes(topology);
    const before = processTreeRss();

    ctx.progress(`launching ${nodes} nodes`);
    const options = { subnet: ctx.subnet, faas: false, logLevel: "error" as const, run: "bench" };
    const network = await launchFogNetwork(topology, options, { onProgress: ctx.progress });
    try {
      const targetNode = iot[Math.floor(random() * iot.length)]!;
      const record = await network.market.submit(benchSla("density", { latencyMaxMs: 200 }), targetNode);
      ctx.progress(
        `ready after ${Math.round(network.readyAfterMs)} ms; auction ${record.outcome} with ${record.bids.length} bids`,
      );
      const processes = processTreeRss();
      const launcher = processes[0]!;
      // tsx runs an esbuild service as a child of this process: counted in the total, not as a node worker
      const workers = processes.slice(1).filter((p) => p.command !== "esbuild");
      const totalKiB = processes.reduce((s, p) => s + p.rssKiB, 0);
      const totalGiB = (totalKiB * 1024) / GiB;
      const awarded = record.outcome === "awarded";
      return {
        params: { nodes, seed: ctx.seed, launch: options },
        figures: {
          totalRssMiB: round(totalKiB / 1024, 1),
          totalRssGiB: round(totalGiB, 3),
          rssPerNodeMiB: round(totalKiB / 1024 / nodes, 2),
          launcherRssMiB: round(launcher.rssKiB / 1024, 1),
          launcherRssBeforeLaunchMiB: round((before[0]?.rssKiB ?? 0) / 1024, 1),
          workerProcesses: workers.length,
          workerRssMeanMiB: round(workers.reduce((s, p) => s + p.rssKiB, 0) / 1024 / Math.max(1, workers.length), 1),
          readyAfterMs: round(network.readyAfterMs, 0),
          auctionAwarded: awarded ? 1 : 0,
          auctionBids: record.bids.length,
          auctionExploredNodes: exploredRegion(topology, record).nodes,
        },
        details: {
          processes: processes.map((p) => ({ ...p, rssMiB: round(p.rssKiB / 1024, 1) })),
          auction: {
            targetNode,
            outcome: record.outcome,
            reason: record.reason ?? null,
            durationMs: record.durationMs,
          },
        },
        targets: [
          // the figure only counts when the network works
          target("totalRssGiB", "<=", 8, "GiB", awarded ? round(totalGiB, 3) : null),
          target("auctionAwarded", ">=", 1, "awarded auction", awarded ? 1 : 0),
        ],
      };
    } finally {
      await network.stop();
    }
  },
};
