/**
 * One run of a campaign, as a batch job: the run's topology and plan go into its (temporary) run directory, its
 * deployment is reserved and booted (or reused, after a reset), then its steps (run-campaign.mjs lists them) carry
 * it out — deploy the runtime with the run's strategy, emulate the network, warm up, replay the plan, wait
 * `WAIT_TIME` and until every IoT source has finished its window with no request in flight, collect, reset — and
 * the reservation is always released.
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
import type { Endpoints, StepContext } from "../../providers/types.ts";
import type { RunSpec } from "../config/index.ts";
import type { Deployments } from "./deployments.ts";
import { writeJsonAtomicallySync } from "../../../runtime/util/atomic-file.ts";
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

/**
 * The steps of one run on a reserved and booted deployment, each one call, in the order run-campaign.mjs gives
 * them ({@link RUN_STEPS} is that order for in-process callers). Each is timed into `scenario.json`.
 */
export interface RunSteps {
  /** The runtime with the run's strategy: market, nodes, gateways, proxies, IoT emulator. */
  deploy(): Promise<void>;
  /** The topology's link latencies and losses (netem on Grid'5000; the launcher does it locally). */
  emulateNetwork(): Promise<void>;
  /** `WARMUP_TIME` before the first request. */
  warmUp(): Promise<void>;
  /** The workload plan: submit, provision, wire, start the IoT sources. */
  replay(): Promise<void>;
  /** `WAIT_TIME`, then until no IoT source sends or has a request in flight; reads the IoT totals. */
  drain(): Promise<void>;
  /** Events and logs into the run directory. */
  collect(): Promise<void>;
  /** Clean machines for the next strategy of the topology. */
  reset(): Promise<void>;
}

/** The steps of a run in order: what run-campaign.mjs spells out, for in-process callers (`runCampaign`). */
export const RUN_STEPS = async (one: RunSteps): Promise<void> => {
  await one.deploy();
  await one.emulateNetwork();
  await one.warmUp();
  await one.replay();
  await one.drain();
  await one.collect();
  await one.reset();
};

export async function runOne(
  input: RunOneInput,
  ctx: RunContext,
  steps: (one: RunSteps) => Promise<void> = RUN_STEPS,
): Promise<ScenarioResult> {
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
  writeJsonAtomicallySync(join(ctx.runDir, "topology.json"), input.topology);
  writeJsonAtomicallySync(join(ctx.runDir, "plan.json"), input.plan);
  writeJsonAtomicallySync(join(ctx.runDir, "run.json"), {
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
      let state = booted;
      let endpoints: Endpoints | undefined;
      let replay: ReplaySummary | undefined;
      let iot: ScenarioResult["iot"] = { sent: 0, ok: 0, failed: 0 };
      const deployed = () => {
        if (endpoints === undefined) throw new Error(`Run ${run.label}: a step needs the runtime deployed first.`);
        return endpoints;
      };
      // the steps that talk to the deployed runtime also stop when the way to it is lost (Endpoints.lost), and
      // then fail with that cause: a replay into a dropped tunnel is a failed run, never a quiet partial one
      const reaching = async <T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> => {
        const lost = deployed().lost;
        if (lost === undefined) return fn(ctx.signal);
        const signal = AbortSignal.any([ctx.signal, lost]);
        setMaxListeners(10_000, signal);
        try {
          const value = await fn(signal);
          lost.throwIfAborted();
          return value;
        } catch (err) {
          if (lost.aborted) throw lost.reason;
          throw err;
        }
      };
      await steps({
        deploy: () =>
          timed("deploy", async () => {
            const runtime = { ...run.params.strategy, latencyModel: run.params.latencyModel };
            const d = await provider.deploy(
              state,
              { ...runtime, run: `${input.campaign}/${run.key}` },
              ctx.runDir,
              step,
            );
            state = d.state;
            endpoints = d.endpoints;
          }),
        emulateNetwork: () =>
          timed("emulateNetwork", async () => {
            state = await provider.emulateNetwork(state, step);
          }),
        warmUp: async () => {
          input.onStep(run.key, "warm-up");
          await reaching((signal) => sleep(run.pacing.warmupS * 1000, undefined, { signal }));
        },
        replay: async () => {
          input.onStep(run.key, "runScenario");
          const { marketUrl, iotUrl } = deployed();
          const events = fileEventWriter(join(ctx.runDir, "events", "replayer.jsonl"), {
            run: input.campaign,
            source: "replayer",
          });
          try {
            replay = await timed("runScenario", () =>
              reaching((signal) => replayPlan(input.plan, { marketUrl, iotUrl, signal }, { events })),
            );
          } finally {
            await events.close();
          }
        },
        drain: async () => {
          input.onStep(run.key, "wait");
          const { iotUrl } = deployed();
          await reaching((signal) => sleep(run.pacing.waitTimeS * 1000, undefined, { signal }));
          // WAIT_TIME covers the plan's last IoT window (check-pacing.ts); a slow placement can push one past it
          const drain = await timed("drain", () =>
            reaching((signal) => waitForIotSources(iotUrl, { timeoutMs: DRAIN_TIMEOUT_MS, signal })),
          );
          if (!drain.quiet) {
            step.log(
              `${drain.busyJobs} IoT sources were still sending ${Math.round(drain.waitedMs / 1000)} s after ` +
                "WAIT_TIME; collecting anyway, their requests in flight will count as failures",
            );
          }
          iot = await reaching(() => iotTotals(iotUrl));
        },
        collect: () => timed("collect", () => provider.collect(state, ctx.runDir, step)),
        reset: () =>
          timed("reset", async () => {
            state = await provider.reset(state, step);
          }),
      });
      if (replay === undefined) throw new Error(`Run ${run.label}: its steps did not replay the plan.`);
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
      writeJsonAtomicallySync(join(ctx.runDir, "scenario.json"), result);
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
