/**
 * `createViews`: the derived metrics in SQL (one `.sql` file each in `views/`, run in name order since later ones
 * read earlier ones). Most are views, so they always reflect the tables. The shared intermediate results that many
 * metrics read (`function_slas`, `chain_functions`, `request_sla`, `chain_sla`, and `request_hops` as a temporary
 * table while they are built) are tables (`CREATE OR REPLACE TABLE ... AS`), rebuilt by every call: computing them
 * once instead of once per reader is what makes `run_metrics` and `strategy_summary` fast. Every path that changes the tables (ingestCampaign, the CLI's
 * import-giraff and summary) calls createViews afterwards, so they are never stale when read.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DuckDBConnection } from "@duckdb/node-api";
import { rows } from "./connection.ts";
import { createTables } from "./schema.ts";
import { quoteIdentifier as q, quoteLiteral as lit } from "./sql.ts";

const VIEWS_DIR = fileURLToPath(new URL("./views/", import.meta.url));
const DEFINITION = /CREATE OR REPLACE (VIEW|MACRO|TABLE) (\w+)/g;

/** The view files, in the order they must be created. */
export const VIEW_FILES: readonly string[] = readdirSync(VIEWS_DIR)
  .filter((n) => n.endsWith(".sql"))
  .sort();

/** Names of the views, derived tables (and macros) the files define, for listings and tests. */
export const VIEW_NAMES: readonly string[] = VIEW_FILES.flatMap((file) =>
  [...readFileSync(VIEWS_DIR + file, "utf8").matchAll(DEFINITION)].map((m) => m[2]!),
);

/** Names of the derived tables: rebuilt by createViews, dropped by {@link dropDerivedTables}. */
export const DERIVED_TABLES: readonly string[] = VIEW_FILES.flatMap((file) =>
  [...readFileSync(VIEWS_DIR + file, "utf8").matchAll(DEFINITION)].filter((m) => m[1] === "TABLE").map((m) => m[2]!),
);

/** Creates (or replaces) every view and rebuilds every derived table; creates the tables first, for empty databases. */
export async function createViews(con: DuckDBConnection): Promise<void> {
  await createTables(con);
  for (const file of VIEW_FILES) {
    const text = readFileSync(VIEWS_DIR + file, "utf8");
    for (const statement of text.split(/;\s*$/m).filter((s) => s.replace(/--.*$/gm, "").trim() !== "")) {
      const [, type, name] = /CREATE OR REPLACE (VIEW|MACRO|TABLE) (\w+)/.exec(statement) ?? [];
      if (type === "VIEW" || type === "TABLE") await dropOtherKind(con, name!, type);
      await con.run(statement);
    }
  }
}

/** Drops the derived tables (after loading rows without createViews), so nothing can read them stale. */
export async function dropDerivedTables(con: DuckDBConnection): Promise<void> {
  for (const name of DERIVED_TABLES) await con.run(`DROP TABLE IF EXISTS ${q(name)}`);
}

/** A database made when `name` was a view (now a table) or the other way round: drop the old object first. */
async function dropOtherKind(con: DuckDBConnection, name: string, type: "VIEW" | "TABLE"): Promise<void> {
  const other = type === "VIEW" ? "TABLE" : "VIEW";
  const catalog = other === "VIEW" ? "duckdb_views()" : "duckdb_tables()";
  const found = await rows(
    con,
    `SELECT 1 FROM ${catalog} WHERE ${other === "VIEW" ? "view_name" : "table_name"} = ${lit(name)} ` +
      "AND schema_name = 'main' AND NOT temporary",
  );
  if (found.length > 0) await con.run(`DROP ${other} ${q(name)}`);
}
