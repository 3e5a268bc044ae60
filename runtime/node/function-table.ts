/**
 * The node's functions, keyed by SLA id, and their life cycle (giraff.md §3.6, §5.7):
 *
 *   Proposed ──pay──▶ Paid ──provision──▶ Provisioned ──markLive──▶ Live
 *                      └──────────────┴───────────finish──────────────┴──▶ Finished
 *
 * Records are immutable; each transition is a pure function from a record and `now` to the next record, and
 * throws a {@link ProtocolError} (409) with a readable sentence when the record is in the wrong state. The table
 * adds lookup (404 for an unknown SLA) and housekeeping.
 *
 * Fix of giraff.md §17.20: GIRAFF never removes a Proposed record whose auction was lost, nor a Finished one.
 * Here `expireProposals` drops unpaid proposals after a TTL and `prune` drops finished records after a
 * retention, so a long run's memory stays bounded.
 */
import { ProtocolError } from "../protocol/errors.ts";
import type { Sla } from "../protocol/messages.ts";
import { functionName } from "../faas/giraff-deployment.ts";

export type FunctionState = "Proposed" | "Paid" | "Provisioned" | "Live" | "Finished";

export interface FunctionRecord {
  readonly state: FunctionState;
  readonly sla: Sla;
  readonly bidId: string;
  /** The value this node bid. */
  readonly bid: number;
  /** This node's own price (its valuation). */
  readonly price: number;
  /** Name on the FaaS gateway: `fogfn-<slaId>`. */
  readonly faasName: string;
  readonly proposedAt: number;
  readonly paidAt?: number | undefined;
  readonly provisionedAt?: number | undefined;
  readonly liveAt?: number | undefined;
  readonly finishedAt?: number | undefined;
}

export function propose(sla: Sla, offer: { bidId: string; bid: number; price: number }, now: number): FunctionRecord {
  return { state: "Proposed", sla, ...offer, faasName: functionName(sla.id), proposedAt: now };
}

export function pay(record: FunctionRecord, now: number): FunctionRecord {
  expectState(record, ["Proposed"], "pay it only once, after a bid");
  return { ...record, state: "Paid", paidAt: now };
}

export function provision(record: FunctionRecord, now: number): FunctionRecord {
  expectState(record, ["Paid"], "provision it after payment");
  return { ...record, state: "Provisioned", provisionedAt: now };
}

export function markLive(record: FunctionRecord, now: number): FunctionRecord {
  expectState(record, ["Provisioned"], "it must be provisioned before it can answer its health check");
  return { ...record, state: "Live", liveAt: now };
}

export function finish(record: FunctionRecord, now: number): FunctionRecord {
  expectState(record, ["Paid", "Provisioned", "Live"], "only a paid function can finish");
  return { ...record, state: "Finished", finishedAt: now };
}

/** When a paid function's reservation ends: payment + duration. */
export function dueAt(record: FunctionRecord): number | undefined {
  return record.paidAt === undefined ? undefined : record.paidAt + record.sla.durationMs;
}

const RUNNING: ReadonlySet<FunctionState> = new Set(["Paid", "Provisioned", "Live"]);

export class FunctionTable {
  readonly #records = new Map<string, FunctionRecord>();

  /**
   * Records this node's proposal. A new bid on an SLA still Proposed replaces the old one (one proposal per SLA
   * and node, §17.18); an SLA already paid or finished here cannot be proposed again (409).
   */
  propose(sla: Sla, offer: { bidId: string; bid: number; price: number }, now: number): FunctionRecord {
    const existing = this.#records.get(sla.id);
    if (existing !== undefined && existing.state !== "Proposed") {
      throw conflict(existing, `SLA ${sla.id} is ${existing.state}: it cannot be proposed again.`);
    }
    return this.#put(propose(sla, offer, now));
  }

  pay(slaId: string, now: number): FunctionRecord {
    return this.#put(pay(this.require(slaId), now));
  }

  provision(slaId: string, now: number): FunctionRecord {
    return this.#put(provision(this.require(slaId), now));
  }

  markLive(slaId: string, now: number): FunctionRecord {
    return this.#put(markLive(this.require(slaId), now));
  }

  finish(slaId: string, now: number): FunctionRecord {
    return this.#put(finish(this.require(slaId), now));
  }

  get(slaId: string): FunctionRecord | undefined {
    return this.#records.get(slaId);
  }

  /** The record, or a 404 ProtocolError. */
  require(slaId: string): FunctionRecord {
    const record = this.#records.get(slaId);
    if (record === undefined) {
      throw new ProtocolError({
        field: "slaId",
        rule: "the id of an SLA this node bid on",
        value: slaId,
        status: 404,
        message: `SLA ${slaId} is unknown on this node: it never bid on it, or the record has expired.`,
      });
    }
    return record;
  }

  get size(): number {
    return this.#records.size;
  }

  /** All records, in insertion order. */
  records(): FunctionRecord[] {
    return [...this.#records.values()];
  }

  /** Paid, Provisioned or Live records whose reservation has ended (paidAt + duration ≤ now), earliest first. */
  dueToFinish(now: number): FunctionRecord[] {
    return this.records()
      .filter((r) => RUNNING.has(r.state) && (dueAt(r) ?? Infinity) <= now)
      .sort((a, b) => (dueAt(a) ?? 0) - (dueAt(b) ?? 0) || compare(a.sla.id, b.sla.id));
  }

  /** Removes Proposed records older than `ttlMs` (lost auctions); returns them. */
  expireProposals(now: number, ttlMs: number): FunctionRecord[] {
    return this.#removeWhere((r) => r.state === "Proposed" && r.proposedAt + ttlMs <= now);
  }

  /** Removes Finished records older than `retentionMs`; returns them. */
  prune(now: number, retentionMs: number): FunctionRecord[] {
    return this.#removeWhere((r) => r.state === "Finished" && (r.finishedAt ?? -Infinity) + retentionMs <= now);
  }

  #put(record: FunctionRecord): FunctionRecord {
    this.#records.set(record.sla.id, record);
    return record;
  }

  #removeWhere(predicate: (r: FunctionRecord) => boolean): FunctionRecord[] {
    const removed: FunctionRecord[] = [];
    for (const [id, r] of this.#records) {
      if (!predicate(r)) continue;
      this.#records.delete(id);
      removed.push(r);
    }
    return removed;
  }
}

function expectState(record: FunctionRecord, allowed: readonly FunctionState[], hint: string): void {
  if (allowed.includes(record.state)) return;
  const expected = allowed.length === 1 ? allowed[0] : `${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}`;
  throw conflict(record, `SLA ${record.sla.id} is ${record.state}, not ${expected}: ${hint}.`);
}

function conflict(record: FunctionRecord, message: string): ProtocolError {
  return new ProtocolError({
    field: "slaId",
    rule: "an SLA in a state that allows this step",
    value: record.sla.id,
    status: 409,
    message,
  });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
