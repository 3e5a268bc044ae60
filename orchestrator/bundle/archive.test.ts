/** The tar wrapper: a round trip, and tar's own complaint in the BundleError when it refuses an archive. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExecaError } from "execa";
import { describe, expect, it } from "vitest";
import { createArchive, extractArchive } from "./archive.ts";
import { BundleError } from "./errors.ts";

describe("the bundle's tar archive", () => {
  it("extracts what it archived, under the folder's own name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "giraff-archive-"));
    mkdirSync(join(dir, "b"));
    writeFileSync(join(dir, "b", "f.txt"), "data\n");
    await createArchive(join(dir, "b"), join(dir, "b.tar.gz"));
    mkdirSync(join(dir, "out"));
    await extractArchive(join(dir, "b.tar.gz"), join(dir, "out"));
    expect(readFileSync(join(dir, "out", "b", "f.txt"), "utf8")).toBe("data\n");
  });

  it("refuses a file that is not an archive with tar's stderr, exit 1 and execa's error as the cause", async () => {
    const dir = mkdtempSync(join(tmpdir(), "giraff-archive-"));
    const bogus = join(dir, "bogus.tar.gz");
    writeFileSync(bogus, "not an archive\n");
    const error = await extractArchive(bogus, dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleError);
    const { message, exitCode, cause } = error as BundleError;
    expect(message).toMatch(new RegExp(`^tar failed to extract ${bogus}: tar: .+\\.$`, "s"));
    expect(exitCode).toBe(1);
    expect(cause).toBeInstanceOf(ExecaError);
    expect((cause as ExecaError).exitCode).toBe(2);
  });
});
