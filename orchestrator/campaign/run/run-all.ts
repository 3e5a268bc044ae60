/**
 * Every run of a campaign through the batch runner (orchestrator/batch): resumable, `--jobs` at a time, one job
 * per run key. Each job takes its run's deployment (reserved and booted on first use, shared per topology on
 * Grid'5000), carries out the run's steps, and the machines are always released: per run, on an interrupted or
 * aborted run, and at the end (`releaseAll`). A forced stop (the second Ctrl-C) stops waiting for the runs and
 * releases everything still held.
 */
import { runBatch, type BatchMode, type BatchSummary } from "../../batch/index.ts";
import { EXIT_ENDS_TOO_LATE } from "../../providers/grid5000/plan/guard.ts";
import type { Campaign } from "../config/schema.ts";
import type { Deployments } from "./deployments.ts";
import type { PlannedRuns } from "./plan-runs.ts";
import { planFor, topologyFor } from "./prepare.ts";
import { campaignProgress } from "./progress.ts";
import { runOne, type RunSteps } from "./run-one.ts";

export interface RunAllOptions {
  out: string;
  mode: BatchMode;
  /** Start fresh over existing results (moved to `archive/` by the batch runner). */
  force: boolean;
  jobs: number | undefined;
  retries: number;
  halt: string;
  stop: { graceful?: AbortSignal | undefined; force?: AbortSignal | undefined };
  log: (line: string) => void;
  /** Step changes of each run (also shown by the live progress). */
  onStep?: ((key: string, step: string) => void) | undefined;
}

export interface CampaignBatch {
  /** Undefined after a forced stop: the batch was not waited for. */
  summary: BatchSummary | undefined;
  interrupted: boolean;
  forced: boolean;
  /** Runs refused because their reservation would end too late (DO_NOT_EXECUTE_IF_ENDING_AFTER, exit 127). */
  tooLate: string[];
}

export async function runAll(
  campaign: Campaign,
  planned: PlannedRuns,
  deployments: Deployments,
  opts: RunAllOptions,
  steps: (one: RunSteps) => Promise<void>,
): Promise<CampaignBatch> {
  const { runs } = planned;
  const { out } = opts;
  const concurrency = opts.jobs ?? campaign.deployment.nbInParallel;
  const progress = campaignProgress({ labels: new Map(runs.map((r) => [r.key, r.label])), concurrency });
  const tooLate: string[] = [];
  const batch = runBatch({
    dir: out,
    mode: opts.mode,
    force: opts.force,
    concurrency,
    retries: opts.retries,
    halt: opts.halt,
    timeoutMs: Math.max(...runs.map((r) => r.pacing.runTimeoutS)) * 1000,
    ...(opts.stop.graceful === undefined ? {} : { signal: opts.stop.graceful }),
    effects: {
      onProgress: (e) => progress.onBatch(e),
      logger: { info: opts.log, warn: (m) => opts.log(`warning: ${m}`) },
    },
    jobs: runs.map((run) => ({
      key: run.key,
      params: {
        label: run.label,
        strategy: run.strategy.label,
        size: run.size.multiplier,
        repetition: run.repetition,
        variation: run.variation,
      },
      run: async (ctx) => {
        // from the campaign folder: a resumed campaign replays the topology and plan its first runs had
        const topology = topologyFor(campaign, run, out);
        const plan = planFor(run, topology, out);
        const input = {
          run,
          campaign: campaign.name,
          topology,
          plan,
          deployments,
          walltimeS: campaign.deployment.walltime.seconds,
          onStep: (key: string, step: string) => {
            progress.onStep(key, step);
            opts.onStep?.(key, step);
          },
          log: opts.log,
        };
        return runOne(input, ctx, steps).catch((err: unknown) => {
          if ((err as { exitCode?: unknown }).exitCode === EXIT_ENDS_TOO_LATE) tooLate.push((err as Error).message);
          throw err;
        });
      },
    })),
  });
  try {
    const summary = await untilForced(batch, opts.stop.force);
    if (summary === undefined) return { summary, interrupted: true, forced: true, tooLate };
    return { summary, interrupted: summary.interrupted, forced: false, tooLate };
  } finally {
    progress.close();
    await deployments.releaseAll(opts.log);
  }
}

/** The batch's summary, or undefined as soon as `force` aborts (the batch goes on winding down, unwaited). */
async function untilForced(
  batch: Promise<BatchSummary>,
  force: AbortSignal | undefined,
): Promise<BatchSummary | undefined> {
  if (force === undefined) return batch;
  // once forced, nobody waits for the batch: its late failure must not become an unhandled rejection
  batch.catch(() => {});
  if (force.aborted) return undefined;
  let onAbort!: () => void;
  const forced = new Promise<undefined>((resolve) =>
    force.addEventListener("abort", (onAbort = () => resolve(undefined))),
  );
  try {
    return await Promise.race([batch, forced]);
  } finally {
    force.removeEventListener("abort", onAbort);
  }
}
