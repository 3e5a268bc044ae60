import { DuckDBInstance } from "@duckdb/node-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { scalar, type DuckDBConnection } from "./connection.ts";
import { openReaderPool } from "./reader-pool.ts";

let instance: DuckDBInstance;
let con: DuckDBConnection;
beforeEach(async () => {
  instance = await DuckDBInstance.create(":memory:", { threads: "2" });
  con = await instance.connect();
});
afterEach(() => {
  con.closeSync();
  instance.closeSync();
});

const settings = async () => ({
  threads: Number(await scalar(con, "SELECT current_setting('threads')")),
  order: await scalar(con, "SELECT current_setting('preserve_insertion_order')"),
});

/** Runs `n` jobs through the pool, each held until every job that can run at once has started. */
async function runJobs(limit: number, n: number) {
  const pool = await openReaderPool(instance, con, limit);
  const during = await settings();
  let running = 0;
  let most = 0;
  const used = new Set<DuckDBConnection>();
  const started: (() => void)[] = [];
  const jobs = Array.from({ length: n }, () =>
    pool.withReader(async (c) => {
      used.add(c);
      most = Math.max(most, ++running);
      await c.run("SELECT 1");
      // held until released by the test: proves how many run at once
      await new Promise<void>((resolve) => started.push(resolve));
      running--;
    }),
  );
  // release jobs as they start, until all have run
  for (let released = 0; released < n;) {
    await new Promise((resolve) => setImmediate(resolve));
    while (started.length > 0) {
      started.shift()!();
      released++;
    }
  }
  await Promise.all(jobs);
  await pool.close();
  return { during, most, connections: used.size, after: await settings() };
}

describe("openReaderPool", () => {
  it("runs as many jobs at once as DuckDB has threads, each statement on one thread, and restores the settings", async () => {
    const r = await runJobs(20, 5);
    expect(r.during).toEqual({ threads: 1, order: false });
    expect(r.most).toBe(2);
    expect(r.connections).toBe(2);
    expect(r.after).toEqual({ threads: 2, order: true });
  });

  it("with a limit of one, runs one job at a time on every thread", async () => {
    const r = await runJobs(1, 3);
    expect(r.during).toEqual({ threads: 2, order: false });
    expect(r.most).toBe(1);
    expect(r.after).toEqual({ threads: 2, order: true });
  });
});
