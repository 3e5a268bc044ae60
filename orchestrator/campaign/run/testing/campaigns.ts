/** Test helper: `run-campaign.mjs` as a child process, the way a user runs it, with its output captured. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { collectOutput } from "../../../../runtime/testing/cli-process.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../../..", import.meta.url));
const ZX = join(REPO_ROOT, "node_modules", "zx", "build", "cli.js");

/**
 * The default campaign, shortened for tests: two strategies, a few seconds of arrivals, 6 s reservations whose IoT
 * windows end 2 s before them, so the plan needs a WAIT_TIME of 4 s at most.
 */
export const SHORT_DEFAULT_CAMPAIGN: Record<string, string> = {
  GIRAFF_STRATEGIES: "auction edge-first",
  GIRAFF_EXPERIMENT_DURATION: "3",
  GIRAFF_WARMUP_TIME: "1",
  GIRAFF_DURATION_MULTIPLIER: "1",
  GIRAFF_FUNCTION_STOP_OVERHEAD: "2000",
  GIRAFF_FUNCTION_MIN_DURATION: "6000",
  GIRAFF_WAIT_TIME: "4",
};

export function startCampaignCli(args: string[], env: Record<string, string> = {}) {
  // node runs zx directly (not through npx), so that a signal reaches the campaign process itself
  const child = execa(process.execPath, [ZX, "run-campaign.mjs", ...args], {
    cwd: REPO_ROOT,
    env,
    stdin: "ignore",
    buffer: false,
    reject: false,
  });
  const exited = child.then((result) => result.exitCode ?? null);
  return { child, exited, ...collectOutput(child) };
}
