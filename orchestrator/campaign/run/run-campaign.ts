/**
 * A whole campaign: load and validate its folder, expand the run matrix, prepare each topology and plan once,
 * then run every run through the batch runner with the provider, resumably, and summarise per strategy.
 *
 *   experiments/<name>/.env ─loadCampaign─► Campaign ─expandRuns─► RunSpec[] ─► topologies/, plans/ (cached)
 *      ─► runBatch(jobs = runs) ─► <out>/<run key>/ {topology, plan, events, logs, scenario, manifest}
 *      ─► summary per strategy
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { runBatch, type BatchMode, type BatchSummary } from "../../batch/index.ts";
import { localProvider } from "../../providers/local/local-provider.ts";
import { planGrid5000, toProviderPlan } from "../../providers/grid5000/plan/index.ts";
import type { Provider, ProviderPlan } from "../../providers/types.ts";
import type { Topology } from "../../../runtime/protocol/topology.ts";
import { expandRuns, loadCampaign, type RunSpec } from "../config/index.ts";
import type { Campaign } from "../config/schema.ts";
import { planFor, topologyFor, writeJsonAtomic } from "./prepare.ts";
import { writeFigures } from "../../figures/write-figures.ts";
import { analyseCampaign } from "./analysis-summary.ts";
import { campaignProgress } from "./progress.ts";
import { runOne } from "./run-one.ts";
import { formatSummary, readScenarios, summarise } from "./summary.ts";

export interface RunCampaignOptions {
  folder: string;
  /** Where results go; `metrics-arks/<campaign name>` by default. */
  out?: string | undefined;
  provider?: "local" | "grid5000" | undefined;
  mode: BatchMode;
  /** Start fresh over existing results (moved to `archive/` by the batch runner). */
  force: boolean;
  jobs?: number | undefined;
  retries: number;
  halt: string;
  dryRun: boolean;
  signal?: AbortSignal;
  env?: Record<string, string | undefined>;
  print: (line: string) => void;
  log: (line: string) => void;
}

export async function runCampaign(opts: RunCampaignOptions): Promise<{ exitCode: number; summary?: BatchSummary }> {
  const campaign = await loadCampaign(opts.folder, opts.env === undefined ? {} : { env: opts.env });
  for (const w of campaign.warnings) opts.log(`warning: ${w.file}: ${w.message}`);
  const runs = expandRuns(campaign);
  const out = opts.out ?? join("metrics-arks", campaign.name);
  const providerName = opts.provider ?? campaign.deployment.provider;
  const concurrency = opts.jobs ?? campaign.deployment.nbInParallel;

  if (opts.dryRun) {
    await dryRun(campaign, runs, providerName, concurrency, opts.print);
    return { exitCode: 0 };
  }
  if (providerName !== "local") {
    throw new UnavailableProviderError(
      `The ${providerName} provider cannot run campaigns yet; use --dry-run to see its plan, or --provider local.`,
    );
  }
  writeJsonAtomic(join(out, "campaign.json"), describeCampaign(campaign, runs));
  const labels = new Map(runs.map((r) => [r.key, r.label]));
  const progress = campaignProgress({ labels, concurrency });
  let summary: BatchSummary;
  try {
    summary = await runBatch({
      dir: out,
      mode: opts.mode,
      force: opts.force,
      concurrency,
      retries: opts.retries,
      halt: opts.halt,
      timeoutMs: Math.max(...runs.map((r) => r.pacing.runTimeoutS)) * 1000,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
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
          const topology = topologyFor(campaign, run, out);
          const plan = planFor(run, topology, out);
          const provider = providerFor(run, ctx.seq, campaign.name);
          return runOne(
            {
              run,
              campaign: campaign.name,
              topology,
              plan,
              provider,
              walltimeS: campaign.deployment.walltime.seconds,
              onStep: progress.onStep,
              log: opts.log,
            },
            ctx,
          );
        },
      })),
    });
  } finally {
    progress.close();
  }
  opts.print("");
  opts.print(formatSummary(summarise(readScenarios(out))));
  opts.print("");
  if (!summary.interrupted) {
    try {
      await analyseCampaign(out, opts.print);
      const figures = await writeFigures(out);
      opts.print(`Figures: ${figures.map((f) => f.svg).join(", ")} (and their .png and .json).`);
    } catch (err) {
      opts.log(
        `The analysis of ${out} failed; the runs are intact, rerun it with ` +
          `\`npx tsx orchestrator/analysis/cli.ts ingest ${out}\`: ${(err as Error).message}`,
      );
    }
    opts.print("");
  }
  opts.print(
    `${summary.succeeded} runs succeeded, ${summary.failed} failed, ${summary.skipped} skipped; results in ${out}/`,
  );
  return { exitCode: summary.interrupted ? 130 : summary.exitCode, summary };
}

