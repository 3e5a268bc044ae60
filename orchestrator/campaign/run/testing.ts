/** Test helper: `run-campaign.mjs` as a child process, the way a user runs it, with its output captured. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const ZX = join(REPO_ROOT, "node_modules", "zx", "build", "cli.js");

export function startCampaignCli(args: string[], env: Record<string, string> = {}) {
  // node runs zx directly (not through npx), so that a signal reaches the campaign process itself
  const child = spawn(process.execPath, [ZX, "run-campaign.mjs", ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}
