/**
 * `loadCampaign`: the boundary where a campaign folder becomes one typed, fully defaulted, validated
 * {@link Campaign}. Everything is checked here, before any reservation or process starts (STYLE principle 8);
 * every failure is a {@link CampaignConfigError} naming the file, the variable, the value and the rule.
 */
import { readFile, stat } from "node:fs/promises";
import { basename, isAbsolute, relative, resolve } from "node:path";
import { mergeLayers, type ResolvedLayer } from "./defaults.ts";
import { CampaignConfigError } from "./errors.ts";
import { expandRuns } from "./expand-runs.ts";
import { type CampaignWarning, type Layer, readEnvLayer, readFileLayer } from "./layers.ts";
import { resolveSizes, resolveStrategies } from "./resolve-matrix.ts";
import { resolveDeployment, resolveTopology } from "./resolve-deployment.ts";
import { resolveVariation } from "./resolve-variation.ts";
import { type Campaign, CampaignSchema, type Variation } from "./schema.ts";
import { settingError, settingSentence } from "./blame.ts";

export interface LoadCampaignOptions {
  /** Where `GIRAFF_…` overrides are read from; only that prefix is read. Default: `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Paths in messages are shown relative to this folder. Default: `process.cwd()`. */
  cwd?: string;
}

/** The name of a campaign's main file; variation files are named by `ENV_VARIATIONS`. */
export const CAMPAIGN_FILE = ".env";

/** Reads `folder/.env`, its variation files and the `GIRAFF_…` environment into a validated {@link Campaign}. */
export async function loadCampaign(folder: string, options: LoadCampaignOptions = {}): Promise<Campaign> {
  const cwd = options.cwd ?? process.cwd();
  const root = resolve(cwd, folder);
  const show = (path: string) => {
    const rel = relative(cwd, path);
    return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
  };
  if (!(await isDirectory(root))) {
    const rule = "an existing campaign folder";
    throw new CampaignConfigError({ file: show(root), rule }, `${show(root)}: the campaign folder does not exist.`);
  }
  const envPath = resolve(root, CAMPAIGN_FILE);
  const envText = await readText(envPath);
  if (envText === undefined) {
    const rule = `a campaign folder holding a ${CAMPAIGN_FILE} file`;
    throw new CampaignConfigError(
      { file: show(envPath), rule },
      `${show(envPath)}: the campaign has no readable ${CAMPAIGN_FILE} file.`,
    );
  }
  const warnings: CampaignWarning[] = [];
  const base = readFileLayer(envText, show(envPath), "campaign", warnings);
  const environment = readEnvLayer(options.env ?? process.env, warnings);
  const layer = mergeLayers(base, environment);

  const campaign: Campaign = {
    name: basename(root),
    folder: root,
    matrix: {
      strategies: resolveStrategies(layer),
      sizes: resolveSizes(layer),
      repetitions: layer.NB_REPETITIONS.value,
      variations: await resolveVariations(layer, root, { base, environment, warnings, show }),
    },
    topology: await resolveTopology(layer, root),
    latencyModel: layer.LATENCY_MODEL.value,
    randomSeed: layer.RANDOM_SEED.value,
    deployment: resolveDeployment(layer),
    warnings,
  };
  checkDistinctVariations(campaign, layer);
  return CampaignSchema.parse(campaign);
}

async function resolveVariations(
  layer: ResolvedLayer,
  root: string,
  ctx: { base: Layer; environment: Layer; warnings: CampaignWarning[]; show: (path: string) => string },
): Promise<Variation[]> {
  const list = layer.ENV_VARIATIONS;
  if (list.value.length === 0) return [resolveVariation("base", null, layer)];
  const repeated = list.value.find((name, i) => list.value.indexOf(name) !== i);
  if (repeated !== undefined) throw settingError(list, `a list without repeats (${repeated} appears twice)`);
  const variations: Variation[] = [];
  for (const name of list.value) {
    const path = resolve(root, name);
    const text = await readText(path);
    if (text === undefined) {
      const rule = "a space-separated list of readable variation files, relative to the campaign folder";
      throw settingSentence(list, rule, `\`${list.variable}\` lists ${name}, but ${ctx.show(path)} cannot be read.`);
    }
    const own = readFileLayer(text, ctx.show(path), "variation", ctx.warnings);
    variations.push(resolveVariation(name, path, mergeLayers(ctx.base, own, ctx.environment)));
  }
  return variations;
}

/** Two variations that resolve to the same runs would share run keys and overwrite each other's results. */
function checkDistinctVariations(campaign: Campaign, layer: ResolvedLayer): void {
  const owner = new Map<string, string>();
  for (const run of expandRuns(campaign)) {
    const earlier = owner.get(run.key);
    if (earlier !== undefined && earlier !== run.variation) {
      const rule = "a list of variation files that differ in at least one setting";
      throw settingSentence(
        layer.ENV_VARIATIONS,
        rule,
        `the variations ${earlier} and ${run.variation} resolve to the same settings, so their runs would share run keys.`,
      );
    }
    owner.set(run.key, run.variation);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function readText(path: string): Promise<string | undefined> {
  return readFile(path, "utf8").catch(() => undefined);
}
