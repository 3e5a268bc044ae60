/**
 * Delays the runner arms as timers are bounded by what a timer can wait (2^31 − 1 ms): above it node's
 * `setTimeout` fires after 1 ms, and `--timeout-ms 2147484000` killed every run at once.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BatchError } from "./errors.ts";
import { MAX_TIMER_MS, normalizeBatchOptions } from "./options.ts";
import { CLI, tempCampaign } from "./test-helpers.ts";

describe("timer bounds of the batch options", () => {
  it.each([
    ["timeoutMs", "--timeout-ms"],
    ["killGraceMs", "--kill-grace-ms"],
  ] as const)("refuses a %s above the timer limit, naming %s", (field, option) => {
    let error: unknown;
    try {
      normalizeBatchOptions({ jobs: [], dir: "x", [field]: MAX_TIMER_MS + 1 });
    } catch (e) {
      error = e;
    }
    BatchError.assert(error, { field, message: new RegExp(`at most ${MAX_TIMER_MS} \\(\`${option}\``) });
    expect(normalizeBatchOptions({ jobs: [], dir: "x", [field]: MAX_TIMER_MS })[field]).toBe(MAX_TIMER_MS);
  });

  it("exits 2 naming --timeout-ms for --timeout-ms 2147484000, before any run starts", async () => {
    const dir = await tempCampaign();
    const marker = join(dir, "ran");
    const args = ["--import", "tsx", CLI, "--dir", dir, "--jobs", "2", "--timeout-ms", "2147484000"];
    const child = spawn(process.execPath, [...args, "--", "touch", marker], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(/`timeoutMs`.*`--timeout-ms`.*got `2147484000`/);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(dir, "joblog"))).toBe(false);
  }, 30_000);
});
