/**
 * One transaction of ingestion: deletes the old rows of runs being replaced, loads the chunk's events, and writes
 * its `runs`, `topologies`, `plans`, `ingest_files` and `ingested_runs` rows. A failure rolls everything back, so
 * a run is either entirely in the database at its new manifest, or as it was before.
 */
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { appendRows } from "./append-rows.ts";
import type { AnalysisEffects } from "./effects.ts";
import type { FileReport } from "./ingest.ts";
import { countLines } from "./line-count.ts";
import { loadEventFiles } from "./load-events.ts";
import { planRows, runRow, topologyRows } from "./run-rows.ts";
import type { RunCandidate } from "./scan-campaign.ts";
import { RUN_TABLES, TABLES_WITH_RUN_KEY } from "./schema.ts";
import { quoteIdentifier as q, quoteLiteral as lit } from "./sql.ts";

export interface LoadedRun {
  run: RunCandidate;
  /** `size` (from stat) only sizes the chunks; the reported bytes are the ones counted. */
  files: { path: string; rel: string; size: number }[];
}

export async function loadRuns(
  con: DuckDBConnection,
  chunk: readonly LoadedRun[],
  known: ReadonlyMap<unknown, unknown>,
  effects: AnalysisEffects,
): Promise<FileReport[]> {
  const documents = await Promise.all(
    chunk.map(async ({ run }) => ({
      topology: await readJson(join(run.dir, "topology.json"), effects),
      plan: await readJson(join(run.dir, "plan.json"), effects),
    })),
  );
  // Lines are counted in Node while DuckDB parses the same files (both only read them).
  const counts = new Map(chunk.flatMap(({ files }) => files.map((f) => [f.path, countLines(f.path, effects)])));
  for (const c of counts.values()) c.catch(() => undefined); // awaited below; not unhandled if loading fails first
  await con.run("BEGIN TRANSACTION");
  try {
    const replaced = chunk.filter(({ run }) => known.has(run.key)).map(({ run }) => lit(run.key));
    if (replaced.length > 0) {
      for (const table of TABLES_WITH_RUN_KEY) {
        await con.run(`DELETE FROM ${q(table)} WHERE run_key IN (${replaced.join(", ")})`);
      }
    }
    const kept = await loadEventFiles(
      con,
      chunk.flatMap(({ run, files }) => files.map((f) => ({ runKey: run.key, path: f.path, rel: f.rel }))),
    );
    const counted = new Map(await Promise.all([...counts].map(async ([path, c]) => [path, await c] as const)));
    const reports: FileReport[] = chunk.flatMap(({ run, files }) =>
      files.map((f) => {
        const ingested = kept.get(f.path) ?? 0;
        const { bytes, lines, tornLastLine } = counted.get(f.path)!;
        return { runKey: run.key, file: f.rel, bytes, lines, ingested, invalid: lines - ingested, tornLastLine };
      }),
    );
    await appendRows(
      con,
      "runs",
      RUN_TABLES.runs!,
      chunk.map(({ run }, i) => runRow(run, documents[i]!.topology)),
    );
    await appendRows(
      con,
      "topologies",
      RUN_TABLES.topologies!,
      chunk.flatMap(({ run }, i) => topologyRows(run.key, documents[i]!.topology)),
    );
    await appendRows(
      con,
      "plans",
      RUN_TABLES.plans!,
      chunk.flatMap(({ run }, i) => planRows(run.key, documents[i]!.plan)),
    );
    await appendRows(
      con,
      "ingest_files",
      RUN_TABLES.ingest_files!,
      reports.map((r) => [r.runKey, r.file, r.bytes, r.lines, r.ingested, r.invalid, r.tornLastLine]),
    );
    const now = effects.clock.now();
    await appendRows(
      con,
      "ingested_runs",
      RUN_TABLES.ingested_runs!,
      chunk.map(({ run }) => {
        const mine = reports.filter((r) => r.runKey === run.key);
        const events = mine.reduce((s, r) => s + r.ingested, 0);
        const invalid = mine.reduce((s, r) => s + r.invalid, 0);
        return [run.key, run.manifestSha256, run.manifestMtimeMs, now, events, invalid];
      }),
    );
    await con.run("COMMIT");
    return reports;
  } catch (err) {
    await con.run("ROLLBACK");
    throw err;
  }
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
