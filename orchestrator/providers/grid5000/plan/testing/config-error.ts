/** Test helper: a ConfigError (or subclass) about `field`. */
import { ConfigError } from "../../../../../runtime/protocol/errors.ts";

export function isConfigErrorLike(err: unknown, field: string): boolean {
  return err instanceof ConfigError && err.field === field;
}
