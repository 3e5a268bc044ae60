/**
 * Campaign benchmarks.
 *
 * `orchestration-overhead`: what the batch runner costs per run when the scenario is empty: the joblog and
 * runs.jsonl appends, the temporary run directory, its manifest with checksums, the rename. Target ≤ 0.5 s per
 * run; the baseline is the same empty work done in a plain loop, in the same run.
 *
 * `campaign-default`: the wall time of `experiments/default` on this machine with the local provider, its run
 * count and per-run time. Target ≤ 10 minutes. Long (minutes): runs in the full mode only.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quietEffects, runBatch } from "../orchestrator/batch/index.ts";
import { runCampaign } from "../orchestrator/campaign/run/run-campaign.ts";
import { round, target, type Benchmark } from "./common.ts";

export const orchestrationOverhead: Benchmark = {
  name: "orchestration-overhead",
  subnet: "127.207",
  async run(ctx) {
    const runs = ctx.quick ? 20 : 100;
    const dir = mkdtempSync(join(tmpdir(), "bench-batch-"));
    try {
      const payload = "x".repeat(4096);
      const t0 = performance.now();
      const summary = await runBatch({
        dir,
        effects: quietEffects,
        jobs: Array.from({ length: runs }, (_, i) => ({
          key: `run${i}`,
          params: { i },
          run: async (run) => {
            writeFileSync(join(run.runDir, "scenario.json"), payload);
          },
        })),
      });
      const batchMs = performance.now() - t0;
      // baseline: the scenario's own work alone, in a plain loop
      const base = join(dir, "baseline");
      const t1 = performance.now();
      for (let i = 0; i < runs; i++) {
        mkdirSync(join(base, `run${i}`), { recursive: true });
        writeFileSync(join(base, `run${i}`, "scenario.json"), payload);
      }
      const baselineMs = performance.now() - t1;
      const perRunMs = (batchMs - baselineMs) / runs;
      return {
        params: { runs, scenario: "write one 4 KiB file" },
        figures: { perRunOverheadMs: round(perRunMs, 2), batchMs: round(batchMs, 0), succeeded: summary.succeeded },
        details: {},
        targets: [target("perRunOverheadMs", "<=", 500, "ms", round(perRunMs, 2))],
        baseline: {
          what: "the same empty scenarios in a plain loop",
          figures: { ms: round(baselineMs, 1) },
          ratio: { what: "batch time / plain loop time", value: round(batchMs / Math.max(baselineMs, 0.001), 1) },
        },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export const campaignDefault: Benchmark = {
  name: "campaign-default",
  subnet: "127.208",
  async run(ctx) {
    if (ctx.quick) {
      return {
        params: { skipped: "quick mode: the default campaign takes minutes; run without --quick" },
        figures: {} as Record<string, number | null>,
        details: {},
        targets: [],
      };
    }
    const out = mkdtempSync(join(tmpdir(), "bench-campaign-"));
    try {
      const t0 = performance.now();
      const { summary } = await runCampaign({
        folder: "experiments/default",
        out,
        mode: "fresh",
        force: false,
        retries: 1,
        halt: "never",
        dryRun: false,
        print: () => {},
        log: (line) => ctx.progress(line),
      });
      const wallMs = performance.now() - t0;
      const runs = summary?.succeeded ?? 0;
      return {
        params: { campaign: "experiments/default", provider: "local" },
        figures: {
          wallS: round(wallMs / 1000, 1),
          runs,
          failed: summary?.failed ?? 0,
          perRunS: round(wallMs / 1000 / Math.max(1, runs), 1),
        },
        details: {},
        targets: [target("wallS", "<=", 600, "s", round(wallMs / 1000, 1))],
      };
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
};
