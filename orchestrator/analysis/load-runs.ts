/**
 * Loads one run: its events files are counted, then read and written to Parquet by DuckDB into the run's staging
 * directory; the staged directory replaces the run's old one (event-store.ts); then one transaction replaces its
 * `runs`, `topologies`, `plans`, `ingest_files` and `ingested_runs` rows. A crash anywhere leaves the run's manifest hash unrecorded, so the next ingestion does it
 * again; the raw files are only read.
 */
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { appendRows } from "./append-rows.ts";
import type { AnalysisEffects } from "./effects.ts";
import { countLines } from "./count-lines.ts";
import { commitRun, stagingDir } from "./event-store.ts";
import type { FileReport } from "./ingest.ts";
import { readRunEvents, type EventsFile } from "./read-events.ts";
import { planRows, runRow, topologyRows } from "./run-rows.ts";
import type { RunCandidate } from "./scan-campaign.ts";
import { RUN_TABLES, TABLES_WITH_RUN_KEY } from "./schema.ts";
import { quoteIdentifier as q, quoteLiteral as lit } from "./sql.ts";

export interface LoadedRun {
  run: RunCandidate;
  files: EventsFile[];
}

export interface RunLoader {
  con: DuckDBConnection;
  /** Serialises the statements of runs loaded concurrently on the one connection. */
  withDb: <T>(fn: () => Promise<T>) => Promise<T>;
  storeDir: string;
  effects: AnalysisEffects;
  /** Rows per Parquet row group (tests make it small). */
  rowGroupRows?: number;
}

export async function loadRun(loader: RunLoader, { run, files }: LoadedRun): Promise<FileReport[]> {
  const { con, withDb, storeDir, effects } = loader;
  const documents = {
    topology: await readJson(join(run.dir, "topology.json"), effects),
    plan: await readJson(join(run.dir, "plan.json"), effects),
  };
  const staging = await stagingDir(storeDir, run.key);
  const reports = await stageEvents(loader, run.key, files, staging);
  return withDb(async () => {
    await commitRun(storeDir, run.key);
    await con.run("BEGIN TRANSACTION");
    try {
      for (const table of TABLES_WITH_RUN_KEY) await con.run(`DELETE FROM ${q(table)} WHERE run_key = ${lit(run.key)}`);
      await appendRows(con, "runs", RUN_TABLES.runs!, [runRow(run, documents.topology)]);
      await appendRows(con, "topologies", RUN_TABLES.topologies!, topologyRows(run.key, documents.topology));
      await appendRows(con, "plans", RUN_TABLES.plans!, planRows(run.key, documents.plan));
      await appendRows(
        con,
        "ingest_files",
        RUN_TABLES.ingest_files!,
        reports.map((r) => [r.runKey, r.file, r.bytes, r.lines, r.ingested, r.invalid, r.tornLastLine]),
      );
      const events = reports.reduce((s, r) => s + r.ingested, 0);
      const invalid = reports.reduce((s, r) => s + r.invalid, 0);
      await appendRows(con, "ingested_runs", RUN_TABLES.ingested_runs!, [
        [run.key, run.manifestSha256, run.manifestMtimeMs, effects.clock.now(), events, invalid],
      ]);
      await con.run("COMMIT");
    } catch (err) {
      await con.run("ROLLBACK");
      throw err;
    }
    return reports;
  });
}

/**
 * The run's events files counted (count-lines.ts), then read and written to Parquet by DuckDB (read-events.ts). A
 * file whose size changed between the two reads is still being written: its counts would not match its rows, so
 * the run fails (reported, retried by the next ingestion) rather than be stored half.
 */
async function stageEvents(
  loader: RunLoader,
  runKey: string,
  files: readonly EventsFile[],
  outDir: string,
): Promise<FileReport[]> {
  const { fs } = loader.effects;
  const counts = await Promise.all(files.map((f) => countLines(f.path, fs)));
  const valid = await loader.withDb(() =>
    readRunEvents(loader.con, { runKey, files, outDir, rowGroupRows: loader.rowGroupRows }),
  );
  return Promise.all(
    files.map(async (f, i) => {
      const { bytes, lines, tornLastLine } = counts[i]!;
      const now = (await fs.stat(f.path)).size;
      if (now !== bytes) {
        throw new Error(
          `${f.rel} changed while it was read (${bytes} then ${now} bytes): is its run still writing it?`,
        );
      }
      const ingested = valid.get(f.path) ?? 0;
      return { runKey, file: f.rel, bytes, lines, ingested, invalid: lines - ingested, tornLastLine };
    }),
  );
}

/** A run's optional JSON document; undefined when absent, a warning when unreadable. */
async function readJson(path: string, effects: AnalysisEffects): Promise<unknown> {
  let text: string;
  try {
    text = await effects.fs.readFile(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    effects.logger.warn(`${path} is not JSON (${(err as Error).message}); its rows are left out.`);
    return undefined;
  }
}
