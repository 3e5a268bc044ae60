/**
 * The busy-spin function: a trace-driven stand-in for a real function, burning CPU for an execution time drawn from
 * the Azure log-normal fit (or the law in `EXECUTION_LAW`), seeded so that a run replays. See README.md here.
 */
import { seededRandom } from "../../runtime/util/seeded-random.ts";
import { serveFunction, type FunctionRequest } from "../lib/contract.ts";
import { invalid, isJsonContent, json, parseJsonObject, type Reply } from "../lib/reply.ts";
import { burnCpu } from "./burn.ts";
import { normalizeBusySpinConfig, type BusySpinConfig } from "./config.ts";
import { executionSampler } from "./sampler.ts";

/** Longest execution a request may ask for with `executionMs`: one hour. */
const MAX_REQUESTED_MS = 3_600_000;

let config: BusySpinConfig;
try {
  config = normalizeBusySpinConfig(process.env);
} catch (err) {
  process.stderr.write(`busy-spin: ${(err as Error).message}\n`);
  process.exit(2);
}

const nextExecution = executionSampler(config, seededRandom("busy-spin", config.seed));
const stats = { requests: 0, running: 0 };

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

async function handle(request: FunctionRequest): Promise<Reply> {
  const requested = requestedMs(request);
  const draw = requested === undefined ? nextExecution() : undefined;
  const plannedMs = requested ?? draw!.plannedMs;
  stats.requests += 1;
  stats.running += 1;
  try {
    const burnt = await burnCpu(plannedMs, config.sliceMs);
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

serveFunction({
  handle,
  routes: {
    "/stats": () => json(200, { ...stats, law: config.law, scale: config.scale, maxMs: config.maxMs ?? null }),
  },
});
