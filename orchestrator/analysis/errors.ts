/**
 * The one error class of analysis (STYLE.md principle 9): a sentence, an exit code for the CLI (2 = bad usage or
 * unreadable input) and the original error in `cause`; a {@link CliError}, so every command line reports it alike.
 * Data anomalies (torn lines, failed runs) are not errors: they are counted in the ingestion report.
 */
import { CliError } from "../../runtime/util/cli.ts";

export class AnalysisError extends CliError {
  override name = "AnalysisError";

  static override is(err: unknown): err is AnalysisError {
    return err instanceof AnalysisError;
  }
}
