/**
 * Turns a non-2xx answer into one sentence per reason (grid5000.md §1.2): 401 comes from the front proxy (bad
 * credentials), 403 from the app (not the owner, or no identity), 404 means the resource is gone, and OAR's
 * "could run at" refusal becomes a {@link ReservationTooEarly} carrying the date. Bodies are plain text, sometimes
 * JSON with `message` or `error`.
 */
import { Grid5000Error, ReservationTooEarly } from "./errors.ts";
import { parseOarDate } from "./oar-time.ts";

const COULD_RUN_AT = /could run at (\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}(?::\d{2})?)/;

/** `label` is `METHOD /path`; `body` is already redacted. */
export function mapHttpError(label: string, status: number, body: string, attempts = 1): Grid5000Error {
  const text = readable(body);
  const fields = { call: label, status, body: text };
  const couldRunAt = COULD_RUN_AT.exec(text)?.[1];
  if (couldRunAt !== undefined) {
    return new ReservationTooEarly(
      `Grid'5000 refused the reservation of ${label}: the resources are busy then; it could run at ${couldRunAt} (Europe/Paris).`,
      { ...fields, couldRunAt, couldRunAtMs: parseOarDate(couldRunAt) ?? Number.NaN },
    );
  }
  switch (status) {
    case 401:
      return new Grid5000Error(
        `Grid'5000 rejected the credentials for ${label} (401): check the login and password in the campaign's .env.`,
        { ...fields, reason: "unauthorized" },
      );
    case 403:
      return new Grid5000Error(
        `Grid'5000 did not allow ${label} (403): only the owner may change a job or deployment, and calls need an identity (${text}).`,
        { ...fields, reason: "forbidden" },
      );
    case 404:
      return new Grid5000Error(`${label} is gone or never existed (404): ${text}`, { ...fields, reason: "not-found" });
  }
  if (status >= 500) {
    const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
    return new Grid5000Error(`Grid'5000 failed on ${label} with ${status}${tries}: ${text}`, {
      ...fields,
      reason: "server",
    });
  }
  return new Grid5000Error(`Grid'5000 refused ${label} (${status}): ${text}`, { ...fields, reason: "bad-request" });
}

/** The message of a JSON body, or the text itself, on one line and at most 500 characters. */
function readable(body: string): string {
  let text = body;
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown };
    const inner = parsed.message ?? parsed.error;
    if (typeof inner === "string") text = inner;
    else if (
      typeof inner === "object" &&
      inner !== null &&
      typeof (inner as { message?: unknown }).message === "string"
    ) {
      text = (inner as { message: string }).message;
    }
  } catch {
    // plain text, as the API mostly answers
  }
  text = text.replace(/\s+/g, " ").trim() || "(empty answer)";
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
