/**
 * The one place where untrusted JSON becomes typed values. Every HTTP edge calls {@link parseWith} with the
 * message's schema; the first problem becomes a {@link ProtocolError} naming the field, the value and the rule.
 */
import { z } from "zod";
import { ProtocolError } from "./errors.ts";
import { quantityRule, tryParseQuantity, type QuantityKind } from "./quantities.ts";

/**
 * Bounds of a quantity in its canonical unit (bytes, millicpu, ms, fraction, bit/s), and the same in words for
 * the rule (`"from 1 MB to 1 TB"`). Every quantity on the wire has both: a value outside is a unit mistake or an
 * attack (`"1e-320 B"` would reach the nodes as `"0 MB"`, `"25 d"` would overflow a timer).
 */
export interface QuantityBounds {
  min: number;
  max: number;
  text: string;
}

/** A quantity string of `kind`, parsed to its canonical number and checked against `bounds` (inclusive). */
export function quantity(kind: QuantityKind, bounds: QuantityBounds) {
  const rule = `${quantityRule(kind)}, ${bounds.text}`;
  return z.string({ error: rule }).transform((text, ctx) => {
    const value = tryParseQuantity(kind, text);
    if (value === undefined || !(value >= bounds.min && value <= bounds.max)) {
      ctx.addIssue({ code: "custom", message: rule, input: text });
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
