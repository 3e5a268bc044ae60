/**
 * `npx zx run-campaign.mjs [--topology <file>] [--strategies a,b] [--chains <n>] [--seed <s>]`: compares placement
 * strategies on a local fog network and prints one line per strategy. Exit status 2 for bad options.
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { ConfigError, ProtocolError } from "../../runtime/protocol/errors.ts";
import { loadTopology } from "../../runtime/protocol/topology.ts";
import { STRATEGIES, strategy as strategyByName } from "../../runtime/strategies/index.ts";
import { compareStrategies, type StrategySummary } from "./compare-strategies.ts";

const DEFAULT_TOPOLOGY = "experiments/topologies/dev.json";

export async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        topology: { type: "string", default: DEFAULT_TOPOLOGY },
        strategies: { type: "string", default: Object.keys(STRATEGIES).join(",") },
        chains: { type: "string", default: "2" },
        seed: { type: "string", default: "giraff" },
        out: { type: "string" },
        subnet: { type: "string", default: "127.88" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const chains = Number(values.chains);
  if (!Number.isInteger(chains) || chains < 1) {
    console.error(`Expected --chains to be a positive integer, got ${JSON.stringify(values.chains)}.`);
    return 2;
  }
  try {
    const strategies = values.strategies.split(",").filter(Boolean);
    for (const s of strategies) strategyByName(s);
    const topology = loadTopology(values.topology);
    const outDir = values.out ?? join("metrics-arks", "quick-compare", new Date().toISOString().replace(/[:.]/g, "-"));
    const summaries = await compareStrategies(topology, {
      strategies,
      chainsPerNode: chains,
      seed: values.seed,
      outDir,
      subnet: values.subnet,
      log: (line) => console.error(line),
    });
    console.log(formatTable(summaries));
    console.error(`Events and logs: ${outDir}/<strategy>/`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ProtocolError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }
}

export function formatTable(rows: StrategySummary[]): string {
  const header = ["strategy", "placed", "unplaced <15ms", "15–150ms", ">150ms", "deploy ms", "spend/chain", "Jain"];
  const lines = rows.map((r) => [
    r.strategy,
    `${r.placed}/${r.functions}`,
    String(r.unplacedByClass["< 15 ms"]),
    String(r.unplacedByClass["15–150 ms"]),
    String(r.unplacedByClass["> 150 ms"]),
    r.meanDeploymentMs.toFixed(1),
    r.meanChainSpending.toFixed(3),
    r.jainEarnings.toFixed(3),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  return [row(header), row(widths.map((w) => "-".repeat(w))), ...lines.map(row)].join("\n");
}
