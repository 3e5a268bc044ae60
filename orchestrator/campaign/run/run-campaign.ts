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
import { homedir } from "node:os";
import { execFileSync } from "node:child_process";
import { runBatch, type BatchMode, type BatchSummary } from "../../batch/index.ts";
import { localProvider } from "../../providers/local/local-provider.ts";
import {
  checkUsagePolicy,
  InfeasiblePlanError,
  jobWindow,
  planGrid5000,
  toProviderPlan,
  EXIT_ENDS_TOO_LATE,
  type Capacity,
} from "../../providers/grid5000/plan/index.ts";
import { createGrid5000Effects } from "../../providers/grid5000/provider/effects.ts";
import { grid5000Provider } from "../../providers/grid5000/provider/provider.ts";
import { grid5000Credentials, readPythonGrid5000Yaml } from "../../providers/grid5000/provider/credentials.ts";
import { grid5000Settings, runsInsideGrid5000, SITES } from "../../providers/grid5000/provider/settings.ts";
import type { ProviderPlan } from "../../providers/types.ts";
import type { Topology } from "../../../runtime/protocol/topology.ts";
import { expandRuns, loadCampaign, type RunSpec } from "../config/index.ts";
import { CAMPAIGN_FILE } from "../config/load-campaign.ts";
import { parseDotenv } from "../config/dotenv.ts";
import { deferredProvider, perRunDeployments, sharedDeployments, type Deployments } from "./deployments.ts";
import type { Campaign } from "../config/schema.ts";
import { planFor, topologyFor, writeJsonAtomic } from "./prepare.ts";
import { writeFigures } from "../../figures/write-figures.ts";
import { analyseCampaign } from "./analysis-summary.ts";
import { campaignProgress } from "./progress.ts";
import { runOne } from "./run-one.ts";
import { checkPacing } from "./check-pacing.ts";
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
  /** Step changes of each run (also shown by the live progress). */
  onStep?: (key: string, step: string) => void;
}

export async function runCampaign(opts: RunCampaignOptions): Promise<{ exitCode: number; summary?: BatchSummary }> {
  const campaign = await loadCampaign(opts.folder, opts.env === undefined ? {} : { env: opts.env });
  const providerName = opts.provider ?? campaign.deployment.provider;
  for (const w of campaign.warnings) {
    // the Grid'5000 provider reads its G5K_… settings itself (credentials never enter the Campaign)
    if (!(providerName === "grid5000" && w.variable.startsWith("G5K_"))) opts.log(`warning: ${w.file}: ${w.message}`);
  }
  const runs = expandRuns(campaign);
  const out = opts.out ?? join("metrics-arks", campaign.name);
  const concurrency = opts.jobs ?? campaign.deployment.nbInParallel;
  // every plan in memory (deterministic: the runs regenerate or reuse the same), checked before anything starts
  checkPacing(runs, (run) => {
    const topology = topologyFor(campaign, run, undefined);
    return { topology, plan: planFor(run, topology, undefined) };
  });

  if (opts.dryRun) {
    await dryRun(campaign, runs, providerName, concurrency, opts.print);
    return { exitCode: 0 };
  }
  // a size Grid'5000 cannot hold stops the campaign here, with the dry run's sentence, before anything is reserved
  if (providerName === "grid5000") await checkCapacity(campaign, runs);
  const deployments = deploymentsFor(providerName, campaign, out, opts.log, opts.env ?? process.env);
  writeJsonAtomic(join(out, "campaign.json"), describeCampaign(campaign, runs));
  const labels = new Map(runs.map((r) => [r.key, r.label]));
  const progress = campaignProgress({ labels, concurrency });
  let summary: BatchSummary;
  const tooLate: string[] = [];
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
          return runOne(
            {
              run,
              campaign: campaign.name,
              topology,
              plan,
              deployments,
              walltimeS: campaign.deployment.walltime.seconds,
              onStep: (key, step) => {
                progress.onStep(key, step);
                opts.onStep?.(key, step);
              },
              log: opts.log,
            },
            ctx,
          ).catch((err: unknown) => {
            if ((err as { exitCode?: unknown }).exitCode === EXIT_ENDS_TOO_LATE) tooLate.push((err as Error).message);
            throw err;
          });
        },
      })),
    });
  } finally {
    progress.close();
    await deployments.releaseAll(opts.log);
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
  if (tooLate.length > 0 && !summary.interrupted) {
    opts.print(
      `${tooLate.length} runs were not started: ${tooLate[0]} Rerun with --resume-failed when a reservation can end in time.`,
    );
    return { exitCode: EXIT_ENDS_TOO_LATE, summary };
  }
  return { exitCode: summary.interrupted ? 130 : summary.exitCode, summary };
}

export class UnavailableProviderError extends Error {
  override name = "UnavailableProviderError";
}

/**
 * Where runs get machines: `local` gives each run its own loopback /16 (127.30 … 127.229), reserved and released
 * with the run; `grid5000` shares one reservation per topology between its strategies (see deployments.ts). The
 * Grid'5000 settings are read from the campaign's .env here, before anything starts; the API login from the process
 * environment or `$HOME/.python-grid5000.yaml` (credentials.ts), never from the tracked .env.
 */
