/**
 * A quick, real comparison of placement strategies on one topology: for each strategy, start the local fog
 * network, place the same seeded chains (each function's auction starts at the node chosen for the previous one,
 * as GIRAFF's replayer does), and summarise placements, deployment time, spending and fairness.
 *
 * This is the first cut of the campaign pipeline; resumable batches, campaigns as dotenv folders and Grid'5000
 * come with the orchestrator's batch runner and providers.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launchFogNetwork } from "../../runtime/launcher/launch.ts";
import type { RunningMarket } from "../../runtime/market/market.ts";
import { parseQuantity } from "../../runtime/protocol/quantities.ts";
import type { Topology } from "../../runtime/protocol/topology.ts";
import { planChains, type PlannedChain } from "./workload.ts";

export interface StrategySummary {
  strategy: string;
  functions: number;
  placed: number;
  unplacedByClass: Record<string, number>;
  meanDeploymentMs: number;
  meanChainSpending: number;
  jainEarnings: number;
}

export async function compareStrategies(
  topology: Topology,
  opts: {
    strategies: string[];
    chainsPerNode: number;
    seed: string;
    outDir: string;
    subnet: string;
    log: (line: string) => void;
  },
): Promise<StrategySummary[]> {
  const chains = planChains(topology, { chainsPerNode: opts.chainsPerNode, seed: opts.seed, durationMs: 120_000 });
  const summaries: StrategySummary[] = [];
  for (const strategy of opts.strategies) {
    const runDir = join(opts.outDir, strategy);
    mkdirSync(runDir, { recursive: true });
    opts.log(`${strategy}: starting ${topology.nodes.length} nodes`);
    const network = await launchFogNetwork(topology, {
      strategy,
      faas: false,
      runDir,
      run: strategy,
      subnet: opts.subnet,
      logLevel: "error",
    });
    try {
      opts.log(`${strategy}: ready after ${Math.round(network.readyAfterMs)} ms, placing ${chains.length} chains`);
      summaries.push(await placeAll(strategy, network.market, topology, chains));
    } finally {
      await network.stop();
    }
  }
  return summaries;
}

async function placeAll(
  strategy: string,
  market: RunningMarket,
  topology: Topology,
  chains: PlannedChain[],
): Promise<StrategySummary> {
  const earnings = new Map(topology.nodes.map((n) => [n.id, 0]));
  const unplacedByClass: Record<string, number> = { "< 15 ms": 0, "15–150 ms": 0, "> 150 ms": 0 };
  let placed = 0;
  let functions = 0;
  let deployMs = 0;
  let spending = 0;
  let completeChains = 0;
  for (const chain of chains) {
    let target = chain.targetNode;
    let chainSpending = 0;
    let complete = true;
    for (const [i, f] of chain.functions.entries()) {
      functions++;
      const record = await market.submit(
        {
          memoryBytes: f.memoryMiB * 2 ** 20,
          cpuMilli: f.cpuMilli,
          latencyMaxMs: f.latencyMaxMs,
          durationMs: chain.durationMs,
          replicas: f.replicas,
          functionImage: `fn_${f.name}`,
          functionLiveName: `${chain.id}-i${i}-${f.name}`,
          dataFlow: [{ from: { dataSource: target }, to: "thisFunction" }],
          envVars: [],
          inputMaxSizeBytes: parseQuantity("memory", f.inputMaxSize, "inputMaxSize"),
        },
        target,
      );
      deployMs += record.durationMs;
      if (record.outcome !== "awarded") {
        unplacedByClass[f.latencyMaxMs < 15 ? "< 15 ms" : f.latencyMaxMs <= 150 ? "15–150 ms" : "> 150 ms"]!++;
        complete = false;
        break; // GIRAFF's replayer aborts the chain at the first refusal
      }
      placed++;
      chainSpending += record.price!;
      earnings.set(record.winner!, earnings.get(record.winner!)! + record.price!);
      target = record.winner!;
    }
    if (complete) {
      completeChains++;
      spending += chainSpending;
    }
  }
  const e = [...earnings.values()];
  const sum = e.reduce((a, b) => a + b, 0);
  const sumSq = e.reduce((a, b) => a + b * b, 0);
  return {
    strategy,
    functions,
    placed,
    unplacedByClass,
    meanDeploymentMs: deployMs / Math.max(1, functions),
    meanChainSpending: spending / Math.max(1, completeChains),
    jainEarnings: sumSq === 0 ? 0 : (sum * sum) / (e.length * sumSq),
  };
}
