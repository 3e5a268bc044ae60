/**
 * The one request-body reader of the runtime's HTTP edges (market, nodes, IoT emulator, proxy) and of the
 * functions: `raw-body` (the reader under Express's body-parser) reads the whole body up to a limit, refuses a
 * declared `Content-Length` beyond it before reading a byte, stops reading once the limit is passed, and settles
 * when the client hangs up mid-body or sends fewer bytes than it declared. Its errors become {@link ProtocolError}s
 * that name the body, the limit and the size, so every edge answers them alike (413, or 400).
 */
import type { IncomingMessage } from "node:http";
import getRawBody from "raw-body";
import { ProtocolError } from "../protocol/errors.ts";

export interface ReadBodyOptions {
  /** The largest body accepted, in bytes. */
  limit: number;
  /** The field an error names (the JSON server names none: it speaks of the request). Default "body". */
  field?: string;
}

/** raw-body's errors carry their kind in `type` (http-errors). */
interface RawBodyError extends Error {
  type?: string;
  length?: number;
  received?: number;
  expected?: number;
}

export async function readBody(req: IncomingMessage, opts: ReadBodyOptions): Promise<Buffer> {
  const field = opts.field ?? "body";
  try {
    const length = req.headers["content-length"];
    return await getRawBody(req, { limit: opts.limit, ...(length === undefined ? {} : { length }) });
  } catch (err) {
    throw bodyError(err as RawBodyError, opts.limit, field);
  }
}

function bodyError(err: RawBodyError, limit: number, field: string): ProtocolError {
  switch (err.type) {
    case "entity.too.large":
      return new ProtocolError({
        field,
        rule: `a body of at most ${limit} bytes`,
        value: `${err.length ?? err.received ?? "more than " + limit} bytes`,
        status: 413,
        cause: err,
      });
    case "request.size.invalid":
      return new ProtocolError({
        field,
        rule: "as many bytes as Content-Length declares",
        value: `${err.received ?? "?"} of ${err.expected ?? "?"} bytes`,
        status: 400,
        cause: err,
      });
    default:
      // request.aborted (the client hung up mid-body, or the request deadline cut it), stream errors
      return new ProtocolError({ field, rule: "a complete body", status: 400, cause: err });
  }
}
