import { createHash } from "node:crypto";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleCampaign, type BundleResult } from "./bundle.ts";
import { extract, FIXED_CLOCK, writeFinishedCampaign } from "./testing/helpers.ts";
import { recordingIo } from "../../runtime/util/cli.ts";
import { main as verifyMain } from "./verify-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "verify-"));
let result: BundleResult;
let root: string;

beforeAll(async () => {
  process.env.TZ = "UTC";
  const campaign = join(dir, "c");
  await writeFinishedCampaign(campaign);
  result = await bundleCampaign(campaign, { clock: FIXED_CLOCK, out: join(dir, "out", "b.tar.gz") });
  root = extract(result.archive, join(dir, "x"), result.bundleName);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function verify(target: string): Promise<{ code: number; text: string }> {
  const io = recordingIo();
  const code = await verifyMain([target], io);
  return { code, text: io.lines.join("\n") };
}

/** A fresh copy of the extracted bundle to tamper with. */
function copyBundle(name: string): string {
  const copy = join(dir, name);
  cpSync(root, copy, { recursive: true });
  return copy;
}

describe("verify", () => {
  it("passes on the archive, regenerating every figure byte for byte", async () => {
    const { code, text } = await verify(result.archive);
    expect(text).toMatch(/file\(s\) match SHA256SUMS; 2 run\(s\) re-ingested; 14 figure file\(s\) regenerated/);
    expect(code).toBe(0);
  }, 60_000);

  it("passes on an extracted directory and on the folder that holds it", async () => {
    expect((await verify(root)).code).toBe(0);
    expect((await verify(join(dir, "x"))).code).toBe(0);
  }, 60_000);

  it("fails naming the event file when one event line was changed", async () => {
    const copy = copyBundle("tampered-event");
    const path = join(copy, "campaign", "runA", "events", "market.jsonl");
    writeFileSync(path, readFileSync(path, "utf8").replace('"t":990', '"t":991'));
    const { code, text } = await verify(copy);
    expect(code).toBe(1);
    expect(text).toContain("campaign/runA/events/market.jsonl does not match its SHA-256.");
  });

  it("names every missing, changed or unlisted file", async () => {
    const copy = copyBundle("tampered-many");
    rmSync(join(copy, "campaign", "runB", "scenario.json"));
    appendFileSync(join(copy, "README.md"), "edited\n");
    writeFileSync(join(copy, "campaign", "extra.txt"), "x");
    const { code, text } = await verify(copy);
    expect(code).toBe(1);
    expect(text).toContain("campaign/runB/scenario.json is listed in SHA256SUMS but missing.");
    expect(text).toContain("README.md does not match its SHA-256.");
    expect(text).toContain("campaign/extra.txt is not listed in SHA256SUMS.");
  });

  it("fails naming the figure when a figure was changed, even with SHA256SUMS updated to match", async () => {
    const copy = copyBundle("tampered-figure");
    const figure = "campaign/figures/latency.svg";
    const edited = readFileSync(join(copy, figure), "utf8").replace("</svg>", "<!-- -->\n</svg>");
    writeFileSync(join(copy, figure), edited);
    expect((await verify(copy)).text).toContain(`${figure} does not match its SHA-256.`);
    const sha = createHash("sha256").update(edited).digest("hex");
    const sums = readFileSync(join(copy, "SHA256SUMS"), "utf8").replace(
      /^[0-9a-f]{64} {2}(?=campaign\/figures\/latency\.svg$)/m,
      `${sha}  `,
    );
    writeFileSync(join(copy, "SHA256SUMS"), sums);
    const { code, text } = await verify(copy);
    expect(text).toBe(`${figure} differs from the figure regenerated from the raw events.`);
    expect(code).toBe(1);
  }, 60_000);
});

describe("verify cli", () => {
  it("exits 2 for no argument, a missing path, or a folder that is not a bundle", async () => {
    const io = recordingIo();
    expect(await verifyMain([], io)).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/^Expected one bundle archive or directory, got 0\.\n\nUsage: npm run verify/);
    expect((await verify(join(dir, "nope"))).code).toBe(2);
    const notBundle = await verify(join(dir, "out"));
    expect(notBundle.code).toBe(2);
    expect(notBundle.text).toMatch(/is not a bundle: no SHA256SUMS found\./);
  });
});
