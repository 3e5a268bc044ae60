/**
 * The replayer's messages in GIRAFF's wire form (giraff.md §12.1 "Replay"): the `PUT /api/function` body, the
 * function URLs, the chain's `reconfigure` body and the IoT emulator's `PUT /api/cron` body (§10). Pure functions,
 * so the exact bytes sent are unit-testable.
 */
import type { PlanChain, PlanFunction } from "./plan-schema.ts";

/** Where a function runs once placed: the winner's FaaS gateway and the SLA id (the function is `fogfn-<id>`). */
export interface PlacedFunction {
  slaId: string;
  nodeId: string;
  ip: string;
  port: string;
}

export interface SlaWireOptions {
  /** `DOCKER_REGISTRY`: prefixed to the image as `<registry>/<image>` when set. */
  dockerRegistry?: string | undefined;
  /** `host:port` of the market, passed to every function as MARKET_URL (as GIRAFF does). */
  marketHost: string;
  /** Values of `<<VAR>>` placeholders. */
  env: Record<string, string | undefined>;
}

/**
 * The `PUT /api/function` body for function `fn` of `chain`: `{sla, targetNode}`, where the auction starts at
 * `targetNode`, which is also where the function's data comes from.
 */
export function submitBody(
  chain: PlanChain,
  fn: PlanFunction,
  targetNode: string,
  opts: SlaWireOptions,
): { sla: Record<string, unknown>; targetNode: string } {
  const envVars = fn.envVars.map(([k, v]): [string, string] => {
    const variable = /^<<(\w+)>>$/.exec(v)?.[1];
    return [k, variable === undefined ? v : (opts.env[variable] ?? "")];
  });
  envVars.push(["MARKET_URL", opts.marketHost]);
  return {
    sla: {
      // GIRAFF writes the pipeline's `mem` with the unit MB (10⁶ B); we keep the wire bytes identical
      memory: `${fn.memoryMiB} MB`,
      cpu: `${fn.cpuMilli} millicpu`,
      latencyMax: `${fn.latencyMaxMs} ms`,
      duration: `${chain.durationMs} ms`,
      replicas: fn.replicas,
      functionImage: opts.dockerRegistry ? `${opts.dockerRegistry}/${fn.image}` : fn.image,
      functionLiveName: fn.name,
      envVars,
      dataFlow: [{ from: { dataSource: targetNode }, to: "thisFunction" }],
      inputMaxSize: fn.inputMaxSize,
      ...(fn.envProcess === undefined ? {} : { envProcess: fn.envProcess }),
    },
    targetNode,
  };
}

export function functionUrl(f: PlacedFunction): string {
  return `http://${f.ip}:${f.port}/function/fogfn-${f.slaId}`;
}

/** `POST <function>/reconfigure` body: the next hop of the chain. */
export function reconfigureBody(next: PlacedFunction): { nextFunctionUrl: string } {
  return { nextFunctionUrl: functionUrl(next) };
}

export interface CronBodyInput {
  chain: PlanChain;
  first: PlacedFunction;
  iotUrl: string;
  /** IP of the chain's target (edge) node, whose proxy the IoT source sends through. */
  firstNodeIp: string;
  coldStartOverheadMs: number;
  /** How long the IoT source sends, from the end of its initial wait: {@link iotWindowMs}. */
  windowMs: number;
}

/** `PUT /api/cron` body: start the chain's IoT source (giraff.md §10). */
export function cronBody(input: CronBodyInput): Record<string, unknown> {
  const { chain, first } = input;
  return {
    functionId: first.slaId,
    iotUrl: `${input.iotUrl}/api/print`,
    nodeUrl: functionUrl(first),
    tags: chain.functions[0]!.name,
    initialWaitMs: input.coldStartOverheadMs,
    intervalMs: chain.requestIntervalMs,
    durationMs: input.windowMs,
    firstNodeIp: input.firstNodeIp,
    content: chain.content,
  };
}

export interface IotWindowInput {
  /** When the chain's first reservation was asked for (its payment follows): the earliest a reservation starts. */
  reservedAtMs: number;
  /** When the IoT source is being started. */
  nowMs: number;
  /** The reservation's length, from payment (the SLA's `duration`). */
  reservationMs: number;
  /** FUNCTION_STOP_OVERHEAD: the IoT source stops this long before the first reservation ends. */
  stopOverheadMs: number;
  /** FUNCTION_COLD_START_OVERHEAD: the IoT source's initial wait. */
  initialWaitMs: number;
}

/**
 * How long the IoT source may send: until a stop overhead before the chain's first reservation ends, counted from
 * that reservation's start, not from now. GIRAFF sends for `duration − stop overhead` from the IoT start, so every
 * second spent placing, provisioning and wiring the chain became requests sent to functions that had expired (404)
 * or were being deleted (502). The reservation starts at payment, after `reservedAtMs`, so the window ends no later
 * than a stop overhead before the real expiry. ≤ 0: no time is left to use the chain.
 */
export function iotWindowMs(w: IotWindowInput): number {
  return Math.floor(w.reservedAtMs + w.reservationMs - w.stopOverheadMs - (w.nowMs + w.initialWaitMs));
}
