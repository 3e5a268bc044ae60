/**
 * A synthetic campaign with the shape of a real one, for benchmarks: runs of several strategies × network sizes ×
 * repetitions, each with manifest.json, topology.json, plan.json and coherent events (every function's SLA is
 * submitted, bid on, auctioned, paid, provisioned and live; requests go through the chain's proxies; nodes report
 * resources and neighbour latencies), so every metric view and every report page has data. Deterministic: a
 * seeded PRNG, no clock. Not a fixture with known answers (that is ../testing/fixtures.ts). One run: run.ts.
 */
import { join } from "node:path";
import { writeRun } from "./run.ts";

export interface SyntheticCampaignOptions {
  strategies?: readonly string[];
  /** Network size multipliers; a run has 10 × multiplier nodes. */
  sizes?: readonly number[];
  repetitions?: number;
  /** Approximate metric events per run (proxy hops make up most of them). */
  eventsPerRun?: number;
  seed?: number;
}

export interface SyntheticCampaign {
  runs: string[];
  events: number;
}

const DEFAULTS: Required<SyntheticCampaignOptions> = {
  strategies: ["auction", "random", "lowest-latency", "edge-first"],
  sizes: [1, 2, 3, 4, 5],
  repetitions: 5,
  eventsPerRun: 20_000,
  seed: 1,
};

/** Writes `runs × strategies` run directories under `dir`; answers their keys and the events written. */
export async function writeSyntheticCampaign(
  dir: string,
  options: SyntheticCampaignOptions = {},
): Promise<SyntheticCampaign> {
  const o = { ...DEFAULTS, ...options };
  const keys: string[] = [];
  let events = 0;
  for (const size of o.sizes) {
    for (let repetition = 1; repetition <= o.repetitions; repetition++) {
      for (const strategy of o.strategies) {
        const key = `x${size}-r${repetition}-base-${strategy}`;
        // The network and workload depend on size and repetition only, as in a real campaign.
        events += await writeRun(
          join(dir, key),
          { key, strategy, size, repetition },
          o.eventsPerRun,
          o.seed * 1000 + size * 100 + repetition,
        );
        keys.push(key);
      }
    }
  }
  return { runs: keys, events };
}
