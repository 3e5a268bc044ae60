/**
 * How long a plan keeps the testbed busy after its last chain arrives. A chain's IoT source sends until a stop
 * overhead before its first reservation ends (replay-wire.ts `iotWindowMs`), so once the replayer has started the
 * last chain, requests still flow until `max(arrival + duration − stop overhead) − max(arrival)` has passed, and
 * reservations run until `max(arrival + duration) − max(arrival)`. A run that collects earlier records requests in
 * flight as failures, which GIRAFF never collected.
 */
import type { Plan } from "./plan-schema.ts";

export interface PlanTail {
  /** Seconds from the last arrival to the end of the last IoT window (rounded up). */
  lastRequestS: number;
  /** Seconds from the last arrival to the end of the last reservation (rounded up). */
  lastReservationS: number;
}

export function planTail(plan: Plan): PlanTail {
  if (plan.chains.length === 0) return { lastRequestS: 0, lastReservationS: 0 };
  const stopMs = plan.params.laws.stopOverheadMs;
  const lastArrivalMs = Math.max(...plan.chains.map((c) => c.arrivalS * 1000));
  const lastEnd = (extraMs: number) =>
    Math.max(
      0,
      Math.ceil(
        (Math.max(...plan.chains.map((c) => c.arrivalS * 1000 + c.durationMs + extraMs)) - lastArrivalMs) / 1000,
      ),
    );
  return { lastRequestS: lastEnd(-stopMs), lastReservationS: lastEnd(0) };
}
