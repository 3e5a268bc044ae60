/**
 * What a node has promised (giraff.md §5.5). "Available" is the configured reservation, not the machine's real
 * free capacity (§17.17); "used" changes only when a function is paid (+) and when it finishes (−).
 *
 * Two fixes over GIRAFF, both about replicas (r = max(1, replicas), so GIRAFF's "0 = unspecified" counts as 1):
 * - §17.8: GIRAFF's admission check multiplies by replicas but payment adds the SLA once; here both use r, so
 *   what is admitted is what is accounted.
 * - §17.9: the committed load for the quadratic valuation is kept per SLA id (paid time + duration), instead of
 *   GIRAFF's cron FIFO whose front entry is popped by whichever one-shot fires first.
 */
import { REASONS } from "../strategies/types.ts";
import type { Sla } from "../protocol/messages.ts";
import type { CommittedFunction, ResourceView } from "../strategies/types.ts";

/** The node's configured reservation. */
export interface ResourceCapacity {
  cpuMilli: number;
  memoryBytes: number;
}

export type AdmissionDecision =
  | { ok: true }
  | { ok: false; reason: typeof REASONS.insufficientCpu | typeof REASONS.insufficientMemory; detail: string };

type SlaResources = Pick<Sla, "id" | "cpuMilli" | "memoryBytes" | "replicas" | "durationMs">;

interface Commitment {
  cpuMilli: number;
  memoryBytes: number;
  paidAt: number;
  durationMs: number;
}

/** Replica factor: GIRAFF's generator sends 0 for "unspecified", which still runs one instance. */
export function replicaFactor(replicas: number): number {
  return Math.max(1, replicas);
}

export class ResourceTracker {
  readonly available: Readonly<ResourceCapacity>;
  readonly #paid = new Map<string, Commitment>();
  /** `#paid` ordered by SLA id, rebuilt after a payment or a finish (every bid reads it). */
  #ordered: Commitment[] | undefined;
  #cpuUsed = 0;
  #memoryUsed = 0;

  constructor(available: ResourceCapacity) {
    for (const [field, value] of Object.entries(available)) {
      if (!(Number.isFinite(value) && value > 0)) {
        throw new RangeError(`Reserved \`${field}\` must be a finite positive number, got ${value}.`);
      }
    }
    this.available = Object.freeze({ ...available });
  }

  /** GIRAFF's satisfiability check, strict as in the reference: `used + sla × r < available`, CPU first. */
  check(sla: SlaResources): AdmissionDecision {
    const r = replicaFactor(sla.replicas);
    const cpu = sla.cpuMilli * r;
    const memory = sla.memoryBytes * r;
    if (!(this.#cpuUsed + cpu < this.available.cpuMilli)) {
      return {
        ok: false,
        reason: REASONS.insufficientCpu,
        detail: `needs ${cpu} millicpu (${r} × ${sla.cpuMilli}); ${this.#cpuUsed} of ${this.available.cpuMilli} used`,
      };
    }
    if (!(this.#memoryUsed + memory < this.available.memoryBytes)) {
      return {
        ok: false,
        reason: REASONS.insufficientMemory,
        detail: `needs ${memory} bytes (${r} × ${sla.memoryBytes}); ${this.#memoryUsed} of ${this.available.memoryBytes} used`,
      };
    }
    return { ok: true };
  }

  /** Re-checks and, if the SLA still fits, commits `sla × r` from `now` for its duration. */
  pay(sla: SlaResources, now: number): AdmissionDecision {
    if (this.#paid.has(sla.id)) throw new Error(`SLA ${sla.id} is already paid on this node.`);
    const decision = this.check(sla);
    if (!decision.ok) return decision;
    const r = replicaFactor(sla.replicas);
    const commitment = {
      cpuMilli: sla.cpuMilli * r,
      memoryBytes: sla.memoryBytes * r,
      paidAt: now,
      durationMs: sla.durationMs,
    };
    this.#paid.set(sla.id, commitment);
    this.#ordered = undefined;
    this.#cpuUsed += commitment.cpuMilli;
    this.#memoryUsed += commitment.memoryBytes;
    return decision;
  }

  /** Releases what the SLA committed; false if it was not paid here (or already finished). */
  finish(slaId: string): boolean {
    const commitment = this.#paid.get(slaId);
    if (commitment === undefined) return false;
    this.#paid.delete(slaId);
    this.#ordered = undefined;
    // Exact zero when nothing is left, and never below it, whatever float rounding did on the way.
    this.#cpuUsed = this.#paid.size === 0 ? 0 : Math.max(0, this.#cpuUsed - commitment.cpuMilli);
    this.#memoryUsed = this.#paid.size === 0 ? 0 : Math.max(0, this.#memoryUsed - commitment.memoryBytes);
    return true;
  }

  isPaid(slaId: string): boolean {
    return this.#paid.has(slaId);
  }

  view(): ResourceView {
    return {
      cpuAvailableMilli: this.available.cpuMilli,
      cpuUsedMilli: this.#cpuUsed,
      memoryAvailableBytes: this.available.memoryBytes,
      memoryUsedBytes: this.#memoryUsed,
    };
  }

  /**
   * Every paid, unfinished function's CPU share and remaining reservation at `now`, ordered by SLA id, for the
   * quadratic valuation. Remaining time is in fractional seconds (GIRAFF uses whole seconds), 0 once past.
   */
  committed(now: number): CommittedFunction[] {
    this.#ordered ??= [...this.#paid.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, c]) => c);
    return this.#ordered.map((c) => ({
      cpuShare: c.cpuMilli / this.available.cpuMilli,
      remainingS: Math.max(0, c.paidAt + c.durationMs - now) / 1000,
    }));
  }
}
