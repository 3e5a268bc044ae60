/**
 * GIRAFF's headline claims against this campaign for the fidelity page: the verdicts, figures and intervals of
 * `views/20-paper_claims.sql` read through `queryPaperClaims` (the one reader, which adds the emulation distortion
 * of the runs behind each row when the database has `run_emulation`), and where they came from: the campaign's
 * `campaign.json` (written by run-campaign.ts: the campaign's name, the git commit and the Node version it ran).
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { queryPaperClaims } from "../../../orchestrator/analysis/paper-claims.ts";
import { emitJson, withCampaignDb } from "../../lib/campaign-db.ts";

/** What the page says about the campaign's origin; `problem` is a sentence when campaign.json cannot tell. */
interface Provenance {
  folder: string;
  name: string | null;
  gitCommit: string | null;
  node: string | null;
  problem: string | null;
}

function readProvenance(dir: string): Provenance {
  const path = join(dir, "campaign.json");
  const none = { folder: basename(dir), name: null, gitCommit: null, node: null };
  if (!existsSync(path)) return { ...none, problem: "The campaign folder has no campaign.json." };
  let record: { campaign?: { name?: unknown }; gitCommit?: unknown; node?: unknown };
  try {
    record = JSON.parse(readFileSync(path, "utf8")) as typeof record;
  } catch (err) {
    return { ...none, problem: `campaign.json is not valid JSON (${(err as Error).message}).` };
  }
  const text = (x: unknown) => (typeof x === "string" && x !== "" ? x : null);
  const gitCommit = text(record.gitCommit);
  return {
    ...none,
    name: text(record.campaign?.name),
    gitCommit,
    node: text(record.node),
    problem: gitCommit === null ? "campaign.json records no git commit (not run from a git checkout)." : null,
  };
}

await emitJson(() =>
  withCampaignDb(async (con, dir) => ({ provenance: readProvenance(dir), ...(await queryPaperClaims(con)) })),
);
