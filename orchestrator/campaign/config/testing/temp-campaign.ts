/** Test helper: writes a campaign folder (file name → content) under a fresh temporary directory. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** Returns the campaign folder `<tmp>/<name>`; `cwd` is `<tmp>`, so messages read `<name>/.env`. */
export function tempCampaign(files: Record<string, string>, name = "x"): { folder: string; cwd: string } {
  const cwd = mkdtempSync(join(tmpdir(), "campaign-"));
  const folder = join(cwd, name);
  mkdirSync(folder);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, file)), { recursive: true });
    writeFileSync(join(folder, file), text);
  }
  return { folder, cwd };
}
