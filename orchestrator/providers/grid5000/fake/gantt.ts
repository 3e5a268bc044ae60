/**
 * What each job holds in the fake's gantt: a job claims its nodes and subnets from the moment the scheduler picks it
 * (toLaunch; an advance reservation, from its start) until its walltime, its command's exit or its kill, and a
 * finishing job until its epilogue is over. Like OAR's gantt, it forecasts from walltimes: the real end can differ.
 */
import type { Claim } from "./allocate.ts";
import { isEnded, type FakeJob } from "./job-json.ts";

/** The delays the gantt needs: a job takes toLaunch + launch + walltime from the scheduler's pick. */
export interface GanttTiming {
  toLaunchS: number;
  launchDelayS: number;
}

const SLEEP = /^\s*(?:\/bin\/|\/usr\/bin\/)?sleep\s+(\d+)\s*$/;

/** When a running `sleep N` command exits by itself; undefined for any other command, or before it runs. */
export function commandEnd(job: FakeJob): number | undefined {
  const m = SLEEP.exec(job.command);
  return m === null || job.startedAt === undefined ? undefined : job.startedAt + Number(m[1]);
}

export function durationOf(job: FakeJob, timing: GanttTiming): number {
  return timing.toLaunchS + timing.launchDelayS + job.request.walltimeS;
}

/** The claims of every live job but `except`. */
export function claimsOf(jobs: Iterable<FakeJob>, except: FakeJob, timing: GanttTiming): Claim[] {
  return [...jobs]
    .filter((j) => j !== except && !isEnded(j) && j.nodes.length > 0)
    .map((j) => {
      const from = j.toLaunchAt ?? j.reservationStart ?? 0;
      const planned = j.startedAt === undefined ? from + durationOf(j, timing) : j.startedAt + j.request.walltimeS;
      const stops = Math.min(planned, commandEnd(j) ?? planned, j.killAt ?? planned);
      return { nodes: j.nodes, subnets: j.subnets, from, to: j.finishAt ?? stops };
    });
}
