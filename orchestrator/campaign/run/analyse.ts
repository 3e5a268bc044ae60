/**
 * The campaign's analysis steps: DuckDB ingestion with the headline metrics per strategy (analysis-summary.ts),
 * then the figures. A failure is reported, never thrown: the runs are intact and the step can be rerun alone.
 */
import { writeFigures } from "../../figures/write-figures.ts";
import { analyseCampaign } from "./analysis-summary.ts";

/** Ingests `<out>` into `campaign.duckdb` and prints the metrics; false (and why) when it failed. */
export async function ingest(
  out: string,
  print: (line: string) => void,
  log: (line: string) => void,
): Promise<boolean> {
  return reported(out, log, () => analyseCampaign(out, print));
}

/** Writes `<out>/figures/` (SVG, PNG and JSON per figure) and names them; false (and why) when it failed. */
export async function drawFigures(
  out: string,
  print: (line: string) => void,
  log: (line: string) => void,
): Promise<boolean> {
  return reported(out, log, async () => {
    const figures = await writeFigures(out);
    print(`Figures: ${figures.map((f) => f.svg).join(", ")} (and their .png and .json).`);
  });
}

async function reported(out: string, log: (line: string) => void, step: () => Promise<void>): Promise<boolean> {
  try {
    await step();
    return true;
  } catch (err) {
    log(
      `The analysis of ${out} failed; the runs are intact, rerun it with ` +
        `\`npx tsx orchestrator/analysis/cli.ts ingest ${out}\`: ${(err as Error).message}`,
    );
    return false;
  }
}
