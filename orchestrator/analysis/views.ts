/**
 * `createViews`: the derived metrics as SQL views (one `.sql` file each in `views/`, run in name order since later
 * views read earlier ones). Views, not tables: they always reflect the tables, so an incremental ingest needs no
 * recomputation step, and a query on one run only computes that run.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DuckDBConnection } from "@duckdb/node-api";
import { createTables } from "./schema.ts";

const VIEWS_DIR = fileURLToPath(new URL("./views/", import.meta.url));

/** The view files, in the order they must be created. */
export const VIEW_FILES: readonly string[] = readdirSync(VIEWS_DIR)
  .filter((n) => n.endsWith(".sql"))
  .sort();

/** Names of the views (and macros) the files define, for listings and tests. */
export const VIEW_NAMES: readonly string[] = VIEW_FILES.flatMap((file) =>
  [...readFileSync(VIEWS_DIR + file, "utf8").matchAll(/CREATE OR REPLACE (?:VIEW|MACRO) (\w+)/g)].map((m) => m[1]!),
);

/** Creates (or replaces) every view; creates the tables first so views work on an empty database. */
export async function createViews(con: DuckDBConnection): Promise<void> {
  await createTables(con);
  for (const file of VIEW_FILES) {
    const text = readFileSync(VIEWS_DIR + file, "utf8");
    for (const statement of text.split(/;\s*$/m).filter((s) => s.replace(/--.*$/gm, "").trim() !== "")) {
      await con.run(statement);
    }
  }
}
