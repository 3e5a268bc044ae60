/**
 * The busy-spin function as a factory: `createFunction(env)` parses `env` (never `process.env`) and returns the
 * handler and its `/stats`, so that a dense host runs many instances in one process and `index.ts` one on its own.
 * It burns CPU for an execution time drawn from the Azure log-normal fit (or `EXECUTION_LAW`), seeded so that a run
 * replays; see README.md here.
 */
import { seededRandom } from "../../runtime/util/seeded-random.ts";
import type { FunctionContext, FunctionEnv, FunctionRequest, ServeOptions } from "../lib/contract.ts";
import { invalid, isJsonContent, json, parseJsonObject, type Reply } from "../lib/reply.ts";
import { burnCpu } from "./burn.ts";
import { normalizeBusySpinConfig } from "./config.ts";
import { executionSampler } from "./sampler.ts";

/** Longest execution a request may ask for with `executionMs`: one hour. */
const MAX_REQUESTED_MS = 3_600_000;

/** The requested execution time, when the body is a JSON object with `executionMs`; undefined to draw one. */
function requestedMs(request: FunctionRequest): number | undefined {
  // Chained functions receive whatever the previous hop answered (images, pings): only a JSON body is read.
  if (!isJsonContent(request.headers["content-type"]) || request.body.length === 0) return undefined;
  const body = parseJsonObject(request.body);
  const value = body["executionMs"];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_REQUESTED_MS) {
    throw invalid("executionMs", `a number of milliseconds between 0 and ${MAX_REQUESTED_MS}`, value);
  }
  return value;
}

/** One busy-spin instance; throws on a bad configuration, naming the variable. */
export function createFunction(env: FunctionEnv, context: FunctionContext = {}): ServeOptions {
  const config = normalizeBusySpinConfig(env);
  const nextExecution = executionSampler(config, seededRandom("busy-spin", config.seed));
  // busyMs: CPU time this instance's burns used, the figure a dense host holds to the instance's CPU limit
  const stats = { requests: 0, running: 0, busyMs: 0 };

  async function handle(request: FunctionRequest): Promise<Reply> {
    const requested = requestedMs(request);
    const draw = requested === undefined ? nextExecution() : undefined;
    const plannedMs = requested ?? draw!.plannedMs;
    stats.requests += 1;
    stats.running += 1;
    try {
      const burnt = await burnCpu(plannedMs, config.sliceMs, context.cpu);
      stats.busyMs += burnt.busyMs;
      return json(200, {
        source: requested === undefined ? "law" : "request",
        plannedMs,
        drawnMs: draw?.drawnMs ?? null,
        capped: draw?.capped ?? false,
        actualMs: burnt.wallMs,
        busyMs: burnt.busyMs,
        ...(config.replyText === undefined ? {} : { text: config.replyText }),
      });
    } finally {
      stats.running -= 1;
    }
  }

  return {
    handle,
    routes: {
      "/stats": () => json(200, { ...stats, law: config.law, scale: config.scale, maxMs: config.maxMs ?? null }),
    },
  };
}
