/**
 * Reading a process's settings from its environment (the VM entry points' `EnvironmentFile`), once, into typed
 * values. Every error is a ConfigError naming the variable, the value and the rule.
 */
import { ConfigError } from "../protocol/errors.ts";

export type Env = Readonly<Record<string, string | undefined>>;

function invalid(name: string, rule: string, value: string): ConfigError {
  return new ConfigError(name, `Expected \`${name}\` to be ${rule}, got ${JSON.stringify(value)}.`);
}

/** A required non-empty string. */
export function requiredVar(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value === "")
    throw new ConfigError(name, `The environment variable \`${name}\` is required.`);
  return value;
}

/** An optional string; empty means absent. */
export function maybeVar(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}

/** A TCP port (1–65535), `fallback` when absent. */
export function portVar(env: Env, name: string, fallback: number): number {
  const value = maybeVar(env, name);
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) throw invalid(name, "a port between 1 and 65535", value);
  return port;
}

/** `true`/`false` (also `1`/`0`, `yes`/`no`), `fallback` when absent. */
export function booleanVar(env: Env, name: string, fallback: boolean): boolean {
  const value = maybeVar(env, name);
  if (value === undefined) return fallback;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw invalid(name, "true or false", value);
}

/** One of `choices`, `fallback` when absent. */
export function oneOfVar<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const value = maybeVar(env, name);
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) throw invalid(name, `one of ${choices.join(", ")}`, value);
  return value as T;
}

/** An IPv4 address to listen on. */
export function ipVar(env: Env, name: string, fallback?: string): string {
  const value = fallback === undefined ? requiredVar(env, name) : (maybeVar(env, name) ?? fallback);
  const octets = value.split(".");
  if (octets.length !== 4 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) {
    throw invalid(name, "an IPv4 address such as 10.144.0.3", value);
  }
  return value;
}
