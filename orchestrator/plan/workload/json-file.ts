/**
 * Reading the workload's JSON files (pipelines, plans). Every problem becomes one ConfigError whose message names
 * the file, the field and the rule, so a campaign fails before anything is reserved and the user knows which line of
 * which file to fix. Plans are written atomically (runtime/util/atomic-file.ts), so a crash never leaves half a plan
 * that a later run would replay.
 */
import { readFileSync } from "node:fs";
import type { z } from "zod";
import { ConfigError, ProtocolError } from "../../../runtime/protocol/errors.ts";
import { parseWith } from "../../../runtime/protocol/validate.ts";

/** Reads `path` as JSON and validates it with `schema`; `what` names the kind of file in errors ("pipeline"). */
export function readJsonFileWith<S extends z.ZodType>(
  schema: S,
  path: string,
  what: string,
  check?: (value: z.output<S>) => void,
): z.output<S> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new ConfigError(what, `Cannot read the ${what} file ${path}: ${(cause as Error).message}.`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(what, `The ${what} file ${path} is not valid JSON: ${(cause as Error).message}.`, { cause });
  }
  try {
    const value = parseWith(schema, json);
    check?.(value);
    return value;
  } catch (err) {
    if (err instanceof ProtocolError) {
      throw new ConfigError(err.field, `In the ${what} file ${path}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}
