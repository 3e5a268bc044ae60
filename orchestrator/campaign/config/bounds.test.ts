/**
 * Values that used to hang the topology generator, exhaust the heap or slip through exit 2 through the real CLI
 * (`npx zx run-campaign.mjs`), naming the variable and the bound, before anything is generated. Each process is
 * killed after 2 s: a generous upper bound on the exit (it takes under a second here), not a measurement.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startCampaignCli } from "../run/testing/campaigns.ts";

const scratch = mkdtempSync(join(tmpdir(), "giraff-bounds-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const EXIT_WITHIN_MS = 2_000;

// prettier-ignore
const CASES: [string, string, RegExp][] = [
  ["GIRAFF_SIZE_MULTIPLIERS",    "1000000000",    /`GIRAFF_SIZE_MULTIPLIERS` must be a space-separated list of integers from 1 to 8/],
  ["GIRAFF_MIN_NUMBER_VMS",      "1000000000",    /`GIRAFF_MIN_NUMBER_VMS` must be a space-separated list of integers from 0 to 2000/],
  ["GIRAFF_MAX_NUMBER_VMS",      "1000000000",    /`GIRAFF_MAX_NUMBER_VMS` must be a space-separated list of integers from 1 to 2000/],
  ["GIRAFF_MAX_NUMBER_VMS",      "1e9",           /`GIRAFF_MAX_NUMBER_VMS` must be a space-separated list of integers from 1 to 2000/],
  ["GIRAFF_NB_IMAGE_FUNCTIONS",  "1000000000",    /`GIRAFF_NB_IMAGE_FUNCTIONS` must be an integer from 0 to 100/],
  ["GIRAFF_NB_IN_PARALLEL",      "1000000000",    /`GIRAFF_NB_IN_PARALLEL` must be an integer from 1 to 64/],
  ["GIRAFF_EXPERIMENT_DURATION", "1000000000000", /`GIRAFF_EXPERIMENT_DURATION` must be an integer from 1 to 86400/],
  ["GIRAFF_RUN_TIMEOUT",         "2147484",       /`GIRAFF_RUN_TIMEOUT` must be an integer from 1 to 604800/],
];

describe("run-campaign.mjs refuses out-of-bounds campaign values", () => {
  it.each(CASES)(
    "%s=%s exits 2 naming the variable and the bound, within 2 s, generating nothing",
    async (variable, value, message) => {
      const out = join(scratch, `${variable}-${value}`);
      const c = startCampaignCli(["experiments/default", "--out", out], { [variable]: value });
      const killer = setTimeout(() => c.child.kill("SIGKILL"), EXIT_WITHIN_MS);
      const code = await c.exited;
      clearTimeout(killer);
      expect(code, `killed after ${EXIT_WITHIN_MS} ms? stderr: ${c.err()}`).toBe(2);
      expect(c.err()).toMatch(message);
      expect(c.err()).toContain(JSON.stringify(value));
      expect(c.err()).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    },
    10_000,
  );
});
