import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withBuildLock } from "./build-lock.ts";

const lockIn = () => join(mkdtempSync(join(tmpdir(), "giraff-lock-")), ".build.lock");

describe("withBuildLock", () => {
  it("lets builds take turns: the second starts only after the first ended, and says it waits", async () => {
    const lock = lockIn();
    const log: string[] = [];
    let release!: () => void;
    const first = withBuildLock(lock, async () => {
      log.push("first starts");
      await new Promise<void>((done) => (release = done));
      log.push("first ends");
    });
    while (!existsSync(lock)) await new Promise((r) => setImmediate(r));
    const waits: number[] = [];
    const second = withBuildLock(lock, async () => log.push("second starts"), {
      onWait: (pid) => {
        waits.push(pid);
        release();
      },
      pollMs: 5,
    });
    await Promise.all([first, second]);
    expect(log).toEqual(["first starts", "first ends", "second starts"]);
    expect(waits).toEqual([process.pid]);
    expect(existsSync(lock)).toBe(false);
  });

  it("takes over the lock of a build that died, and releases it when the build throws", async () => {
    const lock = lockIn();
    writeFileSync(lock, "2147483646\n");
    await expect(withBuildLock(lock, () => Promise.reject(new Error("loader failed")))).rejects.toThrow(
      "loader failed",
    );
    expect(existsSync(lock)).toBe(false);
  });
});
