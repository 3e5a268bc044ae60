/**
 * How fast ingestion could possibly be on this machine: DuckDB passes over the same files that do less than
 * ingestion, in an in-memory database, timed (wall and process CPU) like ingestion itself.
 *
 * - `readLines`: every line read as raw text and counted (I/O and line splitting, no JSON at all);
 * - `readLinesParseKind`: the same plus one yyjson parse per line for its `kind` (the least any ingestion that looks
 *   inside each line must do; ingestion's first step is exactly this, materialised);
 * - `readJsonKind`: DuckDB's own JSON reader for the single column `kind` (the reader the previous design used).
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { quoteLiteral } from "../orchestrator/analysis/sql.ts";
import { round } from "./common.ts";

export interface Ceiling {
  what: string;
  rows: number;
  wallMs: number | null;
  cpuMs: number | null;
  eventsPerS: number | null;
}

/** Every line as one VARCHAR: a control-character delimiter, no quote or escape, so the text arrives as written. */
function readLinesSql(paths: readonly string[]): string {
  const list = `[${paths.map(quoteLiteral).join(", ")}]`;
  return (
    `read_csv(${list}, columns = {'line': 'VARCHAR'}, delim = '\x01', quote = '', escape = '', header = false, ` +
    "auto_detect = false, ignore_errors = true, max_line_size = 16777216)"
  );
}

export async function measureCeilings(paths: readonly string[]): Promise<Record<string, Ceiling>> {
  const list = `[${paths.map(quoteLiteral).join(", ")}]`;
  const queries: Record<string, [string, string]> = {
    readLines: ["count(*) FROM read_csv of every line as one VARCHAR", `SELECT count(*) FROM ${readLinesSql(paths)}`],
    readLinesParseKind: [
      "the same + line ->> 'kind' (one yyjson parse per line)",
      `SELECT count(try(line ->> 'kind')) FROM ${readLinesSql(paths)}`,
    ],
    readJsonKind: [
      "count(kind) FROM read_json(columns = {kind: VARCHAR})",
      `SELECT count(kind) FROM read_json(${list}, format = 'newline_delimited', columns = {'kind': 'VARCHAR'}, ` +
        "ignore_errors = true)",
    ],
  };
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  const out: Record<string, Ceiling> = {};
  try {
    for (const [name, [what, sql]] of Object.entries(queries)) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const reader = await con.runAndReadAll(sql);
      const wallMs = performance.now() - t0;
      const cpu = process.cpuUsage(c0);
      const rows = Number(reader.getRows()[0]![0]);
      out[name] = {
        what,
        rows,
        wallMs: round(wallMs, 0),
        cpuMs: round((cpu.user + cpu.system) / 1000, 0),
        eventsPerS: round(rows / (wallMs / 1000), 0),
      };
    }
  } finally {
    con.closeSync();
    instance.closeSync();
  }
  return out;
}
