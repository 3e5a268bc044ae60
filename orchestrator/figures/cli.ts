/**
 * `npx tsx orchestrator/figures/cli.ts <campaignDir> [--db path] [--only name ...]`: writes the paper figures of
 * an ingested campaign to `<campaignDir>/figures/`. Exit 0 on success, 2 with a sentence for bad arguments or a
 * campaign that was never ingested, 1 for anything else.
 */
import { parseArgs } from "node:util";
import { AnalysisError } from "../analysis/errors.ts";
import { FIGURES } from "./figures.ts";
import { writeFigures } from "./write-figures.ts";

const USAGE = `Usage: cli.ts <campaignDir> [--db path] [--only ${FIGURES.map((f) => f.name).join("|")}]...`;

export async function main(argv: readonly string[], out: (line: string) => void = console.log): Promise<number> {
  let campaignDir: string;
  let db: string | undefined;
  let only: string[] | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { db: { type: "string" }, only: { type: "string", multiple: true } },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new Error(`Expected one campaign directory, got ${positionals.length}.`);
    campaignDir = positionals[0]!;
    db = values.db;
    only = values.only;
  } catch (err) {
    out(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    const written = await writeFigures(campaignDir, {
      ...(db === undefined ? {} : { dbPath: db }),
      ...(only === undefined ? {} : { only }),
    });
    for (const w of written) out(`${w.svg} (+ .png, .json)`);
    out(`Wrote ${written.length} figure(s).`);
    return 0;
  } catch (err) {
    out(AnalysisError.is(err) ? err.message : `Failed: ${(err as Error).message}`);
    return AnalysisError.is(err) ? err.exitCode : 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
