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

/** Keeps error bodies small: long strings and big objects are cut. */
function printable(value: unknown): unknown {
  if (typeof value === "string" && value.length > 200) return `${value.slice(0, 200)}…`;
  if (typeof value === "object" && value !== null) {
    const text = JSON.stringify(value);
    if (text !== undefined && text.length > 200) return `${text.slice(0, 200)}…`;
  }
  return value;
}
