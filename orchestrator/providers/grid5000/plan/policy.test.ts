import { describe, expect, it } from "vitest";
import { checkUsagePolicy, dayTimeIn, jobWindow, type JobWindow } from "./policy.ts";

const H = 3_600_000;
// Paris is UTC+1 in winter and UTC+2 in summer; these are UTC instants of Paris wall-clock times.
const friday19 = Date.UTC(2026, 4, 1, 17, 0); // Friday 2026-05-01 19:00 CEST
const monday0859 = Date.UTC(2026, 4, 4, 6, 59); // Monday 2026-05-04 08:59 CEST
const monday10 = Date.UTC(2026, 4, 4, 8, 0); // Monday 2026-05-04 10:00 CEST

const check = (window: JobWindow, hosts: number, allowDayJobs = false) =>
  checkUsagePolicy({ window, hosts, cluster: "gros", clusterHosts: 124, allowDayJobs });
const hoursFrom = (startMs: number, hours: number): JobWindow => ({ startMs, endMs: startMs + hours * H });

describe("Grid'5000 usage policy (day: working days 09:00–19:00 Europe/Paris)", () => {
  it("refuses GIRAFF's 10-hour job on 126 hosts submitted on a weekday at 10:00, naming the rule", () => {
    const v = check(hoursFrom(monday10, 10), 126);
    expect(v.allowed).toBe(false);
    if (v.allowed) throw new Error("unreachable");
    expect(v.reason).toBe(
      "The job from 2026-05-04 10:00:00 to 2026-05-04 20:00:00 (Europe/Paris) runs during day time from " +
        "2026-05-04 10:00:00 and uses 1260 host-hours (126 gros hosts), more than the 248 allowed (2 h of the " +
        "cluster's 124 hosts); Grid'5000's usage policy keeps day time (working days 09:00–19:00) for small jobs. " +
        "Reserve a night or week-end slot (G5K_RESERVATION), or set G5K_ALLOW_DAY_JOBS=true if the executive " +
        "committee granted an exception.",
    );
    // 14 hosts × 10 h = 140 host-hours fits the day limit of gros (248)
    expect(check(hoursFrom(monday10, 10), 14)).toMatchObject({ allowed: true, hostHours: 140, limitHostHours: 248 });
  });

  it("Friday 19:00: the week-end starts, a 62-hour job until Monday 09:00 touches no day time", () => {
    expect(dayTimeIn(hoursFrom(friday19, 62))).toEqual([]);
    expect(check(hoursFrom(friday19, 62), 124).allowed).toBe(true);
    // one second earlier it starts in Friday's day time; one second longer it ends in Monday's
    expect(check({ startMs: friday19 - 1000, endMs: friday19 + 10 * H }, 124).allowed).toBe(false);
    expect(check({ startMs: friday19, endMs: friday19 + 62 * H + 1000 }, 124).allowed).toBe(false);
  });

  it("Monday 08:59: a night job may end at 09:00; one running past it is a day job, counted whole", () => {
    const night = { startMs: monday0859 - 10 * H + 60_000, endMs: monday0859 + 60_000 }; // Sunday 23:00 → 09:00
    expect(check(night, 124).allowed).toBe(true);
    const spill = check({ ...night, endMs: night.endMs + 60_000 }, 124);
    expect(spill.allowed).toBe(false);
    expect(spill.hostHours).toBeCloseTo(124 * (10 + 1 / 60), 9);
    expect(spill.dayTime).toEqual([{ startMs: monday0859 + 60_000, endMs: monday0859 + 120_000 }]);
  });

  it("follows the DST changes of Europe/Paris (day time starts at 07:00 UTC in summer, 08:00 UTC in winter)", () => {
    // Sunday 2026-03-29 02:00 CET → 03:00 CEST; Monday 09:00 CEST = 07:00 UTC
    const saturdayNight = Date.UTC(2026, 2, 28, 18, 0); // Saturday 19:00 CET
    expect(check({ startMs: saturdayNight, endMs: Date.UTC(2026, 2, 30, 7, 0) }, 124).allowed).toBe(true);
    expect(check({ startMs: saturdayNight, endMs: Date.UTC(2026, 2, 30, 7, 0, 1) }, 124).allowed).toBe(false);
    // Sunday 2026-10-25 03:00 CEST → 02:00 CET; Monday 09:00 CET = 08:00 UTC, so 07:30 UTC is still night
    const autumn = { startMs: Date.UTC(2026, 9, 24, 17, 0), endMs: Date.UTC(2026, 9, 26, 7, 30) };
    expect(dayTimeIn(autumn)).toEqual([]);
    expect(dayTimeIn({ ...autumn, endMs: Date.UTC(2026, 9, 26, 8, 30) })).toEqual([
      { startMs: Date.UTC(2026, 9, 26, 8, 0), endMs: Date.UTC(2026, 9, 26, 8, 30) },
    ]);
  });

  it("lets a campaign opt in with G5K_ALLOW_DAY_JOBS=true, keeping the reason as a warning", () => {
    const v = check(hoursFrom(monday10, 10), 126, true);
    expect(v).toMatchObject({ allowed: true, warning: expect.stringMatching(/^The job from 2026-05-04 10:00:00/) });
  });

  it("refuses any day-time job on a cluster of unknown size", () => {
    const v = checkUsagePolicy({
      window: hoursFrom(monday10, 1),
      hosts: 1,
      cluster: "mystery",
      clusterHosts: undefined,
      allowDayJobs: false,
    });
    expect(v).toMatchObject({ allowed: false, reason: expect.stringContaining("unknown for cluster mystery") });
  });
});

describe("jobWindow", () => {
  it("starts at the reservation (Europe/Paris) when there is one, else now", () => {
    expect(jobWindow({ nowMs: monday10, walltimeS: 3600 })).toEqual(hoursFrom(monday10, 1));
    expect(jobWindow({ nowMs: monday10, walltimeS: 3600, reservation: "now" })).toEqual(hoursFrom(monday10, 1));
    expect(jobWindow({ nowMs: monday10, walltimeS: 36_000, reservation: "2026-05-01 19:00:00" })).toEqual(
      hoursFrom(friday19, 10),
    );
    expect(() => jobWindow({ nowMs: 0, walltimeS: 1, reservation: "tonight" })).toThrow(
      /Expected the reservation to be an OAR date `YYYY-MM-DD hh:mm\[:ss\]` or now, got "tonight"/,
    );
  });
});
