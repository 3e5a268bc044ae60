/**
 * The one place where untrusted JSON becomes typed values. Every HTTP edge calls {@link parseWith} with the
 * message's schema; the first problem becomes a {@link ProtocolError} naming the field, the value and the rule.
 */
import { z } from "zod";
import { ProtocolError } from "./errors.ts";
import { quantityRule, tryParseQuantity, type QuantityKind } from "./quantities.ts";

/** A quantity string of `kind`, parsed to its canonical number; `positive` (the default) rejects zero and below. */
export function quantity(kind: QuantityKind, opts: { positive?: boolean; max?: number } = {}) {
  const positive = opts.positive ?? true;
  const rule = positive ? `${quantityRule(kind).replace(/^a /, "a positive ")}` : quantityRule(kind);
  return z.string({ error: rule }).transform((text, ctx) => {
    const value = tryParseQuantity(kind, text);
    if (value === undefined || (positive && !(value > 0)) || (!positive && value < 0)) {
      ctx.addIssue({ code: "custom", message: rule, input: text });
      return z.NEVER;
    }
    if (opts.max !== undefined && value > opts.max) {
      ctx.addIssue({ code: "custom", message: `${rule}, at most ${opts.max} in canonical units`, input: text });
      return z.NEVER;
    }
    return value;
  });
}

/** An identifier of a node, SLA or bid: GIRAFF uses UUIDs; we accept any short word-like string. */
export const id = z
  .string({ error: "an identifier (letters, digits, `.`, `_`, `-`; 1–100 characters)" })
  .regex(/^[\w.-]{1,100}$/, { error: "an identifier (letters, digits, `.`, `_`, `-`; 1–100 characters)" });

/**
 * Validates `input` against `schema`. On failure throws a ProtocolError for the first issue, whose `field` is the
 * dotted path below `root` (e.g. `sla.memory`).
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, root = ""): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [root, ...issue.path.map(String)].filter((p) => p !== "").join(".");
  const value = valueAt(input, issue.path);
  const rule = ruleOf(issue);
  throw new ProtocolError({ field: path, rule, value, cause: result.error });
}

function ruleOf(issue: z.core.$ZodIssue): string {
  // zod's own messages read "Invalid input: expected string, received undefined"; keep ours, reword theirs.
  if (issue.code === "custom") return issue.message;
  if (issue.code === "invalid_type") {
    const message = issue.message;
    if (!message.startsWith("Invalid input")) return message;
    return `a value of type ${issue.expected}`;
  }
  if (issue.code === "unrecognized_keys") return `an object without the keys ${issue.keys.join(", ")}`;
  return issue.message;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
