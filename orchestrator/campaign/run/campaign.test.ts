/**
 * `npx zx run-campaign.mjs` as a user runs it, on the local provider: the default campaign shortened through
 * GIRAFF_ overrides runs end to end, resumes, survives a SIGKILL, and bad input stops it before anything starts.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { metricEventSchema } from "../../../runtime/protocol/events.ts";
import { waitUntil } from "../../../runtime/testing/wait.ts";
import { SHORT_DEFAULT_CAMPAIGN, startCampaignCli } from "./testing/campaigns.ts";

/** Campaign runs start real fog networks: minutes on a loaded 2-core machine. */
const LONG = 300_000;
const scratch = mkdtempSync(join(tmpdir(), "giraff-campaign-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SHORT = SHORT_DEFAULT_CAMPAIGN;

const campaign = startCampaignCli;

function runDirs(out: string): string[] {
  return readdirSync(out, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^[0-9a-f]{16}$/.test(e.name))
    .map((e) => e.name);
}

function joblogKeys(out: string): string[] {
  const lines = readFileSync(join(out, "joblog"), "utf8").trim().split("\n").slice(1);
  return lines.map((l) => /GIRAFF_RUN_KEY=(\w+)|giraff-run (\w+)/.exec(l)).map((m) => m?.[1] ?? m?.[2] ?? "?");
}

describe("run-campaign.mjs on the local provider", () => {
  const out = join(scratch, "default");

  it(
    "runs the default campaign end to end and prints a summary per strategy",
    async () => {
      const c = campaign(["experiments/default", "--out", out], SHORT);
      expect(await c.exited, c.err()).toBe(0);
      expect(c.out()).toMatch(/auction\s+1\s+\d+\/\d+/);
      expect(c.out()).toMatch(/edge-first\s+1\s+\d+\/\d+/);
      const dirs = runDirs(out);
      expect(dirs).toHaveLength(2);
      expect(joblogKeys(out).sort()).toEqual([...dirs].sort());
      expect(readFileSync(join(out, "runs.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
      for (const dir of dirs) {
        const run = join(out, dir);
        for (const file of ["manifest.json", "topology.json", "plan.json", "scenario.json", "events/market.jsonl"]) {
          expect(existsSync(join(run, file)), `${dir}/${file}`).toBe(true);
        }
        const scenario = JSON.parse(readFileSync(join(run, "scenario.json"), "utf8"));
        expect(scenario.functions.placed).toBeGreaterThan(0);
        for (const file of readdirSync(join(run, "events"))) {
          for (const line of readFileSync(join(run, "events", file), "utf8")
            .split("\n")
            .filter(Boolean)) {
            metricEventSchema.parse(JSON.parse(line));
          }
        }
      }
      // the campaign ends with its analysis: the DuckDB file, the metrics table and the figures
      expect(existsSync(join(out, "campaign.duckdb"))).toBe(true);
      expect(c.out()).toMatch(/SLA violations %/);
      expect(existsSync(join(out, "figures", "sla-violations.svg"))).toBe(true);
      // both strategies replayed the same topology and plan
      const [a, b] = dirs.map((d) => readFileSync(join(out, d, "plan.json"), "utf8"));
      expect(a).toBe(b);
    },
    LONG,
  );

  it(
    "resumes without redoing finished runs",
    async () => {
      const before = runDirs(out).map((d) => readFileSync(join(out, d, "manifest.json"), "utf8"));
      const c = campaign(["experiments/default", "--out", out, "--resume"], SHORT);
      expect(await c.exited, c.err()).toBe(0);
      expect(c.err()).toContain("2 runs, 2 already done, 0 to run");
      expect(runDirs(out).map((d) => readFileSync(join(out, d, "manifest.json"), "utf8"))).toEqual(before);
    },
    LONG,
  );

  it(
    "finishes every run exactly once after a SIGKILL mid-campaign",
    async () => {
      const killed = join(scratch, "killed");
      const first = campaign(["experiments/default", "--out", killed], SHORT);
      await waitUntil("the first run to be replaying", () => first.err().includes("runScenario"), {
        timeoutMs: 60_000,
      });
      first.child.kill("SIGKILL");
      await first.exited;
      const again = campaign(["experiments/default", "--out", killed, "--resume"], SHORT);
      expect(await again.exited, again.err()).toBe(0);
      const dirs = runDirs(killed);
      expect(dirs).toHaveLength(2);
      expect(joblogKeys(killed).sort()).toEqual([...dirs].sort());
      expect(readdirSync(killed).filter((n) => n.includes(".tmp-"))).toEqual([]);
    },
    LONG,
  );

  it(
    "stops at once on a second Ctrl-C, exiting 130, where the first waits for the deploy under way",
    async () => {
      const c = campaign(["experiments/default", "--out", join(scratch, "forced")], SHORT);
      // a local deploy does not stop half-way (seconds): a graceful stop waits for it, a forced one does not
      await waitUntil("the first run to be deploying", () => /^\s+\S+: deploy$/m.test(c.err()), {
        timeoutMs: 60_000,
      });
      c.child.kill("SIGINT");
      // Ctrl-C again, as a person does, until it counts (the copy of the first, within a second, does not)
      await waitUntil(
        "the forced stop",
        () => /SIGINT again: stopping now/.test(c.err()) || (c.child.kill("SIGINT"), false),
        { intervalMs: 250, timeoutMs: 15_000 },
      );
      expect(await c.exited, c.err()).toBe(130);
      expect(c.out()).toContain("Stopped before the runs ended; machines released.");
    },
    LONG,
  );

  it(
    "prints the plan on --dry-run and changes nothing",
    async () => {
      const dry = join(scratch, "dry");
      const c = campaign(["experiments/default", "--out", dry, "--dry-run"]);
      expect(await c.exited, c.err()).toBe(0);
      expect(c.out()).toMatch(/7 runs, provider local/);
      expect(c.out()).toMatch(/topology \w+ \(size ×1, repetition 1\): \d+ nodes/);
      expect(c.out()).toContain("nothing was started, reserved or written");
      expect(existsSync(dry)).toBe(false);
    },
    LONG,
  );

  it.each([
    [["experiments/nope"], {}, /experiments\/nope/],
    [["experiments/default"], { GIRAFF_STRATEGIES: "auction cheapest" }, /STRATEGIES`.*cheapest/],
    [["experiments/default", "--resume", "--fresh"], {}, /--resume and --fresh contradict/],
    [["experiments/default", "--jobs", "0"], {}, /--jobs to be a positive integer/],
    [
      ["experiments/default"],
      { ...SHORT, GIRAFF_WAIT_TIME: "1" },
      /environment: `WAIT_TIME` \(1 s\) is shorter than the plan of variation base needs: its last IoT source sends until 4 s/,
    ],
    [
      ["experiments/default"],
      { GIRAFF_MIN_NUMBER_VMS: "900", GIRAFF_MAX_NUMBER_VMS: "1000" },
      /No network of size ×1 \(repetition 1\) drawn from `RANDOM_SEED` "default" passed the checks: .*Choose another `RANDOM_SEED`/,
    ],
  ])(
    "exits 2 with a sentence for %j %j",
    async (args, env, message) => {
      const c = campaign([...args, "--out", join(scratch, "never")], env);
      expect(await c.exited).toBe(2);
      expect(c.err()).toMatch(message);
      expect(existsSync(join(scratch, "never"))).toBe(false);
    },
    LONG,
  );
});
