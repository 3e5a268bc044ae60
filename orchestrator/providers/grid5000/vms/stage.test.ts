import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execaSync } from "execa";
import { describe, expect, it } from "vitest";
import { ALREADY_STAGED, STAGED, stageImageCommand } from "./commands.ts";
import { DEFAULT_LAYOUT } from "./spec.ts";

// The staging script is plain POSIX sh + coreutils, so it runs here for real against a small fake image.
describe("stageImageCommand under sh", () => {
  const dir = mkdtempSync(join(tmpdir(), "giraff-stage-"));
  const layout = { ...DEFAULT_LAYOUT, workDir: join(dir, "work") };
  const source = join(dir, "nixos.qcow2");
  writeFileSync(source, "not really qcow2");
  const sha256 = createHash("sha256").update("not really qcow2").digest("hex");
  const sh = (cmd: string) => execaSync("sh", ["-c", cmd]).stdout.trim();

  it("copies once, then reports the image as already staged", () => {
    expect(sh(stageImageCommand({ path: source, sha256 }, layout))).toBe(STAGED);
    expect(readFileSync(join(layout.workDir, "base.qcow2"), "utf8")).toBe("not really qcow2");
    expect(sh(stageImageCommand({ path: source, sha256 }, layout))).toBe(ALREADY_STAGED);
  });

  it("copies again when the expected checksum changes, and fails when the copy does not match it", () => {
    const wrong = "0".repeat(64);
    expect(() => sh(stageImageCommand({ path: source, sha256: wrong }, layout))).toThrow();
    expect(sh(stageImageCommand({ path: source, sha256 }, layout))).toBe(STAGED);
  });

  it("rejects a checksum that is not 64 hex digits", () => {
    expect(() => stageImageCommand({ path: source, sha256: "abc" }, layout)).toThrow(/`image.sha256`/);
  });
});
