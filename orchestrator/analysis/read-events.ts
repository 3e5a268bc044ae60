/**
 * One run's events files into Parquet with DuckDB's own readers, no code of ours between the bytes and the files:
 *
 *   read_json(<the run's files>, every field of every kind, filename) ─► WHERE valid
 *     ─► COPY … TO <outDir> (FORMAT parquet, PARTITION_BY (kind))  ─► <outDir>/kind=<kind>/data_0.parquet
 *     ─► per file: the rows written
 *
 * One `read_json` pass per run. With `ignore_errors`, a line DuckDB cannot parse (torn, merged with the next one,
 * bad UTF-8, not an object) comes as a row of NULLs and is invalid like a row of an unknown kind or without a
 * required field (event-columns.ts `validEventSql`); blank lines give no row, which is why the line counts come
 * from count-lines.ts. Only reads the events files; writes under `outDir`.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { EVENT_KINDS } from "../../runtime/protocol/events.ts";
import { rows } from "./connection.ts";
import { EVENT_COLUMNS, isNested, readJsonColumnsSql, validEventSql } from "./event-columns.ts";
import { listLiteral, quoteIdentifier as q, quoteLiteral as lit } from "./sql.ts";

export interface EventsFile {
  path: string;
  /** Stored in `source_file` (the path relative to the campaign directory). */
  rel: string;
}

export interface ReadEventsJob {
  runKey: string;
  files: readonly EventsFile[];
  /** Where `kind=<kind>/*.parquet` is written. */
  outDir: string;
  /** Rows per Parquet row group (tests make it small). */
  rowGroupRows?: number;
}

/** Valid rows per events file (by `path`); the Parquet files are written. */
export type ValidRows = Map<string, number>;

// built once: they depend on the event schemas only
const COLUMNS_SQL = readJsonColumnsSql();
const VALID_SQL = validEventSql();

/**
 * Every field of every kind once, snake_case, nested ones as their JSON text: the same columns in every kind's
 * file (PARTITION_BY writes one schema); a field of another kind is NULL, which Parquet stores in a few bytes, and
 * the kind's view reads its own columns only (event-store.ts).
 */
const FIELDS_SQL = [
  ...new Map(
    EVENT_KINDS.flatMap((kind) =>
      EVENT_COLUMNS[kind].map((c) => [c.field, `${q(c.field)}${isNested(c) ? "::VARCHAR" : ""} AS ${q(c.column)}`]),
    ),
  ).values(),
].join(", ");

/** The one statement that reads a run's files and writes its valid events, partitioned by kind. */
export function copyEventsSql(job: ReadEventsJob): string {
  const sourceFile = `CASE filename ${job.files.map((f) => `WHEN ${lit(f.path)} THEN ${lit(f.rel)}`).join(" ")} END`;
  const groupSize = job.rowGroupRows === undefined ? "" : `, ROW_GROUP_SIZE ${job.rowGroupRows}`;
  const read =
    `read_json(${listLiteral(job.files.map((f) => f.path))}, format = 'newline_delimited', ` +
    `columns = ${COLUMNS_SQL}, ignore_errors = true, filename = true)`;
  const select =
    `SELECT ${lit(job.runKey)} AS run_key, 'giraff-ts' AS source_format, ${sourceFile} AS source_file, ` +
    `${FIELDS_SQL}, kind FROM ${read} WHERE ${VALID_SQL}`;
  return `COPY (${select}) TO ${lit(job.outDir)} (FORMAT parquet, PARTITION_BY (kind), OVERWRITE_OR_IGNORE${groupSize})`;
}

/**
 * Reads the run's files once and writes its valid events to `<outDir>/kind=<kind>/*.parquet`; answers the valid
 * rows per file, counted in what was written.
 */
export async function readRunEvents(con: DuckDBConnection, given: ReadEventsJob): Promise<ValidRows> {
  const valid: ValidRows = new Map(given.files.map((f) => [f.path, 0]));
  if (given.files.length === 0) return valid;
  // absolute paths: DuckDB looks relative ones up in the connection's file_search_path (the database's folder,
  // connection.ts), not in the process's working directory, and `filename` must give back the path it was given
  const byAbsolute = new Map(given.files.map((f) => [resolve(f.path), f.path]));
  const job = {
    ...given,
    files: given.files.map((f) => ({ ...f, path: resolve(f.path) })),
    outDir: resolve(given.outDir),
  };
  // rows need not keep their file order (every view orders what it reads), and keeping it makes DuckDB write the
  // partitions from one thread; only this statement is affected
  await con.run("SET preserve_insertion_order = false");
  try {
    await con.run(copyEventsSql(job));
  } finally {
    await con.run("RESET preserve_insertion_order");
  }
  const written = join(job.outDir, "kind=*", "*.parquet");
  if (!existsSync(job.outDir) || readdirSync(job.outDir).length === 0) return valid;
  const counts = await rows(
    con,
    `SELECT source_file, count(*) AS n FROM read_parquet(${lit(written)}, hive_partitioning = false) GROUP BY 1`,
  );
  const byRel = new Map(job.files.map((f) => [f.rel, byAbsolute.get(f.path)!]));
  for (const c of counts) valid.set(byRel.get(String(c.source_file))!, Number(c.n));
  return valid;
}
