/**
 * A hand-made campaign, written into a temporary folder and ingested, for the tests of the views: `ingest()` in a
 * `beforeAll`, `query()` in the tests, `cleanup()` in an `afterAll` ({@link useIngestedCampaign} registers both).
 * Times are read in UTC, as the views expect.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { rows, withConnection } from "../connection.ts";
import { noopAnalysisEffects } from "../effects.ts";
import { ingestCampaign } from "../ingest.ts";

export function ingestedCampaign(name: string, write: (campaignDir: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), `analysis-${name}-`));
  const campaign = join(dir, "c");
  const db = join(dir, "campaign.duckdb");
  return {
    dir,
    db,
    query: (sql: string) => withConnection(db, (con) => rows(con, sql)),
    async ingest(): Promise<void> {
      process.env.TZ = "UTC";
      write(campaign);
      await ingestCampaign(campaign, { dbPath: db, effects: noopAnalysisEffects });
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** {@link ingestedCampaign}, ingested before the file's tests and removed after them. */
export function useIngestedCampaign(name: string, write: (campaignDir: string) => void) {
  const fixture = ingestedCampaign(name, write);
  beforeAll(() => fixture.ingest());
  afterAll(() => fixture.cleanup());
  return fixture;
}
