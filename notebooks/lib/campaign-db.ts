/**
 * What every data loader shares: the campaign directory from `GIRAFF_CAMPAIGN_DIR` (set by build.ts), its
 * `campaign.duckdb` opened READ-ONLY (several loaders may run at once, and a report must never change the data),
 * and the loader contract of Observable Framework: JSON on stdout, a sentence on stderr and a non-zero exit on error.
 */
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { withConnection, type DuckDBConnection } from "../../orchestrator/analysis/connection.ts";

export const CAMPAIGN_ENV = "GIRAFF_CAMPAIGN_DIR";

/** The absolute campaign directory the report is built for; throws a sentence when unset or relative. */
export function campaignDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env[CAMPAIGN_ENV];
  if (dir === undefined || dir === "") {
    throw new Error(`${CAMPAIGN_ENV} is not set: build the report with \`npm run report -- <campaignDir>\`.`);
  }
  if (!isAbsolute(dir)) throw new Error(`${CAMPAIGN_ENV} must be an absolute path, got ${dir}.`);
  return dir;
}

/** Runs `fn` on a read-only connection to the campaign's database and always closes it. */
export async function withCampaignDb<T>(fn: (con: DuckDBConnection, dir: string) => Promise<T>): Promise<T> {
  const dir = campaignDir();
  const path = join(dir, "campaign.duckdb");
  if (!existsSync(path)) throw new Error(`${path} does not exist: run the ingestion first.`);
  return withConnection(path, (con) => fn(con, dir), { readOnly: true });
}

/** The body of a loader: prints `produce()`'s value as JSON, or a sentence on stderr with exit code 1. */
export async function emitJson(produce: () => Promise<unknown>): Promise<void> {
  try {
    process.stdout.write(JSON.stringify(await produce()));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
