/**
 * Loads the events files of a group of runs in two steps (README.md, "How ingestion spends its time"):
 *
 * 1. ONE parallel `read_csv` pass reads every line of every file as raw text (no quote, no escape, no sniffing)
 *    into a temporary table `(file_id, kind, line)`, `kind` being the line's top-level `kind` as DuckDB's yyjson
 *    reads it (NULL for a line that is not a JSON object).
 * 2. One INSERT per kind present parses only that kind's lines, with `json_transform`, into exactly that kind's
 *    fields; a row is kept when every required field is there with a usable type.
 *
 * Anything else (not JSON, unknown kind, missing or mistyped required field, blank, unreadable) is counted per file
 * as invalid, never fatal. Enum values are stored as text, not checked. Parsing each kind with its own narrow
 * structure is what makes this several times faster than one `read_json` over the union of every kind's columns.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { EVENT_KINDS, type EventKind } from "../../runtime/protocol/events.ts";
import { rows } from "./connection.ts";
import { EVENT_COLUMNS, type JsonStructure } from "./event-columns.ts";
import { quoteIdentifier as q, quoteLiteral as lit } from "./sql.ts";

export interface EventFile {
  runKey: string;
  /** Absolute path, as `read_csv` reports it in `filename`. */
  path: string;
  /** Path relative to the campaign directory, stored in `source_file`. */
  rel: string;
}

const LINES = "_ingest_lines";
const FILES = "_ingest_files";

/** A longer line (an auction over thousands of nodes) is skipped, so counted invalid. read_json's default. */
const MAX_LINE_BYTES = 16 * 2 ** 20;

/**
 * Every line as one VARCHAR: the delimiter is a control character that valid JSON never holds unescaped, and there
 * is no quote or escape character, so the text arrives as written. `ignore_errors` skips what cannot be read.
 */
export function readLinesSql(paths: readonly string[]): string {
  const list = `[${paths.map(lit).join(", ")}]`;
  return (
    `read_csv(${list}, columns = {'line': 'VARCHAR'}, delim = '\x01', quote = '', escape = '', header = false, ` +
    `auto_detect = false, ignore_errors = true, filename = true, max_line_size = ${MAX_LINE_BYTES})`
  );
}

/** The `json_transform` structure of one kind: its fields, `kind` excluded (the table says it). */
function kindStructure(kind: EventKind): string {
  const structure: Record<string, JsonStructure> = {};
  for (const c of EVENT_COLUMNS[kind]) structure[c.field] = c.structure;
  return lit(JSON.stringify(structure));
}

/**
 * The INSERT of one kind's valid lines with their run key and file. The parsed struct goes through
 * `unnest([...])` so DuckDB computes it once per line: selected as a plain subquery column, the optimizer would
 * inline `json_transform` into every field access and every NOT NULL check (one parse per field).
 */
export function insertKindSql(kind: EventKind): string {
  const columns = EVENT_COLUMNS[kind];
  const select = columns.map((c) => `e.x.${q(c.field)}`).join(", ");
  const required = columns.filter((c) => c.required).map((c) => `e.x.${q(c.field)} IS NOT NULL`);
  return (
    `INSERT INTO ${q(kind)} SELECT f.run_key, 'giraff-ts', f.rel, ${select} ` +
    `FROM (SELECT file_id, unnest([try(json_transform(line, ${kindStructure(kind)}))]) AS x ` +
    `FROM ${LINES} WHERE kind = ${lit(kind)}) e JOIN ${FILES} f USING (file_id)` +
    (required.length > 0 ? ` WHERE ${required.join(" AND ")}` : "")
  );
}

/** Loads `files` into the event tables; answers the rows kept per file path. Call inside a transaction. */
export async function loadEventFiles(con: DuckDBConnection, files: readonly EventFile[]): Promise<Map<string, number>> {
  const kept = new Map<string, number>(files.map((f) => [f.path, 0]));
  if (files.length === 0) return kept;
  const values = files.map((f, i) => `(${i}, ${lit(f.path)}, ${lit(f.runKey)}, ${lit(f.rel)})`).join(", ");
  await con.run(
    `CREATE OR REPLACE TEMP TABLE ${FILES} (file_id INTEGER, filename VARCHAR, run_key VARCHAR, rel VARCHAR)`,
  );
  await con.run(`INSERT INTO ${FILES} VALUES ${values}`);
  await con.run(
    `CREATE OR REPLACE TEMP TABLE ${LINES} AS SELECT f.file_id, try(l.line ->> 'kind') AS kind, l.line ` +
      `FROM ${readLinesSql(files.map((f) => f.path))} l JOIN ${FILES} f USING (filename)`,
  );
  // Only the kinds present: each INSERT scans the kind column of every line, which adds up over 15 kinds.
  const present = new Set((await rows(con, `SELECT DISTINCT kind FROM ${LINES}`)).map((r) => r.kind));
  const kinds = EVENT_KINDS.filter((kind) => present.has(kind));
  for (const kind of kinds) await con.run(insertKindSql(kind));
  // What each file contributed is counted where it landed, so the report cannot disagree with the tables.
  if (kinds.length > 0) {
    const runKeys = [...new Set(files.map((f) => lit(f.runKey)))].join(", ");
    const perKind = kinds.map(
      (kind) => `SELECT source_file FROM ${q(kind)} WHERE run_key IN (${runKeys}) AND source_format = 'giraff-ts'`,
    );
    const byRel = new Map(files.map((f) => [f.rel, f.path]));
    const sql = `SELECT source_file, count(*) AS n FROM (${perKind.join(" UNION ALL ")}) GROUP BY 1`;
    for (const row of await rows(con, sql)) {
      const path = byRel.get(String(row.source_file));
      if (path !== undefined) kept.set(path, Number(row.n));
    }
  }
  await con.run(`DROP TABLE ${LINES}`);
  await con.run(`DROP TABLE ${FILES}`);
  return kept;
}
