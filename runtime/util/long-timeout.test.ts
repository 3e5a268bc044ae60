import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_TIMER_MS, setLongTimeout, timerDelay } from "./long-timeout.ts";

const DAY = 86_400_000;

describe("setLongTimeout", () => {
  afterEach(() => vi.useRealTimers());

  it("waits 25 days for a 25-day delay, where setTimeout would fire after 1 ms", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const fired = vi.fn();
    setLongTimeout(fired, 25 * DAY);
    vi.advanceTimersByTime(2);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(25 * DAY - 10);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it("is cancelled by clear(), across its re-arms", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    const fired = vi.fn();
    const timer = setLongTimeout(fired, 30 * DAY);
    vi.advanceTimersByTime(MAX_TIMER_MS + 5);
    timer.clear();
    vi.advanceTimersByTime(10 * DAY);
    expect(fired).not.toHaveBeenCalled();
  });

  it("clamps delays to what setTimeout honours", () => {
    expect(timerDelay(Number.NaN)).toBe(0);
    expect(timerDelay(-5)).toBe(0);
    expect(timerDelay(25 * DAY)).toBe(MAX_TIMER_MS);
    expect(timerDelay(12.5)).toBe(12.5);
  });
});
