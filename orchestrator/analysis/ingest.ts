/**
 * `ingestCampaign`: every event of every complete run directory of a campaign into `campaign.duckdb`, one table
 * per kind, plus `runs`, `topologies` and `plans`, then the metric views. Incremental: a run whose manifest.json
 * has the SHA-256 recorded in `ingested_runs` is skipped; a changed one has its rows replaced in the same
 * transaction as its new rows are loaded. Ingestion only reads the campaign directory (it writes the database).
 */
import { join, relative } from "node:path";
import { openConnection, rows } from "./connection.ts";
import { defaultAnalysisEffects, type AnalysisEffects } from "./effects.ts";
import { AnalysisError } from "./errors.ts";
import { loadRuns, type LoadedRun } from "./load-runs.ts";
import { scanCampaign, type RunCandidate, type SkippedEntry } from "./scan-campaign.ts";
import { createTables } from "./schema.ts";
import { createViews, dropDerivedTables } from "./views.ts";

export interface IngestOptions {
  /** Default `<campaignDir>/campaign.duckdb`. */
  dbPath?: string;
  effects?: Partial<AnalysisEffects>;
  /** Bytes of JSONL loaded per transaction (bounds the staging table's memory, ≈ 5× this); default 256 MiB. */
  chunkBytes?: number;
  /** Create or refresh the metric views afterwards (default true; when false, the derived tables are dropped). */
  views?: boolean;
}

export interface FileReport {
  runKey: string;
  /** Relative to the campaign directory. */
  file: string;
  bytes: number;
  lines: number;
  ingested: number;
  /** Lines that were not valid events (unparseable, unknown kind, missing or mistyped required field, blank). */
  invalid: number;
  tornLastLine: boolean;
}

export interface IngestReport {
  campaignDir: string;
  dbPath: string;
  /** Runs loaded for the first time, runs whose changed manifest made them reload, runs left as they were. */
  added: string[];
  replaced: string[];
  unchanged: string[];
  skipped: SkippedEntry[];
  files: FileReport[];
  events: number;
  invalidLines: number;
  ms: number;
}

export async function ingestCampaign(campaignDir: string, options: IngestOptions = {}): Promise<IngestReport> {
  const effects: AnalysisEffects = { ...defaultAnalysisEffects, ...options.effects };
  const started = effects.clock.now();
  const dbPath = options.dbPath ?? join(campaignDir, "campaign.duckdb");
  let scan: Awaited<ReturnType<typeof scanCampaign>>;
  try {
    scan = await scanCampaign(campaignDir, effects);
  } catch (cause) {
    throw new AnalysisError(`Cannot read the campaign directory ${campaignDir}: ${(cause as Error).message}.`, {
      exitCode: 2,
      cause,
    });
  }
  const { instance, con } = await openConnection(dbPath);
  try {
    await createTables(con);
    const known = new Map(
      (await rows(con, "SELECT run_key, manifest_sha256 FROM ingested_runs")).map((r) => [
        r.run_key,
        r.manifest_sha256,
      ]),
    );
    const todo = scan.runs.filter((r) => known.get(r.key) !== r.manifestSha256);
    const report: IngestReport = {
      campaignDir,
      dbPath,
      added: todo.filter((r) => !known.has(r.key)).map((r) => r.key),
      replaced: todo.filter((r) => known.has(r.key)).map((r) => r.key),
      unchanged: scan.runs.filter((r) => known.get(r.key) === r.manifestSha256).map((r) => r.key),
      skipped: scan.skipped,
      files: [],
      events: 0,
      invalidLines: 0,
      ms: 0,
    };
    for (const s of scan.skipped) effects.logger.warn(`Skipped ${s.name} (${s.reason}): ${s.detail}.`);
    effects.onProgress({ type: "scan", runs: scan.runs.length, toIngest: todo.length, skipped: scan.skipped.length });
    const chunks = chunkRuns(await Promise.all(todo.map((r) => withSizes(campaignDir, r, effects))), options);
    let done = 0;
    for (const chunk of chunks) {
      const files = await loadRuns(con, chunk, known, effects);
      report.files.push(...files);
      done += chunk.length;
      const events = files.reduce((s, f) => s + f.ingested, 0);
      report.events += events;
      effects.onProgress({ type: "chunk", done, total: todo.length, events });
    }
    report.invalidLines = report.files.reduce((s, f) => s + f.invalid, 0);
    for (const f of report.files.filter((f) => f.invalid > 0)) {
      const torn = f.tornLastLine ? " (torn last line)" : "";
      effects.logger.warn(`${f.file}: ${f.invalid} of ${f.lines} line(s) are not valid events${torn}.`);
    }
    if (options.views ?? true) {
      effects.onProgress({ type: "views" });
      await createViews(con);
    } else if (todo.length > 0) {
      await dropDerivedTables(con);
    }
    report.ms = effects.clock.now() - started;
    effects.onProgress({ type: "done", events: report.events, ms: report.ms });
    return report;
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

async function withSizes(campaignDir: string, run: RunCandidate, effects: AnalysisEffects): Promise<LoadedRun> {
  const files = await Promise.all(
    run.eventFiles.map(async (path) => ({
      path,
      rel: relative(campaignDir, path),
      size: (await effects.fs.stat(path)).size,
    })),
  );
  return { run, files };
}

/** Groups runs so each transaction loads about `chunkBytes` of JSONL (a run is never split). */
function chunkRuns(runs: LoadedRun[], options: IngestOptions): LoadedRun[][] {
  const limit = options.chunkBytes ?? 256 * 2 ** 20;
  const chunks: LoadedRun[][] = [];
  let current: LoadedRun[] = [];
  let bytes = 0;
  for (const run of runs) {
    const size = run.files.reduce((s, f) => s + f.size, 0);
    if (current.length > 0 && bytes + size > limit) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(run);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
