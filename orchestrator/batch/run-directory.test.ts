import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readManifest, writeManifest } from "./manifest.ts";
import { withRunDirectory } from "./run-directory.ts";
import { listDir, tempCampaign } from "./testing/helpers.ts";
import type { RunRecord } from "./types.ts";

describe("withRunDirectory", () => {
  it("publishes the directory under the run key only on success", async () => {
    const dir = await tempCampaign();
    const seen: string[] = [];
    const result = await withRunDirectory(dir, "r1", async (tmp) => {
      seen.push(tmp);
      expect(await listDir(dir)).toEqual([`r1.tmp-${process.pid}`]);
      await writeFile(join(tmp, "data.txt"), "x");
      return 42;
    });
    expect(result).toBe(42);
    expect(seen).toEqual([join(dir, `r1.tmp-${process.pid}`)]);
    expect(await listDir(dir)).toEqual(["r1"]);
    expect(await readFile(join(dir, "r1", "data.txt"), "utf8")).toBe("x");
  });

  it("leaves <key>.err with the error on failure, and a later success replaces it", async () => {
    const dir = await tempCampaign();
    await expect(withRunDirectory(dir, "r1", () => Promise.reject(new Error("no luck")))).rejects.toThrow("no luck");
    expect(await listDir(dir)).toEqual(["r1.err"]);
    expect(JSON.parse(await readFile(join(dir, "r1.err", "error.json"), "utf8"))).toMatchObject({
      key: "r1",
      message: "no luck",
    });
    await withRunDirectory(dir, "r1", async () => {});
    expect(await listDir(dir)).toEqual(["r1"]);
  });

  it("never clobbers a published run directory", async () => {
    const dir = await tempCampaign();
    await withRunDirectory(dir, "r1", (tmp) => writeFile(join(tmp, "first"), "1"));
    await expect(withRunDirectory(dir, "r1", async () => {})).rejects.toThrow(/ENOTEMPTY|EEXIST/);
    expect(await listDir(join(dir, "r1"))).toEqual(["first"]);
  });
});

describe("writeManifest", () => {
  it("checksums every file with SHA-256 and is written last, atomically", async () => {
    const dir = await tempCampaign();
    await mkdir(join(dir, "events"));
    await writeFile(join(dir, "events", "a.jsonl"), "{}\n");
    await writeFile(join(dir, "topology.json"), "[]");
    const record = { runKey: "r1", seq: 1, params: { n: 3 } } as unknown as RunRecord;
    const manifest = await writeManifest(dir, record);
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");
    expect(manifest.checksums).toEqual({ "events/a.jsonl": sha("{}\n"), "topology.json": sha("[]") });
    expect(await listDir(dir)).toEqual(["events", "manifest.json", "topology.json"]);
    expect(await readManifest(dir)).toEqual(manifest);
    await writeManifest(dir, record);
    expect((await readManifest(dir))?.checksums).not.toHaveProperty("manifest.json");
  });
});
