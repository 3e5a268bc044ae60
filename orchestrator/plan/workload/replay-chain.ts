/**
 * Replays one chain (giraff.md §12.1 "Replay", steps 3–7): submit each function in order, the next auction
 * starting at the node that won the previous one; abort on any refusal (functions already reserved simply expire)
 * or when half the reservation is already gone; provision all in parallel; wire each function to the next; start
 * the IoT source. Every step emits one `replay_step` event. Unlike GIRAFF we do not sleep 1 s between wiring calls:
 * `reconfigure` answers once the function holds its next URL, so the next call can follow at once.
 */
import type { PlanChain } from "./plan-schema.ts";
import type { ReplayEffects } from "./replay-effects.ts";
import {
  cronBody,
  functionUrl,
  iotWindowMs,
  reconfigureBody,
  submitBody,
  type PlacedFunction,
  type SlaWireOptions,
} from "./replay-wire.ts";

export type ReplayStep = "submit" | "provision" | "wire" | "start-iot" | "abort" | "done";

/** Per-call timeouts, in ms (GIRAFF: 30 s to the market and the IoT emulator, 120 s to provision and wire). */
export interface ReplayTimeouts {
  submitMs: number;
  provisionMs: number;
  wireMs: number;
  iotMs: number;
  fogMs: number;
}

export const DEFAULT_TIMEOUTS: ReplayTimeouts = {
  submitMs: 30_000,
  provisionMs: 120_000,
  wireMs: 120_000,
  iotMs: 30_000,
  fogMs: 30_000,
};

export type ChainStatus = "ok" | "aborted" | "failed" | "cancelled";

export interface ChainOutcome {
  chainId: string;
  /** `aborted`: GIRAFF's abort rules (a refused SLA, no time left); `failed`: an error after that or in transport. */
  status: ChainStatus;
  reason?: string | undefined;
  placed: PlacedFunction[];
}

export interface ChainContext {
  marketUrl: string;
  iotUrl: string;
  /** Node id → IP, from the market's `GET /api/fog`. */
  nodeIps: ReadonlyMap<string, string>;
  wire: SlaWireOptions;
  coldStartOverheadMs: number;
  stopOverheadMs: number;
  timeouts: ReplayTimeouts;
  effects: ReplayEffects;
  signal?: AbortSignal | undefined;
}

class ChainStop extends Error {
  constructor(
    readonly status: Exclude<ChainStatus, "ok">,
    reason: string,
  ) {
    super(reason);
  }
}

