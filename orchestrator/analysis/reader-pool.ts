/**
 * The connections that stage runs' events (read-events.ts) side by side: one per DuckDB thread, each running one
 * run's statement at a time, and DuckDB limited to one thread per statement while the pool is open.
 *
 * Why: one run's `read_json … COPY` on two threads spends its CPU less well than two runs' statements on one thread
 * each. Measured on this 2-core machine (shared, load average 4 to 9), 2 M events in 20 runs, the two designs
 * alternated in one process: 9.4, 8.9 and 9.4 CPU-s one run at a time on two threads; 7.7, 6.6 and … CPU-s two runs
 * at a time on one thread each (bench/README.md, "Ingest").
 *
 * `preserve_insertion_order = false` for the same span: rows need not keep their file order (every view orders what
 * it reads), and keeping it makes DuckDB write the partitions from one thread. Both settings are the instance's, so
 * they are set once here rather than around each statement, and put back when the pool closes.
 */
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { scalar } from "./connection.ts";

/** More connections than this would each hold a run's read buffers for little gain. */
const MAX_READERS = 8;

export interface ReaderPool {
  /** Runs `fn` on a free connection (waits for one). */
  withReader: <T>(fn: (con: DuckDBConnection) => Promise<T>) => Promise<T>;
  /** Closes the pool's connections and restores the instance's settings. */
  close: () => Promise<void>;
}

/** A pool of as many connections as DuckDB has threads, at most `limit` (the runs to stage, say). */
export async function openReaderPool(
  instance: DuckDBInstance,
  con: DuckDBConnection,
  limit: number,
): Promise<ReaderPool> {
  const threads = Number(await scalar(con, "SELECT current_setting('threads')"));
  const size = Math.max(1, Math.min(threads, limit, MAX_READERS));
  const connections = await Promise.all(Array.from({ length: size }, () => instance.connect()));
  await con.run(`SET threads = ${Math.max(1, Math.floor(threads / size))}`);
  await con.run("SET preserve_insertion_order = false");
  const free = [...connections];
  const waiting: ((c: DuckDBConnection) => void)[] = [];
  return {
    async withReader(fn) {
      const c = free.pop() ?? (await new Promise<DuckDBConnection>((resolve) => waiting.push(resolve)));
      try {
        return await fn(c);
      } finally {
        const next = waiting.shift();
        if (next === undefined) free.push(c);
        else next(c);
      }
    },
    async close() {
      for (const c of connections) c.closeSync();
      await con.run(`SET threads = ${threads}`);
      await con.run("RESET preserve_insertion_order");
    },
  };
}
