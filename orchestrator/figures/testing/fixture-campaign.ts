/**
 * A hand-made campaign of several strategies on networks of one or several sizes, for the report's strategies page
 * (notebooks/strategies.test.ts): every figure of the page gets runs with different values, intervals (two
 * repetitions per strategy and size), paired spending and run groups for the comparison relative to GIRAFF. Built
 * from the analysis fixture's event helpers; each chain has one function (bound 100 ms, target n1).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  awarded,
  bid,
  F1,
  hop,
  sla,
  submit,
  writeRunWithTopology,
  type Line,
} from "../../analysis/testing/fixtures.ts";

/** A star network of `size` nodes: n0 the root, n1 … n(size−1) under it (10 ms links). */
function starTopology(size: number): unknown[] {
  return Array.from({ length: size }, (_, i) => ({
    id: `n${i}`,
    name: i === 0 ? "cloud" : `edge${i}`,
    level: i === 0 ? 0 : 1,
    parent: i === 0 ? null : "n0",
    link: i === 0 ? null : { latencyMs: 10, rateBps: 1e9, lossPct: 0 },
    flavor: { cores: 2, memMiB: 4096, reservedCores: 1, reservedMemMiB: 2048 },
  }));
}

export interface StrategiesCampaign {
  strategies: readonly string[];
  sizes: readonly number[];
  repetitions: number;
}

/**
 * Writes one run per strategy × size × repetition: key `<strategy>-<size>-r<repetition>`, four chains. The values
 * follow the strategy's position `s`, the size and the repetition `r`, so that means and intervals differ:
 * - spending: chain c of strategy s costs 1 + s + c/2 + r/4 + size/10 (own bid; the market charges 1 more);
 * - unplaced: strategy s refuses its last chain when s is odd, and its third too in repetition 2 when s ≡ 1 mod 3;
 * - latency: the hop of chain c takes 5 + 3s + c + 2r ms; from strategy 3 on the first chain is late (150 + s ms).
 */
export function writeStrategiesCampaign(campaign: string, spec: StrategiesCampaign): string[] {
  const keys: string[] = [];
  spec.strategies.forEach((strategy, s) => {
    for (const size of spec.sizes) {
      for (let r = 1; r <= spec.repetitions; r++) {
        const key = `${strategy}-${size}-r${r}`;
        keys.push(key);
        writeStrategyRun(campaign, key, strategy, size, r, (c) => {
          const refused = c === 3 ? s % 2 === 1 : c === 2 && r === 2 && s % 3 === 1;
          return {
            price: refused ? undefined : 1 + s + c / 2 + r / 4 + size / 10,
            inFlight: c === 0 && s >= 3 ? 150 + s : 5 + 3 * s + c + 2 * r,
          };
        });
      }
    }
  });
  return keys;
}

function writeStrategyRun(
  campaign: string,
  key: string,
  strategy: string,
  size: number,
  repetition: number,
  chain: (c: number) => { price: number | undefined; inFlight: number },
): void {
  const market: Line[] = [];
  const nodes: Line[] = [];
  const replay: Line[] = [];
  const iot: Line[] = [];
  for (let c = 0; c < 4; c++) {
    const { price, inFlight } = chain(c);
    const slaId = `${key}-c${c}`;
    market.push(sla(slaId, F1, 100, 10 + c));
    if (price !== undefined) {
      market.push(awarded(slaId, F1, 20 + c, 5, ["n1", `b-${slaId}`, price, price + 1]));
      nodes.push(bid(slaId, "n1", `b-${slaId}`, price, price));
    }
    replay.push(submit(`c${c}`, 0, slaId));
    const rx = 1000 * (c + 1);
    iot.push(
      hop(`${slaId}-r`, slaId, true, rx, rx + 250),
      hop(`${slaId}-r`, slaId, false, rx + inFlight, rx + inFlight + 5),
    );
  }
  // `size` doubles as the size multiplier, so runs of different sizes never share a plan (nor a run group).
  const params = {
    strategy: { strategy, valuation: "quadratic", marketRule: "second-price" },
    size,
    repetition,
    variation: "base",
  };
  const plan = {
    version: 1,
    chains: [0, 1, 2, 3].map((c) => ({
      id: `c${c}`,
      pipeline: "x",
      targetNodeId: "n1",
      arrivalS: 0,
      durationMs: 60000,
      functions: [{ index: 0, name: `c${c}-f0`, latencyMaxMs: 100 }],
    })),
  };
  const dir = writeRunWithTopology(
    campaign,
    key,
    params,
    { market, "nodes-0": nodes, replay, iot },
    starTopology(size),
  );
  writeFileSync(join(dir, "plan.json"), JSON.stringify(plan));
}
