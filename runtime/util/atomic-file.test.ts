import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeJsonAtomically, writeJsonAtomicallySync } from "./atomic-file.ts";

const dir = mkdtempSync(join(tmpdir(), "giraff-atomic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("atomic files", () => {
  it("creates the folders, writes pretty JSON with a final newline, and leaves no temporary file", async () => {
    const path = join(dir, "a", "b", "state.json");
    await writeJsonAtomically(path, { x: 1 });
    writeJsonAtomicallySync(path, { x: 2 });
    expect(readFileSync(path, "utf8")).toBe('{\n  "x": 2\n}\n');
    expect(readdirSync(join(dir, "a", "b"))).toEqual(["state.json"]);
  });
});
