/**
 * Filling the staging directory: the campaign folder (minus `.env*` files and half-written `.tmp-<pid>` entries)
 * under `campaign/`, plus what pins the software: the repository's `package-lock.json`, its `flake.lock` when there
 * is one, and `ENVIRONMENT.json` (Node version, platform, git commit) for the machine that made the bundle.
 */
import { existsSync, lstatSync } from "node:fs";
import { copyFile, cp, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { execaSync } from "execa";
import { isEnvFile } from "./files.ts";

export const CAMPAIGN_SUBDIR = "campaign";

export interface Environment {
  node: string;
  platform: string;
  arch: string;
  /** `git rev-parse HEAD` of the repository, null outside a checkout. */
  gitCommit: string | null;
  /** True when the checkout had uncommitted changes: the commit alone does not reproduce the code. */
  gitDirty: boolean | null;
  createdAt: string;
}

/** Copies the campaign folder to `<stage>/campaign/`, leaving out secrets, temporaries and symlinks. */
export async function copyCampaign(campaignDir: string, stage: string): Promise<void> {
  await cp(campaignDir, join(stage, CAMPAIGN_SUBDIR), {
    recursive: true,
    filter: (src) => {
      if (src === campaignDir) return true;
      const name = basename(src);
      return !isEnvFile(name) && !/\.tmp-\d+$/.test(name) && !lstatSync(src).isSymbolicLink();
    },
  });
}

/** Copies the lock files of `repoRoot`; answers whether `flake.lock` existed. */
export async function copyRepoFiles(repoRoot: string, stage: string): Promise<{ flakeLock: boolean }> {
  await copyFile(join(repoRoot, "package-lock.json"), join(stage, "package-lock.json"));
  const flakeLock = existsSync(join(repoRoot, "flake.lock"));
  if (flakeLock) await copyFile(join(repoRoot, "flake.lock"), join(stage, "flake.lock"));
  return { flakeLock };
}

/** git's trimmed output, or null where git is missing or `repoRoot` is no work tree (the bundle then says unknown). */
function git(repoRoot: string, args: string[]): string | null {
  const result = execaSync("git", args, { cwd: repoRoot, stdin: "ignore", stderr: "ignore", reject: false });
  return result.failed ? null : result.stdout.trim();
}

/** What the bundle was made with; `now` comes from the caller's clock. */
export function describeEnvironment(repoRoot: string, now: Date): Environment {
  const status = git(repoRoot, ["status", "--porcelain"]);
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    gitCommit: git(repoRoot, ["rev-parse", "HEAD"]),
    gitDirty: status === null ? null : status !== "",
    createdAt: now.toISOString(),
  };
}

export async function writeEnvironment(stage: string, env: Environment): Promise<void> {
  await writeFile(join(stage, "ENVIRONMENT.json"), `${JSON.stringify(env, null, 2)}\n`);
}
