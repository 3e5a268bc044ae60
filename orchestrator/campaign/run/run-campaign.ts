/**
 * A whole campaign in-process, for callers other than the command line (tests that abort at a given step): the
 * same steps as run-campaign.mjs, in the same order (script-steps.test.ts holds the two to it), without the
 * report build.
 *
 *   experiments/<name>/.env ─loadCampaign─► Campaign ─selectProvider─► provider (settings parsed once)
 *      ─planRuns─► runs, topologies, plans ─planDeployments─► provider.plan() per topology ─► [--dry-run: print, stop]
 *      ─checkCapacity─► openDeployments ─recordCampaign─► <out>/campaign.json
 *      ─runAll (batch; per run: deploy, emulateNetwork, warmUp, replay, drain, collect, reset; release always)
 *      ─► summary per strategy ─► ingest ─► figures ─► totals, exit status
 */
import { join } from "node:path";
import type { BatchMode, BatchSummary } from "../../batch/index.ts";
import { loadCampaign } from "../config/index.ts";
import * as run from "./index.ts";

export interface RunCampaignOptions {
  folder: string;
  /** Where results go; `metrics-arks/<campaign name>` by default. */
  out?: string | undefined;
  /** A registered provider's name (providers/index.ts); the campaign's PROVIDER by default. */
  provider?: string | undefined;
  mode: BatchMode;
  /** Start fresh over existing results (moved to `archive/` by the batch runner). */
  force: boolean;
  jobs?: number | undefined;
  retries: number;
  halt: string;
  dryRun: boolean;
  /** Stops gracefully: running runs are cancelled, machines released. */
  signal?: AbortSignal;
  /** Stops at once, still releasing the machines. */
  forceSignal?: AbortSignal;
  env?: Record<string, string | undefined>;
  print: (line: string) => void;
  log: (line: string) => void;
  /** Step changes of each run (also shown by the live progress). */
  onStep?: (key: string, step: string) => void;
}

export async function runCampaign(opts: RunCampaignOptions): Promise<{ exitCode: number; summary?: BatchSummary }> {
  const { print, log } = opts;
  const campaign = await loadCampaign(opts.folder, opts.env === undefined ? {} : { env: opts.env });
  const provider = await run.selectProvider(campaign, opts.provider, log, opts.env ?? process.env);
  const planned = run.planRuns(campaign);
  const reservations = await run.planDeployments(campaign, planned, provider);
  const concurrency = opts.jobs ?? campaign.deployment.nbInParallel;
  if (opts.dryRun) return { exitCode: run.printDryRun(campaign, planned, reservations, provider, concurrency, print) };
  run.checkCapacity(campaign, reservations, provider);
  const out = opts.out ?? join("metrics-arks", campaign.name);
  const machines = await run.openDeployments(provider, out);
  run.recordCampaign(out, campaign, planned.runs);
  const stop = { graceful: opts.signal, force: opts.forceSignal };
  const options = { ...opts, jobs: opts.jobs, out, stop };
  const batch = await run.runAll(campaign, planned, machines, options, run.RUN_STEPS);
  run.printRunSummary(out, print);
  if (!batch.interrupted) {
    if (await run.ingest(out, print, log)) await run.drawFigures(out, print, log);
  }
  const exitCode = run.finish(batch, out, print);
  return batch.summary === undefined ? { exitCode } : { exitCode, summary: batch.summary };
}
