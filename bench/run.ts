/**
 * `npm run bench [-- [--only <name,...>] [--quick] [--seed <n>] [--dry-run]]`: runs the benchmarks one after the
 * other and prints ONE JSON document on stdout (progress goes to stderr), also written to
 * `bench/results/latest.json`. Targets are reported, not asserted: the exit status is 1 only when a benchmark could
 * not run to the end; 2 for a bad command line. `--dry-run` prints the selection as JSON and runs nothing.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { consoleIo, isMain, runCommandLine, UsageError, type CliIo } from "../runtime/util/cli.ts";
import { errorMessage, type BenchResult, type Benchmark } from "./common.ts";
import { campaignDefault, orchestrationOverhead } from "./campaign.ts";
import { density } from "./density.ts";
import { endpointAuth } from "./endpoint-auth.ts";
import { deviations } from "./deviations.ts";
import { ingestBench } from "./ingest.ts";
import { iotRate } from "./iot-rate.ts";
import { placementOverhead } from "./placement-overhead.ts";
import { proxyOverhead } from "./proxy-overhead.ts";
import { reportBuild } from "./report-build.ts";
import { SCALE_SIZES, scaleBenchmark } from "./scale.ts";
import { scaleGrowth } from "./scale-growth.ts";
import { throughput } from "./throughput.ts";
import { warmup } from "./warmup.ts";

const BENCHMARKS: Benchmark[] = [
  placementOverhead,
  throughput,
  endpointAuth,
  density,
  warmup,
  proxyOverhead,
  iotRate,
  ingestBench,
  reportBuild,
  orchestrationOverhead,
  campaignDefault,
  deviations,
  // one loopback /16 per size: a network's addresses must not meet the next one's half-closed sockets
  ...SCALE_SIZES.map((n, i) => scaleBenchmark(n, `127.${220 + i}`)),
  scaleGrowth,
];
const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));

const NAMES = BENCHMARKS.map((b) => b.name);
const SETS = [...new Set(BENCHMARKS.flatMap((b) => (b.set === undefined ? [] : [b.set])))];

const USAGE = `Usage: npm run -s bench [-- [--only <name,...>] [--quick] [--seed <n>] [--dry-run]]

  --only <names>   these benchmarks only, comma-separated: ${NAMES.join(", ")};
                   or a set of them: ${SETS.join(", ")}
  --quick          smaller sizes, for a smoke test
  --seed <n>       topology and target draw (default 1)
  --dry-run        print the selection as JSON; run nothing
  --help           this text`;

export async function main(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  const options = {
    only: { type: "string" },
    quick: { type: "boolean" },
    seed: { type: "string" },
    "dry-run": { type: "boolean" },
  } as const;
  return runCommandLine(argv, USAGE, { options }, io, async ({ values }) => {
    const only = values.only
      ?.split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    const unknown = only?.filter((n) => !NAMES.includes(n) && !SETS.includes(n)) ?? [];
    if (unknown.length > 0) throw new UsageError(`Unknown benchmark ${unknown.join(", ")} for --only.`);
    const seed = values.seed === undefined ? 1 : Number(values.seed);
    if (values.seed?.trim() === "" || !Number.isInteger(seed))
      throw new UsageError(`Expected --seed to be an integer, got ${JSON.stringify(values.seed)}.`);
    const quick = values.quick ?? false;
    const selected = BENCHMARKS.filter(
      (b) =>
        (only === undefined || only.includes(b.name) || (b.set !== undefined && only.includes(b.set))) &&
        !(quick && b.skipWhenQuick === true),
    );
    if (values["dry-run"]) {
      const names = selected.map((b) => b.name);
      io.out(JSON.stringify({ schema: "giraff-ts-bench/1", dryRun: true, quick, seed, benchmarks: names }, null, 2));
      return 0;
    }
    return runBenchmarks(selected, quick, seed);
  });
}

async function runBenchmarks(selected: Benchmark[], quick: boolean, seed: number): Promise<number> {
  const startedAt = new Date().toISOString();
  const results: BenchResult[] = [];
  for (const bench of selected) {
    const t0 = performance.now();
    const progress = (message: string) =>
      console.error(`[bench ${bench.name} +${((performance.now() - t0) / 1000).toFixed(1)}s] ${message}`);
    progress(quick ? "starting (quick)" : "starting");
    try {
      const out = await bench.run({ quick, subnet: bench.subnet, seed, progress, earlier: results });
      const wallMs = Math.round(performance.now() - t0);
      results.push({
        name: bench.name,
        completed: true,
        ...out,
        allTargetsMet: out.targets.every((t) => t.met),
        wallMs,
      });
      progress(
        `done: ${out.targets.map((t) => `${t.figure} ${t.actual} ${t.op} ${t.value} ${t.unit} ${t.met ? "met" : "MISSED"}`).join("; ")}`,
      );
    } catch (err) {
      progress(`failed: ${err instanceof Error ? (err.stack ?? err.message) : errorMessage(err)}`);
      const wallMs = Math.round(performance.now() - t0);
      results.push({
        name: bench.name,
        completed: false,
        error: errorMessage(err),
        params: {},
        figures: {},
        details: {},
        targets: [],
        allTargetsMet: false,
        wallMs,
      });
    }
  }
  const document = {
    schema: "giraff-ts-bench/1",
    startedAt,
    finishedAt: new Date().toISOString(),
    quick,
    seed,
    host: {
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memGiB: Math.round(totalmem() / 2 ** 30),
    },
    allTargetsMet: results.every((r) => r.allTargetsMet),
    benchmarks: Object.fromEntries(results.map((r) => [r.name, r])),
  };
  const text = `${JSON.stringify(document, null, 2)}\n`;
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}latest.json`, text);
  process.stdout.write(text);
  return results.every((r) => r.completed) ? 0 : 1;
}

if (isMain(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(errorMessage(err));
      process.exitCode = 2;
    },
  );
}
