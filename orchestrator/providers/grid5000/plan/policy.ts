/**
 * Grid'5000's usage policy for the default queue, checked on the job's real window before it is submitted
 * (Grid5000:UsagePolicy; the reference doc, grid5000.md, does not cover it). Day time is 09:00–19:00 on working
 * days (Monday–Friday), in the site's local time (Europe/Paris); nights and week-ends (Friday 19:00 to Monday 09:00)
 * are for large-scale jobs. During day time a user should not use more than the equivalent of 2 hours of all the
 * resources of a cluster; a job's size is hosts × walltime (the policy's cores × walltime on one cluster, where
 * every host has the same cores). A job that runs during day time even partly counts whole, so a night job that
 * spills past 09:00 must fit the day limit too.
 *
 * Pure: the window, the hosts, the policy and the time zone are given. French public holidays are not modelled
 * (they count as working days here, which only refuses more).
 */
import { ConfigError } from "../../../../runtime/protocol/errors.ts";
import { formatOarDate, G5K_TIME_ZONE, instantOf, parseOarDate, wallClockAt } from "../api/oar-time.ts";

export interface UsagePolicy {
  /** Working days, ISO numbering: 1 = Monday … 7 = Sunday. */
  workingDays: readonly number[];
  /** Day time on a working day, local hours: [dayStartHour, dayEndHour). */
  dayStartHour: number;
  dayEndHour: number;
  /** A job touching day time may use at most this many hours of the whole cluster (hosts × hours). */
  dayClusterHours: number;
}

export const G5K_USAGE_POLICY: UsagePolicy = {
  workingDays: [1, 2, 3, 4, 5],
  dayStartHour: 9,
  dayEndHour: 19,
  dayClusterHours: 2,
};

/** The campaign variable that lets a campaign submit jobs the day rule refuses. */
export const ALLOW_DAY_JOBS_VARIABLE = "G5K_ALLOW_DAY_JOBS";

export interface JobWindow {
  startMs: number;
  endMs: number;
}

/** The job's window: its advance reservation's start (OAR date, Europe/Paris) or now, plus the walltime. */
export function jobWindow(input: {
  nowMs: number;
  walltimeS: number;
  reservation?: string | undefined;
  timeZone?: string | undefined;
}): JobWindow {
  const zone = input.timeZone ?? G5K_TIME_ZONE;
  const reserved =
    input.reservation === undefined || input.reservation.trim() === "now"
      ? undefined
      : parseOarDate(input.reservation, zone);
  if (input.reservation !== undefined && input.reservation.trim() !== "now" && reserved === undefined) {
    throw new ConfigError(
      "reservation",
      `Expected the reservation to be an OAR date \`YYYY-MM-DD hh:mm[:ss]\` or now, got ${JSON.stringify(input.reservation)}.`,
    );
  }
  const startMs = reserved ?? input.nowMs;
  return { startMs, endMs: startMs + input.walltimeS * 1000 };
}

/** Every day-time interval that overlaps the window, clipped to it, in order. */
export function dayTimeIn(
  window: JobWindow,
  policy: UsagePolicy = G5K_USAGE_POLICY,
  zone: string = G5K_TIME_ZONE,
): JobWindow[] {
  const out: JobWindow[] = [];
  const first = wallClockAt(window.startMs, zone);
  // walk local calendar dates; a day is at most 25 h long, so the last date is reached well before this bound
  for (let i = 0; ; i++) {
    const date = new Date(Date.UTC(first.year, first.month - 1, first.day + i));
    const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    const at = (hour: number) => instantOf({ year, month, day, hour, minute: 0, second: 0 }, zone);
    const dayStart = at(policy.dayStartHour);
    if (dayStart >= window.endMs) break;
    if (!policy.workingDays.includes(date.getUTCDay() === 0 ? 7 : date.getUTCDay())) continue;
    const startMs = Math.max(dayStart, window.startMs);
    const endMs = Math.min(at(policy.dayEndHour), window.endMs);
    if (startMs < endMs) out.push({ startMs, endMs });
  }
  return out;
}

export interface UsagePolicyInput {
  window: JobWindow;
  hosts: number;
  cluster: string;
  /** Hosts the cluster has (capacity.ts); undefined: unknown, so any day-time job is refused. */
  clusterHosts: number | undefined;
  /** The campaign opted in (G5K_ALLOW_DAY_JOBS=true): the verdict is allowed, with the reason kept as a warning. */
  allowDayJobs: boolean;
  policy?: UsagePolicy | undefined;
  timeZone?: string | undefined;
}

export type UsagePolicyVerdict =
  | { allowed: true; dayTime: JobWindow[]; hostHours: number; limitHostHours: number; warning?: string }
  | { allowed: false; dayTime: JobWindow[]; hostHours: number; limitHostHours: number; reason: string };

export function checkUsagePolicy(input: UsagePolicyInput): UsagePolicyVerdict {
  const policy = input.policy ?? G5K_USAGE_POLICY;
  const zone = input.timeZone ?? G5K_TIME_ZONE;
  const dayTime = dayTimeIn(input.window, policy, zone);
  const hostHours = (input.hosts * (input.window.endMs - input.window.startMs)) / 3_600_000;
  const limitHostHours = policy.dayClusterHours * (input.clusterHosts ?? 0);
  if (dayTime.length === 0 || hostHours <= limitHostHours) return { allowed: true, dayTime, hostHours, limitHostHours };
  const first = dayTime[0]!;
  const day = (h: number) => `${String(h).padStart(2, "0")}:00`;
  const reason =
    `The job from ${formatOarDate(input.window.startMs, zone)} to ${formatOarDate(input.window.endMs, zone)} ` +
    `(${zone}) runs during day time from ${formatOarDate(first.startMs, zone)} and uses ${round(hostHours)} ` +
    `host-hours (${input.hosts} ${input.cluster} hosts), more than the ` +
    (input.clusterHosts === undefined
      ? `day limit, which is unknown for cluster ${input.cluster}; `
      : `${round(limitHostHours)} allowed (${policy.dayClusterHours} h of the cluster's ${input.clusterHosts} hosts); `) +
    `Grid'5000's usage policy keeps day time (working days ${day(policy.dayStartHour)}–${day(policy.dayEndHour)}) ` +
    `for small jobs. Reserve a night or week-end slot (G5K_RESERVATION), or set ${ALLOW_DAY_JOBS_VARIABLE}=true ` +
    `if the executive committee granted an exception.`;
  if (input.allowDayJobs) return { allowed: true, dayTime, hostHours, limitHostHours, warning: reason };
  return { allowed: false, dayTime, hostHours, limitHostHours, reason };
}

const round = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
