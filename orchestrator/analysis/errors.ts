/**
 * The one error class of analysis (STYLE.md principle 9): a sentence, an exit code for the CLI (2 = bad usage or
 * unreadable input) and the original error in `cause`. Data anomalies (torn lines, failed runs) are not errors:
 * they are counted in the ingestion report.
 */
export class AnalysisError extends Error {
  override name = "AnalysisError";
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }

  static is(err: unknown): err is AnalysisError {
    return err instanceof AnalysisError;
  }
}
