/**
 * Sorts the entries of a campaign directory into complete runs (a directory with a readable `manifest.json`) and
 * everything else, each with a reason. The batch runner's own files are expected and not reported; anything else
 * is, so a half-written (`<key>.tmp-<pid>`) or failed (`<key>.err`) run is visible in the ingestion report rather
 * than silently missing from the tables.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { AnalysisEffects } from "./effects.ts";

/** A complete run directory and what incremental ingestion compares. */
export interface RunCandidate {
  key: string;
  dir: string;
  manifestSha256: string;
  manifestMtimeMs: number;
  manifest: { record?: Record<string, unknown> } & Record<string, unknown>;
  /** `events/*.jsonl`, sorted, as absolute paths. */
  eventFiles: string[];
}

export type SkipReason =
  "half-written" | "failed" | "no-manifest" | "bad-manifest" | "empty" | "foreign" | "unreadable";

export interface SkippedEntry {
  name: string;
  reason: SkipReason;
  detail: string;
}

/**
 * Files and folders the batch runner, the campaign runner (topology and plan caches), ingestion, the figures and
 * the report keep next to the runs.
 */
const CAMPAIGN_FILES =
  /^(campaign\.json|joblog|runs\.jsonl|batch\.json|batch\.lock|logs|archive|topologies|plans|figures|report|.*\.duckdb(\.wal)?|.*\.parquet)$/;

export async function scanCampaign(
  campaignDir: string,
  effects: Pick<AnalysisEffects, "fs">,
): Promise<{ runs: RunCandidate[]; skipped: SkippedEntry[] }> {
  const { fs } = effects;
  const entries = await fs.readdir(campaignDir, { withFileTypes: true });
  const runs: RunCandidate[] = [];
  const skipped: SkippedEntry[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const name = entry.name;
    if (CAMPAIGN_FILES.test(name)) continue;
    if (/\.tmp-\d+$/.test(name)) {
      skipped.push({ name, reason: "half-written", detail: "a run still being written, or killed mid-run" });
    } else if (name.endsWith(".err")) {
      skipped.push({ name, reason: "failed", detail: "the run failed (see its error.json)" });
    } else if (!entry.isDirectory()) {
      skipped.push({ name, reason: "foreign", detail: "not a run directory" });
    } else {
      const dir = join(campaignDir, name);
      const result = await readRun(name, dir, effects);
      if ("reason" in result) skipped.push(result);
      else runs.push(result);
    }
  }
  return { runs, skipped };
}

async function readRun(
  key: string,
  dir: string,
  { fs }: Pick<AnalysisEffects, "fs">,
): Promise<RunCandidate | SkippedEntry> {
  const names = await fs.readdir(dir);
  if (names.length === 0) return { name: key, reason: "empty", detail: "an empty directory" };
  if (!names.includes("manifest.json")) {
    return { name: key, reason: "no-manifest", detail: "no manifest.json: not a finished run" };
  }
  const path = join(dir, "manifest.json");
  const bytes = await fs.readFile(path);
  let manifest: RunCandidate["manifest"];
  try {
    manifest = JSON.parse(bytes.toString("utf8")) as RunCandidate["manifest"];
    if (typeof manifest !== "object" || manifest === null) throw new TypeError("not an object");
  } catch (err) {
    return { name: key, reason: "bad-manifest", detail: `manifest.json is not JSON: ${(err as Error).message}` };
  }
  const stat = await fs.stat(path);
  let eventFiles: string[] = [];
  if (names.includes("events")) {
    eventFiles = (await fs.readdir(join(dir, "events")))
      .filter((n) => n.endsWith(".jsonl"))
      .sort()
      .map((n) => join(dir, "events", n));
  }
  const manifestSha256 = createHash("sha256").update(bytes).digest("hex");
  return { key, dir, manifestSha256, manifestMtimeMs: stat.mtimeMs, manifest, eventFiles };
}
