/**
 * GNU parallel's exit status rule, shared by the CLI and callers that wrap `runBatch` in their own process:
 * 0 when every run this invocation ran succeeded, the number of failed runs up to 100, and 101 beyond.
 */

/** Highest exit code: GNU uses 101 for "more than 100 runs failed". */
export const MAX_FAILURE_EXIT_CODE = 101;

/** Exit code for `failed` failed runs: `min(failed, 101)`. */
export function exitCodeFor(failed: number): number {
  if (!Number.isInteger(failed) || failed < 0) throw new RangeError(`Expected a failure count, got ${failed}.`);
  return Math.min(failed, MAX_FAILURE_EXIT_CODE);
}
