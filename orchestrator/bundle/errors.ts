import { AnalysisError } from "../analysis/errors.ts";
/**
 * The one error class of bundling and verifying (STYLE.md principle 9): a sentence, an exit code for the CLIs
 * (2 = bad usage, unreadable input or a secret found; 1 = the bundle does not check out) and the original error in
 * `cause`. Problems are collected into `problems` so a caller can report every mismatch, not only the first.
 */
export class BundleError extends Error {
  override name = "BundleError";
  readonly exitCode: number;
  readonly problems: readonly string[];

  constructor(message: string, options: { exitCode?: number; cause?: unknown; problems?: readonly string[] } = {}) {
    super(message, { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
    this.problems = options.problems ?? [];
  }

  static is(err: unknown): err is BundleError {
    return err instanceof BundleError;
  }
}

/** How the bundle CLIs report a failure: known errors as their sentence and exit code, anything else as exit 1. */
export function reportFailure(err: unknown, out: (line: string) => void): number {
  if (BundleError.is(err) || AnalysisError.is(err)) {
    out(err.message);
    return err.exitCode;
  }
  out(`Failed: ${(err as Error).message}`);
  return 1;
}
