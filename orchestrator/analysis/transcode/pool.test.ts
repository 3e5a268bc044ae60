import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TranscodePool } from "./pool.ts";

const dir = mkdtempSync(join(tmpdir(), "transcode-pool-"));
const pool = new TranscodePool(2);
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

const line = (i: number) =>
  JSON.stringify({
    t: i,
    run: "r",
    source: "n",
    kind: "resource_usage",
    nodeId: "n1",
    cpuUsedMilli: i,
    cpuAvailableMilli: 1000,
    memoryUsedBytes: 1,
    memoryAvailableBytes: 2,
  });

describe("TranscodePool", () => {
  it("transcodes files in worker threads, several at once", async () => {
    const jobs = [0, 1, 2, 3].map((k) => {
      const path = join(dir, `f${k}.jsonl`);
      writeFileSync(path, Array.from({ length: 10 * (k + 1) }, (_, i) => line(i)).join("\n") + "\n");
      return pool.run({ path, runKey: "r", sourceFile: `f${k}.jsonl`, outDir: join(dir, "out"), stem: `f${k}` });
    });
    const results = await Promise.all(jobs);
    expect(results.map((r) => [r.lines, r.parquet[0]?.rows])).toEqual([
      [10, 10],
      [20, 20],
      [30, 30],
      [40, 40],
    ]);
  });

  it("fails one job with the worker's error as a sentence and goes on with the next", async () => {
    await expect(
      pool.run({ path: join(dir, "missing.jsonl"), runKey: "r", sourceFile: "m", outDir: dir, stem: "m" }),
    ).rejects.toThrow(/ENOENT.*missing\.jsonl/);
    const path = join(dir, "ok.jsonl");
    writeFileSync(path, `${line(1)}\n`);
    expect((await pool.run({ path, runKey: "r", sourceFile: "ok", outDir: join(dir, "out"), stem: "ok" })).lines).toBe(
      1,
    );
  });

  it("refuses work once closed", async () => {
    const closed = new TranscodePool(1);
    await closed.close();
    await expect(closed.run({ path: "x", runKey: "r", sourceFile: "x", outDir: dir, stem: "x" })).rejects.toThrow(
      /closed/,
    );
  });
});
