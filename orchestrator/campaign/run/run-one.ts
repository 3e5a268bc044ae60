/**
 * One run of a campaign, as a batch job: the run's topology and plan go into its (temporary) run directory, then
 * the provider's steps carry it out — reserve, boot, deploy the runtime with the run's strategy, emulate the
 * network, replay the plan (after the warm-up), wait `WAIT_TIME` and until every IoT source has finished its window
 * with no request in flight, collect, reset — and the reservation is always released.
 */
import { setMaxListeners } from "node:events";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileEventWriter } from "../../../runtime/events/writer.ts";
import { request } from "../../../runtime/http/client.ts";
import type { Topology } from "../../../runtime/protocol/topology.ts";
import type { RunContext } from "../../batch/index.ts";
import { replayPlan, type ReplaySummary } from "../../plan/workload/replay.ts";
import type { Plan } from "../../plan/workload/plan-schema.ts";
import type { StepContext } from "../../providers/types.ts";
import type { RunSpec } from "../config/index.ts";
import type { Deployments } from "./deployments.ts";
import { writeJsonAtomic } from "./prepare.ts";
import { waitForIotSources } from "./iot-drain.ts";

/** How long collection waits, after WAIT_TIME, for IoT sources still sending. */
const DRAIN_TIMEOUT_MS = 120_000;

/** What a run leaves in `scenario.json`, for the campaign's summary. */
export interface ScenarioResult {
  key: string;
  label: string;
  strategy: string;
  nodes: number;
  replay: Pick<ReplaySummary, "chains" | "ok" | "aborted" | "failed" | "cancelled" | "steps">;
  functions: { submitted: number; placed: number };
  iot: { sent: number; ok: number; failed: number };
  timingsMs: Record<string, number>;
}

export interface RunOneInput {
  run: RunSpec;
  campaign: string;
  topology: Topology;
  plan: Plan;
  /** Where the run's machines come from: its own (local) or its topology's shared deployment (grid5000). */
  deployments: Deployments;
  walltimeS: number;
  /** Step changes, for the live progress. */
  onStep: (key: string, step: string) => void;
  log: (line: string) => void;
}

export async function runOne(input: RunOneInput, ctx: RunContext): Promise<ScenarioResult> {
  const { run } = input;
  // every chain of the replay waits on this signal: hundreds of listeners are expected, not a leak
  setMaxListeners(10_000, ctx.signal);
  const timings: Record<string, number> = {};
  const step: StepContext = {
    signal: ctx.signal,
    log: (line) => input.log(`${run.label}: ${line}`),
    progress: (name) => input.onStep(run.key, name),
  };
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      timings[name] = Math.round(performance.now() - t0);
    }
  };
  writeJsonAtomic(join(ctx.runDir, "topology.json"), input.topology);
  writeJsonAtomic(join(ctx.runDir, "plan.json"), input.plan);
  writeJsonAtomic(join(ctx.runDir, "run.json"), {
    key: run.key,
    label: run.label,
    params: run.params,
    seeds: run.seeds,
  });

  const spec = {
    campaign: input.campaign,
    topologyKey: run.topologyKey,
    topology: input.topology,
    walltimeS: input.walltimeS,
  };
  return input.deployments.use(
    spec,
    ctx.seq,
    step,
    async ({ provider, state: booted }) => {
      const deployed = await timed("deploy", () =>
        provider.deploy(
          booted,
          { ...run.params.strategy, latencyModel: run.params.latencyModel, run: `${input.campaign}/${run.key}` },
          ctx.runDir,
          step,
        ),
      );
      let state = await timed("emulateNetwork", () => provider.emulateNetwork(deployed.state, step));
      const { marketUrl, iotUrl } = deployed.endpoints;

      input.onStep(run.key, "warm-up");
      await sleep(run.pacing.warmupS * 1000, undefined, { signal: ctx.signal });
      input.onStep(run.key, "runScenario");
      const events = fileEventWriter(join(ctx.runDir, "events", "replayer.jsonl"), {
        run: input.campaign,
        source: "replayer",
      });
      let replay: ReplaySummary;
      try {
        replay = await timed("runScenario", () =>
          replayPlan(input.plan, { marketUrl, iotUrl, signal: ctx.signal }, { events }),
        );
      } finally {
        await events.close();
      }
      input.onStep(run.key, "wait");
      await sleep(run.pacing.waitTimeS * 1000, undefined, { signal: ctx.signal });
      // WAIT_TIME covers the plan's last IoT window (check-pacing.ts); a slow placement can push a window past it
      const drain = await timed("drain", () =>
        waitForIotSources(iotUrl, { timeoutMs: DRAIN_TIMEOUT_MS, signal: ctx.signal }),
      );
      if (!drain.quiet) {
        step.log(
          `${drain.busyJobs} IoT sources were still sending ${Math.round(drain.waitedMs / 1000)} s after WAIT_TIME; ` +
            `collecting anyway, their requests in flight will count as failures`,
        );
      }
      const iot = await iotTotals(iotUrl);
      await timed("collect", () => provider.collect(state, ctx.runDir, step));
      state = await timed("reset", () => provider.reset(state, step));

      const result: ScenarioResult = {
        key: run.key,
        label: run.label,
        strategy: run.strategy.label,
        nodes: input.topology.nodes.length,
        replay: {
          chains: replay.chains,
          ok: replay.ok,
          aborted: replay.aborted,
          failed: replay.failed,
          cancelled: replay.cancelled,
          steps: replay.steps,
        },
        functions: { submitted: replay.steps.submit.ok + replay.steps.submit.failed, placed: replay.steps.submit.ok },
        iot,
        timingsMs: timings,
      };
      writeJsonAtomic(join(ctx.runDir, "scenario.json"), result);
      return { state, value: result };
    },
    timed,
  );
}

async function iotTotals(iotUrl: string): Promise<ScenarioResult["iot"]> {
  if (iotUrl === "") return { sent: 0, ok: 0, failed: 0 };
  const answer = await request(`${iotUrl}/api/jobs`, { timeoutMs: 10_000 });
  const { jobs } = answer.json() as { jobs: { sent: number; ok: number; failed: number }[] };
  return jobs.reduce((t, j) => ({ sent: t.sent + j.sent, ok: t.ok + j.ok, failed: t.failed + j.failed }), {
    sent: 0,
    ok: 0,
    failed: 0,
  });
}
