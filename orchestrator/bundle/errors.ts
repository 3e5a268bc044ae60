import { CliError } from "../../runtime/util/cli.ts";
/**
 * The one error class of bundling and verifying (STYLE.md principle 9): a {@link CliError}, so the CLIs end with its
 * sentence and exit code (2 = bad usage, unreadable input or a secret found; 1 = the bundle does not check out), with
 * the original error in `cause`. Problems are collected into `problems` so a caller can report every mismatch, not
 * only the first.
 */
export class BundleError extends CliError {
  override name = "BundleError";
  readonly problems: readonly string[];

  constructor(message: string, options: { exitCode?: number; cause?: unknown; problems?: readonly string[] } = {}) {
    super(message, { exitCode: options.exitCode ?? 1, cause: options.cause });
    this.problems = options.problems ?? [];
  }

  static override is(err: unknown): err is BundleError {
    return err instanceof BundleError;
  }
}
