/**
 * Opening the campaign database and reading results as plain JSON values. BIGINT comes back from DuckDB as a JS
 * `bigint`; `getRowObjectsJson` turns it into a string, so `rows` casts counts to numbers where callers want them.
 */
import { dirname, resolve } from "node:path";
import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection } from "@duckdb/node-api";
import { quoteLiteral } from "./sql.ts";

export type { DuckDBConnection };
export type Row = Record<string, unknown>;

/** Opens `path` (":memory:" for a throw-away database), read-only if asked, its session set by configureSession. */
export async function openConnection(
  path: string,
  options: { readOnly?: boolean } = {},
): Promise<{ instance: DuckDBInstance; con: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(path, options.readOnly ? { access_mode: "READ_ONLY" } : {});
  const con = await instance.connect();
  await configureSession(con, path);
  return { instance, con };
}

/**
 * UTC as the session time zone, and the database's directory as the place relative file names are looked up
 * in: the event views read `campaign.parquet/…` (event-store.ts) wherever the process runs.
 */
async function configureSession(con: DuckDBConnection, path: string): Promise<void> {
  await con.run("SET TimeZone = 'UTC'");
  if (path !== ":memory:" && path !== "") {
    await con.run(`SET file_search_path = ${quoteLiteral(dirname(resolve(path)))}`);
  }
}

/** Runs `fn` with a connection to `path` and always closes it, as the DuckDB Node tests' helper of the same name. */
export async function withConnection<T>(
  path: string,
  fn: (con: DuckDBConnection) => Promise<T>,
  options: { readOnly?: boolean } = {},
): Promise<T> {
  const { instance, con } = await openConnection(path, options);
  try {
    return await fn(con);
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

// Exact in SQL, strings in getRowObjectsJson: analysis wants numbers (counts never reach 2^53).
const EXACT_NUMBERS = new Set<DuckDBTypeId>([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.DECIMAL,
]);

/** Result rows as JSON-safe objects; BIGINT/HUGEINT/DECIMAL columns given as strings become numbers. */
export async function rows(con: DuckDBConnection, sql: string): Promise<Row[]> {
  const reader = await con.runAndReadAll(sql);
  const types = reader.columnTypes().map((t) => t.typeId);
  const names = reader.columnNames();
  const numeric = new Set(names.filter((_, i) => EXACT_NUMBERS.has(types[i]!)));
  return reader.getRowObjectsJson().map((row) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(row)) out[k] = numeric.has(k) && typeof v === "string" ? Number(v) : v;
    return out;
  });
}

/** The single value of a one-row, one-column query. */
export async function scalar(con: DuckDBConnection, sql: string): Promise<unknown> {
  const [row] = await rows(con, sql);
  return row === undefined ? undefined : Object.values(row)[0];
}
