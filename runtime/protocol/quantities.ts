/**
 * GIRAFF's physical quantities: strings of the form `"<number> <unit>"` (giraff.md §2.2).
 *
 * Parsing accepts what GIRAFF's `uom` helpers accept: an optional space, a number made of digits, `.`, `e`/`E`,
 * `+` and `-`, and a single-word unit (`\w+`, or `\w+/\w+` for rates). Each kind converts to one canonical
 * JavaScript number:
 *
 * | kind      | canonical unit | serialised as            |
 * | --------- | -------------- | ------------------------ |
 * | memory    | bytes          | `"<decimal MB> MB"`      |
 * | cpu       | millicpu       | `"<millicpu> m"`         |
 * | time      | milliseconds   | `"<seconds> s"`          |
 * | ratio     | fraction (0–1) | `"<basis points> bp"`    |
 * | bandwidth | bit/s          | `"<integer> b/s"`        |
 *
 * Numbers are JavaScript doubles, exact for every byte count below 8 PiB, which is enough for fog nodes.
 */
import { ProtocolError } from "./errors.ts";

export type QuantityKind = "memory" | "cpu" | "time" | "ratio" | "bandwidth";

// prettier-ignore
const INFORMATION_BYTES: Record<string, number> = {
  b: 1 / 8, bit: 1 / 8, bits: 1 / 8,
  B: 1, byte: 1, bytes: 1, octet: 1, octets: 1,
  kb: 1e3 / 8, Kb: 1e3 / 8, kbit: 1e3 / 8, kilobit: 1e3 / 8, kilobits: 1e3 / 8,
  Mb: 1e6 / 8, Mbit: 1e6 / 8, megabit: 1e6 / 8, megabits: 1e6 / 8,
  Gb: 1e9 / 8, Gbit: 1e9 / 8, gigabit: 1e9 / 8, gigabits: 1e9 / 8,
  Tb: 1e12 / 8, terabit: 1e12 / 8, terabits: 1e12 / 8,
  Kib: 1024 / 8, kibibit: 1024 / 8, kibibits: 1024 / 8,
  Mib: 1024 ** 2 / 8, mebibit: 1024 ** 2 / 8, mebibits: 1024 ** 2 / 8,
  Gib: 1024 ** 3 / 8, gibibit: 1024 ** 3 / 8, gibibits: 1024 ** 3 / 8,
  kB: 1e3, KB: 1e3, kilobyte: 1e3, kilobytes: 1e3,
  MB: 1e6, megabyte: 1e6, megabytes: 1e6,
  GB: 1e9, gigabyte: 1e9, gigabytes: 1e9,
  TB: 1e12, terabyte: 1e12, terabytes: 1e12,
  KiB: 1024, kibibyte: 1024, kibibytes: 1024,
  MiB: 1024 ** 2, mebibyte: 1024 ** 2, mebibytes: 1024 ** 2,
  GiB: 1024 ** 3, gibibyte: 1024 ** 3, gibibytes: 1024 ** 3,
  TiB: 1024 ** 4, tebibyte: 1024 ** 4, tebibytes: 1024 ** 4,
};

// prettier-ignore
const CPU_MILLI: Record<string, number> = {
  cpu: 1000, cpus: 1000, core: 1000, cores: 1000,
  m: 1, millicpu: 1, millicpus: 1, millicore: 1, millicores: 1,
};

// prettier-ignore
const TIME_MS: Record<string, number> = {
  ns: 1e-6, nanosecond: 1e-6, nanoseconds: 1e-6,
  us: 1e-3, µs: 1e-3, microsecond: 1e-3, microseconds: 1e-3,
  ms: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, second: 1000, seconds: 1000,
  min: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
};

// prettier-ignore
const RATIO_FRACTION: Record<string, number> = {
  bp: 1e-4, basis_point: 1e-4, basis_points: 1e-4,
  percent: 1e-2, pct: 1e-2,
  ratio: 1, part: 1, parts: 1,
  ppm: 1e-6,
};

const RATE_TIME_S: Record<string, number> = { s: 1, sec: 1, second: 1, ms: 1e-3, min: 60, h: 3600 };

const QUANTITY = /^\s*([0-9.eE+-]+)\s?(%|[\wµ]+(?:\/\w+)?)\s*$/;

const RULES: Record<QuantityKind, string> = {
  memory: "a memory quantity such as `500 MB`, `48 KiB` or `1500 B`",
  cpu: "a CPU quantity such as `500 millicpu`, `0.5 cpu` or `250 m`",
  time: "a time quantity such as `37 ms` or `600 s`",
  ratio: "a ratio quantity such as `100 bp` or `1 %`",
  bandwidth: "a bandwidth quantity such as `100 Mb/s` or `1000000 b/s`",
};

/** The rule text of a quantity kind, for error messages. */
export function quantityRule(kind: QuantityKind): string {
  return RULES[kind];
}

/**
 * Parses a quantity string into its canonical number, or returns `undefined` when the string is not a
 * quantity of that kind. Use {@link parseQuantity} for the throwing form.
 */
export function tryParseQuantity(kind: QuantityKind, text: string): number | undefined {
  const match = QUANTITY.exec(text);
  if (match === null) return undefined;
  const [, numberText, unit] = match as unknown as [string, string, string];
  const value = Number(numberText);
  if (!Number.isFinite(value)) return undefined;
  const factor = unitFactor(kind, unit);
  return factor === undefined ? undefined : value * factor;
}

/** Parses a quantity; throws a {@link ProtocolError} naming `field` when the text is not a quantity of `kind`. */
export function parseQuantity(kind: QuantityKind, text: unknown, field: string): number {
  const value = typeof text === "string" ? tryParseQuantity(kind, text) : undefined;
  if (value === undefined) throw new ProtocolError({ field, rule: RULES[kind], value: text });
  return value;
}

function unitFactor(kind: QuantityKind, unit: string): number | undefined {
  switch (kind) {
    case "memory":
      return own(INFORMATION_BYTES, unit);
    case "cpu":
      return own(CPU_MILLI, unit);
    case "time":
      return own(TIME_MS, unit);
    case "ratio":
      return unit === "%" ? 1e-2 : own(RATIO_FRACTION, unit);
    case "bandwidth": {
      const [info, per] = unit.split("/");
      if (info === undefined || per === undefined) return undefined;
      const bytes = own(INFORMATION_BYTES, info);
      const seconds = own(RATE_TIME_S, per);
      return bytes === undefined || seconds === undefined ? undefined : (bytes * 8) / seconds;
    }
  }
}

function own(table: Record<string, number>, key: string): number | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Memory in bytes → `"<decimal megabytes> MB"`, GIRAFF's wire form. */
export function formatMemory(bytes: number): string {
  return `${round(bytes / 1e6)} MB`;
}

/** CPU in millicpu → `"<millicpu> m"`. */
export function formatCpu(millicpu: number): string {
  return `${round(millicpu)} m`;
}

/** Time in milliseconds → `"<seconds> s"`. */
export function formatTime(ms: number): string {
  return `${round(ms / 1000)} s`;
}

/** Ratio as a fraction → `"<basis points> bp"`. */
export function formatRatio(fraction: number): string {
  return `${round(fraction * 1e4)} bp`;
}

/** Bandwidth in bit/s → `"<integer> b/s"`. */
export function formatBandwidth(bitsPerSecond: number): string {
  return `${Math.round(bitsPerSecond)} b/s`;
}

/** Drops floating-point noise (`0.30000000000000004`) without losing meaningful digits. */
function round(x: number): number {
  return Number.parseFloat(x.toPrecision(15));
}
