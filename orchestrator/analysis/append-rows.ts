/**
 * Bulk writes through DuckDB's appender (STYLE.md principle 14): rows as arrays in the column order of a table
 * definition in schema.ts, each value appended with the call its declared type needs.
 */
import type { DuckDBConnection } from "@duckdb/node-api";

type Cell = string | number | boolean | null | undefined;

export async function appendRows(
  con: DuckDBConnection,
  table: string,
  columns: readonly string[],
  data: readonly Cell[][],
): Promise<void> {
  if (data.length === 0) return;
  const types = columns.map((c) => c.split(" ")[1]!);
  const appender = await con.createAppender(table);
  for (const row of data) {
    types.forEach((type, i) => {
      const v = row[i];
      if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) appender.appendNull();
      else if (type === "INTEGER") appender.appendInteger(Math.trunc(Number(v)));
      else if (type === "BIGINT") appender.appendBigInt(BigInt(Math.trunc(Number(v))));
      else if (type === "DOUBLE") appender.appendDouble(Number(v));
      else if (type === "BOOLEAN") appender.appendBoolean(Boolean(v));
      else appender.appendVarchar(String(v));
    });
    appender.endRow();
  }
  appender.flushSync();
  appender.closeSync();
}
