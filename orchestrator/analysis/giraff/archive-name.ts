/**
 * What GIRAFF's R code reads from an archive's name (giraff.md §13.3):
 * `metrics_<campaign>.env_<job>_<epoch>-fog_node-<fog tag>-market-<market tag>-<env>-<live env>_<date>.tar.xz`.
 * `metric_group` (the strategy) is the text between `-fog_node-` and `-market`, `run` the `<job>_<epoch>`, `env`
 * and `env_live` the digits after `.env.` and `.env.live.`. Parts that are absent are null, never an error.
 */
import { basename } from "node:path";

export interface ArchiveName {
  /** The file name without `.tar.xz`: the run key of the archive's rows. */
  stem: string;
  campaign: string | null;
  metricGroup: string | null;
  /** `env_<job>_<epoch>`. */
  metricGroupGroup: string | null;
  run: string | null;
  env: string | null;
  envLive: string | null;
  /** `YYYY-MM-DD-HH-MM` of the collection. */
  collectedAt: string | null;
}

export function parseArchiveName(path: string): ArchiveName {
  const stem = basename(path).replace(/\.tar\.xz$/, "");
  const at = (re: RegExp) => re.exec(stem)?.[1] ?? null;
  const run = at(/\.env_([^-]+?)(?:-|$)/);
  return {
    stem,
    campaign: at(/^metrics_(.+?)\.env_/),
    metricGroup: at(/-fog_node-(.+?)-market/),
    metricGroupGroup: run === null ? null : `env_${run}`,
    run,
    env: at(/\.env\.(\d+)/),
    envLive: at(/\.env\.live\.(\d+)/),
    collectedAt: at(/_(\d{4}-\d{2}-\d{2}-\d{2}-\d{2})$/),
  };
}
