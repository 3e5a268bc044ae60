/**
 * The node side of the deviation simulation (`deviations-sim.ts`): what `runtime/node/bidding.ts` and
 * `lifecycle.ts` do around the pure strategy, without HTTP, signing or events. Our accounting is the runtime's own
 * `ResourceTracker`, our limiter its `InFlightLimiter`, the valuation a registered plugin. GIRAFF's accounting
 * (giraff.md §5.5, §17.8, §17.9) is not in the runtime, so it is simulated here: {@link GiraffResources}.
 */
import { InFlightLimiter, defaultMaxInFlight } from "../runtime/node/in-flight-limiter.ts";
import { ResourceTracker, type AdmissionDecision } from "../runtime/node/resource-tracker.ts";
import type { TopologyNode } from "../runtime/protocol/topology.ts";
import {
  REASONS,
  type BidRequest,
  type CommittedFunction,
  type ResourceView,
  type SelfBid,
  type Sla,
  type ValuationPlugin,
} from "../runtime/strategies/index.ts";

/** How a node counts what it committed. */
export interface AccountingOptions {
  /**
   * `ours`: replicas r = max(1, replicas) in admission and in what payment commits (`ResourceTracker`);
   * `giraff`: admission multiplies by the raw replicas (0 makes it vacuous), payment commits the SLA once (§17.8).
   */
  replicas: "ours" | "giraff";
  /**
   * `ours`: the committed load lists each paid, unfinished function; `giraff-fifo`: GIRAFF's cron queue, from which
   * every expiry pops the *front* entry, not necessarily its own (§17.9).
   */
  committedList: "ours" | "giraff-fifo";
}

export const OUR_ACCOUNTING: Readonly<AccountingOptions> = { replicas: "ours", committedList: "ours" };

/** `ours`: the runtime's sliding one-second window; `giraff-even-odd`: GIRAFF's two parity counters (§5.6). */
export type LimiterKind = "ours" | "giraff-even-odd";

/**
 * GIRAFF's `check_in_flight`: one counter per parity of the wall-clock second; a call increments its parity's
 * counter and zeroes the other, and is refused when the count before it exceeds the max. A counter is only reset
 * by a call in the other parity, so calls that keep falling in even seconds accumulate (giraff.md §5.6 step 2).
 */
export class EvenOddLimiter {
  readonly #counts = [0, 0];

  constructor(readonly max: number) {}

  tryAcquire(now: number): boolean {
    const parity = Math.floor(now / 1000) % 2;
    const before = this.#counts[parity]!;
    this.#counts[parity] = before + 1;
    this.#counts[1 - parity] = 0;
    return before <= this.max;
  }
}

type Resources = Pick<ResourceTracker, "check" | "pay" | "finish" | "view" | "committed">;

interface Entry {
  slaId: string;
  cpuShare: number;
  paidAt: number;
  durationMs: number;
}

/** GIRAFF's resource tracking: raw replicas in the strict admission check, the SLA counted once at payment. */
export class GiraffResources implements Resources {
  readonly #paid = new Map<string, Entry & { cpuMilli: number; memoryBytes: number }>();
  #cpuUsed = 0;
  #memoryUsed = 0;

  constructor(readonly available: { cpuMilli: number; memoryBytes: number }) {}

