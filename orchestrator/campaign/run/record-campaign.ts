/**
 * `<out>/campaign.json`: what ran, so a result can be traced back — the resolved campaign, each run's key, label,
 * topology and plan keys and seeds, the git commit, the lockfile's hash and the Node version.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execaSync } from "execa";
import type { RunSpec } from "../config/index.ts";
import type { Campaign } from "../config/schema.ts";
import { writeJsonAtomicallySync } from "../../../runtime/util/atomic-file.ts";

export function recordCampaign(out: string, campaign: Campaign, runs: readonly RunSpec[]): void {
  const lock = existsSync("package-lock.json")
    ? createHash("sha256").update(readFileSync("package-lock.json")).digest("hex")
    : null;
  writeJsonAtomicallySync(join(out, "campaign.json"), {
    campaign,
    runs: runs.map((r) => ({
      key: r.key,
      label: r.label,
      topologyKey: r.topologyKey,
      planKey: r.planKey,
      seeds: r.seeds,
    })),
    gitCommit: gitCommit(),
    packageLockSha256: lock,
    node: process.version,
  });
}

/** `git rev-parse HEAD`, or null where git is missing or this is no checkout (a release bundle, say). */
function gitCommit(): string | null {
  const result = execaSync("git", ["rev-parse", "HEAD"], { reject: false, stdin: "ignore", stderr: "ignore" });
  return result.failed ? null : result.stdout;
}
