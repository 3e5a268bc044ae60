import { describe, expect, it } from "vitest";
import { giraffPipeline, scaleExecution } from "./pipelines.ts";

describe("scaleExecution", () => {
  it("multiplies the busy-spin functions' execution scale and cap, and leaves the others alone", () => {
    const image = giraffPipeline("image-classification");
    const scaled = scaleExecution(image, 0.1);
    const env = (p: typeof image) => p.functions.map((f) => f.envVars);
    expect(env(image)[1]).toEqual({ EXECUTION_SCALE: "0.1", MAX_EXECUTION_MS: "1000" });
    expect(env(scaled)[1]).toEqual({ EXECUTION_SCALE: "0.01", MAX_EXECUTION_MS: "100" });
    expect(env(scaled)[0]).toEqual(env(image)[0]);
    expect(env(scaled)[2]).toEqual(env(image)[2]);
    expect(scaleExecution(image, 1)).toBe(image);
  });
});
