/**
 * The bundle's README.md: for every figure and every table of the bundle, the exact command that regenerates it,
 * so a reader can go from a plot in the paper to the raw events behind it without reading this repository's docs.
 */
import { FIGURES } from "../figures/figures.ts";
import type { DbObject } from "./db-objects.ts";
import type { Environment } from "./stage.ts";
import { CAMPAIGN_SUBDIR } from "./stage.ts";

export interface ReadmeInput {
  bundleName: string;
  campaignName: string;
  runKeys: readonly string[];
  /** File names under `campaign/figures/` (`.svg`, `.png`, `.json`). */
  figureFiles: readonly string[];
  dbObjects: readonly DbObject[];
  hasDb: boolean;
  hasReport: boolean;
  flakeLock: boolean;
  env: Environment;
}

const C = `<bundle dir>/${CAMPAIGN_SUBDIR}`;
const INGEST = `npx tsx orchestrator/analysis/cli.ts ingest ${C}`;

function figureRows(files: readonly string[]): string[] {
  const names = [...new Set(files.filter((f) => /\.(svg|png)$/.test(f)).map((f) => f.replace(/\.(svg|png)$/, "")))];
  if (names.length === 0) return ["No figures were bundled (`figures/` was empty or missing)."];
  const rows = names.sort().map((name) => {
    const described = FIGURES.find((f) => f.name === name)?.description ?? "(not a registered figure)";
    const kinds = files.filter((f) => f.startsWith(`${name}.`)).map((f) => `\`${f}\``);
    return `| ${kinds.join(", ")} | ${described} | \`npm run figures -- ${C} --only ${name}\` |`;
  });
  return ["| Files (`campaign/figures/`) | Shows | Regenerate |", "| --- | --- | --- |", ...rows];
}

function tableRows(objects: readonly DbObject[], hasDb: boolean): string[] {
  if (!hasDb) return ["No `campaign.duckdb` was bundled: create it with `" + INGEST + "`."];
  const rows = objects.map((o) => {
    const command = o.name === "strategy_summary" ? `npx tsx orchestrator/analysis/cli.ts summary ${C}` : INGEST;
    return `| \`${o.name}\` | ${o.kind} | \`${command}\` |`;
  });
  return [
    "| Name (`campaign/campaign.duckdb`) | Kind | Regenerate |",
    "| --- | --- | --- |",
    ...rows,
    "",
    "`summary` prints the strategy summary (mean, SD and 95 % t-CI per strategy, network size and metric).",
  ];
}

/** The README text; pure, so its content is tested without building a bundle. */
export function renderReadme(input: ReadmeInput): string {
  const { env } = input;
  const commit = env.gitCommit ?? "(unknown: not made from a git checkout)";
  return [
    `# ${input.bundleName}`,
    "",
    `Reproduction bundle of the GIRAFF-TS campaign \`${input.campaignName}\` (${input.runKeys.length} run` +
      ` director${input.runKeys.length === 1 ? "y" : "ies"}), made ${env.createdAt}.`,
    "",
    "## Check it",
    "",
    "From a checkout of GIRAFF-TS at the commit below, after `npm ci`:",
    "",
    "```",
    `git checkout ${commit}`,
    "cp <bundle dir>/package-lock.json package-lock.json && npm ci",
    "npm run verify -- <bundle dir>     # or the .tar.gz itself",
    "```",
    "",
    "`verify` checks `SHA256SUMS` (also `cd <bundle dir> && sha256sum -c SHA256SUMS`), ingests the raw events into",
    "a fresh database, redraws every figure and compares the SVG and PNG files byte for byte with the bundled ones.",
    "",
    "## Figures",
    "",
    ...figureRows(input.figureFiles),
    "",
    `All at once: \`npm run figures -- ${C}\` (needs \`campaign.duckdb\`; rebuild it first with \`${INGEST}\`).`,
    "",
    "## Tables",
    "",
    ...tableRows(input.dbObjects, input.hasDb),
    "",
    "## Report",
    "",
    input.hasReport
      ? `\`campaign/report/\` is the built report (open \`index.html\`, or \`npm run report:serve -- ${C}\`); rebuild it with \`npm run report -- ${C}\`.`
      : `No report was built when the bundle was made; build it with \`npm run report -- ${C}\`.`,
    "",
    "The commands above rewrite files under `campaign/`; run them on a copy if `verify` must keep passing.",
    "",
    "## Contents",
    "",
    "- `campaign/campaign.json`: the resolved campaign config, the seeds of every run, git commit and lock hash.",
    "- `campaign/topologies/`, `campaign/plans/`: the generated topology and workload-plan caches.",
    "- `campaign/<run key>/`: `manifest.json` (params, timings, file checksums), `topology.json`, `plan.json`,",
    "  `scenario.json`, `events/*.jsonl` (raw events), `logs/`; `joblog` and `runs.jsonl` record every attempt.",
    "- `campaign/campaign.duckdb` (its event views read `campaign/campaign.parquet/`: open it from `campaign/`), " +
      "`campaign/figures/`, `campaign/report/`: the derived data, figures and report.",
    `- \`ENVIRONMENT.json\`: Node ${env.node} on ${env.platform}/${env.arch}, commit ${commit}` +
      (env.gitDirty === true ? " (with uncommitted changes)." : "."),
    "- `package-lock.json`: the exact npm dependency tree.",
    input.flakeLock
      ? "- `flake.lock`: the pinned Nix inputs."
      : "- No `flake.lock`: the repository had none when the bundle was made, so the Nix inputs are not pinned.",
    "- `SHA256SUMS`: the SHA-256 of every other file. No `.env` file is included; secret values were checked absent.",
    "",
  ].join("\n");
}
