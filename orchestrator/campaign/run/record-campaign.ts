/**
 * `<out>/campaign.json`: what ran, so a result can be traced back — the resolved campaign, each run's key, label,
 * topology and plan keys and seeds, the git commit, the lockfile's hash and the Node version.
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RunSpec } from "../config/index.ts";
import type { Campaign } from "../config/schema.ts";
import { writeJsonAtomic } from "./prepare.ts";

export function recordCampaign(out: string, campaign: Campaign, runs: readonly RunSpec[]): void {
  const lock = existsSync("package-lock.json")
    ? createHash("sha256").update(readFileSync("package-lock.json")).digest("hex")
    : null;
  writeJsonAtomic(join(out, "campaign.json"), {
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

function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}
