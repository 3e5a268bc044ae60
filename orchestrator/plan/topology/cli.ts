/**
 * `npx tsx orchestrator/plan/topology/cli.ts --preset current --size-multiplier 1 --seed 42 [--min-nodes N]
 * [--max-hosts N] [--cluster gros] [--attempts N] [--out file.json]`: draws a GIRAFF topology, prints a summary
 * and saves it. Exit status: 0 on success, 2 for a bad option, 122 for too few fog nodes and 123 for too many
 * hosts (GIRAFF's codes, so a GNU-Parallel-style retry loop reads them the same way).
 */
import { ConfigError } from "../../../runtime/protocol/errors.ts";
import type { Topology } from "../../../runtime/protocol/topology.ts";
import {
  consoleIo,
  isMain,
  runCommandLine,
  CliError,
  UsageError,
  type CliIo,
  type ParsedCommandLine,
} from "../../../runtime/util/cli.ts";
import { fogNodeCount, isTopologyCheckError } from "./checks.ts";
import { DEFAULT_CLUSTER } from "./options.ts";
import { isClusterName, packHosts, type ClusterName } from "./pack-hosts.ts";
import { isPresetName } from "./presets.ts";
import { generateTopologyWithRetries, type RetriedTopology } from "./retries.ts";
import { saveTopology } from "./save.ts";

/** Option names by the generator field their errors name. */
const FLAG_OF: Record<string, string> = {
  preset: "--preset",
  sizeMultiplier: "--size-multiplier",
  seed: "--seed",
  minNodes: "--min-nodes",
  maxHosts: "--max-hosts",
  cluster: "--cluster",
};

const USAGE = `Usage: npx tsx orchestrator/plan/topology/cli.ts [options]

  --preset current|paper     GIRAFF's tiers: HEAD's or the Euro-Par paper's (default current)
  --size-multiplier <x>      SIZE_MULTIPLIER (default 1)
  --seed <seed>              an integer or any string (default 1)
  --min-nodes <n>            fewest fog nodes accepted (exit 122 below)
  --max-hosts <n>            most hosts accepted on the cluster (exit 123 above)
  --cluster gros|parasilo|ecotype   the Grid'5000 cluster the hosts are counted on (default ${DEFAULT_CLUSTER})
  --attempts <n>             draws with seed#2, seed#3, … after a 122 or 123 (default 1)
  --out <file.json>          save the topology there
  --help                     this text`;

const OPTIONS = {
  preset: { type: "string", default: "current" },
  "size-multiplier": { type: "string", default: "1" },
  seed: { type: "string", default: "1" },
  "min-nodes": { type: "string" },
  "max-hosts": { type: "string" },
  cluster: { type: "string", default: DEFAULT_CLUSTER },
  attempts: { type: "string", default: "1" },
  out: { type: "string" },
} as const;

/** Runs the CLI on `args`; returns the exit status. */
export async function main(args: readonly string[], io: CliIo = consoleIo): Promise<number> {
  return runCommandLine(args, USAGE, { options: OPTIONS }, io, async ({ values }) => {
    try {
      const opts = checkOptions(values);
      const result = generateTopologyWithRetries(opts);
      if (opts.out !== undefined) await saveTopology(opts.out, result.topology);
      for (const line of summary(result, opts.cluster, opts.out)) io.out(line);
      return 0;
    } catch (e) {
      if (e instanceof ConfigError) {
        const flag = FLAG_OF[e.field];
        const named = `\`${e.field}\``;
        const message =
          flag === undefined
            ? e.message
            : e.message.includes(named)
              ? e.message.replaceAll(named, flag)
              : `${flag}: ${e.message}`;
        throw new CliError(message, { exitCode: 2, cause: e });
      }
      if (isTopologyCheckError(e)) throw CliError.from(e); // 122 or 123, GIRAFF's codes
      throw e;
    }
  });
}

interface CliOptions {
  preset: "current" | "paper";
  sizeMultiplier: number;
  seed: string | number;
  minNodes: number | undefined;
  maxHosts: number | undefined;
  cluster: ClusterName;
  attempts: number;
  out: string | undefined;
}

function checkOptions(values: ParsedCommandLine<{ options: typeof OPTIONS }>["values"]): CliOptions {
  const preset = values.preset;
  if (!isPresetName(preset))
    throw new UsageError(`Expected --preset to be current or paper, got ${JSON.stringify(preset)}.`);
  const cluster = values.cluster;
  if (!isClusterName(cluster)) {
    throw new UsageError(`Expected --cluster to be gros, parasilo or ecotype, got ${JSON.stringify(cluster)}.`);
  }
  if (values.seed === "")
    throw new UsageError("Expected --seed to be a non-empty string or an integer, got an empty string.");
  return {
    preset,
    sizeMultiplier: number("--size-multiplier", values["size-multiplier"], "a positive number", (n) => n > 0),
    // GIRAFF's RANDOM_SEED is an integer; keep integers as numbers so the saved `seed` reads as one.
    seed: /^-?\d{1,15}$/.test(values.seed) ? Number(values.seed) : values.seed,
    minNodes: optionalInt("--min-nodes", values["min-nodes"], 0),
    maxHosts: optionalInt("--max-hosts", values["max-hosts"], 1),
    cluster,
    attempts: optionalInt("--attempts", values.attempts, 1)!,
    out: values.out,
  };
}

function number(flag: string, text: string, rule: string, ok: (n: number) => boolean): number {
  const n = text.trim() === "" ? NaN : Number(text);
  if (!Number.isFinite(n) || !ok(n))
    throw new UsageError(`Expected ${flag} to be ${rule}, got ${JSON.stringify(text)}.`);
  return n;
}

function optionalInt(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const rule = min === 0 ? "a non-negative integer" : "a positive integer";
  return number(flag, text, rule, (n) => Number.isInteger(n) && n >= min);
}

function summary(result: RetriedTopology, cluster: ClusterName, out: string | undefined): string[] {
  const t: Topology = result.topology;
  const perLevel = new Map<number, number>();
  for (const n of t.nodes) perLevel.set(n.level, (perLevel.get(n.level) ?? 0) + 1);
  const levels = [...perLevel.entries()].sort((a, b) => a[0] - b[0]).map(([level, count]) => `${level}: ${count}`);
  const retried = result.attempt > 1 ? ` (attempt ${result.attempt})` : "";
  return [
    `${t.name}: ${t.nodes.length} nodes, ${fogNodeCount(t)} fog nodes, seed ${result.seed}${retried}`,
    `  nodes per level: ${levels.join(", ")}`,
    `  IoT-connected: ${t.nodes.filter((n) => n.iotConnected).length}`,
    `  hosts on ${cluster}: ${hostsLine(t, cluster)}`,
    out === undefined ? "  not saved (no --out)" : `  saved to ${out}`,
  ];
}

function hostsLine(t: Topology, cluster: ClusterName): string {
  try {
    const packing = packHosts(t, cluster);
    return `${packing.hostsNeeded} (${packing.hosts.length} for the VMs + ${packing.iotHosts} for the IoT emulator)`;
  } catch (err) {
    if (err instanceof ConfigError) return `cannot pack: ${err.message}`;
    throw err;
  }
}

if (isMain(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
