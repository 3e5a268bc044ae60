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
