/**
 * `importGiraffArchive`: one GIRAFF `metrics_*.tar.xz` (giraff.md §13.3) into the same tables as our runs, with
 * `source_format = 'giraff'` and the archive's name (without `.tar.xz`) as `run_key`, so old and new results meet
 * in the same views. The archive is extracted with the system `tar -xJf` into a temporary directory that is
 * removed afterwards; the archive itself is only read. Re-importing an archive replaces its rows.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import type { DuckDBConnection } from "@duckdb/node-api";
import { rows } from "../connection.ts";
import { AnalysisError } from "../errors.ts";
import { createTables, TABLES_WITH_RUN_KEY } from "../schema.ts";
import { quoteIdentifier as q, quoteLiteral as lit } from "../sql.ts";
import { parseArchiveName, type ArchiveName } from "./archive-name.ts";
import { MAPPINGS } from "./mappings.ts";
import { loadNetworkTables } from "./network-tables.ts";

export interface GiraffImportEffects {
  /** Runs `tar`; the default is execa (its error quotes tar's stderr). */
  exec: (file: string, args: readonly string[]) => Promise<unknown>;
}

export interface GiraffImportReport {
  archive: string;
  name: ArchiveName;
  runKey: string;
  /** Rows read per measurement file, mapped or not. */
  measurements: Record<string, number>;
  /** Measurement files with no mapping (spans, logs, toto, …): left out, listed here. */
  unmapped: string[];
}

const defaultExec: GiraffImportEffects["exec"] = (file, args) => execa(file, args, { stdin: "ignore" });
const SRC = "_giraff_measurement";

export async function importGiraffArchive(
  path: string,
  con: DuckDBConnection,
  effects: GiraffImportEffects = { exec: defaultExec },
): Promise<GiraffImportReport> {
  const name = parseArchiveName(path);
  const dir = await mkdtemp(join(tmpdir(), "giraff-archive-"));
  try {
    try {
      await effects.exec("tar", ["-xJf", path, "-C", dir]);
    } catch (cause) {
      throw new AnalysisError(`Cannot extract the GIRAFF archive ${path} with tar -xJf: ${(cause as Error).message}`, {
        exitCode: 2,
        cause,
      });
    }
    const files = (await readdir(dir)).filter((f) => f.endsWith(".csv")).sort();
    await createTables(con);
    const report: GiraffImportReport = { archive: path, name, runKey: name.stem, measurements: {}, unmapped: [] };
    const key = lit(name.stem);
    await con.run("BEGIN TRANSACTION");
    try {
      for (const table of TABLES_WITH_RUN_KEY) await con.run(`DELETE FROM ${q(table)} WHERE run_key = ${key}`);
      const nodes = await loadNetworkTables(con, dir, files, name.stem);
      await con.run(
        `INSERT INTO runs (run_key, source_format, strategy, nodes, params, metric_group, giraff_run, env, env_live)
         VALUES (${key}, 'giraff', ${sqlText(name.metricGroup)}, ${nodes ?? "NULL"}, ${lit(JSON.stringify(name))},
           ${sqlText(name.metricGroup)}, ${sqlText(name.run)}, ${sqlText(name.env)}, ${sqlText(name.envLive)})`,
      );
      const mapped = new Set(MAPPINGS.map((m) => m.measurement));
      for (const file of files) {
        const measurement = file.replace(/\.csv$/, "");
        if (!mapped.has(measurement) && !NETWORK_FILES.has(measurement)) report.unmapped.push(measurement);
      }
      // in MAPPINGS order: bids before the deployment durations that look their winner up
      for (const mapping of MAPPINGS) {
        const file = `${mapping.measurement}.csv`;
        if (!files.includes(file)) continue;
        await con.run(
          `CREATE OR REPLACE TEMP TABLE ${SRC} AS SELECT * FROM read_csv(${lit(join(dir, file))}, delim = '\t', ` +
            `header = true, all_varchar = true, quote = '"')`,
        );
        const columns = new Set((await rows(con, `DESCRIBE ${SRC}`)).map((r) => String(r.column_name)));
        const c = (col: string, alias?: string) => (columns.has(col) ? `${alias ? `${alias}.` : ""}${q(col)}` : "NULL");
        const origin = `${key}, 'giraff', ${lit(file)}`;
        report.measurements[mapping.measurement] = Number((await rows(con, `SELECT count(*) AS n FROM ${SRC}`))[0]!.n);
        for (const statement of mapping.sql(SRC, c, origin, key)) await con.run(statement);
        await con.run(`DROP TABLE ${SRC}`);
      }
      await con.run("COMMIT");
    } catch (err) {
      await con.run("ROLLBACK");
      throw err;
    }
    return report;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const NETWORK_FILES = new Set(["names", "node_levels", "network_shape"]);
const sqlText = (v: string | null) => (v === null ? "NULL" : lit(v));