function deploymentsFor(
  providerName: "local" | "grid5000",
  campaign: Campaign,
  out: string,
  log: (line: string) => void,
  environment: Readonly<Record<string, string | undefined>>,
): Deployments {
  if (providerName === "local") {
    return perRunDeployments(
      (seq) => localProvider({ subnet: `127.${30 + ((seq - 1) % 200)}`, run: `${campaign.name}/seq-${seq}` }),
      () => out,
    );
  }
  const env = parseDotenv(readFileSync(join(campaign.folder, CAMPAIGN_FILE), "utf8"));
  const credentials = runsInsideGrid5000(env)
    ? undefined
    : grid5000Credentials({
        campaign: env,
        environment,
        pythonGrid5000: readPythonGrid5000Yaml(environment.HOME ?? homedir()),
      });
  for (const warning of credentials?.warnings ?? []) log(`[grid5000] warning: ${warning}`);
  if (credentials !== undefined) log(`[grid5000] API login ${credentials.auth.username} from ${credentials.source}`);
  const settings = grid5000Settings(env, campaign.deployment.cluster, credentials, environment);
  const guard = {
    policy: campaign.deployment.doNotExecuteIfEndingAfter,
    anchorMs: Date.now(),
    allowDayJobs: campaign.deployment.allowDayJobs,
  };
  return sharedDeployments(
    (topologyKey) =>
      deferredProvider("grid5000", async () =>
        grid5000Provider(
          { settings, run: `${campaign.name}/${topologyKey}`, guard },
          await createGrid5000Effects(settings, (line) => log(`[grid5000] ${line}`)),
        ),
      ),
    out,
  );
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
  const infeasible: { size: number; capacity: Capacity }[] = [];
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
    const capacity = p.details?.capacity as Capacity | undefined;
    if (capacity !== undefined && capacity.problems.length > 0) infeasible.push({ size: r.size.multiplier, capacity });
    if (provider === "grid5000" && capacity !== undefined) print(`reserve: ${policyLine(campaign, capacity)}`);
  }
  print("");
  if (infeasible.length > 0) {
    const sizes = infeasible.map((i) => `×${i.size}`).join(", ");
    print(`Dry run: nothing was started, reserved or written; size ${sizes} cannot be reserved (below).`);
    const [{ size, capacity }] = infeasible as [(typeof infeasible)[number]];
    throw new InfeasiblePlanError("SIZE_MULTIPLIERS", `Size ×${size} of campaign ${campaign.name}`, capacity);
  }
  print("Dry run: nothing was started, reserved or written.");
}

/** Throws the first infeasible size's InfeasiblePlanError (exit 2): hosts beyond the cluster, VMs beyond the subnets. */
async function checkCapacity(campaign: Campaign, runs: RunSpec[]): Promise<void> {
  const seen = new Set<string>();
  for (const r of runs) {
    if (seen.has(r.topologyKey)) continue;
    seen.add(r.topologyKey);
    const p = await providerPlan("grid5000", campaign, r.topologyKey, topologyFor(campaign, r, undefined));
    const capacity = p.details?.capacity as Capacity | undefined;
    if (capacity !== undefined && capacity.problems.length > 0) {
      throw new InfeasiblePlanError(
        "SIZE_MULTIPLIERS",
        `Size ×${r.size.multiplier} of campaign ${campaign.name}`,
        capacity,
      );
    }
  }
}

/** Grid'5000's day rule for a job submitted now (or at G5K_RESERVATION): what reserve would decide. */
function policyLine(campaign: Campaign, capacity: Capacity): string {
  const env = parseDotenv(readFileSync(join(campaign.folder, CAMPAIGN_FILE), "utf8"));
  const reservation = env.G5K_RESERVATION;
  const window = jobWindow({ nowMs: Date.now(), walltimeS: campaign.deployment.walltime.seconds, reservation });
  const verdict = checkUsagePolicy({
    window,
    hosts: capacity.hosts,
    cluster: capacity.cluster,
    clusterHosts: capacity.clusterHosts,
    allowDayJobs: campaign.deployment.allowDayJobs,
  });
  const when = reservation === undefined ? "submitted now" : `reserved at ${reservation}`;
  if (!verdict.allowed) return `Usage policy: if ${when}, reserve would refuse it (exit 127): ${verdict.reason}`;
  if (verdict.warning !== undefined)
    return `Usage policy: if ${when}, allowed by G5K_ALLOW_DAY_JOBS: ${verdict.warning}`;
  return `Usage policy: if ${when}, allowed (${verdict.dayTime.length === 0 ? "no day time" : "within the day limit"}).`;
}

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
      planGrid5000(
        topology,
        {
          cluster,
          site: SITES[cluster] ?? "nancy",
          walltime: campaign.deployment.walltime.text,
          jobName: `giraff-ts-${campaign.name}-${topologyKey}`,
        },
        { infeasible: "keep" },
      ),
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
