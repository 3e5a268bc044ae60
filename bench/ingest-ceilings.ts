/**
 * How fast ingestion could possibly be on this machine: DuckDB passes over the same files that do less than
 * ingestion, in an in-memory database, timed (wall and process CPU) like ingestion itself; and where one run's
 * ingestion statement spends its time ({@link explainRunStatement}).
 *
 * - `readLines`: every line read as raw text and counted (I/O and line splitting, no JSON at all);
 * - `readLinesParseKind`: the same plus one yyjson parse per line for its `kind` (the least any ingestion that looks
 *   inside each line must do; ingestion's first step is exactly this, materialised);
 * - `readJsonKind`: DuckDB's own JSON reader for the single column `kind` (the reader the previous design used).
 */
import { mkdir, rm } from "node:fs/promises";
import { DuckDBInstance } from "@duckdb/node-api";
import { copyEventsSql } from "../orchestrator/analysis/read-events.ts";
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

/**
 * Where one run's ingestion statement (read-events.ts) spends its time: the statement itself, the same read and
 * validity filter with nothing written (a count), the same with every column built, and DuckDB's `EXPLAIN ANALYZE`
 * of the statement (operator, time and rows, as DuckDB prints them). The operators run in one pipeline, so
 * `EXPLAIN ANALYZE` splits their time only roughly: the difference between the three timings says more.
 */
export async function explainRunStatement(
  files: readonly { path: string; rel: string }[],
  outDir: string,
): Promise<Record<string, unknown>> {
  const sql = copyEventsSql({ runKey: "explained", files, outDir });
  const select = sql.slice("COPY (".length, sql.lastIndexOf(") TO "));
  const readOnly = `SELECT count(*) FROM (${select})`;
  // a count needs no column but those of the validity filter; hashing every column makes read_json build them all
  const readAll = `SELECT max(hash(COLUMNS(*))) FROM (${select})`;
  const instance = await DuckDBInstance.create(":memory:", { preserve_insertion_order: "false" });
  const con = await instance.connect();
  const timed = async (what: string, text: string) => {
    await rm(outDir, { recursive: true, force: true });
    await mkdir(outDir, { recursive: true });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const reader = await con.runAndReadAll(text);
    const cpu = process.cpuUsage(c0);
    return { what, wallMs: round(performance.now() - t0, 0), cpuMs: round((cpu.user + cpu.system) / 1000, 0), reader };
  };
  try {
    const copy = await timed("the run's COPY … PARTITION_BY (kind) statement", sql);
    const read = await timed("the same read_json and validity filter, counted, nothing written", readOnly);
    const all = await timed("the same with every column built (each hashed), nothing written", readAll);
    const explained = await timed("EXPLAIN ANALYZE of the statement", `EXPLAIN ANALYZE ${sql}`);
    const plan = String(explained.reader.getRows()[0]?.[1] ?? "");
    // the operator boxes' name, rows and time lines; the long expressions left out
    const operators = plan
      .split("\n")
      .map((l) => l.replace(/[│┌┐└┘─┬┴├┤]/g, "").trim())
      .filter((l) => /^[A-Z_]{4,}$|^[\d,]+ rows$|^\d+\.\d+s$|^Total Time/.test(l));
    return {
      files: files.length,
      copy: { what: copy.what, wallMs: copy.wallMs, cpuMs: copy.cpuMs },
      readOnly: { what: read.what, wallMs: read.wallMs, cpuMs: read.cpuMs },
      readAllColumns: { what: all.what, wallMs: all.wallMs, cpuMs: all.cpuMs },
      explainAnalyze: operators,
    };
  } finally {
    con.closeSync();
    instance.closeSync();
    await rm(outDir, { recursive: true, force: true });
  }
}
