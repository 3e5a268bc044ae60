/**
 * The batch runner's one error class. Messages are sentences that name the option, the value and the rule, or the
 * file and what to do about it, so a CLI can print them as they are.
 */
import { inspect } from "node:util";

export class BatchError extends Error {
  override name = "BatchError";
  /** The option at fault (`halt`, `jobs[3].key`), or empty when the error is about the campaign directory. */
  readonly field: string;
  /** The offending value, if any. */
  readonly value: unknown;

  constructor(message: string, opts: { field?: string; value?: unknown; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.field = opts.field ?? "";
    this.value = opts.value;
  }

  /** An invalid option: ``Expected `field` to be <rule>, got `value` (type).`` */
  static invalid(field: string, rule: string, value: unknown): BatchError {
    const shown = typeof value === "string" ? value : inspect(value, { depth: 1, breakLength: Infinity });
    return new BatchError(`Expected \`${field}\` to be ${rule}, got \`${shown}\` (${typeof value}).`, { field, value });
  }

  /** Test helper: throws unless `err` is a BatchError matching `expected`. */
  static assert(err: unknown, expected: { message?: RegExp; field?: string }): asserts err is BatchError {
    if (!isBatchError(err)) throw new Error(`Expected a BatchError, got ${inspect(err)}.`);
    if (expected.message && !expected.message.test(err.message)) {
      throw new Error(`Expected the message to match ${expected.message}, got "${err.message}".`);
    }
    if (expected.field !== undefined && err.field !== expected.field) {
      throw new Error(`Expected the field \`${expected.field}\`, got \`${err.field}\`.`);
    }
  }
}

export function isBatchError(err: unknown): err is BatchError {
  return err instanceof BatchError;
}
