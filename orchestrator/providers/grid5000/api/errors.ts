/**
 * The Grid'5000 client's errors (STYLE.md principle 9): one class with a `reason` flag and the call it concerns,
 * plus {@link ReservationTooEarly}, which carries the date OAR suggests so a caller can resubmit for it. Messages
 * are sentences built without credentials; the client redacts them again before throwing, to be sure.
 */
import { inspect } from "node:util";

export type Grid5000Reason =
  | "unauthorized"
  | "forbidden"
  | "not-found"
  | "bad-request"
  | "too-early"
  | "server"
  | "timeout"
  | "unreachable"
  | "tls"
  | "cancelled"
  | "duplicate-jobs"
  | "job-ended"
  | "job-deleted"
  | "job-failed"
  | "walltime-expired"
  | "not-running"
  | "refused"
  | "deployment-failed"
  | "submission-lost";

export interface Grid5000ErrorFields {
  reason: Grid5000Reason;
  /** `POST /sites/nancy/jobs`: the call, relative to the base URL (never with credentials). */
  call?: string | undefined;
  status?: number | undefined;
  /** The answer's text, redacted and cut to 500 characters. */
  body?: string | undefined;
  /** Job or deployment the error is about. */
  jobUid?: number | undefined;
  deploymentUid?: string | undefined;
  /** Hosts that failed, for a deployment. */
  failedHosts?: string[] | undefined;
  /** For a refused submission (`refused`): the submission field OAR refused, and OAR's rule in its own words. */
  field?: string | undefined;
  rule?: string | undefined;
  cause?: unknown;
}

export class Grid5000Error extends Error {
  override name = "Grid5000Error";
  readonly reason: Grid5000Reason;
  readonly call: string | undefined;
  readonly status: number | undefined;
  readonly body: string | undefined;
  readonly jobUid: number | undefined;
  readonly deploymentUid: string | undefined;
  readonly failedHosts: string[];
  readonly field: string | undefined;
  readonly rule: string | undefined;
  readonly timedOut: boolean;
  readonly isCanceled: boolean;
  readonly isUnreachable: boolean;

  constructor(message: string, fields: Grid5000ErrorFields) {
    super(message, { cause: fields.cause });
    this.reason = fields.reason;
    this.call = fields.call;
    this.status = fields.status;
    this.body = fields.body;
    this.jobUid = fields.jobUid;
    this.deploymentUid = fields.deploymentUid;
    this.failedHosts = fields.failedHosts ?? [];
    this.field = fields.field;
    this.rule = fields.rule;
    this.timedOut = fields.reason === "timeout";
    this.isCanceled = fields.reason === "cancelled";
    this.isUnreachable = fields.reason === "unreachable";
  }

  /** Test helper: throws unless `err` is a Grid5000Error with this reason and a message matching `message`. */
  static assert(err: unknown, expected: { reason?: Grid5000Reason; message?: RegExp }): asserts err is Grid5000Error {
    if (!isGrid5000Error(err)) throw new Error(`Expected a Grid5000Error, got ${inspect(err)}.`);
    if (expected.reason !== undefined && err.reason !== expected.reason) {
      throw new Error(`Expected the reason ${expected.reason}, got ${err.reason}: ${err.message}`);
    }
    if (expected.message !== undefined && !expected.message.test(err.message)) {
      throw new Error(`Expected the message to match ${expected.message}, got "${err.message}".`);
    }
  }
}

/**
 * OAR refused an advance reservation because the resources are busy then; it could start at `couldRunAt`
 * (OAR's `YYYY-MM-DD hh:mm:ss`, Europe/Paris), which `couldRunAtMs` gives as an instant.
 */
export class ReservationTooEarly extends Grid5000Error {
  override name = "ReservationTooEarly";
  readonly couldRunAt: string;
  readonly couldRunAtMs: number;

  constructor(
    message: string,
    fields: Omit<Grid5000ErrorFields, "reason"> & { couldRunAt: string; couldRunAtMs: number },
  ) {
    super(message, { ...fields, reason: "too-early" });
    this.couldRunAt = fields.couldRunAt;
    this.couldRunAtMs = fields.couldRunAtMs;
  }
}

export function isGrid5000Error(err: unknown): err is Grid5000Error {
  return err instanceof Grid5000Error;
}

export function isReservationTooEarly(err: unknown): err is ReservationTooEarly {
  return err instanceof ReservationTooEarly;
}
