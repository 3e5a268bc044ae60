/**
 * OAR's `reservation` field as the API validates it (grid5000.md §1.4): `YYYY-MM-DD hh:mm:ss` or `start, end`,
 * where the date may be omitted (today), as may `:ss` and `:mm`, and `now` is allowed; times are Europe/Paris.
 * The error texts are the app's own.
 */
import { formatOarDate, parseOarDate } from "../api/oar-time.ts";
import { FakeHttpError } from "./http-error.ts";

const SYNTAX =
  "The job you are trying to submit is not valid: Syntax error in reservation start date, should at least match " +
  "the format: 'YYYY-MM-DD hh:mm:ss'";

/** The reservation's start in Unix seconds, or a 400 FakeHttpError with the app's text. */
export function parseReservation(value: unknown, nowS: number): number {
  if (typeof value !== "string") throw new FakeHttpError(400, "`reservation` should be a String.");
  const start = value.split(",")[0]!.trim();
  if (start === "now") return nowS;
  const m = /^(?:(\d{4}-\d{2}-\d{2}) )?(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$/.exec(start);
  if (m === null) throw new FakeHttpError(400, SYNTAX);
  const day = m[1] ?? formatOarDate(nowS * 1000).slice(0, 10);
  const ms = parseOarDate(`${day} ${m[2]}:${m[3] ?? "00"}:${m[4] ?? "00"}`);
  if (ms === undefined || Number.isNaN(ms)) throw new FakeHttpError(400, SYNTAX);
  return Math.floor(ms / 1000);
}

/** OAR's refusal of an advance reservation that does not fit; EnOSlib parses the date out of it. */
export function couldRunAtText(startS: number): string {
  return `Reservation not valid --> KO (This reservation could run at ${formatOarDate(startS * 1000)})`;
}
