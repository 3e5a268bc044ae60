/**
 * `createViews`: the derived metrics in SQL (one `.sql` file each in `views/`, run in name order since later ones
 * read earlier ones). The cheap ones are views, so they always reflect the tables. The rest are derived tables
 * (`CREATE OR REPLACE TABLE ... AS`): intermediate results that many metrics read, per-hop and per-request rows,
 * and the per-run metrics that `run_metrics` and `strategy_summary` join; computing them once instead of once per
 * reader is what makes those views fast. With a Parquet store each derived table is a Parquet file read by a view
 * of its name (derived-store.ts), else a table; `request_hops` is a temporary table while they are built. Every
 * path that changes the tables (ingestCampaign, the CLI's import-giraff and summary, the figures) calls
 * createViews afterwards, so they are never stale when read.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DuckDBConnection } from "@duckdb/node-api";
import { dropDerived, dropOtherKind, materialise } from "./derived-store.ts";
import { databasePath, storeDirFor } from "./event-store.ts";
import { createTables } from "./schema.ts";

const VIEWS_DIR = fileURLToPath(new URL("./views/", import.meta.url));
const DEFINITION = /CREATE OR REPLACE (VIEW|MACRO|TABLE) (\w+)/g;
const DERIVED_TABLE = /^([\s\S]*?)CREATE OR REPLACE TABLE (\w+) AS\s/;

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
  const storeDir = storeDirFor(await databasePath(con));
  for (const file of VIEW_FILES) {
    const text = readFileSync(VIEWS_DIR + file, "utf8");
    for (const statement of text.split(/;\s*$/m).filter((s) => s.replace(/--.*$/gm, "").trim() !== "")) {
      const derived = DERIVED_TABLE.exec(statement);
      if (derived !== null) {
        await materialise(con, storeDir, derived[2]!, statement.slice(derived[0].length));
        continue;
      }
      const [, type, name] = /CREATE OR REPLACE (VIEW|MACRO) (\w+)/.exec(statement) ?? [];
      if (type === "VIEW") await dropOtherKind(con, name!, type);
      await con.run(statement);
    }
  }
}

/** Drops the derived tables (after loading rows without createViews), so nothing can read them stale. */
export async function dropDerivedTables(con: DuckDBConnection): Promise<void> {
  await dropDerived(con, storeDirFor(await databasePath(con)), DERIVED_TABLES);
}
