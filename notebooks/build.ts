/**
 * Builds the campaign report, fully offline: `npm run report -- metrics-arks/<campaign>` (or
 * `npx tsx notebooks/build.ts <campaignDir>`) writes the static site to `<campaignDir>/report/`; `--dry-run` checks
 * the campaign and builds nothing.
 *
 * Framework builds into `notebooks/dist/build-<pid>/` (inside its working directory, so it may clear it), then the
 * site is copied to `<campaignDir>/report.tmp-<pid>` and renamed over `report/`, so a failed build never leaves a
 * half-written report. The loaders' cache (`src/.observablehq/cache/data`) is emptied first: Framework reuses cached
 * loader output newer than the loader, which would otherwise be another campaign's data. Builds of the same checkout
 * therefore take turns (build-lock.ts).
 */
import { existsSync, readdirSync } from "node:fs";
import { cp, mkdir, rename, rm, rmdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { CliError, consoleIo, isMain, runCommandLine, UsageError, type CliIo } from "../runtime/util/cli.ts";
import { withBuildLock } from "./build-lock.ts";
import { CAMPAIGN_ENV } from "./lib/campaign-db.ts";

export const NOTEBOOKS_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_DIR = dirname(NOTEBOOKS_DIR);
const SRC_DIR = join(NOTEBOOKS_DIR, "src");

/**
 * Names the Framework client bundle only version-resolves on the npm registry (reference/toolchain.md §2, point 2):
 * the optional libraries, and the implicit imports (Plot, d3, htl, Arrow) our pages never use because they import
 * from node_modules. An empty `<name>@0.0.0-offline` cache directory answers each lookup locally, so a build on a
 * fresh clone makes no request at all.
 */
export const VERSION_ONLY_NPM_NAMES = [
  // every `npm:` name Framework 1.13.4's client and standard library refer to
  "@duckdb/duckdb-wasm",
  "@observablehq/duckdb",
  "@observablehq/inputs",
  "@observablehq/plot",
  "@observablehq/sample-datasets",
  "@uwdata/vgplot",
  "@viz-js/viz",
  "apache-arrow",
  "arquero",
  "d3",
  "d3-dsv",
  "echarts",
  "exceljs",
  "htl",
  "jszip",
  "katex",
  "leaflet",
  "lodash",
  "mapbox-gl",
  "mermaid",
  "parquet-wasm",
  "react",
  "react-dom",
  "sql.js",
  "topojson-client",
  "vega",
  "vega-lite",
  "vega-lite-api",
];

/** Checks the arguments and the campaign before anything is built; returns the absolute campaign directory. */
export function checkCampaign(arg: string | undefined, cwd = process.cwd()): string {
  if (arg === undefined || arg === "" || arg.startsWith("-")) {
    throw new CliError("Usage: npm run report -- <campaignDir> (for example metrics-arks/<campaign>).", {
      exitCode: 2,
    });
  }
  const dir = resolve(cwd, arg);
  const ingest = `npx tsx orchestrator/analysis/cli.ts ingest ${arg}`;
  if (!existsSync(dir)) {
    throw new CliError(
      `The campaign directory ${dir} does not exist; run the campaign, then the ingestion: ${ingest}.`,
      { exitCode: 2 },
    );
  }
  if (!existsSync(join(dir, "campaign.duckdb"))) {
    throw new CliError(`${dir} has no campaign.duckdb; run the ingestion first: ${ingest}.`, { exitCode: 2 });
  }
  return dir;
}

/** Empty npm cache directories for the version-only names, so `observable build` asks no registry. */
export async function prefillNpmCache(srcDir = SRC_DIR): Promise<void> {
  for (const name of VERSION_ONLY_NPM_NAMES) {
    await mkdir(join(srcDir, ".observablehq", "cache", "_npm", `${name}@0.0.0-offline`), { recursive: true });
  }
}

export interface BuildOptions {
  /** Where `observable build` prints its progress: our stdout (default), or stderr when stdout carries data. */
  stdout?: "inherit" | "stderr";
}

/** Runs `observable build` with our stdin closed and its output on ours; answers its exit code (128 for a signal). */
async function run(command: string, args: string[], env: NodeJS.ProcessEnv, options: BuildOptions): Promise<number> {
  const result = await execa(command, args, {
    cwd: NOTEBOOKS_DIR,
    env,
    stdin: "ignore",
    stdout: options.stdout === "stderr" ? 2 : "inherit",
    stderr: "inherit",
    reject: false,
  });
  // a build that could not start at all (no node_modules/.bin/observable) is execa's error, as it was spawn's
  if (result.failed && result.exitCode === undefined && result.signal === undefined) throw result;
  return result.exitCode ?? 128;
}

/** Each loader `src/data/<name>.json.ts` must have produced `_file/data/<name>.<hash>.json`; else its page is broken. */
function missingData(outDir: string): string[] {
  const loaders = readdirSync(join(SRC_DIR, "data")).filter((f) => f.endsWith(".json.ts"));
  const dataDir = join(outDir, "_file", "data");
  const built = existsSync(dataDir) ? readdirSync(dataDir) : [];
  return loaders
    .map((f) => f.slice(0, -".json.ts".length))
    .filter((name) => !built.some((b) => new RegExp(`^${name}\\.[0-9a-f]+\\.json$`).test(b)))
    .map((name) => `data/${name}.json`);
}

/** Builds the report of `campaignDir` (absolute, checked) into `<campaignDir>/report/`; returns that path. */
export function buildReport(campaignDir: string, options: BuildOptions = {}): Promise<string> {
  return withBuildLock(join(NOTEBOOKS_DIR, ".build.lock"), () => buildUnlocked(campaignDir, options));
}

async function buildUnlocked(campaignDir: string, options: BuildOptions): Promise<string> {
  await prefillNpmCache();
  await rm(join(SRC_DIR, ".observablehq", "cache", "data"), { recursive: true, force: true });
  const staging = join(NOTEBOOKS_DIR, "dist", `build-${process.pid}`);
  const env = {
    ...process.env,
    [CAMPAIGN_ENV]: campaignDir,
    GIRAFF_REPORT_OUT: staging,
    OBSERVABLE_TELEMETRY_DISABLE: "true",
  };
  try {
    const code = await run(join(REPO_DIR, "node_modules", ".bin", "observable"), ["build"], env, options);
    if (code !== 0)
      throw new CliError(`observable build failed (exit ${code}); see its output above.`, { exitCode: 1 });
    const missing = missingData(staging);
    if (missing.length > 0) {
      throw new CliError(`The data loaders for ${missing.join(", ")} failed; see their errors above.`, { exitCode: 1 });
    }
    const report = join(campaignDir, "report");
    const temp = join(campaignDir, `report.tmp-${process.pid}`);
    await rm(temp, { recursive: true, force: true });
    await cp(staging, temp, { recursive: true });
    await rm(report, { recursive: true, force: true });
    await rename(temp, report);
    return report;
  } finally {
    await rm(staging, { recursive: true, force: true });
    // dist/ itself only ever holds staging folders; drop it when no other build is using it.
    await rmdir(join(NOTEBOOKS_DIR, "dist")).catch(() => {});
  }
}

const USAGE = `Usage: npm run report -- <campaignDir> [--dry-run]

  <campaignDir>   an ingested campaign, e.g. metrics-arks/<campaign>; the report goes to <campaignDir>/report/
  --dry-run       check the campaign and say what would be built; build nothing
  --help          this text`;

export async function main(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  const config = { options: { "dry-run": { type: "boolean" } }, allowPositionals: true } as const;
  return runCommandLine(argv, USAGE, config, io, async ({ values, positionals }) => {
    if (positionals.length !== 1) throw new UsageError(`Expected one campaign directory, got ${positionals.length}.`);
    const arg = positionals[0]!;
    // a refusal to build is a CliError: runCommandLine prints its sentence and exits with its code
    const dir = checkCampaign(arg);
    if (values["dry-run"]) {
      io.out(`Dry run: would build the report of ${dir} into ${join(dir, "report")}; nothing was built.`);
      return 0;
    }
    const report = await buildReport(dir);
    io.out(`Report written to ${report}; serve it with: npm run report:serve -- ${arg}`);
    return 0;
  });
}

if (isMain(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
