import { describe, expect, it } from "vitest";
import { NotYet, pollUntil, retry, RetryGaveUp, type RetryClock } from "./retry.ts";

/** A virtual clock: sleeping advances time at once, and the sleeps are recorded. */
function virtualClock(): RetryClock & { sleeps: number[]; t: number } {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

const backoff = { initialMs: 100, factor: 2, maxMs: 300 };

describe("retry", () => {
  it("retries with backoff until the attempt succeeds, and tells each retried failure", async () => {
    const clock = virtualClock();
    const told: number[] = [];
    const value = await retry(
      async ({ attempt }) => {
        if (attempt < 4) throw new Error(`no ${attempt}`);
        return attempt;
      },
      { backoff, clock, onRetry: (_err, info) => told.push(info.attempt) },
    );
    expect(value).toBe(4);
    expect(clock.sleeps).toEqual([100, 200, 300]);
    expect(told).toEqual([1, 2, 3]);
  });

  it("gives up at the deadline with the attempts, the time and the last failure; the last wait is cut", async () => {
    const clock = virtualClock();
    const err = await retry(
      async () => {
        clock.t += 50; // each attempt takes 50 ms
        throw new Error("refused");
      },
      { backoff, clock, deadlineMs: 600 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryGaveUp);
    const gaveUp = err as RetryGaveUp;
    expect(gaveUp.reason).toBe("deadline");
    expect((gaveUp.last as Error).message).toBe("refused");
    expect(gaveUp.message).toMatch(
      /Gave up after \d attempt\(s\) in 600 ms \(deadline reached\); the last one: refused/,
    );
    expect(clock.t).toBe(600);
    expect(clock.sleeps).toEqual([100, 200, 150]);
  });

  it("gives up after the number of attempts", async () => {
    const clock = virtualClock();
    let calls = 0;
    const err = (await retry(
      async () => {
        calls += 1;
        throw new Error("x");
      },
      { backoff, clock, attempts: 3 },
    ).catch((e: unknown) => e)) as RetryGaveUp;
    expect(err.reason).toBe("attempts");
    expect(calls).toBe(3);
    expect(clock.sleeps).toHaveLength(2);
  });

  it("ends at once with a failure that is not retryable", async () => {
    const clock = virtualClock();
    const fatal = new Error("fatal");
    await expect(retry(async () => Promise.reject(fatal), { clock, retryable: () => false })).rejects.toBe(fatal);
    expect(clock.sleeps).toEqual([]);
  });

  it("stops with the signal's reason when aborted, without another attempt", async () => {
    const controller = new AbortController();
    let calls = 0;
    const err = await retry(
      async () => {
        calls += 1;
        controller.abort(new Error("closing"));
        throw new Error("refused");
      },
      { backoff: { initialMs: 60_000, factor: 1, maxMs: 60_000 }, signal: controller.signal },
    ).catch((e: unknown) => e);
    expect((err as Error).message).toBe("closing");
    expect(calls).toBe(1);
  });
});

describe("pollUntil", () => {
  it("polls until the probe has a value; 'not yet' and thrown errors both wait", async () => {
    const clock = virtualClock();
    const answers = [undefined, false, "boom", "ready"];
    const value = await pollUntil(
      () => {
        const a = answers.shift();
        if (a === "boom") throw new Error("boom");
        return a;
      },
      { backoff, clock },
    );
    expect(value).toBe("ready");
    expect(clock.sleeps).toHaveLength(3);
  });

  it("gives up with NotYet as the last failure when the condition never held", async () => {
    const clock = virtualClock();
    const err = (await pollUntil(() => false, { backoff, clock, deadlineMs: 250 }).catch(
      (e: unknown) => e,
    )) as RetryGaveUp;
    expect(err).toBeInstanceOf(RetryGaveUp);
    expect(err.last).toBeInstanceOf(NotYet);
  });
});
