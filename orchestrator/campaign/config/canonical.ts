/**
 * Stable identities for runs: canonical JSON (object keys sorted at every depth, arrays in order, no spaces), a
 * short sha256 of it, and 32-bit seeds derived from strings. A key depends only on the values hashed, never on
 * the position of a run in a list or on the order in which a file lists its keys.
 */
import { createHash } from "node:crypto";

/** JSON with sorted keys; `undefined` properties are dropped; non-finite numbers are refused (JSON has none). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`Cannot hash the non-finite number ${value}.`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new TypeError(`Cannot hash a value of type ${typeof value}.`);
}

/** Length of run, topology and plan keys: 16 hex digits = 64 bits, collision-free for any campaign we run. */
export const KEY_LENGTH = 16;

/** The first {@link KEY_LENGTH} hex digits of the sha256 of `value`'s canonical JSON. */
export function shortHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, KEY_LENGTH);
}

/** A 32-bit seed from string parts, e.g. (`RANDOM_SEED`, "plan", planKey). */
export function deriveSeed(...parts: string[]): number {
  return Number.parseInt(createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 8), 16);
}
