/**
 * GIRAFF's network description (giraff.md §13.3 step 3) as `topologies` rows: `node_levels.csv` (`source, level`)
 * gives the nodes and their depth, `network_shape.csv` (`source, destination, latency, rate, loss`, parent → child)
 * the parent and the link of each child. Answers the node count (GIRAFF's `nb_nodes`), or null without levels.
 */
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { rows } from "../connection.ts";
import { quoteLiteral as lit } from "../sql.ts";

const tsv = (path: string) => `read_csv(${lit(path)}, delim = '\t', header = true, all_varchar = true)`;

export async function loadNetworkTables(
  con: DuckDBConnection,
  dir: string,
  files: readonly string[],
  runKey: string,
): Promise<number | null> {
  if (!files.includes("node_levels.csv")) return null;
  const shape = files.includes("network_shape.csv")
    ? tsv(join(dir, "network_shape.csv"))
    : "(SELECT NULL::VARCHAR AS source, NULL::VARCHAR AS destination, NULL::VARCHAR AS latency, " +
      "NULL::VARCHAR AS rate, NULL::VARCHAR AS loss WHERE false)";
  await con.run(
    `INSERT INTO topologies (run_key, source_format, node_id, name, level, parent, latency_ms, rate_bps, loss_pct)
     SELECT ${lit(runKey)}, 'giraff', l.source, l.source, TRY_CAST(l.level AS INTEGER), s.source,
       TRY_CAST(s.latency AS DOUBLE), TRY_CAST(s.rate AS DOUBLE), TRY_CAST(s.loss AS DOUBLE)
     FROM ${tsv(join(dir, "node_levels.csv"))} l LEFT JOIN ${shape} s ON s.destination = l.source`,
  );
  const [row] = await rows(con, `SELECT count(*) AS n FROM topologies WHERE run_key = ${lit(runKey)}`);
  return Number(row!.n);
}
