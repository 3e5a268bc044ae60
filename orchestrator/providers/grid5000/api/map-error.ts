/**
 * Turns a non-2xx answer into one sentence per reason (grid5000.md §1.2): 401 comes from the front proxy (an HTML
 * page, not the app's text: the credentials were refused, and the sentence says where they come from, never what
 * they are), 403 from the app (not the owner, or no identity), 404 means the resource is gone, OAR's refusal of a
 * submission names the field and OAR's rule (oar-refusal.ts), and OAR's "could run at" refusal becomes a
 * {@link ReservationTooEarly} carrying the date. Bodies are plain text, sometimes JSON with `message` or `error`.
 */
import { Grid5000Error, ReservationTooEarly } from "./errors.ts";
import { findOarRefusal } from "./oar-refusal.ts";
import { parseOarDate } from "./oar-time.ts";

const COULD_RUN_AT = /could run at (\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}(?::\d{2})?)/;

/** Where the client's credentials came from, when the caller knows better than the default sentence. */
export const DEFAULT_CREDENTIALS_SOURCE =
  "G5K_USER and G5K_PASSWORD in the environment, or username: and password: in ~/.python-grid5000.yaml " +
  "(a G5K_PASSWORD in the campaign's .env is ignored)";

/** What the client knows about its own credentials, for a 401's sentence (never the password). */
export interface AuthContext {
  mode: "basic" | "inside";
  login?: string | undefined;
  /** Where the login and password came from; default {@link DEFAULT_CREDENTIALS_SOURCE}. */
  source?: string | undefined;
}

/** `label` is `METHOD /path`; `body` is already redacted. */
export function mapHttpError(
  label: string,
  status: number,
  body: string,
  attempts = 1,
  auth?: AuthContext,
): Grid5000Error {
  const text = readable(body);
  const fields = { call: label, status, body: text };
  const couldRunAt = COULD_RUN_AT.exec(text)?.[1];
  if (couldRunAt !== undefined) {
    return new ReservationTooEarly(
      `Grid'5000 refused the reservation of ${label}: the resources are busy then; it could run at ${couldRunAt} (Europe/Paris).`,
      { ...fields, couldRunAt, couldRunAtMs: parseOarDate(couldRunAt) ?? Number.NaN },
    );
  }
  const refusal = status === 400 ? findOarRefusal(body) : undefined;
  if (refusal !== undefined) {
    return new Grid5000Error(
      `Grid'5000's OAR refused the job (${label}, 400) because of \`${refusal.field}\`: ${refusal.rule}.`,
      { ...fields, reason: "refused", field: refusal.field, rule: refusal.rule },
    );
  }
  switch (status) {
    case 401:
      return new Grid5000Error(unauthorizedSentence(label, auth), { ...fields, reason: "unauthorized" });
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

function unauthorizedSentence(label: string, auth: AuthContext | undefined): string {
  if (auth?.mode === "inside") {
    return (
      `Grid'5000 asked for credentials on ${label} (401 from the front proxy), but the client runs in inside mode ` +
      "(G5K_INSIDE) and sends none: outside Grid'5000, unset G5K_INSIDE and give a login (" +
      `${DEFAULT_CREDENTIALS_SOURCE}).`
    );
  }
  const who = auth?.login === undefined ? "" : ` of ${auth.login}`;
  return (
    `Grid'5000 refused the credentials${who} on ${label} (401 from the front proxy): the login or the password is ` +
    `wrong. They come from ${auth?.source ?? DEFAULT_CREDENTIALS_SOURCE}; fix them there.`
  );
}

/** The message of a JSON body, the title of an HTML page, or the text itself, on one line, at most 500 characters. */
function readable(body: string): string {
  let text = body;
  if (/^\s*<(!DOCTYPE|html)/i.test(body)) {
    const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1];
    text = `${title ?? "an HTML page"} (an HTML page)`;
  }
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
