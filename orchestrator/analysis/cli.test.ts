import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { recordingIo } from "../../runtime/util/cli.ts";
import { main } from "./cli.ts";
import { writeFixtureCampaign } from "./testing/fixtures.ts";

const dir = mkdtempSync(join(tmpdir(), "analysis-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; out: string; progress: string }> {
  const io = recordingIo();
  const code = await main(argv, io);
  return { code, out: io.stdout.join("\n"), progress: io.stderr.join("\n") };
}

describe("analysis CLI", () => {
  it("exits 2 with a sentence and the usage on stderr for bad arguments", async () => {
    const usage = "\n\nUsage: npm run analysis -- ingest <campaignDir>";
    expect(await run()).toMatchObject({ code: 2, progress: expect.stringMatching(/^Expected a command/) });
    expect(await run("frobnicate")).toMatchObject({
      code: 2,
      progress: expect.stringContaining(
        `Unknown command \`frobnicate\`; expected ingest, import-giraff, summary or emulation.${usage}`,
      ),
    });
    expect(await run("ingest")).toMatchObject({
      code: 2,
      progress: expect.stringMatching(/exactly one campaign directory/),
    });
    expect(await run("import-giraff", "a.tar.xz")).toMatchObject({
      code: 2,
      progress: expect.stringMatching(/needs --db/),
    });
    expect(await run("ingest", join(dir, "nope"))).toMatchObject({
      code: 2,
      progress: expect.stringMatching(/Cannot read/),
    });
    expect(await run("ingest", "x", "--bogus")).toMatchObject({
      code: 2,
      progress: expect.stringContaining(`Unknown option '--bogus'`),
    });
    expect(await run("--help")).toMatchObject({ code: 0, out: expect.stringMatching(/^Usage: npm run analysis/) });
  });

  it("ingests a campaign and prints the per-strategy summary", async () => {
    const campaign = join(dir, "c");
    writeFixtureCampaign(campaign);
    const ingest = await run("ingest", campaign);
    expect(ingest.code).toBe(0);
    expect(ingest.out).toMatch(/Ingested 30 events of 2 new and 0 changed run\(s\)/);
    expect(ingest.progress).toMatch(/^2 run\(s\) found, 2 to ingest, 0 skipped$/m);
    expect(ingest.progress).toMatch(/run 2\/2 run[AB]: \d+ events/);
    const summary = await run("summary", campaign);
    expect(summary.code).toBe(0);
    expect(summary.out).toContain("sla_violation_pct\tauction\t3\t2\t50\t[-585.31, 685.31]");
    const emulation = await run("emulation", campaign);
    expect(emulation.code).toBe(0);
    const [header, ...lines] = emulation.out.split("\n");
    expect(header).toMatch(
      /^strategy\tnodes\trun_key\thops\t.*\ttimer_slack_p50_ms\ttimer_slack_p99_ms\t.*\tdistorted$/,
    );
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => /^auction\t3\trun[AB]\t/.test(l))).toBe(true);
  });
});
