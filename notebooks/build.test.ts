/** build.ts refuses, with exit 2 and a sentence, what it cannot build; serve.ts never serves outside the report. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execaSync } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { NOTEBOOKS_DIR } from "./build.ts";
import { resolveFile } from "./serve.ts";

const TSX = join(NOTEBOOKS_DIR, "..", "node_modules", ".bin", "tsx");
const scratch = mkdtempSync(join(tmpdir(), "giraff-report-args-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const build = (...args: string[]) =>
  execaSync(TSX, [join(NOTEBOOKS_DIR, "build.ts"), ...args], { stdin: "ignore", timeout: 30_000, reject: false });

describe("build.ts exit 2", () => {
  it("without a campaign directory", () => {
    const r = build();
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("Usage: npm run report -- <campaignDir>");
  });

  it("when the campaign directory is missing", () => {
    const r = build(join(scratch, "nope"));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      /does not exist; run the campaign, then the ingestion: npx tsx orchestrator\/analysis\/cli.ts ingest/,
    );
  });

  it("when the campaign has no campaign.duckdb", () => {
    const dir = join(scratch, "not-ingested");
    mkdirSync(dir);
    const r = build(dir);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(
      `${dir} has no campaign.duckdb; run the ingestion first: npx tsx orchestrator/analysis/cli.ts ingest`,
    );
  });
});

describe("serve.ts resolveFile", () => {
  const root = join(scratch, "site");
  mkdirSync(join(root, "_file"), { recursive: true });
  writeFileSync(join(root, "index.html"), "");
  writeFileSync(join(root, "run.html"), "");
  writeFileSync(join(scratch, "secret.txt"), "");

  it("maps clean URLs to .html files and / to index.html", () => {
    expect(resolveFile(root, "/")).toBe(join(root, "index.html"));
    expect(resolveFile(root, "/run?run=runA")).toBe(join(root, "run.html"));
    expect(resolveFile(root, "/missing")).toBeUndefined();
  });

  it("never leaves the report folder", () => {
    expect(resolveFile(root, "/../secret.txt")).toBeUndefined();
    expect(resolveFile(root, "/%2e%2e/secret.txt")).toBeUndefined();
  });
});
