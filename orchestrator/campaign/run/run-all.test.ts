/**
 * The second Ctrl-C: a run stuck in a step that ignores cancellation (an SSH session hung on Grid'5000, say)
 * keeps a graceful stop waiting forever; a forced stop returns at once and still releases the run's machines.
 * The stuck testbed is a fake provider: a hang cannot be produced on demand by a real one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Provider, ProviderState } from "../../providers/types.ts";
import { loadCampaign } from "../config/index.ts";
import { perRunDeployments } from "./deployments.ts";
import { planRuns } from "./plan-runs.ts";
import { runAll } from "./run-all.ts";
import { RUN_STEPS } from "./run-one.ts";
import { REPO_ROOT, SHORT_DEFAULT_CAMPAIGN } from "./testing/campaigns.ts";

const scratch = mkdtempSync(join(tmpdir(), "giraff-run-all-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Reserves and boots at once; its deploy never returns, whatever the signal says. */
function stuckProvider(events: string[]): Provider {
  const same = async (state: ProviderState) => state;
  return {
    name: "local",
    plan: () => Promise.reject(new Error("a stuck provider is not planned")),
    reserve: async (spec) => (events.push("reserve"), { provider: "local", topologyKey: spec.topologyKey, steps: {} }),
    boot: same,
    deploy: (_state, _runtime, _runDir, ctx) => {
      events.push("deploy");
      ctx.progress("deploy");
      return new Promise(() => {});
    },
    emulateNetwork: same,
    collect: async () => {},
    reset: same,
    release: async () => void events.push("release"),
  };
}

describe("runAll", () => {
  it("returns on a forced stop while a run is stuck, and releases what the run holds", async () => {
    const campaign = await loadCampaign(join(REPO_ROOT, "experiments/default"), { env: SHORT_DEFAULT_CAMPAIGN });
    const planned = planRuns(campaign);
    const events: string[] = [];
    const graceful = new AbortController();
    const force = new AbortController();
    const batch = await runAll(
      campaign,
      planned,
      perRunDeployments(
        () => stuckProvider(events),
        () => scratch,
      ),
      {
        out: join(scratch, "out"),
        mode: "fresh",
        force: false,
        jobs: 1,
        retries: 1,
        halt: "never",
        stop: { graceful: graceful.signal, force: force.signal },
        log: () => {},
        onStep: (_key, step) => {
          if (step !== "deploy") return;
          graceful.abort(new Error("SIGINT"));
          force.abort(new Error("SIGINT"));
        },
      },
      RUN_STEPS,
    );
    expect(batch).toEqual({ summary: undefined, interrupted: true, forced: true, tooLate: [] });
    expect(events).toEqual(["reserve", "deploy", "release"]);
  }, 30_000);
});
