/**
 * run-campaign.mjs spells the campaign's steps out for a reader; runCampaign runs the same ones in-process (the
 * tests that abort at a given step use it). A step added to one and not the other fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RUN_STEPS } from "./run-one.ts";
import { REPO_ROOT } from "./testing/campaigns.ts";

const calls = (text: string, object: string) =>
  [...text.matchAll(new RegExp(`\\b${object}\\.(\\w+)\\(`, "g"))].map((m) => m[1]);
const script = readFileSync(join(REPO_ROOT, "run-campaign.mjs"), "utf8");

describe("run-campaign.mjs and runCampaign", () => {
  it("call the same campaign steps in the same order", () => {
    const inProcess = readFileSync(join(REPO_ROOT, "orchestrator/campaign/run/run-campaign.ts"), "utf8");
    expect(calls(script, "run")).toEqual(calls(inProcess, "run"));
    expect(calls(script, "run")).toContain("runAll");
  });

  it("run the same steps per run", () => {
    expect(calls(script, "one")).toEqual(calls(RUN_STEPS.toString(), "one"));
    expect(calls(script, "one")).toEqual(["deploy", "emulateNetwork", "warmUp", "replay", "drain", "collect", "reset"]);
  });
});
