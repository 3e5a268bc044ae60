/**
 * The runtime's few error classes. Messages are whole sentences; structured fields let HTTP edges and tests
 * act on the error without parsing its text.
 */

/** A value broke a rule of the protocol: a bad quantity, a missing field, an unknown node. Answered with a 4xx. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
  /** Dotted path of the offending field, e.g. `sla.memory`; empty for the whole body. */
  readonly field: string;
  /** The rule that was broken, in words: "a positive memory quantity such as `500 MB`". */
  readonly rule: string;
  /** The offending value, as received (may be undefined when the field is missing). */
  readonly value: unknown;
  /** HTTP status to answer with: 400 by default, 404 for unknown ids, 413 for oversized bodies. */
  readonly status: number;

  constructor(opts: {
    field: string;
    rule: string;
    value?: unknown;
    status?: number;
    message?: string;
    cause?: unknown;
  }) {
    super(opts.message ?? describe(opts.field, opts.rule, opts.value), { cause: opts.cause });
    this.field = opts.field;
    this.rule = opts.rule;
    this.value = opts.value;
    this.status = opts.status ?? 400;
  }

  toJSON(): { error: { message: string; field: string; rule: string; value?: unknown } } {
    return { error: { message: this.message, field: this.field, rule: this.rule, value: printable(this.value) } };
  }
}

/** A call to another runtime process failed: timeout, refused connection, non-2xx answer, bad answer. */
export class RemoteError extends Error {
  override name = "RemoteError";
  readonly url: string;
  readonly status: number | undefined;
  readonly timedOut: boolean;
  readonly isUnreachable: boolean;
  readonly body: string | undefined;

  constructor(opts: {
    url: string;
    message: string;
    status?: number;
    timedOut?: boolean;
    isUnreachable?: boolean;
    body?: string;
    cause?: unknown;
  }) {
    super(opts.message, { cause: opts.cause });
    this.url = opts.url;
    this.status = opts.status;
    this.timedOut = opts.timedOut ?? false;
    this.isUnreachable = opts.isUnreachable ?? false;
    this.body = opts.body;
  }
}

/** Bad configuration of a runtime process (CLI flags, topology file, environment). Fatal at start-up. */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly field: string;
  constructor(field: string, message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.field = field;
  }
}

export function isProtocolError(e: unknown): e is ProtocolError {
  return e instanceof ProtocolError;
}

export function isRemoteError(e: unknown): e is RemoteError {
  return e instanceof RemoteError;
}

function describe(field: string, rule: string, value: unknown): string {
  const where = field === "" ? "The request body" : `\`${field}\``;
  if (value === undefined) return `${where} is missing: expected ${rule}.`;
  return `${where} must be ${rule}, got ${JSON.stringify(printable(value))}.`;
}

/** Longest rendering of an offending value in an error, and the deepest nesting it shows. */
const PREVIEW_CHARS = 200;
const PREVIEW_DEPTH = 6;

/**
 * Keeps error bodies small and safe to build: a value is shown as itself when its rendering is short and shallow,
 * else as a rendering cut at 200 characters. The rendering walks at most 6 levels and stops once it has 200
 * characters, so a body nested 5,000 deep or a million keys wide costs a few hundred steps, never a stack overflow.
 */
export function printable(value: unknown): unknown {
  if (typeof value === "string") return value.length > PREVIEW_CHARS ? `${value.slice(0, PREVIEW_CHARS)}…` : value;
  if (typeof value !== "object" || value === null) return value;
  const out = { text: "", full: true };
  render(value, 0, out);
  return out.full ? value : `${out.text.slice(0, PREVIEW_CHARS)}…`;
}

function render(value: unknown, depth: number, out: { text: string; full: boolean }): void {
  if (out.text.length > PREVIEW_CHARS) {
    out.full = false;
    return;
  }
  if (typeof value !== "object" || value === null) {
    const text = typeof value === "string" ? JSON.stringify(value.slice(0, PREVIEW_CHARS)) : String(value);
    out.text += text;
    if (typeof value === "string" && value.length > PREVIEW_CHARS) out.full = false;
    if (typeof value === "bigint" || typeof value === "function" || typeof value === "symbol") out.full = false;
    return;
  }
  if (depth >= PREVIEW_DEPTH) {
    out.text += Array.isArray(value) ? "[…]" : "{…}";
    out.full = false;
    return;
  }
  const array = Array.isArray(value);
  out.text += array ? "[" : "{";
  let first = true;
  // for…in stops early without listing every key of a huge object
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (out.text.length > PREVIEW_CHARS) {
      out.full = false;
      return;
    }
    if (!first) out.text += ",";
    first = false;
    if (!array) out.text += `${JSON.stringify(key.slice(0, PREVIEW_CHARS))}:`;
    render((value as Record<string, unknown>)[key], depth + 1, out);
  }
  out.text += array ? "]" : "}";
}
