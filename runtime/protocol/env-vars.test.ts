import { describe, expect, it } from "vitest";
import { RUNTIME_ENV_ATTEMPTS } from "../testing/fixtures.ts";
import { isAllowedRuntimeEnvName, isAllowedSlaEnvName } from "./env-vars.ts";

describe("envVars names", () => {
  it.each(RUNTIME_ENV_ATTEMPTS)("refuses %s, which configures the runtime or loader, everywhere", (name) => {
    expect(isAllowedRuntimeEnvName(name)).toBe(false);
    expect(isAllowedSlaEnvName(name)).toBe(false);
  });

  it.each(["GIRAFF_NODE_ID", "PORT", "HOST", "fprocess"])("lets the node, not an SLA, set %s", (name) => {
    expect(isAllowedRuntimeEnvName(name)).toBe(true);
    expect(isAllowedSlaEnvName(name)).toBe(false);
  });

  it.each(["A=B", "", "1X", "X Y", "X\0"])("refuses the name %j, which is not portable", (name) => {
    expect(isAllowedRuntimeEnvName(name)).toBe(false);
  });

  it.each(["SEED", "MARKET_URL", "EXECUTION_SCALE", "TZ", "NODEJS_X_"])("lets an SLA set %s", (name) => {
    expect(isAllowedSlaEnvName(name)).toBe(true);
  });
});
