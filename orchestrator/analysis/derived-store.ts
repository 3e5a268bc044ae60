/**
 * Where the derived tables (views/*.sql's `CREATE OR REPLACE TABLE … AS`) are stored. A database with a Parquet
 * store (a file database, event-store.ts) keeps each one as a Parquet file next to the events,
 *
 *   campaign.parquet/_derived/<name>.parquet     read by the view <name>
 *
 * because DuckDB's own table storage costs about 3.5 CPU-s per million rows to compress and checkpoint, a Parquet
 * file about 0.5: `hop_in_flight` (a row per function hop) and `request_sla` (a row per request) are millions of
 * rows. The file is written under a temporary name and renamed, so a reader never sees half of it, and the view
 * names it relative to the database's directory (as the event views do), so the campaign folder can be moved. An
 * in-memory database (tests, GIRAFF archive checks) has no store: its derived tables are ordinary tables.
 */
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { rows } from "./connection.ts";
import { quoteIdentifier as q, quoteLiteral as lit } from "./sql.ts";

const DERIVED_DIR = "_derived";

/** The absolute path of a derived table's file in the store `storeDir`. */
export function derivedFile(storeDir: string, name: string): string {
  return join(storeDir, DERIVED_DIR, `${name}.parquet`);
}

/**
 * Computes `query` once and makes `name` read its rows: a Parquet file and a view over it with a store, a table
 * without. An object of the other kind with the same name (left by an earlier version) is dropped first.
 */
export async function materialise(
  con: DuckDBConnection,
  storeDir: string | undefined,
  name: string,
  query: string,
): Promise<void> {
  if (storeDir === undefined) {
    await dropOtherKind(con, name, "TABLE");
    await con.run(`CREATE OR REPLACE TABLE ${q(name)} AS ${query}`);
    return;
  }
  const file = derivedFile(storeDir, name);
  const tmp = `${file}.${process.pid}.tmp`;
  await mkdir(join(storeDir, DERIVED_DIR), { recursive: true });
  // uncompressed: the pages are read a few times at most, compressing them would cost more than it saves
  // (the query ends on its own line, so a trailing comment cannot swallow the parenthesis)
  await con.run(`COPY (${query}\n) TO ${lit(tmp)} (FORMAT parquet, COMPRESSION uncompressed)`);
  await rename(tmp, file);
  await dropOtherKind(con, name, "VIEW");
  const relative = `${basename(storeDir)}/${DERIVED_DIR}/${name}.parquet`;
  await con.run(`CREATE OR REPLACE VIEW ${q(name)} AS SELECT * FROM read_parquet(${lit(relative)})`);
}

/** Drops `name`, table or view, and with a store every derived file, so nothing can read them stale. */
export async function dropDerived(con: DuckDBConnection, storeDir: string | undefined, names: readonly string[]) {
  for (const name of names) {
    const kind = await objectKind(con, name);
    if (kind !== undefined) await con.run(`DROP ${kind} ${q(name)}`);
  }
  if (storeDir !== undefined) await rm(join(storeDir, DERIVED_DIR), { recursive: true, force: true });
}

/** A database made when `name` was a view (now a table) or the other way round: drop the old object first. */
export async function dropOtherKind(con: DuckDBConnection, name: string, type: "VIEW" | "TABLE"): Promise<void> {
  const kind = await objectKind(con, name);
  if (kind !== undefined && kind !== type) await con.run(`DROP ${kind} ${q(name)}`);
}

/** Whether `name` is a (persistent, main schema) table or view of the database, or neither. */
async function objectKind(con: DuckDBConnection, name: string): Promise<"VIEW" | "TABLE" | undefined> {
  const [found] = await rows(
    con,
    `SELECT 'TABLE' AS kind FROM duckdb_tables() WHERE table_name = ${lit(name)} AND schema_name = 'main' ` +
      `AND NOT temporary UNION ALL SELECT 'VIEW' FROM duckdb_views() WHERE view_name = ${lit(name)} ` +
      "AND schema_name = 'main' AND NOT temporary",
  );
  return found?.kind as "VIEW" | "TABLE" | undefined;
}
