/**
 * `npm run analysis -- …` or `npx tsx orchestrator/analysis/cli.ts …`:
 * `npx tsx orchestrator/analysis/cli.ts ingest <campaignDir> [--db path]`
 * `npx tsx orchestrator/analysis/cli.ts import-giraff <archive...> --db path`
 * `npx tsx orchestrator/analysis/cli.ts summary <campaignDir> [--db path]`
 * `npx tsx orchestrator/analysis/cli.ts emulation <campaignDir> [--db path]`
 * Exit 0 on success (invalid lines and skipped runs are reported, not failures), 2 with a sentence for bad
 * arguments or unreadable input, 1 for anything else.
 */
import { join } from "node:path";
import { CliError, consoleIo, isMain, runCommandLine, UsageError, type CliIo } from "../../runtime/util/cli.ts";
import { rows, withConnection } from "./connection.ts";
import type { IngestProgress } from "./effects.ts";
import { importGiraffArchive } from "./giraff/import-archive.ts";
import { ingestCampaign } from "./ingest.ts";
import { createViews } from "./views.ts";

const USAGE = `Usage: npm run analysis -- ingest <campaignDir> [--db <file>]
       npm run analysis -- import-giraff <archive>... --db <file>
       npm run analysis -- summary <campaignDir> [--db <file>]
       npm run analysis -- emulation <campaignDir> [--db <file>]

  ingest          (re-)ingest a campaign's events into DuckDB and compute the metric tables (incremental)
  import-giraff   load GIRAFF's own metrics_*.tar.xz archives
  summary         print the per-strategy summary of an ingested campaign
  emulation       print each run's emulation figures (timer slack, loop lag, hop excess, distorted)
  --db <file>     the database (default <campaignDir>/campaign.duckdb; required by import-giraff)
  --help          this text`;

/** Runs the CLI; results go to `io.out`, progress and errors to `io.err`. */
export async function main(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  const config = { options: { db: { type: "string" } }, allowPositionals: true } as const;
  return runCommandLine(argv, USAGE, config, io, ({ values, positionals }) =>
    run(checkCommand(positionals, values.db), io),
  );
}

async function run({ command, args, db }: ReturnType<typeof checkCommand>, io: CliIo): Promise<number> {
  const out = io.out;
  const progress = io.err;
  try {
    if (command === "ingest") {
      const started = Date.now();
      const onProgress = (p: IngestProgress) => {
        const s = ((Date.now() - started) / 1000).toFixed(1);
        if (p.type === "scan") progress(`${p.runs} run(s) found, ${p.toIngest} to ingest, ${p.skipped} skipped`);
        else if (p.type === "run") progress(`[${s} s] run ${p.done}/${p.total} ${p.runKey}: ${p.events} events`);
        else if (p.type === "views") progress(`[${s} s] computing the derived tables`);
      };
      const report = await ingestCampaign(args[0]!, {
        ...(db === undefined ? {} : { dbPath: db }),
        effects: { onProgress },
      });
      out(
        `Ingested ${report.events} events of ${report.added.length} new and ${report.replaced.length} changed run(s) ` +
          `into ${report.dbPath}; ${report.unchanged.length} unchanged, ${report.skipped.length} skipped, ` +
          `${report.invalidLines} invalid line(s), in ${Math.round(report.ms)} ms.`,
      );
      for (const s of report.skipped) out(`  skipped ${s.name}: ${s.reason} (${s.detail})`);
      return 0;
    }
    if (command === "import-giraff") {
      await withConnection(db!, async (con) => {
        for (const archive of args) {
          const r = await importGiraffArchive(archive, con);
          out(
            `Imported ${archive} as run ${r.runKey}: ${Object.entries(r.measurements)
              .map(([m, n]) => `${m} ${n}`)
              .join(", ")}.`,
          );
          if (r.unmapped.length > 0) out(`  not mapped: ${r.unmapped.join(", ")}`);
        }
        await createViews(con);
      });
      return 0;
    }
    if (command === "emulation") {
      const perRun = await withConnection(db ?? join(args[0]!, "campaign.duckdb"), async (con) => {
        await createViews(con);
        return rows(con, EMULATION_PER_RUN_SQL);
      });
      out(EMULATION_COLUMNS.join("\t"));
      for (const r of perRun) out(EMULATION_COLUMNS.map((c) => fmt(r[c])).join("\t"));
      return 0;
    }
    const summary = await withConnection(db ?? join(args[0]!, "campaign.duckdb"), async (con) => {
      await createViews(con);
      return rows(con, "SELECT * FROM strategy_summary ORDER BY metric, strategy, nodes");
    });
    out(["metric", "strategy", "nodes", "runs", "mean", "ci95"].join("\t"));
    for (const r of summary) {
      const ci = r.ci_low === null ? "-" : `[${fmt(r.ci_low)}, ${fmt(r.ci_high)}]`;
      out([r.metric, r.strategy, r.nodes, r.runs, fmt(r.mean), ci].join("\t"));
    }
    return 0;
  } catch (err) {
    // an AnalysisError is a CliError (its sentence, its exit code); anything else is "Failed: …", exit 1
    const failure = CliError.from(err);
    io.err(failure.message);
    return failure.exitCode;
  }
}

function checkCommand(positionals: string[], db: string | undefined) {
  const [command, ...args] = positionals;
  if (command === undefined) throw new UsageError("Expected a command: ingest, import-giraff, summary or emulation.");
  if (!["ingest", "import-giraff", "summary", "emulation"].includes(command)) {
    throw new UsageError(`Unknown command \`${command}\`; expected ingest, import-giraff, summary or emulation.`);
  }
  if (command !== "import-giraff" && args.length !== 1) {
    throw new UsageError(`\`${command}\` takes exactly one campaign directory, got ${args.length}.`);
  }
  if (command === "import-giraff" && args.length === 0)
    throw new UsageError("`import-giraff` needs at least one archive.");
  // checked here, so `run` may count on it
  if (command === "import-giraff" && db === undefined)
    throw new UsageError("import-giraff needs --db <file> to know where to write.");
  return { command, args, db };
}

/** The `emulation` command's columns: a run's identity, then run_emulation's figures (views/16-run_emulation.sql). */
const EMULATION_COLUMNS = [
  ...["strategy", "nodes", "run_key", "hops", "late_hops", "late_by_machine_hops", "late_by_network_hops"],
  ...["timer_slack_p50_ms", "timer_slack_p99_ms", "timer_slack_max_ms", "loop_lag_p50_ms", "loop_lag_p99_ms"],
  ...["loop_lag_max_ms", "excess_p50_ms", "excess_p99_ms", "unexplained_p99_ms", "distorted"],
] as const;
const EMULATION_PER_RUN_SQL =
  "SELECT r.strategy, r.nodes, e.* FROM runs r JOIN run_emulation e USING (run_key) ORDER BY r.nodes, r.strategy, run_key";

const fmt = (v: unknown) => (typeof v === "number" ? (Math.round(v * 1000) / 1000).toString() : String(v));

if (isMain(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