export async function replayChain(chain: PlanChain, ctx: ChainContext): Promise<ChainOutcome> {
  const { http, clock, events } = ctx.effects;
  const t0 = clock.now();
  const emit = (step: ReplayStep, ok: boolean, since: number, extra: Record<string, unknown> = {}) =>
    events.emit({ kind: "replay_step", chainId: chain.id, step, ok, durationMs: clock.now() - since, ...extra });
  const placed: PlacedFunction[] = [];
  const opts = (timeoutMs: number) => ({ timeoutMs, ...(ctx.signal === undefined ? {} : { signal: ctx.signal }) });
  try {
    const firstNodeIp = ctx.nodeIps.get(chain.targetNodeId);
    if (firstNodeIp === undefined) {
      throw new ChainStop(
        "failed",
        `the target node ${chain.targetNodeName} (${chain.targetNodeId}) is not in GET /api/fog`,
      );
    }
    let target = chain.targetNodeId;
    let firstReservedAt: number | undefined;
    /** When the first PUT left: the first reservation is paid after it, so it ends after `durationMs` from here. */
    let firstAskedAt: number | undefined;
    for (const fn of chain.functions) {
      const since = clock.now();
      firstAskedAt ??= since;
      const answer = await http(`${ctx.marketUrl}/api/function`, {
        method: "PUT",
        body: submitBody(chain, fn, target, ctx.wire),
        ...opts(ctx.timeouts.submitMs),
      }).catch((err: Error) => {
        emit("submit", false, since, { functionIndex: fn.index, nodeId: target, detail: err.message });
        throw err;
      });
      if (answer.status !== 200) {
        const detail = `answered ${answer.status}: ${answer.text().slice(0, 300)}`;
        emit("submit", false, since, { functionIndex: fn.index, nodeId: target, detail });
        throw new ChainStop("aborted", `function ${fn.index} (${fn.name}) was refused: ${detail}`);
      }
      const p = placedOf(answer.json());
      firstReservedAt ??= clock.now();
      emit("submit", true, since, { functionIndex: fn.index, slaId: p.slaId, nodeId: p.nodeId });
      placed.push(p);
      target = p.nodeId;
    }
    const elapsed = clock.now() - (firstReservedAt ?? t0);
    if (elapsed * 2 > chain.durationMs) {
      throw new ChainStop(
        "aborted",
        `no time to use the reservation: ${Math.round(elapsed)} ms spent reserving, × 2 > ${chain.durationMs} ms`,
      );
    }
    const provisioned = await Promise.all(
      placed.map(async (p, i) => {
        const since = clock.now();
        const ids = { functionIndex: i, slaId: p.slaId, nodeId: p.nodeId };
        try {
          const answer = await http(`${ctx.marketUrl}/api/function/${encodeURIComponent(p.slaId)}`, {
            method: "POST",
            ...opts(ctx.timeouts.provisionMs),
          });
          const ok = answer.status === 200;
          emit("provision", ok, since, {
            ...ids,
            ...(ok ? {} : { detail: `answered ${answer.status}: ${answer.text().slice(0, 300)}` }),
          });
          return ok;
        } catch (err) {
          emit("provision", false, since, { ...ids, detail: (err as Error).message });
          return false;
        }
      }),
    );
    ctx.signal?.throwIfAborted();
    if (provisioned.includes(false))
      throw new ChainStop("failed", `provisioning failed for functions ${indicesOf(provisioned)}`);
    for (let i = 0; i + 1 < placed.length; i++) {
      const since = clock.now();
      const ids = { functionIndex: i, slaId: placed[i]!.slaId, nodeId: placed[i]!.nodeId };
      const answer = await http(`${functionUrl(placed[i]!)}/reconfigure`, {
        method: "POST",
        body: reconfigureBody(placed[i + 1]!),
        ...opts(ctx.timeouts.wireMs),
      }).catch((err: Error) => {
        emit("wire", false, since, { ...ids, detail: err.message });
        throw err;
      });
      const ok = answer.status === 200;
      emit("wire", ok, since, { ...ids, ...(ok ? {} : { detail: `answered ${answer.status}` }) });
      if (!ok) throw new ChainStop("failed", `wiring function ${i} to function ${i + 1} answered ${answer.status}`);
    }
    const since = clock.now();
    const windowMs = iotWindowMs({
      reservedAtMs: firstAskedAt ?? t0,
      nowMs: since,
      reservationMs: chain.durationMs,
      stopOverheadMs: ctx.stopOverheadMs,
      initialWaitMs: ctx.coldStartOverheadMs,
    });
    if (windowMs <= 0) {
      emit("start-iot", false, since, {
        slaId: placed[0]!.slaId,
        detail: `no time left to send: window ${windowMs} ms`,
      });
      throw new ChainStop(
        "aborted",
        `no time left to send requests: placing and wiring took ${Math.round(since - (firstAskedAt ?? t0))} ms of ` +
          `the ${chain.durationMs} ms reservation, and the last ${ctx.stopOverheadMs} ms are the stop overhead`,
      );
    }
    const body = cronBody({
      chain,
      first: placed[0]!,
      iotUrl: ctx.iotUrl,
      firstNodeIp,
      coldStartOverheadMs: ctx.coldStartOverheadMs,
      windowMs,
    });
    const answer = await http(`${ctx.iotUrl}/api/cron`, { method: "PUT", body, ...opts(ctx.timeouts.iotMs) }).catch(
      (err: Error) => {
        emit("start-iot", false, since, { detail: err.message });
        throw err;
      },
    );
    const ok = answer.status === 200;
    emit("start-iot", ok, since, {
      slaId: placed[0]!.slaId,
      ...(ok ? {} : { detail: `answered ${answer.status}: ${answer.text().slice(0, 300)}` }),
    });
    if (!ok) throw new ChainStop("failed", `the IoT emulator answered ${answer.status}`);
    emit("done", true, t0);
    return { chainId: chain.id, status: "ok", placed };
  } catch (err) {
    const status = ctx.signal?.aborted ? "cancelled" : err instanceof ChainStop ? err.status : "failed";
    const reason = (err as Error).message;
    emit("abort", false, t0, { detail: `${status}: ${reason}` });
    emit("done", false, t0, { detail: status });
    return { chainId: chain.id, status, reason, placed };
  }
}

/** The placement in the market's AcceptedBid answer: `chosen.{ip, port, bid.nodeId}` and `sla.id`. */
function placedOf(json: unknown): PlacedFunction {
  const a = json as { chosen?: { ip?: unknown; port?: unknown; bid?: { nodeId?: unknown } }; sla?: { id?: unknown } };
  const placed = { slaId: a?.sla?.id, nodeId: a?.chosen?.bid?.nodeId, ip: a?.chosen?.ip, port: a?.chosen?.port };
  if (typeof placed.port === "number") placed.port = String(placed.port);
  if (![placed.slaId, placed.nodeId, placed.ip, placed.port].every((v) => typeof v === "string" && v !== "")) {
    throw new ChainStop(
      "failed",
      `the market's answer is not an AcceptedBid with chosen.ip, chosen.port, chosen.bid.nodeId and sla.id: ${JSON.stringify(json)?.slice(0, 300)}`,
    );
  }
  return placed as PlacedFunction;
}

function indicesOf(flags: boolean[]): string {
  return flags.flatMap((ok, i) => (ok ? [] : [String(i)])).join(", ");
}