export class UnavailableProviderError extends Error {
  override name = "UnavailableProviderError";
}

function providerFor(run: RunSpec, seq: number, campaign: string): Provider {
  // each concurrent run gets its own loopback /16 (127.30 … 127.229)
  return localProvider({ subnet: `127.${30 + ((seq - 1) % 200)}`, run: `${campaign}/${run.key}` });
}

async function dryRun(
  campaign: Campaign,
  runs: RunSpec[],
  provider: string,
  concurrency: number,
  print: (l: string) => void,
): Promise<void> {
  print(
    `Campaign ${campaign.name} (${campaign.folder}): ${runs.length} runs, provider ${provider}, ${concurrency} at a time.`,
  );
  print("");
  print("run key           label");
  for (const r of runs) print(`${r.key}  ${r.label}`);
  const seen = new Set<string>();
  for (const r of runs) {
    if (seen.has(r.topologyKey)) continue;
    seen.add(r.topologyKey);
    const topology = topologyFor(campaign, r, undefined);
    const plan = planFor(r, topology, undefined);
    const levels = new Map<number, number>();
    for (const n of topology.nodes) levels.set(n.level, (levels.get(n.level) ?? 0) + 1);
    print("");
    print(
      `topology ${r.topologyKey} (size ×${r.size.multiplier}, repetition ${r.repetition}): ${topology.nodes.length} nodes ` +
        `(${[...levels].map(([l, c]) => `level ${l}: ${c}`).join(", ")}), ${topology.nodes.filter((n) => n.iotConnected).length} IoT-connected`,
    );
    print(
      `plan ${r.planKey}: ${plan.chains.length} chains, ${plan.chains.reduce((s, c) => s + c.functions.length, 0)} functions`,
    );
    const p = await providerPlan(provider, campaign, r.topologyKey, topology);
    for (const line of p.summary) print(`reserve: ${line}`);
    for (const req of p.requests) print(`reserve: ${req.method} ${req.url} ${JSON.stringify(req.body)}`);
  }
  print("");
  print("Dry run: nothing was started, reserved or written.");
}

/** Grid'5000 sites of the clusters GIRAFF used (giraff.md §11.1). */
const SITES: Record<string, string> = {
  gros: "nancy",
  grisou: "nancy",
  parasilo: "rennes",
  paravance: "rennes",
  ecotype: "nantes",
};

/** What the provider would reserve for one topology: nothing is called, nothing is written. */
async function providerPlan(
  provider: string,
  campaign: Campaign,
  topologyKey: string,
  topology: Topology,
): Promise<ProviderPlan> {
  if (provider === "grid5000") {
    const cluster = campaign.deployment.cluster;
    return toProviderPlan(
      planGrid5000(topology, {
        cluster,
        site: SITES[cluster] ?? "nancy",
        walltime: campaign.deployment.walltime.text,
        jobName: `giraff-ts-${campaign.name}-${topologyKey}`,
      }),
    );
  }
  return localProvider({ subnet: "127.30", run: "dry-run" }).plan({
    campaign: campaign.name,
    topologyKey,
    topology,
    stateDir: "",
    walltimeS: campaign.deployment.walltime.seconds,
  });
}

function describeCampaign(campaign: Campaign, runs: RunSpec[]): Record<string, unknown> {
  const lock = existsSync("package-lock.json")
    ? createHash("sha256").update(readFileSync("package-lock.json")).digest("hex")
    : null;
  const commit = gitCommit();
  return {
    campaign,
    runs: runs.map((r) => ({
      key: r.key,
      label: r.label,
      topologyKey: r.topologyKey,
      planKey: r.planKey,
      seeds: r.seeds,
    })),
    gitCommit: commit,
    packageLockSha256: lock,
    node: process.version,
  };
}

function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}
