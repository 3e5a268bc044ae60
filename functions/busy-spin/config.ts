/**
 * The busy-spin function's environment, parsed once per instance into a fully defaulted object. A bad value stops the
 * process (or fails the dense instance) with a message naming the variable, the value and the rule, before it
 * serves: the gateway then marks the function failed instead of serving wrong execution times.
 */
import { AZURE_LOGNORMAL, type ExecutionLaw } from "./sampler.ts";

export interface BusySpinConfig {
  law: ExecutionLaw;
  /** Multiplies every draw (e.g. 0.1 to compress a trace tenfold). */
  scale: number;
  /** Cap on a planned execution time, in ms; undefined = none. */
  maxMs: number | undefined;
  /** Seed of the draws: `SEED`, else the SLA id (`ID`), else `0`. */
  seed: string;
  /** Length of a burn slice between two yields to the event loop, in ms. */
  sliceMs: number;
  /**
   * `REPLY_TEXT`: a text the answer carries as `text`, for the stand-in of a speech-to-text model, whose next hop
   * (the sentiment function) reads a `text`; undefined = no text.
   */
  replyText: string | undefined;
}

/** Parses `EXECUTION_LAW`, `EXECUTION_SCALE`, `MAX_EXECUTION_MS`, `SEED` (or `ID`), `SLICE_MS` and `REPLY_TEXT`. */
export function normalizeBusySpinConfig(env: Readonly<Record<string, string | undefined>>): BusySpinConfig {
  const maxMs = env["MAX_EXECUTION_MS"];
  return {
    law: parseLaw(env["EXECUTION_LAW"]),
    scale: positive("EXECUTION_SCALE", env["EXECUTION_SCALE"] ?? "1"),
    maxMs: maxMs === undefined || maxMs === "" ? undefined : positive("MAX_EXECUTION_MS", maxMs),
    seed: env["SEED"] || env["ID"] || "0",
    sliceMs: positive("SLICE_MS", env["SLICE_MS"] ?? "10"),
    replyText: env["REPLY_TEXT"] === undefined || env["REPLY_TEXT"] === "" ? undefined : env["REPLY_TEXT"],
  };
}

/** `lognormal` (the Azure fit), `lognormal:<mu>,<sigma>` or `constant:<seconds>`. */
function parseLaw(spec: string | undefined): ExecutionLaw {
  if (spec === undefined || spec === "" || spec === "lognormal") return AZURE_LOGNORMAL;
  const rule = "`lognormal`, `lognormal:<mu>,<sigma>` (seconds, sigma > 0) or `constant:<seconds>`";
  const [kind, args = ""] = spec.split(":", 2);
  const numbers = args.split(",").map((part) => (part.trim() === "" ? NaN : Number(part)));
  if (kind === "lognormal" && numbers.length === 2 && numbers.every(Number.isFinite) && numbers[1]! > 0) {
    return { kind: "lognormal", mu: numbers[0]!, sigma: numbers[1]! };
  }
  if (kind === "constant" && numbers.length === 1 && Number.isFinite(numbers[0]) && numbers[0]! >= 0) {
    return { kind: "constant", seconds: numbers[0]! };
  }
  throw new Error(`Expected \`EXECUTION_LAW\` to be ${rule}, got \`${spec}\`.`);
}

function positive(name: string, raw: string): number {
  const value = raw.trim() === "" ? NaN : Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`Expected \`${name}\` to be a positive number, got \`${raw}\`.`);
  }
  return value;
}
