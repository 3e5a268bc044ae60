/**
 * The workload replayer (giraff.md §12.1 "Replay"): reads the fog from the market, then, for every chain of the
 * plan, concurrently, sleeps until the chain's arrival and replays it (replay-chain.ts). Arrivals can be
 * compressed with `timeScale` (0.01 replays a 600 s plan's arrivals in 6 s; reservations keep their real durations),
 * the number of chains being placed at once is bounded (chains waiting for their arrival take no slot), and an
 * AbortSignal stops everything cleanly: sleeping chains never start and in-flight calls are cancelled.
 */
import pLimit from "p-limit";
import type { EventSink } from "../../../runtime/events/writer.ts";
import { RemoteError } from "../../../runtime/protocol/errors.ts";
import type { Plan } from "./plan-schema.ts";
import {
  replayChain,
  DEFAULT_TIMEOUTS,
  type ChainOutcome,
  type ReplayStep,
  type ReplayTimeouts,
} from "./replay-chain.ts";
import { defaultReplayEffects, type ReplayEffects } from "./replay-effects.ts";

export interface ReplayOptions {
  marketUrl: string;
  /** The IoT emulator's base URL (`http://<ip>:<port>`). */
  iotUrl: string;
  /** Factor on arrival times (1 = real time). */
  timeScale?: number;
  /** Chains placed at once (default 100). GIRAFF starts one goroutine per chain, unbounded. */
  concurrency?: number;
  dockerRegistry?: string | undefined;
  /** Values of `<<VAR>>` env placeholders (default: process.env). */
  env?: Record<string, string | undefined>;
  timeouts?: Partial<ReplayTimeouts>;
  signal?: AbortSignal;
}

export interface ReplaySummary {
  chains: number;
  ok: number;
  aborted: number;
  failed: number;
  cancelled: number;
  steps: Record<ReplayStep, { ok: number; failed: number }>;
  outcomes: ChainOutcome[];
}

export async function replayPlan(
  plan: Plan,
  options: ReplayOptions,
  effects: Partial<ReplayEffects> = {},
): Promise<ReplaySummary> {
  const timeScale = options.timeScale ?? 1;
  const concurrency = options.concurrency ?? 100;
  if (!(timeScale >= 0) || !Number.isFinite(timeScale))
    throw new RangeError(`Expected \`timeScale\` to be a finite number ≥ 0, got ${timeScale}.`);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`Expected \`concurrency\` to be a positive integer, got ${concurrency}.`);
  const steps = emptySteps();
  const fx: ReplayEffects = { ...defaultReplayEffects, ...effects };
  fx.events = countingSink(fx.events, steps);
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const marketUrl = options.marketUrl.replace(/\/+$/, "");
  const iotUrl = options.iotUrl.replace(/\/+$/, "");
  const nodeIps = await fogIps(marketUrl, fx, timeouts.fogMs, options.signal);
  const ctx = {
    marketUrl,
    iotUrl,
    nodeIps,
    wire: {
      dockerRegistry: options.dockerRegistry,
      marketHost: new URL(marketUrl).host,
      env: options.env ?? process.env,
    },
    coldStartOverheadMs: plan.params.laws.coldStartOverheadMs,
    stopOverheadMs: plan.params.laws.stopOverheadMs,
    timeouts,
    effects: fx,
    signal: options.signal,
  };
  const limit = pLimit(concurrency);
  const start = fx.clock.now();
  const outcomes = await Promise.all(
    plan.chains.map(async (chain): Promise<ChainOutcome> => {
      const cancelled = (): ChainOutcome => ({
        chainId: chain.id,
        status: "cancelled",
        reason: "cancelled before its arrival",
        placed: [],
      });
      try {
        await fx.clock.sleep(start + chain.arrivalS * 1000 * timeScale - fx.clock.now(), options.signal);
      } catch {
        return cancelled();
      }
      return limit(() => (options.signal?.aborted ? cancelled() : replayChain(chain, ctx)));
    }),
  );
  const count = (s: ChainOutcome["status"]) => outcomes.filter((o) => o.status === s).length;
  return {
    chains: outcomes.length,
    ok: count("ok"),
    aborted: count("aborted"),
    failed: count("failed"),
    cancelled: count("cancelled"),
    steps,
    outcomes,
  };
}

/** `GET /api/fog` → node id → IP (GIRAFF maps the chain's target to the IP its IoT source sends through). */
async function fogIps(
  marketUrl: string,
  fx: ReplayEffects,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const url = `${marketUrl}/api/fog`;
  const answer = await fx.http(url, { timeoutMs, ...(signal === undefined ? {} : { signal }) });
  const nodes = answer.status === 200 ? (answer.json() as unknown) : undefined;
  if (!Array.isArray(nodes)) {
    throw new RemoteError({
      url,
      status: answer.status,
      message: `GET ${url} answered ${answer.status} without the list of fog nodes; cannot replay.`,
    });
  }
  return new Map(
    nodes
      .filter((n) => typeof n?.id === "string" && typeof n?.ip === "string")
      .map((n) => [n.id as string, n.ip as string]),
  );
}

function emptySteps(): ReplaySummary["steps"] {
  const steps: ReplayStep[] = ["submit", "provision", "wire", "start-iot", "abort", "done"];
  return Object.fromEntries(steps.map((s) => [s, { ok: 0, failed: 0 }])) as ReplaySummary["steps"];
}

/** Passes events through and counts the replay steps, ok or not, for the summary. */
function countingSink(inner: EventSink, steps: ReplaySummary["steps"]): EventSink {
  return {
    emit(body) {
      const b = body as { kind: string; step?: ReplayStep; ok?: boolean };
      if (b.kind === "replay_step" && b.step !== undefined) steps[b.step][b.ok ? "ok" : "failed"] += 1;
      inner.emit(body);
    },
    flush: () => inner.flush(),
    close: () => inner.close(),
  };
}
