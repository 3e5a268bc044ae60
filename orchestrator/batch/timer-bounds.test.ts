/**
 * Delays the runner arms as timers are bounded by what a timer can wait (2^31 − 1 ms): above it node's
 * `setTimeout` fires after 1 ms, and `--timeout-ms 2147484000` killed every run at once.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { execaNode } from "execa";
import { describe, expect, it } from "vitest";
import { BatchError } from "./errors.ts";
import { MAX_TIMER_MS, normalizeBatchOptions } from "./options.ts";
import { CLI, tempCampaign } from "./testing/helpers.ts";

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
    const args = ["--dir", dir, "--jobs", "2", "--timeout-ms", "2147484000"];
    const { exitCode: code, stderr } = await execaNode(CLI, [...args, "--", "touch", marker], {
      nodeOptions: ["--import", "tsx"],
      ipc: false,
      stdin: "ignore",
      stdout: "ignore",
      reject: false,
    });
    expect(code, stderr).toBe(2);
    expect(stderr).toMatch(/`timeoutMs`.*`--timeout-ms`.*got `2147484000`/);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(dir, "joblog"))).toBe(false);
  }, 30_000);
});
