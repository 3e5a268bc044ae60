import { describe, expect, it } from "vitest";
import { backoffDelays } from "./backoff.ts";

describe("backoffDelays", () => {
  it("grows by the factor and stays at the cap", () => {
    const delays = backoffDelays({ initialMs: 100, factor: 1.5, maxMs: 400 });
    expect(Array.from({ length: 6 }, () => delays.next().value)).toEqual([100, 150, 225, 337.5, 400, 400]);
  });
});
