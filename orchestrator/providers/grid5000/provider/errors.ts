/** The Grid'5000 provider's own failures (API, SSH, VM and netem errors keep their classes and come as `cause`). */
import { EXIT_ENDS_TOO_LATE } from "../plan/index.ts";

export type Grid5000ProviderReason = "ends-too-late" | "not-ready" | "netem-invalid" | "settings";

export class Grid5000ProviderError extends Error {
  override name = "Grid5000ProviderError";
  readonly reason: Grid5000ProviderReason;
  /** The run's exit status in the joblog: 127 for the day/night guard (as GIRAFF), 1 otherwise. */
  readonly exitCode: number;
  constructor(message: string, opts: { reason: Grid5000ProviderReason; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.reason = opts.reason;
    this.exitCode = opts.reason === "ends-too-late" ? EXIT_ENDS_TOO_LATE : 1;
  }
}

export function isGrid5000ProviderError(err: unknown): err is Grid5000ProviderError {
  return err instanceof Grid5000ProviderError;
}
