/**
 * `queryPaperClaims`: GIRAFF's headline claims as `views/20-paper_claims.sql` judges them, for the report's fidelity
 * page and anything else that prints them, so they all read one verdict. Each row also gets the emulation distortion
 * of the runs behind it when the database has the `run_emulation` view (`views/16-run_emulation.sql`); without it,
 * or for runs it cannot measure, the counts are NULL and readers say "not measured". Only reads: it works on a
 * read-only connection.
 */
import { rows, type DuckDBConnection, type Row } from "./connection.ts";
import { quoteLiteral } from "./sql.ts";

/** What `run_emulation` must offer for the distortion to be shown. */
const EMULATION_COLUMNS = ["run_key", "distorted", "hops", "late_hops", "late_by_machine_hops"];

export interface PaperClaims {
  /** `paper_claim_verdicts`: claim, paper, quote, verdict, reason; by claim. */
  verdicts: Row[];
  /**
   * `paper_claims` by claim, part, 'all' first then baseline, with the distortion of the runs behind each row:
   * runs, and (NULL when not measured) measured_runs, distorted_runs, hops, late_hops, late_by_machine_hops.
   */
  claims: Row[];
  /** The runs behind the claims: run_key, strategy, nodes, repetition, variation, params, distorted, hop counts. */
  runs: Row[];
  /** Whether the database has a `run_emulation` view with the columns above. */
  emulation: boolean;
}

/** Reads the claims, their verdicts and their runs; throws a sentence when the views are missing (an old database). */
export async function queryPaperClaims(con: DuckDBConnection): Promise<PaperClaims> {
  const views = await namesWithColumns(con, ["paper_claims", "run_emulation"]);
  if (!views.has("paper_claims")) {
    throw new Error(
      "The database has no paper_claims view: ingest the campaign again (npx tsx orchestrator/analysis/cli.ts ingest " +
        "<campaignDir>) to create the analysis views.",
    );
  }
  const emulation = EMULATION_COLUMNS.every((c) => views.get("run_emulation")?.has(c));
  const distortion = emulation
    ? `count(e.distorted) AS measured_runs, count(*) FILTER (WHERE e.distorted) AS distorted_runs,
       sum(e.hops) AS hops, sum(e.late_hops) AS late_hops, sum(e.late_by_machine_hops) AS late_by_machine_hops`
    : `NULL::BIGINT AS measured_runs, NULL::BIGINT AS distorted_runs, NULL::BIGINT AS hops,
       NULL::BIGINT AS late_hops, NULL::BIGINT AS late_by_machine_hops`;
  const perRun = emulation
    ? "e.distorted, e.hops, e.late_hops, e.late_by_machine_hops"
    : "NULL::BOOLEAN AS distorted, NULL::BIGINT AS hops, NULL::BIGINT AS late_hops, NULL::BIGINT AS late_by_machine_hops";
  const joinEmulation = emulation ? "LEFT JOIN run_emulation e USING (run_key)" : "";
  const claims = await rows(
    con,
    `WITH distortion AS (
       SELECT c.claim_id, c.baseline, count(*) AS runs, ${distortion}
       FROM paper_claim_runs c ${joinEmulation} GROUP BY ALL
     )
     SELECT p.*, coalesce(d.runs, 0) AS runs, d.measured_runs, d.distorted_runs, d.hops, d.late_hops,
       d.late_by_machine_hops
     FROM paper_claims p LEFT JOIN distortion d USING (claim_id, baseline)
     ORDER BY p.claim, p.part, p.baseline <> 'all', p.baseline`,
  );
  const runs = await rows(
    con,
    `SELECT r.run_key, r.strategy, r.nodes, r.repetition, r.variation, CAST(r.params AS VARCHAR) AS params, ${perRun}
     FROM runs r ${joinEmulation}
     WHERE r.run_key IN (SELECT run_key FROM paper_claim_runs)
     ORDER BY r.strategy, r.nodes, r.repetition, r.variation, r.run_key`,
  );
  const verdicts = await rows(con, "SELECT * FROM paper_claim_verdicts ORDER BY claim");
  return { verdicts, claims, runs, emulation };
}

/** Views and tables of `names` present in the database, each with its column names. */
async function namesWithColumns(con: DuckDBConnection, names: string[]): Promise<Map<string, Set<string>>> {
  const found = await rows(
    con,
    `SELECT table_name, column_name FROM duckdb_columns()
     WHERE schema_name = 'main' AND table_name IN (${names.map(quoteLiteral).join(", ")})`,
  );
  const out = new Map<string, Set<string>>();
  for (const r of found) {
    const name = String(r.table_name);
    out.set(name, (out.get(name) ?? new Set()).add(String(r.column_name)));
  }
  return out;
}
