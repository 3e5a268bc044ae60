/**
 * The tables of a campaign database (README.md lists their columns). Event kinds are views (event-store.ts) over
 * the run's Parquet files and `imported_<kind>`; they start with the columns every row has whatever its origin:
 * `run_key` (the run directory, or the GIRAFF archive), `source_format` (`giraff-ts` for our JSONL, `giraff` for
 * imported archives) and `source_file`. Created with IF NOT EXISTS, so opening an existing database for an
 * incremental ingest changes nothing. A database written by an earlier layout is emptied, so every run is
 * ingested again (the raw files are the source of truth).
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { EVENT_KINDS } from "../../runtime/protocol/events.ts";
import { rows } from "./connection.ts";
import { createEventViews, databasePath, importedTable, storeDirFor } from "./event-store.ts";
import { quoteIdentifier as q, quoteLiteral as lit } from "./sql.ts";

/** Bumped when the layout changes in a way an old database cannot be read with. */
export const LAYOUT_VERSION = "3-kind-partitions";
// prettier-ignore
export const RUN_TABLES: Record<string, string[]> = {
  /** One row per run: the manifest's record, its params flattened where the summaries group by them. */
  runs: ["run_key VARCHAR", "source_format VARCHAR", "seq INTEGER", "attempt INTEGER",
    "strategy VARCHAR", "valuation VARCHAR", "market_rule VARCHAR", "size_multiplier DOUBLE", "repetition INTEGER",
    "variation VARCHAR", "nodes INTEGER", "started_at DOUBLE", "ended_at DOUBLE", "duration_ms DOUBLE",
    "exit INTEGER", "signal INTEGER", "timed_out BOOLEAN", "params JSON",
    "metric_group VARCHAR", "giraff_run VARCHAR", "env VARCHAR", "env_live VARCHAR"],
  /** One row per node of the run's topology.json (or GIRAFF's node_levels/network_shape). */
  topologies: ["run_key VARCHAR", "source_format VARCHAR", "node_id VARCHAR", "name VARCHAR", "level INTEGER",
    "parent VARCHAR", "latency_ms DOUBLE", "rate_bps DOUBLE", "loss_pct DOUBLE", "iot_connected BOOLEAN",
    "is_cloud BOOLEAN", "cores DOUBLE", "mem_mib DOUBLE", "reserved_cores DOUBLE", "reserved_mem_mib DOUBLE"],
  /** One row per function of the run's plan.json. */
  plans: ["run_key VARCHAR", "chain_id VARCHAR", "pipeline VARCHAR", "target_node_id VARCHAR", "arrival_s DOUBLE",
    "chain_duration_ms DOUBLE", "function_index INTEGER", "function_name VARCHAR", "latency_max_ms DOUBLE",
    "memory_mib DOUBLE", "cpu_milli DOUBLE", "request_interval_ms DOUBLE", "replicas INTEGER"],
  /** What incremental ingestion compares: the manifest's SHA-256 and mtime when the run was loaded. */
  ingested_runs: ["run_key VARCHAR", "manifest_sha256 VARCHAR", "manifest_mtime_ms DOUBLE",
    "ingested_at DOUBLE", "events BIGINT", "invalid_lines BIGINT"],
  /** One row per events file of an ingested run: lines seen, rows kept, lines rejected, torn tail. */
  ingest_files: ["run_key VARCHAR", "file VARCHAR", "bytes BIGINT", "lines BIGINT", "ingested BIGINT",
    "invalid BIGINT", "torn_last_line BOOLEAN"],
};

/** Every table a run's rows live in (its events in the Parquet store aside), for deleting a run before reloading it. */
export const TABLES_WITH_RUN_KEY = [...EVENT_KINDS.map(importedTable), ...Object.keys(RUN_TABLES)];

/** Creates every table that does not exist yet, and the event views. */
export async function createTables(con: DuckDBConnection): Promise<void> {
  await migrate(con);
  for (const [table, columns] of Object.entries(RUN_TABLES)) {
    await con.run(`CREATE TABLE IF NOT EXISTS ${q(table)} (${columns.join(", ")})`);
  }
  await createEventViews(con, storeDirFor(await databasePath(con)));
}

/** An older layout (event kinds as native tables) is dropped, with the bookkeeping that would skip its runs. */
async function migrate(con: DuckDBConnection): Promise<void> {
  await con.run("CREATE TABLE IF NOT EXISTS analysis_meta (key VARCHAR PRIMARY KEY, value VARCHAR)");
  const [row] = await rows(con, "SELECT value FROM analysis_meta WHERE key = 'layout'");
  if (row?.value === LAYOUT_VERSION) return;
  const tables = new Set(
    (await rows(con, "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary")).map((r) =>
      String(r.table_name),
    ),
  );
  for (const name of [...EVENT_KINDS, ...Object.keys(RUN_TABLES)]) {
    if (tables.has(name)) await con.run(`DROP TABLE ${q(name)}`);
  }
  await con.run(`INSERT OR REPLACE INTO analysis_meta VALUES ('layout', ${lit(LAYOUT_VERSION)})`);
}
