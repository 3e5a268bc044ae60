/**
 * `npm run bundle -- <campaignDir> [--out file]`: writes the campaign's reproduction bundle. Exit 0 on success;
 * 2 with a sentence for bad arguments, a missing campaign, or a `.env` secret found in a file; 1 otherwise.
 */
import { CliError, consoleIo, isMain, runCommandLine, UsageError, type CliIo } from "../../runtime/util/cli.ts";
import { bundleCampaign } from "./bundle.ts";

const USAGE = `Usage: npm run bundle -- <campaignDir> [--out file.tar.gz]

  <campaignDir>   an ingested campaign, e.g. metrics-arks/<campaign>
  --out <file>    the archive to write (default <campaignDir>-bundle-<date>.tar.gz)
  --help          this text`;

export async function main(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  const config = { options: { out: { type: "string" } }, allowPositionals: true } as const;
  return runCommandLine(argv, USAGE, config, io, async ({ values, positionals }) => {
    if (positionals.length !== 1) throw new UsageError(`Expected one campaign directory, got ${positionals.length}.`);
    try {
      const result = await bundleCampaign(positionals[0]!, values.out === undefined ? {} : { out: values.out });
      io.out(`Wrote ${result.archive}: ${result.files} file(s) listed in SHA256SUMS.`);
      if (!result.flakeLock) io.out("The repository has no flake.lock; the bundle's README says so.");
      return 0;
    } catch (err) {
      // a BundleError or AnalysisError ends with its own sentence and code; anything else `Failed: …`, exit 1
      throw CliError.from(err);
    }
  });
}

if (isMain(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
