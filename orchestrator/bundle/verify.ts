/**
 * `verifyBundle`: does a bundle still say what it said when it was made? First its `SHA256SUMS` (every file
 * present and unchanged), then the stronger check: the figures are redrawn from the bundled raw events alone,
 * through a fresh database, and must equal the bundled SVG and PNG files byte for byte.
 *
 * archive ─tar -x─► bundle dir ─SHA256SUMS─► ingestCampaign(campaign/, {dbPath: temp}) ─► writeFigures(temp copy)
 *   ─► compare with campaign/figures/*.svg|png
 */
import { existsSync, statSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { noopAnalysisEffects } from "../analysis/effects.ts";
import { ingestCampaign } from "../analysis/ingest.ts";
import { writeFigures } from "../figures/write-figures.ts";
import { extractArchive } from "./archive.ts";
import { checkSha256Sums, SUMS_FILE } from "./checksums.ts";
import { BundleError } from "./errors.ts";
import { CAMPAIGN_SUBDIR } from "./stage.ts";

export interface VerifyResult {
  /** Files whose SHA-256 matched. */
  checkedFiles: number;
  /** Runs ingested from the raw events. */
  runs: number;
  /** Figure files (`<name>.svg`, `<name>.png`) redrawn and found identical. */
  figures: string[];
}

/** The bundle root inside `dir`: `dir` itself or its only subdirectory (an archive's top-level folder). */
async function findRoot(dir: string, target: string): Promise<string> {
  if (existsSync(join(dir, SUMS_FILE))) return dir;
  const subdirs = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory());
  if (subdirs.length === 1 && existsSync(join(dir, subdirs[0]!.name, SUMS_FILE))) return join(dir, subdirs[0]!.name);
  throw new BundleError(`${target} is not a bundle: no ${SUMS_FILE} found.`, { exitCode: 2 });
}

const isFigureFile = (name: string): boolean => /\.(svg|png)$/.test(name);

async function figureFiles(dir: string): Promise<string[]> {
  return existsSync(dir) ? (await readdir(dir)).filter(isFigureFile).sort() : [];
}

/** Throws exit 1 naming the first figure file that differs, is missing, or was not regenerated. */
async function compareFigures(bundled: string, regenerated: string): Promise<string[]> {
  const [mine, theirs] = [await figureFiles(bundled), await figureFiles(regenerated)];
  for (const name of [...new Set([...mine, ...theirs])].sort()) {
    const where = `${CAMPAIGN_SUBDIR}/figures/${name}`;
    if (!mine.includes(name)) throw new BundleError(`${where} is missing from the bundle but was regenerated.`);
    if (!theirs.includes(name)) throw new BundleError(`${where} was not regenerated from the raw events.`);
    const [a, b] = [await readFile(join(bundled, name)), await readFile(join(regenerated, name))];
    if (!a.equals(b)) throw new BundleError(`${where} differs from the figure regenerated from the raw events.`);
  }
  return mine;
}

async function verifyRoot(root: string): Promise<VerifyResult> {
  const sums = await checkSha256Sums(root);
  if (sums.problems.length > 0) {
    throw new BundleError(`The bundle does not match its ${SUMS_FILE}:\n  ${sums.problems.join("\n  ")}`, {
      problems: sums.problems,
    });
  }
  const campaign = join(root, CAMPAIGN_SUBDIR);
  const work = await mkdtemp(join(tmpdir(), "giraff-verify-"));
  try {
    const dbPath = join(work, "fresh.duckdb");
    const report = await ingestCampaign(campaign, { dbPath, effects: noopAnalysisEffects });
    const copy = join(work, "campaign");
    await writeFigures(copy, { dbPath });
    const figures = await compareFigures(join(campaign, "figures"), join(copy, "figures"));
    return { checkedFiles: sums.ok, runs: report.added.length, figures };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Verifies an archive (extracted to a temporary directory) or an already extracted bundle directory. */
export async function verifyBundle(target: string): Promise<VerifyResult> {
  if (!existsSync(target)) throw new BundleError(`${target} does not exist.`, { exitCode: 2 });
  if (statSync(target).isDirectory()) return verifyRoot(await findRoot(target, target));
  const extracted = await mkdtemp(join(tmpdir(), "giraff-bundle-x-"));
  try {
    await extractArchive(target, extracted);
    return await verifyRoot(await findRoot(extracted, target));
  } finally {
    await rm(extracted, { recursive: true, force: true });
  }
}
