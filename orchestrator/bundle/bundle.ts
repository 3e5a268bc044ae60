/**
 * `bundleCampaign`: one archive that lets someone else check a campaign's figures from its raw events, built in a
 * temporary directory (the campaign folder is only read) and refused with exit 2 when a `.env` secret would leak.
 *
 * campaign dir ─copy (no .env*)─► stage/<name>/campaign/ + locks + ENVIRONMENT.json + README.md
 *   ─secret scan─► SHA256SUMS ─tar─► <name>.tar.gz.tmp-<pid> ─rename─► <name>.tar.gz
 */
import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createArchive } from "./archive.ts";
import { writeSha256Sums } from "./checksums.ts";
import { listDbObjects } from "./db-objects.ts";
import { BundleError } from "./errors.ts";
import { renderReadme } from "./readme.ts";
import { assertNoSecrets, readSecretVariables, scanForSecrets } from "./secrets.ts";
import { CAMPAIGN_SUBDIR, copyCampaign, copyRepoFiles, describeEnvironment, writeEnvironment } from "./stage.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface BundleOptions {
  /** Archive path; default `<campaign>-bundle-<YYYY-MM-DD>.tar.gz` next to the campaign folder. */
  out?: string;
  /** Where `package-lock.json`, `flake.lock` and the git commit come from; default this repository. */
  repoRoot?: string;
  clock?: { now(): number };
}

export interface BundleResult {
  archive: string;
  bundleName: string;
  /** Files listed in SHA256SUMS. */
  files: number;
  flakeLock: boolean;
}

/** `<campaign>-bundle-<UTC date>`. */
export function bundleName(campaignDir: string, now: Date): string {
  return `${basename(resolve(campaignDir))}-bundle-${now.toISOString().slice(0, 10)}`;
}

function assertCampaignDir(campaignDir: string, repoRoot: string): void {
  if (!existsSync(campaignDir) || !statSync(campaignDir).isDirectory()) {
    throw new BundleError(`The campaign directory ${campaignDir} does not exist.`, { exitCode: 2 });
  }
  if (!existsSync(join(repoRoot, "package-lock.json"))) {
    throw new BundleError(`No package-lock.json in ${repoRoot}: run the bundle from the repository.`, { exitCode: 2 });
  }
}

async function runKeys(campaign: string): Promise<string[]> {
  const entries = await readdir(campaign, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && existsSync(join(campaign, e.name, "manifest.json")))
    .map((e) => e.name)
    .sort();
}

export async function bundleCampaign(campaignDir: string, options: BundleOptions = {}): Promise<BundleResult> {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  assertCampaignDir(campaignDir, repoRoot);
  const now = new Date((options.clock ?? Date).now());
  const name = bundleName(campaignDir, now);
  const archive = resolve(options.out ?? join(dirname(resolve(campaignDir)), `${name}.tar.gz`));
  // secrets live in the campaign's source folder (experiments/<name>/.env*), named in campaign.json, and in any
  // .env* file that ended up next to the results
  const secrets = [...(await readSecretVariables(campaignDir)), ...(await sourceFolderSecrets(campaignDir))];
  const stage = await mkdtemp(join(tmpdir(), "giraff-bundle-"));
  try {
    const root = join(stage, name);
    await mkdir(root);
    await copyCampaign(campaignDir, root);
    const campaign = join(root, CAMPAIGN_SUBDIR);
    const { flakeLock } = await copyRepoFiles(repoRoot, root);
    const env = describeEnvironment(repoRoot, now);
    await writeEnvironment(root, env);
    const dbPath = join(campaign, "campaign.duckdb");
    const hasDb = existsSync(dbPath);
    const figuresDir = join(campaign, "figures");
    const readme = renderReadme({
      bundleName: name,
      campaignName: basename(resolve(campaignDir)),
      runKeys: await runKeys(campaign),
      figureFiles: existsSync(figuresDir) ? (await readdir(figuresDir)).sort() : [],
      dbObjects: hasDb ? await listDbObjects(dbPath) : [],
      hasDb,
      hasReport: existsSync(join(campaign, "report")),
      flakeLock,
      env,
    });
    await writeFile(join(root, "README.md"), readme);
    assertNoSecrets(await scanForSecrets(root, secrets));
    const files = await writeSha256Sums(root);
    await mkdir(dirname(archive), { recursive: true });
    await createArchive(root, archive);
    return { archive, bundleName: name, files, flakeLock };
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}

/** The secret-looking variables of the `.env*` files of the campaign folder the results came from, if known. */
async function sourceFolderSecrets(campaignDir: string): Promise<Awaited<ReturnType<typeof readSecretVariables>>> {
  let folder: unknown;
  try {
    const described = JSON.parse(await readFile(join(campaignDir, "campaign.json"), "utf8")) as {
      campaign?: { folder?: unknown };
    };
    folder = described.campaign?.folder;
  } catch {
    return [];
  }
  if (typeof folder !== "string" || !existsSync(folder)) return [];
  return readSecretVariables(folder);
}
