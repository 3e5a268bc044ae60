/**
 * `ingestCampaign`: every event of every complete run directory of a campaign into `campaign.duckdb` (one view
 * per kind over the Parquet files of `campaign.parquet/`, event-store.ts), plus `runs`, `topologies` and `plans`,
 * then the metric views. Every run is queued at once: the lines of its events files are counted (count-lines.ts)
 * while DuckDB reads the runs before it, one statement per run on the one connection (read-events.ts). Incremental: a run whose manifest.json has the SHA-256 recorded in `ingested_runs` is skipped; a
 * changed one has its files and rows replaced. A run that cannot be read is reported and the others go on.
 * Ingestion only reads the campaign's runs; it writes the database and its Parquet directory.
 */
import { join, relative } from "node:path";
import { openConnection, rows } from "./connection.ts";
import { defaultAnalysisEffects, type AnalysisEffects } from "./effects.ts";
import { AnalysisError } from "./errors.ts";
import { clearStaging, storeDirFor } from "./event-store.ts";
import { loadRun, type LoadedRun } from "./load-runs.ts";
import { scanCampaign, type RunCandidate, type SkippedEntry } from "./scan-campaign.ts";
import { createTables } from "./schema.ts";
import { createViews, dropDerivedTables } from "./views.ts";

export interface IngestOptions {
  /** Default `<campaignDir>/campaign.duckdb`. */
  dbPath?: string;
  effects?: Partial<AnalysisEffects>;
  /** Rows per Parquet row group; default 122 880 (tests make it small to cover several groups). */
  rowGroupRows?: number;
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
  const groupRows = options.rowGroupRows;
  if (groupRows !== undefined && !(Number.isSafeInteger(groupRows) && groupRows >= 1)) {
    throw new AnalysisError(`rowGroupRows is ${groupRows}: it must be a whole number of rows, at least 1.`, {
      exitCode: 2,
    });
  }
  const storeDir = storeDirFor(dbPath);
  if (storeDir === undefined) throw new AnalysisError("Ingestion needs a database file, not an in-memory one.");
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
    await clearStaging(storeDir);
    let queue: Promise<unknown> = Promise.resolve();
    const withDb = <T>(fn: () => Promise<T>): Promise<T> => {
      const next = queue.then(fn);
      queue = next.catch(() => undefined);
      return next;
    };
    const loader = { con, withDb, storeDir, effects, rowGroupRows: options.rowGroupRows };
    let done = 0;
    const failed = new Set<string>();
    try {
      await Promise.all(
        todo.map(async (run) => {
          try {
            const files = await loadRun(loader, withFiles(campaignDir, run));
            report.files.push(...files);
            const events = files.reduce((s, f) => s + f.ingested, 0);
            report.events += events;
            effects.onProgress({ type: "run", runKey: run.key, done: ++done, total: todo.length, events });
          } catch (cause) {
            const detail = (cause as Error).message;
            failed.add(run.key);
            report.skipped.push({ name: run.key, reason: "unreadable", detail });
            effects.logger.warn(`Skipped ${run.key} (unreadable): ${detail}.`);
          }
        }),
      );
    } finally {
      await clearStaging(storeDir);
    }
    report.files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    report.added = report.added.filter((k) => !failed.has(k));
    report.replaced = report.replaced.filter((k) => !failed.has(k));
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

function withFiles(campaignDir: string, run: RunCandidate): LoadedRun {
  return { run, files: run.eventFiles.map((path) => ({ path, rel: relative(campaignDir, path) })) };
}
