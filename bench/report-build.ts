/**
 * Report build benchmark: a realistic 100-run campaign (4 strategies × 5 network sizes × 5 repetitions, coherent
 * events from orchestrator/analysis/synthetic/campaign.ts: 20 000 events per run, 2 000 with --quick) is ingested,
 * then the Observable Framework report is built offline exactly as `npm run report` does (notebooks/build.ts).
 * Reports the build seconds and, separately, the ingestion seconds, with the process CPU time (the build's child
 * processes included) and the load average, since the machine is shared.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { noopAnalysisEffects } from "../orchestrator/analysis/effects.ts";
import { ingestCampaign } from "../orchestrator/analysis/ingest.ts";
import { writeSyntheticCampaign } from "../orchestrator/analysis/synthetic/campaign.ts";
import { buildReport } from "../notebooks/build.ts";
import { round, type Benchmark } from "./common.ts";

const CAMPAIGN = { strategies: ["auction", "random", "lowest-latency", "edge-first"], sizes: [1, 2, 3, 4, 5] };

/**
 * CPU seconds of this process (DuckDB's threads included) and of its terminated, waited-for children: the
 * `observable build` process and the loaders it ran (cutime + cstime of /proc/self/stat, in 1/100 s ticks).
 */
function cpuSeconds(): number {
  const own = process.cpuUsage();
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (own.user + own.system) / 1e6 + (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Bytes of every file under `dir`. */
function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? treeBytes(path) : statSync(path).size;
  }
  return total;
}

export const reportBuild: Benchmark = {
  name: "report-build",
  subnet: "127.208",
  async run(ctx) {
    const repetitions = 5;
    const eventsPerRun = ctx.quick ? 2_000 : 20_000;
    const dir = mkdtempSync(join(tmpdir(), "bench-report-"));
    try {
      ctx.progress(`generating ${CAMPAIGN.strategies.length * CAMPAIGN.sizes.length * repetitions} runs`);
      const campaign = await writeSyntheticCampaign(dir, { ...CAMPAIGN, repetitions, eventsPerRun, seed: ctx.seed });
      ctx.progress(`ingesting ${campaign.events} events`);
      const load = { before: round(loadavg()[0]!, 2), afterIngest: 0, after: 0 };
      const c0 = cpuSeconds();
      const t0 = performance.now();
      const ingest = await ingestCampaign(dir, { effects: noopAnalysisEffects });
      const ingestMs = performance.now() - t0;
      const c1 = cpuSeconds();
      load.afterIngest = round(loadavg()[0]!, 2)!;
      ctx.progress(`ingested in ${Math.round(ingestMs)} ms; building the report`);
      const b0 = performance.now();
      const report = await buildReport(dir, { stdout: "stderr" });
      const buildMs = performance.now() - b0;
      const c2 = cpuSeconds();
      load.after = round(loadavg()[0]!, 2)!;
      return {
        params: {
          runs: campaign.runs.length,
          ...CAMPAIGN,
          repetitions,
          eventsPerRun,
          events: campaign.events,
          quick: ctx.quick,
        },
        figures: {
          buildS: round(buildMs / 1000, 2),
          ingestS: round(ingestMs / 1000, 2),
          totalS: round((ingestMs + buildMs) / 1000, 2),
          buildCpuS: round(c2 - c1, 2),
          ingestCpuS: round(c1 - c0, 2),
          reportMiB: round(treeBytes(report) / 2 ** 20, 1),
        },
        details: {
          ingestedEvents: ingest.events,
          invalidLines: ingest.invalidLines,
          loadAverage1m: load,
        },
        targets: [],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
