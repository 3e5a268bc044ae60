/**
 * `npm run bundle -- <campaignDir> [--out file]`: writes the campaign's reproduction bundle. Exit 0 on success;
 * 2 with a sentence for bad arguments, a missing campaign, or a `.env` secret found in a file; 1 otherwise.
 */
import { parseArgs } from "node:util";
import { bundleCampaign } from "./bundle.ts";
import { reportFailure } from "./errors.ts";

const USAGE = "Usage: npm run bundle -- <campaignDir> [--out file.tar.gz]";

export async function main(argv: readonly string[], out: (line: string) => void = console.log): Promise<number> {
  let campaignDir: string;
  let archive: string | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { out: { type: "string" } },
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new Error(`Expected one campaign directory, got ${positionals.length}.`);
    campaignDir = positionals[0]!;
    archive = values.out;
  } catch (err) {
    out(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    const result = await bundleCampaign(campaignDir, archive === undefined ? {} : { out: archive });
    out(`Wrote ${result.archive}: ${result.files} file(s) listed in SHA256SUMS.`);
    if (!result.flakeLock) out("The repository has no flake.lock; the bundle's README says so.");
    return 0;
  } catch (err) {
    return reportFailure(err, out);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
