/**
 * Campaign overview: where every run of the batch ended (from the runner's own records: batch.json, runs.jsonl and
 * the run directories, as orchestrator/batch/progress.ts reads them), every ingested run with its timing and exit,
 * what ingestion kept per run and per file (events, invalid lines, torn last lines), and the campaign entries
 * ingestion skipped (half-written, failed, …).
 *
 * Failed runs are never ingested (the runner leaves them as `<key>.err`), so the runner's records, not the `runs`
 * table, say which runs failed; an ingested run is judged by GNU parallel's rule (Exitval ≠ 0 or Signal ≠ 0, where a
 * signal of 0 means none) only to flag a record that contradicts its own directory.
 */
import { rows } from "../../../orchestrator/analysis/connection.ts";
import { noopAnalysisEffects } from "../../../orchestrator/analysis/effects.ts";
import { scanCampaign } from "../../../orchestrator/analysis/scan-campaign.ts";
import { readCampaignProgress } from "../../../orchestrator/campaign/run/campaign-progress.ts";
import { emitJson, withCampaignDb } from "../../lib/campaign-db.ts";

// Written into the campaign directory by our own tools; not runs, so not "skipped" either.
const OUTPUT_DIRS = new Set(["report", "figures"]);

await emitJson(() =>
  withCampaignDb(async (con, dir) => {
    const runs = await rows(
      con,
      `SELECT r.run_key, r.source_format, r.strategy, r.nodes, r.size_multiplier, r.repetition, r.variation,
         r.attempt, r.started_at, r.ended_at, r.duration_ms, r.exit, r.signal, r.timed_out,
         i.events, i.invalid_lines,
         (coalesce(r.exit, 0) <> 0 OR coalesce(r.signal, 0) <> 0 OR coalesce(r.timed_out, false)) AS failed
       FROM runs r LEFT JOIN ingested_runs i USING (run_key) ORDER BY r.run_key`,
    );
    const files = await rows(
      con,
      `SELECT run_key, file, bytes, lines, ingested, invalid, torn_last_line FROM ingest_files ORDER BY run_key, file`,
    );
    const skipped = (await scanCampaign(dir, noopAnalysisEffects)).skipped.filter((s) => !OUTPUT_DIRS.has(s.name));
    const progress = await readCampaignProgress(dir);
    return { campaign: dir, name: progress.campaign, progress, runs, files, skipped };
  }),
);
