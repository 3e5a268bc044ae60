/**
 * Loads the events files of a group of runs in ONE parallel `read_json` pass into a staging table with the union of
 * every kind's columns, then moves each kind's rows into its table with one INSERT per kind. A line is kept when it
 * parses, its `kind` is known and every required field of that kind is present with the right type; anything else
 * is counted (per file) as invalid, never fatal. Enum values are stored as text, not checked.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { EVENT_KINDS } from "../../runtime/protocol/events.ts";
import { rows } from "./connection.ts";
import { EVENT_COLUMNS, unionColumns } from "./event-columns.ts";
import { quoteIdentifier as q, quoteLiteral as lit, listLiteral } from "./sql.ts";

export interface EventFile {
  runKey: string;
  /** Absolute path, as `read_json` reports it in `filename`. */
  path: string;
  /** Path relative to the campaign directory, stored in `source_file`. */
  rel: string;
}

const STAGING = "_ingest_staging";
const FILES = "_ingest_files";

/** `read_json`'s `columns` argument: every field any kind has, with its DuckDB type. */
function columnsArgument(): string {
  const entries = [...unionColumns()].map(([field, type]) => `${lit(field)}: ${lit(type)}`);
  return `{${entries.join(", ")}}`;
}

/** SQL that is true when a staged row is a valid event of its kind. */
function validRowPredicate(): string {
  const cases = EVENT_KINDS.map((kind) => {
    const required = EVENT_COLUMNS[kind].filter((c) => c.required).map((c) => `${q(c.field)} IS NOT NULL`);
    return `WHEN ${lit(kind)} THEN ${required.join(" AND ")}`;
  });
  return `CASE kind ${cases.join(" ")} ELSE false END`;
}

/** Loads `files` into the event tables; answers the rows kept per file path. Call inside a transaction. */
export async function loadEventFiles(con: DuckDBConnection, files: readonly EventFile[]): Promise<Map<string, number>> {
  const kept = new Map<string, number>(files.map((f) => [f.path, 0]));
  if (files.length === 0) return kept;
  const values = files.map((f) => `(${lit(f.path)}, ${lit(f.runKey)}, ${lit(f.rel)})`).join(", ");
  await con.run(`CREATE OR REPLACE TEMP TABLE ${FILES} (filename VARCHAR, run_key VARCHAR, rel VARCHAR)`);
  await con.run(`INSERT INTO ${FILES} VALUES ${values}`);
  await con.run(
    `CREATE OR REPLACE TEMP TABLE ${STAGING} AS SELECT *, ${validRowPredicate()} AS _valid ` +
      `FROM read_json(${listLiteral(files.map((f) => f.path))}, format = 'newline_delimited', ` +
      `columns = ${columnsArgument()}, ignore_errors = true, filename = true)`,
  );
  for (const kind of EVENT_KINDS) {
    const select = EVENT_COLUMNS[kind].map((c) => `s.${q(c.field)}`).join(", ");
    await con.run(
      `INSERT INTO ${q(kind)} SELECT f.run_key, 'giraff-ts', f.rel, ${select} ` +
        `FROM ${STAGING} s JOIN ${FILES} f USING (filename) WHERE s.kind = ${lit(kind)} AND s._valid`,
    );
  }
  const counts = await rows(con, `SELECT filename, count(*) FILTER (WHERE _valid) AS n FROM ${STAGING} GROUP BY 1`);
  for (const row of counts) kept.set(String(row.filename), Number(row.n));
  await con.run(`DROP TABLE ${STAGING}`);
  await con.run(`DROP TABLE ${FILES}`);
  return kept;
}
