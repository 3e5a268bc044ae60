/**
 * The tables and views of a campaign database, read-only, so the bundle's README lists what the bundled
 * `campaign.duckdb` really holds (the views change as analysis evolves; a fixed list would go stale).
 */
import { rows, withConnection } from "../analysis/connection.ts";

export interface DbObject {
  name: string;
  kind: "table" | "view";
}

/** Tables then views, each sorted by name; opening read-only leaves the file's bytes (and checksum) unchanged. */
export async function listDbObjects(dbPath: string): Promise<DbObject[]> {
  const found = await withConnection(
    dbPath,
    (con) =>
      rows(
        con,
        "SELECT table_name AS name, 'table' AS kind FROM duckdb_tables() WHERE NOT internal " +
          "UNION ALL SELECT view_name, 'view' FROM duckdb_views() WHERE NOT internal ORDER BY kind, name",
      ),
    { readOnly: true },
  );
  return found.map((r) => ({ name: String(r.name), kind: r.kind as DbObject["kind"] }));
}
