/**
 * `npm run figures -- <campaignDir> [--db path] [--only name ...]` (or `npx tsx orchestrator/figures/cli.ts …`):
 * writes the paper figures of an ingested campaign to `<campaignDir>/figures/`. Exit 0 on success, 2 with a
 * sentence for bad arguments or a campaign that was never ingested, 1 for anything else.
 */
import { CliError, consoleIo, isMain, runCommandLine, UsageError, type CliIo } from "../../runtime/util/cli.ts";
import { FIGURES } from "./figures.ts";
import { writeFigures } from "./write-figures.ts";

const USAGE = `Usage: npm run figures -- <campaignDir> [--db <file>] [--only <figure>]...

  <campaignDir>    an ingested campaign, e.g. metrics-arks/<campaign>
  --db <file>      its database (default <campaignDir>/campaign.duckdb)
  --only <figure>  draw this figure only (repeatable): ${FIGURES.map((f) => f.name).join(", ")}
  --help           this text`;

export async function main(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  const config = {
    options: { db: { type: "string" }, only: { type: "string", multiple: true } },
    allowPositionals: true,
  } as const;
  return runCommandLine(argv, USAGE, config, io, async ({ values, positionals }) => {
    if (positionals.length !== 1) throw new UsageError(`Expected one campaign directory, got ${positionals.length}.`);
    const unknown = values.only?.find((name) => !FIGURES.some((f) => f.name === name));
    if (unknown !== undefined) throw new UsageError(`Unknown figure \`${unknown}\` for --only.`);
    try {
      const written = await writeFigures(positionals[0]!, {
        ...(values.db === undefined ? {} : { dbPath: values.db }),
        ...(values.only === undefined ? {} : { only: values.only }),
      });
      for (const w of written) io.out(`${w.svg} (+ .png, .json)`);
      io.out(`Wrote ${written.length} figure(s).`);
      return 0;
    } catch (err) {
      // an AnalysisError ends with its own sentence and code; anything else `Failed: …`, exit 1
      throw CliError.from(err);
    }
  });
}

if (isMain(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
