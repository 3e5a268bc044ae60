import { cpSync, mkdirSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execaSync } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIGURES } from "../figures/figures.ts";
import { recordingIo } from "../../runtime/util/cli.ts";
import { main as bundleMain } from "./bundle-cli.ts";
import { bundleCampaign, type BundleResult } from "./bundle.ts";
import { BundleError } from "./errors.ts";
import { extract, FIXED_CLOCK, writeFinishedCampaign } from "./testing/helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "bundle-"));
const campaign = join(dir, "c");
let result: BundleResult;
let root: string;

beforeAll(async () => {
  process.env.TZ = "UTC";
  await writeFinishedCampaign(campaign);
  result = await bundleCampaign(campaign, { clock: FIXED_CLOCK });
  root = extract(result.archive, join(dir, "x"), result.bundleName);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("bundleCampaign", () => {
  it("writes one dated archive next to the campaign folder, and no temporary file", () => {
    expect(result.archive).toBe(join(dir, "c-bundle-2024-05-01.tar.gz"));
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
  });

  it("holds the campaign, its raw events and caches, the database, the locks and the environment", () => {
    for (const file of [
      "campaign/campaign.json",
      "campaign/topologies/t1.json",
      "campaign/plans/p1.json",
      "campaign/runA/manifest.json",
      "campaign/runA/topology.json",
      "campaign/runA/plan.json",
      "campaign/runA/scenario.json",
      "campaign/runA/events/market.jsonl",
      "campaign/runA/logs/market.log",
      "campaign/campaign.duckdb",
      "campaign/figures/jain-index.svg",
      "package-lock.json",
      "ENVIRONMENT.json",
      "README.md",
      "SHA256SUMS",
    ]) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
    const env = JSON.parse(readFileSync(join(root, "ENVIRONMENT.json"), "utf8"));
    expect(env).toMatchObject({ node: process.version, platform: process.platform });
    expect(env.gitCommit).toMatch(/^[0-9a-f]{40}$/);
  });

  it("lists every other file in SHA256SUMS, and no .env file is in the archive", () => {
    const listed = readFileSync(join(root, "SHA256SUMS"), "utf8").trim().split("\n");
    expect(listed).toHaveLength(result.files);
    const members = execaSync("tar", ["-tzf", result.archive], { stripFinalNewline: false }).stdout.split("\n");
    expect(members.filter((m) => /(^|\/)\.env/.test(m))).toEqual([]);
    expect(members.filter((m) => m !== "" && !m.endsWith("/"))).toHaveLength(result.files + 1);
  });

  it("maps every figure and table to the command that regenerates it, and says flake.lock is missing", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    for (const f of FIGURES) {
      expect(readme).toContain(`| \`${f.name}.json\`, \`${f.name}.png\`, \`${f.name}.svg\` |`);
      expect(readme).toContain(`npm run figures -- <bundle dir>/campaign --only ${f.name}`);
    }
    expect(readme).toContain("| `strategy_summary` | view | `npx tsx orchestrator/analysis/cli.ts summary");
    expect(readme).toContain(
      "| `run_metrics` | view | `npx tsx orchestrator/analysis/cli.ts ingest <bundle dir>/campaign`",
    );
    expect(readme).toContain("npm run verify -- <bundle dir>");
    expect(readme).toContain("npm run report -- <bundle dir>/campaign");
    expect(readme).toContain("No `flake.lock`");
  });
});

describe("secrets", () => {
  const SECRET = "correct-horse-battery-staple";
  let leaky: string;

  beforeAll(() => {
    leaky = join(dir, "leaky");
    cpSync(campaign, leaky, { recursive: true });
    writeFileSync(join(leaky, ".env"), `EXPERIMENT_DURATION=60\nG5K_PASSWORD=${SECRET}\n`);
    writeFileSync(join(leaky, "runB", "logs", "market.log"), `login with ${SECRET}\n`);
  });

  it("exits 2 naming the file and the variable, never the value, and writes no archive", async () => {
    const io = recordingIo();
    expect(await bundleMain([leaky, "--out", join(dir, "leaky.tar.gz")], io)).toBe(2);
    const message = io.stderr.join("\n");
    expect(message).toMatch(/campaign\/runB\/logs\/market\.log contains the value of G5K_PASSWORD \(from \.env\)/);
    expect(message).not.toContain(SECRET);
    expect(readdirSync(dir).filter((n) => n.startsWith("leaky") && n !== "leaky")).toEqual([]);
  });

  it("also checks the .env files of the campaign folder the results came from (campaign.json)", async () => {
    const source = join(dir, "experiments-leaky");
    mkdirSync(source, { recursive: true });
    writeFileSync(join(source, ".env"), `G5K_PASSWORD=${SECRET}-source\n`);
    const results = join(dir, "leaky-results");
    cpSync(campaign, results, { recursive: true });
    writeFileSync(join(results, "campaign.json"), JSON.stringify({ campaign: { folder: source } }));
    writeFileSync(join(results, "runB", "logs", "market.log"), `login with ${SECRET}-source\n`);
    const io = recordingIo();
    expect(await bundleMain([results, "--out", join(dir, "leaky-results.tar.gz")], io)).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/market\.log contains the value of G5K_PASSWORD/);
    expect(io.lines.join("\n")).not.toContain(SECRET);
  });

  it("throws a BundleError carrying one problem per hit", async () => {
    const err = await bundleCampaign(leaky, { out: join(dir, "leaky.tar.gz") }).catch((e: unknown) => e);
    expect(BundleError.is(err) && err.exitCode).toBe(2);
    expect((err as BundleError).problems).toHaveLength(1);
  });
});

describe("bundle cli", () => {
  it("exits 2 with a sentence without a campaign directory", async () => {
    const io = recordingIo();
    expect(await bundleMain([], io)).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/^Expected one campaign directory, got 0\.\n\nUsage: npm run bundle/);
  });

  it("exits 2 with a sentence for a campaign directory that does not exist", async () => {
    const io = recordingIo();
    expect(await bundleMain([join(dir, "nope")], io)).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/The campaign directory .*nope does not exist\./);
  });
});