  check(sla: Sla): AdmissionDecision {
    const cpu = sla.cpuMilli * sla.replicas;
    const memory = sla.memoryBytes * sla.replicas;
    if (!(this.#cpuUsed + cpu < this.available.cpuMilli)) return refuse(REASONS.insufficientCpu);
    if (!(this.#memoryUsed + memory < this.available.memoryBytes)) return refuse(REASONS.insufficientMemory);
    return { ok: true };
  }

  pay(sla: Sla, now: number): AdmissionDecision {
    const decision = this.check(sla);
    if (!decision.ok) return decision;
    const cpuShare = sla.cpuMilli / this.available.cpuMilli;
    const entry = { slaId: sla.id, cpuShare, paidAt: now, durationMs: sla.durationMs };
    this.#paid.set(sla.id, { ...entry, cpuMilli: sla.cpuMilli, memoryBytes: sla.memoryBytes });
    this.#cpuUsed += sla.cpuMilli;
    this.#memoryUsed += sla.memoryBytes;
    return decision;
  }

  finish(slaId: string): boolean {
    const c = this.#paid.get(slaId);
    if (c === undefined) return false;
    this.#paid.delete(slaId);
    this.#cpuUsed = this.#paid.size === 0 ? 0 : this.#cpuUsed - c.cpuMilli;
    this.#memoryUsed = this.#paid.size === 0 ? 0 : this.#memoryUsed - c.memoryBytes;
    return true;
  }

  view(): ResourceView {
    return {
      cpuAvailableMilli: this.available.cpuMilli,
      cpuUsedMilli: this.#cpuUsed,
      memoryAvailableBytes: this.available.memoryBytes,
      memoryUsedBytes: this.#memoryUsed,
    };
  }

  committed(now: number): CommittedFunction[] {
    return [...this.#paid.values()].map((e) => remaining(e, now));
  }
}

function refuse(reason: typeof REASONS.insufficientCpu | typeof REASONS.insufficientMemory): AdmissionDecision {
  return { ok: false, reason, detail: "GIRAFF's admission check" };
}

function remaining(e: Entry, now: number): CommittedFunction {
  return { cpuShare: e.cpuShare, remainingS: Math.max(0, e.paidAt + e.durationMs - now) / 1000 };
}

/** A simulated fog node: resources, limiter, valuation, and the proposals it made (one per SLA, as ours). */
export class SimNode {
  readonly resources: Resources;
  readonly limiter: Pick<InFlightLimiter, "tryAcquire">;
  readonly #proposals = new Set<string>();
  /** GIRAFF's cron queue, in payment order (used with `committedList: giraff-fifo`). */
  readonly #fifo: Entry[] = [];
  /** Bids the in-flight limiter refused. */
  rateLimited = 0;

  constructor(
    readonly node: TopologyNode,
    readonly valuation: ValuationPlugin,
    readonly accounting: AccountingOptions,
    readonly clock: () => number,
    limiter: LimiterKind = "ours",
  ) {
    const available = { cpuMilli: node.flavor.reservedCores * 1000, memoryBytes: node.flavor.reservedMemMiB * 2 ** 20 };
    this.resources = accounting.replicas === "ours" ? new ResourceTracker(available) : new GiraffResources(available);
    const max = node.maxInFlight ?? defaultMaxInFlight(available.memoryBytes);
    this.limiter = limiter === "ours" ? new InFlightLimiter(max) : new EvenOddLimiter(max);
    valuation.validate(node.valuation);
  }

  /** `bidSelf` of `runtime/node/bidding.ts`: one proposal per SLA, admission, limiter, valuation. */
  bid(request: BidRequest): SelfBid {
    const sla = request.sla;
    const now = this.clock();
    if (this.#proposals.has(sla.id)) return { kind: "decline", reason: REASONS.strategyDeclined };
    const admission = this.resources.check(sla);
    if (!admission.ok) return { kind: "decline", reason: admission.reason, detail: admission.detail };
    if (!this.limiter.tryAcquire(now)) {
      this.rateLimited += 1;
      return { kind: "decline", reason: REASONS.rateLimited };
    }
    const value = this.valuation.value({
      sla,
      resources: this.resources.view(),
      committed: this.committed(now),
      params: this.node.valuation,
    });
    this.#proposals.add(sla.id);
    const proposal = { nodeId: this.node.id, id: `${sla.id}@${this.node.id}`, bid: value.bid, price: value.price };
    return { kind: "bid", proposal };
  }

  /** `acceptPayment` of `runtime/node/lifecycle.ts`: re-check and commit. */
  accept(sla: Sla, now: number): AdmissionDecision {
    if (!this.#proposals.has(sla.id)) return { ok: false, reason: REASONS.insufficientCpu, detail: "no proposal" };
    const decision = this.resources.pay(sla, now);
    if (decision.ok && this.accounting.committedList === "giraff-fifo") {
      const replicas = this.accounting.replicas === "ours" ? Math.max(1, sla.replicas) : 1;
      const cpuShare = (sla.cpuMilli * replicas) / this.resources.view().cpuAvailableMilli;
      this.#fifo.push({ slaId: sla.id, cpuShare, paidAt: now, durationMs: sla.durationMs });
    }
    return decision;
  }

  /** The reservation of `slaId` ended: free it; GIRAFF's queue loses its front entry, whichever fired. */
  expire(slaId: string): void {
    if (this.resources.finish(slaId) && this.accounting.committedList === "giraff-fifo") this.#fifo.shift();
  }

  committed(now: number): CommittedFunction[] {
    if (this.accounting.committedList === "ours") return this.resources.committed(now);
    return this.#fifo.map((e) => remaining(e, now));
  }
}
