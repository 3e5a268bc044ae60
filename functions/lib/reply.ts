/**
 * Replies and request errors of the functions. A malformed request gets a 4xx whose JSON names the field, the rule
 * and the value received, so that a researcher reading a proxy log knows what to fix without the function's source.
 */

/** One HTTP answer; the contract adds the GIRAFF headers and `content-length`. */
export interface Reply {
  status: number;
  body: Buffer;
  type: string;
  headers?: Record<string, string>;
}

/** A JSON answer. */
export function json(status: number, value: unknown): Reply {
  return { status, body: Buffer.from(JSON.stringify(value)), type: "application/json" };
}

/** The request broke a rule: answered with `status` (400 unless told) and `{error: {message, field, value?}}`. */
export class RequestError extends Error {
  readonly status: number;
  readonly field: string;
  readonly value: unknown;

  constructor(opts: { field: string; message: string; status?: number; value?: unknown }) {
    super(opts.message);
    this.name = "RequestError";
    this.status = opts.status ?? 400;
    this.field = opts.field;
    this.value = opts.value;
  }

  toJSON(): { message: string; field: string; value?: unknown } {
    return this.value === undefined
      ? { message: this.message, field: this.field }
      : { message: this.message, field: this.field, value: this.value };
  }
}

/** ``Expected `field` to be <rule>, got `value` (type).``: the sentence every 4xx of the functions uses. */
export function invalid(field: string, rule: string, value: unknown, status = 400): RequestError {
  const shown = typeof value === "string" && value.length > 80 ? `${value.slice(0, 77)}...` : value;
  const type = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  return new RequestError({
    field,
    status,
    value: shown,
    message: `Expected \`${field}\` to be ${rule}, got \`${JSON.stringify(shown) ?? String(shown)}\` (${type}).`,
  });
}

/** Parses a JSON body into an object; a 400 naming `body` when it is not a JSON object. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new RequestError({
      field: "body",
      message: `Expected the body to be a JSON object: ${(err as Error).message}.`,
    });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw invalid("body", "a JSON object", value);
  return value as Record<string, unknown>;
}

/** True when the `content-type` header says JSON (`application/json`, `application/x+json`, with parameters). */
export function isJsonContent(contentType: string | undefined): boolean {
  return /^application\/([\w.+-]+\+)?json\b/i.test(contentType ?? "");
}
