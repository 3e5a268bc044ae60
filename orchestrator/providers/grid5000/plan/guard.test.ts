import { describe, expect, it } from "vitest";
import { checkEndingAfter, deadlineOf } from "./guard.ts";

// 2026-05-01 20:00 in Paris (UTC+2 in May).
const evening = Date.UTC(2026, 4, 1, 18, 0, 0);
const policy = { day: "tomorrow", hour: 10, minute: 0 };

describe("checkEndingAfter (DO_NOT_EXECUTE_IF_ENDING_AFTER)", () => {
  it("allows everything without a policy", () => {
    expect(checkEndingAfter({ nowMs: evening, walltimeS: 99 * 3600, policy: null })).toEqual({
      allowed: true,
      endsAtMs: evening + 99 * 3600_000,
      deadlineMs: undefined,
    });
  });

  it("allows a run ending before tomorrow 10:00 Paris time, and refuses one ending after, with a sentence", () => {
    expect(checkEndingAfter({ nowMs: evening, walltimeS: 14 * 3600, policy }).allowed).toBe(true);
    const late = checkEndingAfter({ nowMs: evening, walltimeS: 14 * 3600 + 1, policy });
    expect(late).toMatchObject({ allowed: false, deadlineMs: Date.UTC(2026, 4, 2, 8, 0, 0) });
    if (late.allowed) throw new Error("unreachable");
    expect(late.reason).toBe(
      "Not starting: with a walltime of 50401 s the run would end at 2026-05-02 10:00:01, after the deadline " +
        "2026-05-02 10:00:00 (Europe/Paris) set by DO_NOT_EXECUTE_IF_ENDING_AFTER=tomorrow 10:00.",
    );
  });

  it("resolves tomorrow against the campaign's start, not each run's", () => {
    const afterMidnight = Date.UTC(2026, 4, 1, 23, 0, 0); // 01:00 on May 2 in Paris
    const verdict = checkEndingAfter({ nowMs: afterMidnight, walltimeS: 10 * 3600, policy, anchorMs: evening });
    expect(verdict.allowed).toBe(false);
    expect(checkEndingAfter({ nowMs: afterMidnight, walltimeS: 10 * 3600, policy }).allowed).toBe(true);
  });

  it("reads today, a fixed date, and other time zones", () => {
    expect(deadlineOf({ day: "today", hour: 23, minute: 30 }, evening)).toBe(Date.UTC(2026, 4, 1, 21, 30));
    expect(deadlineOf({ day: "2026-12-24", hour: 9, minute: 0 }, evening)).toBe(Date.UTC(2026, 11, 24, 8, 0));
    expect(deadlineOf({ day: "today", hour: 9, minute: 0 }, evening, "UTC")).toBe(Date.UTC(2026, 4, 1, 9, 0));
    expect(() => deadlineOf({ day: "someday", hour: 9, minute: 0 }, evening)).toThrow(/today, tomorrow or YYYY-MM-DD/);
  });
});
