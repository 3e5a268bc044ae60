/**
 * A runtime that becomes unreachable mid-run (on Grid'5000: the SSH tunnel to the market dropped) fails the run
 * with that cause, in the warm-up already, rather than letting the replay send into a closed port. The provider is
 * a fake: a dropped tunnel is produced by the real transport's own tests (grid5000/transport/tunnel.test.ts); here
 * only its contract matters, `Endpoints.lost` aborting with the cause.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
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

const scratch = mkdtempSync(join(tmpdir(), "giraff-lost-runtime-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CAUSE =
  "The SSH connection to vm-1 was lost. The tunnel to 127.0.0.1:1 dropped: the server closed the connection";

/** Deploys at once with endpoints that nothing serves, and a `lost` signal the test aborts. */
function droppingProvider(lost: AbortController, events: string[]): Provider {
  const same = async (state: ProviderState) => state;
  return {
    name: "local",
    plan: () => Promise.reject(new Error("not planned")),
    reserve: async (spec) => ({ provider: "local", topologyKey: spec.topologyKey, steps: {} }),
    boot: same,
    deploy: async (state) => ({
      state,
      endpoints: {
        marketUrl: "http://127.0.0.1:1",
        iotUrl: "http://127.0.0.1:1",
        operatorToken: "t",
        lost: lost.signal,
      },
    }),
    emulateNetwork: same,
    collect: async () => void events.push("collect"),
    reset: same,
    release: async () => void events.push("release"),
  };
}

describe("a run whose runtime is lost", () => {
  it("fails with the cause during its warm-up, and its machines are released", async () => {
    const campaign = await loadCampaign(join(REPO_ROOT, "experiments/default"), {
      env: { ...SHORT_DEFAULT_CAMPAIGN, WARMUP_TIME: "600" },
    });
    const planned = planRuns(campaign);
    const one = { ...planned, runs: planned.runs.slice(0, 1) };
    const events: string[] = [];
    const lost = new AbortController();
    const out = join(scratch, "out");
    const batch = await runAll(
      campaign,
      one,
      perRunDeployments(
        () => droppingProvider(lost, events),
        () => scratch,
      ),
      {
        out,
        mode: "fresh",
        force: false,
        jobs: 1,
        retries: 1,
        halt: "never",
        stop: { graceful: new AbortController().signal, force: new AbortController().signal },
        log: () => {},
        onStep: (_key, step) => {
          if (step === "warm-up") lost.abort(new Error(CAUSE));
        },
      },
      RUN_STEPS,
    );
    expect(batch.interrupted).toBe(false);
    expect(events).toEqual(["release"]);
    expect(batch.summary?.failed).toBe(1);
    // the batch runner keeps a failed run's directory as <key>.err, with the error that ended it
    const [failed] = readdirSync(out).filter((f) => f.endsWith(".err"));
    expect(readFileSync(join(out, failed!, "error.json"), "utf8")).toContain(CAUSE);
  }, 30_000);
});
