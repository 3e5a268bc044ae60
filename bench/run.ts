/**
 * `npm run bench [-- --only <name,...>] [--quick] [--seed <n>]`: runs the benchmarks one after the other and
 * prints ONE JSON document on stdout (progress goes to stderr), also written to `bench/results/latest.json`.
 * Targets are reported, not asserted: the exit status is 1 only when a benchmark could not run to the end.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { errorMessage, type BenchResult, type Benchmark } from "./common.ts";
import { campaignDefault, orchestrationOverhead } from "./campaign.ts";
import { density } from "./density.ts";
import { deviations } from "./deviations.ts";
import { ingestBench } from "./ingest.ts";
import { iotRate } from "./iot-rate.ts";
import { placementOverhead } from "./placement-overhead.ts";
import { proxyOverhead } from "./proxy-overhead.ts";
import { reportBuild } from "./report-build.ts";
import { throughput } from "./throughput.ts";
import { warmup } from "./warmup.ts";

const BENCHMARKS: Benchmark[] = [
  placementOverhead,
  throughput,
  density,
  warmup,
  proxyOverhead,
  iotRate,
  ingestBench,
  reportBuild,
  orchestrationOverhead,
  campaignDefault,
  deviations,
];
const RESULTS_DIR = fileURLToPath(new URL("./results/", import.meta.url));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      quick: { type: "boolean" },
      seed: { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  const names = BENCHMARKS.map((b) => b.name);
  if (values.help) {
    console.error(`Usage: npm run bench -- [--only <${names.join(",")}>] [--quick] [--seed <n>]`);
    return 0;
  }
  const only = values.only
    ?.split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const unknown = only?.filter((n) => !names.includes(n)) ?? [];
  if (unknown.length > 0) {
    console.error(`Unknown benchmark ${unknown.join(", ")}; expected one of ${names.join(", ")}.`);
    return 2;
  }
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) {
    console.error(`Expected --seed to be an integer, got ${JSON.stringify(values.seed)}.`);
    return 2;
  }
  const quick = values.quick ?? false;
  const selected = BENCHMARKS.filter((b) => only === undefined || only.includes(b.name));
  const startedAt = new Date().toISOString();
  const results: BenchResult[] = [];
  for (const bench of selected) {
    const t0 = performance.now();
    const progress = (message: string) =>
      console.error(`[bench ${bench.name} +${((performance.now() - t0) / 1000).toFixed(1)}s] ${message}`);
    progress(quick ? "starting (quick)" : "starting");
    try {
      const out = await bench.run({ quick, subnet: bench.subnet, seed, progress });
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

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(errorMessage(err));
    process.exitCode = 2;
  },
);
