/**
 * Network emulation's error (STYLE.md §9): which VMs failed, with each one's underlying error, and a message
 * with one sentence per failed VM (the first ten).
 */

export interface NetemFailure {
  vm: string;
  /** Which chunk failed (from 1), when applying. */
  chunk?: number;
  error: Error;
}

export class NetemError extends Error {
  override name = "NetemError";
  readonly failures: NetemFailure[];

  constructor(opts: { message: string; failures?: NetemFailure[]; cause?: unknown }) {
    super(opts.message, { cause: opts.cause });
    this.failures = opts.failures ?? [];
  }
}

export function isNetemError(err: unknown): err is NetemError {
  return err instanceof NetemError;
}
