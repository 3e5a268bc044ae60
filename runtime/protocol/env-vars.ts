/**
 * The rule on an SLA's `envVars`: a function's owner sets variables for the function, never ones that change how
 * the runtime, the loader or the C library in the function's process behave. `NODE_OPTIONS=--import=data:…` runs
 * the owner's code before the function and `LD_PRELOAD` loads a library into it; on the node that hosts the
 * function, that code would run with the gateway's rights instead of the function's contract. The market refuses
 * such an SLA with a 400 naming the variable, and so do the nodes and the embedded gateway (each edge validates).
 *
 * `TZ` stays allowed: it sets the function's local clock, which is the function's own business, and it loads
 * nothing but time-zone data.
 */
import { z } from "zod";

/** Prefixes of variables that configure a runtime or loader (compared without case: some platforms ignore it). */
// prettier-ignore
export const RUNTIME_ENV_PREFIXES = [
  "NODE_",     // NODE_OPTIONS (--import, --require), NODE_PATH, NODE_EXTRA_CA_CERTS, NODE_TLS_REJECT_UNAUTHORIZED, …
  "LD_",       // LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT: the dynamic loader
  "DYLD_",     // the same on macOS
  "UV_",       // libuv: thread pool size, …
  "TSX_",      // tsx, which loads the function: TSX_TSCONFIG_PATH, …
  "ESBUILD_",  // ESBUILD_BINARY_PATH runs another binary as tsx's compiler
  "MALLOC_",   // glibc allocator tunables
  "OPENSSL_",  // OPENSSL_CONF loads engines (shared libraries)
  "SSL_CERT_", // which certificates the process trusts
  "NPM_",      // npm's configuration
] as const;

/** Single variables that configure a runtime, a loader, the C library or a shell. */
// prettier-ignore
export const RUNTIME_ENV_NAMES = [
  "PATH", "HOME", "TMPDIR", "TMP", "TEMP", "SHELL", "ENV", "BASH_ENV", "IFS", "CDPATH", // shells and temporary files
  "GLIBC_TUNABLES", "GCONV_PATH", "LOCPATH", "NLSPATH", "HOSTALIASES", "LOCALDOMAIN", "RES_OPTIONS", // glibc
  "ICU_DATA", // Node's ICU data file
] as const;

/** What the node and the gateway set for every function (the function contract); an SLA may not set them. */
export const CONTRACT_ENV_PREFIXES = ["GIRAFF_"] as const;
export const CONTRACT_ENV_NAMES = ["PORT", "HOST", "fprocess"] as const;

/** A portable variable name: what a shell can export, and what no platform parses specially. */
const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const listed = (prefixes: readonly string[], names: readonly string[]) =>
  [...prefixes.map((p) => `${p}*`), ...names].join(", ");

/** The rule on a variable name of an SLA, in words. */
export const SLA_ENV_NAME_RULE =
  "a variable name of letters, digits and `_` that does not change how the function's runtime or loader behaves " +
  `and that the node does not set (not ${listed(
    [...RUNTIME_ENV_PREFIXES, ...CONTRACT_ENV_PREFIXES],
    [...RUNTIME_ENV_NAMES, ...CONTRACT_ENV_NAMES],
  )})`;

/** The rule on a variable name of a deployment at the gateway (the node may set the contract's variables). */
export const RUNTIME_ENV_NAME_RULE =
  "a variable name of letters, digits and `_` that does not change how the function's runtime or loader behaves " +
  `(not ${listed(RUNTIME_ENV_PREFIXES, RUNTIME_ENV_NAMES)})`;

export const ENV_VALUE_RULE = "a value of at most 4096 characters without NUL";

function matches(name: string, prefixes: readonly string[], names: readonly string[]): boolean {
  const upper = name.toUpperCase();
  return prefixes.some((p) => upper.startsWith(p)) || names.some((n) => n.toUpperCase() === upper);
}

/** True when a function may be given `name` by whoever deploys it: portable, and no runtime or loader setting. */
export function isAllowedRuntimeEnvName(name: string): boolean {
  return NAME_PATTERN.test(name) && !matches(name, RUNTIME_ENV_PREFIXES, RUNTIME_ENV_NAMES);
}

/** True when an SLA may set `name`: allowed for the runtime, and not one the node sets itself. */
export function isAllowedSlaEnvName(name: string): boolean {
  return isAllowedRuntimeEnvName(name) && !matches(name, CONTRACT_ENV_PREFIXES, CONTRACT_ENV_NAMES);
}

/** An SLA's `envVars`: `[["NAME", "value"], …]`, every name allowed by {@link isAllowedSlaEnvName}. */
export const envVarsSchema = z
  .array(
    z.tuple([
      z
        .string({ error: SLA_ENV_NAME_RULE })
        .max(256, { error: SLA_ENV_NAME_RULE })
        .refine(isAllowedSlaEnvName, { error: SLA_ENV_NAME_RULE }),
      z
        .string({ error: ENV_VALUE_RULE })
        .max(4096, { error: ENV_VALUE_RULE })
        .refine((value) => !value.includes("\0"), { error: ENV_VALUE_RULE }),
    ]),
    { error: 'a list of `["NAME", "value"]` pairs' },
  )
  .max(256, { error: "at most 256 variables" })
  .default([]);
