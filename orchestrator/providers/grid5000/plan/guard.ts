/**
 * GIRAFF's DO_NOT_EXECUTE_IF_ENDING_AFTER guard (giraff.md §12, grid5000.md §4.4): a run must not start if
 * now + walltime would pass a wall-clock deadline such as "tomorrow 10:00" (Grid'5000's day/night policy), because
 * the job would overlap the day. Pure: now, the walltime and the policy are given.
 *
 * `today`/`tomorrow` are resolved against `anchorMs`, the campaign's start, not against each run's start: resolved
 * per run, "tomorrow 10:00" would move a day later at every midnight and never stop a run.
 */
import { formatOarDate, G5K_TIME_ZONE, instantOf, wallClockAt } from "../api/oar-time.ts";

/** The campaign's `doNotExecuteIfEndingAfter` (orchestrator/campaign/config): `today`, `tomorrow` or `YYYY-MM-DD`. */
export interface EndingAfterPolicy {
  day: string;
  hour: number;
  minute: number;
}

export interface GuardInput {
  /** When the job starts: G5K_RESERVATION's start when set, else now (policy.ts `jobWindow`). */
  nowMs: number;
  walltimeS: number;
  /** null: no guard. */
  policy: EndingAfterPolicy | null;
  /** When `today`/`tomorrow` are evaluated; the campaign's start. Defaults to `nowMs`. */
  anchorMs?: number | undefined;
  /** Defaults to Europe/Paris, Grid'5000's time. */
  timeZone?: string | undefined;
}

export type GuardVerdict =
  | { allowed: true; endsAtMs: number; deadlineMs: number | undefined }
  | { allowed: false; endsAtMs: number; deadlineMs: number; reason: string };

/** GIRAFF exits with this code when the guard stops a run. */
export const EXIT_ENDS_TOO_LATE = 127;

export function checkEndingAfter(input: GuardInput): GuardVerdict {
  const endsAtMs = input.nowMs + input.walltimeS * 1000;
  if (input.policy === null) return { allowed: true, endsAtMs, deadlineMs: undefined };
  const zone = input.timeZone ?? G5K_TIME_ZONE;
  const deadlineMs = deadlineOf(input.policy, input.anchorMs ?? input.nowMs, zone);
  if (endsAtMs <= deadlineMs) return { allowed: true, endsAtMs, deadlineMs };
  const p = input.policy;
  const at = `${p.day} ${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;
  return {
    allowed: false,
    endsAtMs,
    deadlineMs,
    reason:
      `Not starting: with a walltime of ${input.walltimeS} s the run would end at ${formatOarDate(endsAtMs, zone)}, ` +
      `after the deadline ${formatOarDate(deadlineMs, zone)} (${zone}) set by DO_NOT_EXECUTE_IF_ENDING_AFTER=${at}.`,
  };
}

/** The deadline instant: the policy's day (relative to `anchorMs` for today/tomorrow) at its hour, in `zone`. */
export function deadlineOf(policy: EndingAfterPolicy, anchorMs: number, zone: string = G5K_TIME_ZONE): number {
  let { year, month, day } = wallClockAt(anchorMs, zone);
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(policy.day);
  if (date !== null) [year, month, day] = date.slice(1).map(Number) as [number, number, number];
  else if (policy.day === "tomorrow") {
    const next = new Date(Date.UTC(year, month - 1, day + 1));
    [year, month, day] = [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()];
  } else if (policy.day !== "today") {
    throw new Error(
      `Expected the policy's day to be today, tomorrow or YYYY-MM-DD, got ${JSON.stringify(policy.day)}.`,
    );
  }
  return instantOf({ year, month, day, hour: policy.hour, minute: policy.minute, second: 0 }, zone);
}
