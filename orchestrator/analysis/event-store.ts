/**
 * Where a campaign's events live once ingested: Parquet files next to the database, one directory per run,
 *
 *   campaign.duckdb
 *   campaign.parquet/<run key>/kind=<kind>/data_0.parquet   the run's events of that kind (read-events.ts)
 *   campaign.parquet/_schema/kind=<kind>/empty.parquet       no rows: fixes each kind's column types
 *   campaign.parquet/.staging/<run key>/…                    a run being written (renamed into place when complete)
 *
 * and in the database, each kind is a view over its Parquet files plus the native table `imported_<kind>` (rows
 * imported from GIRAFF archives). A nested field (auction_result's bids) is stored as its JSON text and the view
 * gives it its LIST/STRUCT type (`try(json_transform(…))`: NULL where the text does not fit the type). Parquet is
 * what makes ingestion fast: DuckDB's own table storage costs about 3.5 CPU-s per million rows to compress and
 * checkpoint, DuckDB writing Parquet far less.
 * The views name their files relative to the database's directory, found through DuckDB's `file_search_path`
 * (connection.ts sets it), so the campaign folder can be moved or bundled as a whole.
 */
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { EVENT_KINDS, type EventKind } from "../../runtime/protocol/events.ts";
import { EVENT_COLUMNS, isNested, ORIGIN_NAMES, storedType } from "./event-columns.ts";
import { quoteIdentifier as q, quoteLiteral as lit } from "./sql.ts";

const ORIGIN_COLUMNS = ORIGIN_NAMES.map((name) => `${name} VARCHAR`);
const SCHEMA_DIR = "_schema";
const STAGING_DIR = ".staging";

/** The table that holds a kind's rows imported from GIRAFF archives. */
export const importedTable = (kind: EventKind): string => `imported_${kind}`;

/** The Parquet directory of a database file (`x.duckdb` → `x.parquet`); undefined for an in-memory database. */
export function storeDirFor(dbPath: string | null | undefined): string | undefined {
  if (dbPath === null || dbPath === undefined || dbPath === "" || dbPath === ":memory:") return undefined;
  return join(dirname(dbPath), `${basename(dbPath).replace(/\.duckdb$/, "")}.parquet`);
}

/** The database file the connection is attached to (null when in memory). */
export async function databasePath(con: DuckDBConnection): Promise<string | null> {
  const reader = await con.runAndReadAll(
    "SELECT path FROM duckdb_databases() WHERE database_name = current_database()",
  );
  const path = reader.getRows()[0]?.[0];
  return typeof path === "string" && path !== "" ? path : null;
}

/** `name type, …` of a kind's columns, origin first, as the views and tables show them. */
export function kindColumnDefs(kind: EventKind): string[] {
  return [...ORIGIN_COLUMNS, ...EVENT_COLUMNS[kind].map((c) => `${q(c.column)} ${c.type}`)];
}

/** The view's select list over the Parquet files: origin, then each field, nested ones parsed from their text. */
function parquetSelect(kind: EventKind): string {
  const fields = EVENT_COLUMNS[kind].map((c) =>
    isNested(c)
      ? `try(json_transform(${q(c.column)}, ${lit(JSON.stringify(c.structure))})) AS ${q(c.column)}`
      : q(c.column),
  );
  return [...ORIGIN_NAMES, ...fields].join(", ");
}

/**
 * Creates each kind's `imported_<kind>` table and its view. With a Parquet store, the `_schema` files are written
 * first (once), so the view's glob always matches and always has every column with its type.
 */
export async function createEventViews(con: DuckDBConnection, storeDir: string | undefined): Promise<void> {
  for (const kind of EVENT_KINDS) {
    await con.run(`CREATE TABLE IF NOT EXISTS ${q(importedTable(kind))} (${kindColumnDefs(kind).join(", ")})`);
  }
  if (storeDir !== undefined) await writeSchemaFiles(con, storeDir);
  for (const kind of EVENT_KINDS) {
    const imported = `SELECT * FROM ${q(importedTable(kind))}`;
    const files = lit(`${basename(storeDir ?? "")}/*/kind=${kind}/*.parquet`);
    const sql =
      storeDir === undefined
        ? imported
        : `SELECT ${parquetSelect(kind)} FROM read_parquet(${files}, union_by_name = true, hive_partitioning = false) UNION ALL ${imported}`;
    await con.run(`CREATE OR REPLACE VIEW ${q(kind)} AS ${sql}`);
  }
}

async function writeSchemaFiles(con: DuckDBConnection, storeDir: string): Promise<void> {
  for (const kind of EVENT_KINDS) {
    const path = join(storeDir, SCHEMA_DIR, `kind=${kind}`, "empty.parquet");
    if (existsSync(path)) continue;
    await mkdir(dirname(path), { recursive: true });
    // the types read-events.ts writes: nested fields as their JSON text
    const select = [
      ...ORIGIN_NAMES.map((name) => `CAST(NULL AS VARCHAR) AS ${name}`),
      ...EVENT_COLUMNS[kind].map((c) => `CAST(NULL AS ${storedType(c)}) AS ${q(c.column)}`),
    ].join(", ");
    await con.run(`COPY (SELECT ${select} WHERE false) TO ${lit(`${path}.tmp`)} (FORMAT parquet)`);
    await rename(`${path}.tmp`, path);
  }
}

/** The staging directory of a run; emptied first (a crashed ingestion may have left it half-written). */
export async function stagingDir(storeDir: string, runKey: string): Promise<string> {
  const dir = join(storeDir, STAGING_DIR, runKey);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Puts a run's staged files in place of its old ones (if any): the old directory is moved aside, then removed. */
export async function commitRun(storeDir: string, runKey: string): Promise<void> {
  const target = join(storeDir, runKey);
  const old = join(storeDir, STAGING_DIR, `${runKey}.old`);
  await rm(old, { recursive: true, force: true });
  if (existsSync(target)) await rename(target, old);
  await rename(join(storeDir, STAGING_DIR, runKey), target);
  await rm(old, { recursive: true, force: true });
}

/** Removes what a crashed ingestion left in staging. */
export async function clearStaging(storeDir: string): Promise<void> {
  await rm(join(storeDir, STAGING_DIR), { recursive: true, force: true });
}
