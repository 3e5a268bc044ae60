/**
 * `writeFigures`: every paper figure of a campaign, next to its data (`<campaignDir>/figures/`), as SVG, PNG and a
 * JSON of the exact rows and Vega-Lite spec it was drawn from, so a figure can be checked or redrawn elsewhere.
 * Each file is written atomically (runtime/util/atomic-file.ts), so a reader never sees half a figure.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomically } from "../../runtime/util/atomic-file.ts";
import { withConnection } from "../analysis/connection.ts";
import { AnalysisError } from "../analysis/errors.ts";
import { createViews } from "../analysis/views.ts";
import { FIGURES, type Figure } from "./figures.ts";
import { renderPng, renderSvg } from "./render.ts";

export interface WriteFiguresOptions {
  /** Default `<campaignDir>/campaign.duckdb`. */
  dbPath?: string;
  /** Only these figures (registry names); default all. */
  only?: readonly string[];
}

export interface WrittenFigure {
  name: string;
  svg: string;
  png: string;
  json: string;
}

/** Queries the campaign database and writes each figure's `.svg`, `.png` and `.json`; returns them in order. */
export async function writeFigures(campaignDir: string, options: WriteFiguresOptions = {}): Promise<WrittenFigure[]> {
  const dbPath = options.dbPath ?? join(campaignDir, "campaign.duckdb");
  // Checked first: opening a missing path would create an empty database.
  if (!existsSync(dbPath)) {
    throw new AnalysisError(
      `No database at ${dbPath}: run the ingestion first: npx tsx orchestrator/analysis/cli.ts ingest ${campaignDir}`,
      { exitCode: 2 },
    );
  }
  const figures = selectFigures(options.only);
  const outDir = join(campaignDir, "figures");
  await mkdir(outDir, { recursive: true });
  // Views are (re)created as the analysis CLI's summary does, so figures follow the current view definitions.
  const drawn = await withConnection(dbPath, async (con) => {
    await createViews(con);
    const out: { figure: Figure; rows: Awaited<ReturnType<Figure["query"]>> }[] = [];
    for (const figure of figures) out.push({ figure, rows: await figure.query(con) });
    return out;
  });
  const written: WrittenFigure[] = [];
  for (const { figure, rows } of drawn) {
    const spec = figure.spec(rows);
    const svg = await renderSvg(spec);
    const paths = {
      name: figure.name,
      svg: join(outDir, `${figure.name}.svg`),
      png: join(outDir, `${figure.name}.png`),
      json: join(outDir, `${figure.name}.json`),
    };
    await writeFileAtomically(paths.json, `${JSON.stringify({ name: figure.name, rows, spec }, null, 2)}\n`);
    await writeFileAtomically(paths.svg, svg);
    await writeFileAtomically(paths.png, renderPng(svg));
    written.push(paths);
  }
  return written;
}

function selectFigures(only: readonly string[] | undefined): readonly Figure[] {
  if (only === undefined) return FIGURES;
  const unknown = only.filter((n) => !FIGURES.some((f) => f.name === n));
  if (unknown.length > 0) {
    throw new AnalysisError(
      `Unknown figure \`${unknown[0]}\`; expected one of ${FIGURES.map((f) => f.name).join(", ")}.`,
      { exitCode: 2 },
    );
  }
  return FIGURES.filter((f) => only.includes(f.name));
}
