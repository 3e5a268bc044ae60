/**
 * A small seeded workload for the quick strategy comparison: from every IoT-connected node, chains shaped like
 * GIRAFF's image pipeline (giraff.md §8), each function's latency bound drawn from the reference's half-normal
 * with the scale of its latency class (§12.1). The full plan generator and replayer (issue 3) supersede this.
 */
import type { Topology } from "../../runtime/protocol/topology.ts";
import { seededRandom } from "../../runtime/util/seeded-random.ts";

export interface ChainFunction {
  name: string;
  memoryMiB: number;
  cpuMilli: number;
  replicas: number;
  inputMaxSize: string;
  /** Scale of the latency class, ms (GIRAFF HEAD: LOW 50, HIGH 75, HIGHER 200). */
  latencyClassMs: number;
}

export interface PlannedChain {
  id: string;
  targetNode: string;
  durationMs: number;
  functions: (ChainFunction & { latencyMaxMs: number })[];
}

// prettier-ignore
export const IMAGE_PIPELINE: ChainFunction[] = [
  { name: "preprocessing", memoryMiB: 120, cpuMilli: 100, replicas: 1, inputMaxSize: "52 Kib", latencyClassMs: 50 },
  { name: "classification", memoryMiB: 800, cpuMilli: 700, replicas: 2, inputMaxSize: "16 KiB", latencyClassMs: 75 },
  { name: "echo", memoryMiB: 40, cpuMilli: 10, replicas: 1, inputMaxSize: "1500 B", latencyClassMs: 200 },
];

export function planChains(
  topology: Topology,
  opts: { chainsPerNode: number; seed: string; durationMs: number },
): PlannedChain[] {
  const random = seededRandom(opts.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const chains: PlannedChain[] = [];
  for (const node of topology.nodes.filter((n) => n.iotConnected)) {
    for (let k = 0; k < opts.chainsPerNode; k++) {
      chains.push({
        id: `${node.name}-${k}`,
        targetNode: node.id,
        durationMs: opts.durationMs,
        functions: IMAGE_PIPELINE.map((f) => ({
          ...f,
          latencyMaxMs: Math.max(1, Math.ceil(Math.abs(normal() * f.latencyClassMs))),
        })),
      });
    }
  }
  return chains;
}
