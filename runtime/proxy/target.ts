/**
 * Where a request to the proxy should go. GIRAFF's clients (Go's transport, with the proxy URL
 * `http://<ip>:3128/proxy` whose path it ignores) send the target in absolute-form; clients that cannot
 * (`fetch`, a plain `request()`) may send origin-form to `/proxy` or `/` with the target in the
 * `GIRAFF-Target` header or the `url` query parameter. Anything else is a 4xx naming the field and the rule.
 */
import type { IncomingHttpHeaders } from "node:http";
import { ProtocolError } from "../protocol/errors.ts";

export const TARGET_HEADER = "giraff-target";
const ABSOLUTE_RULE = "an absolute `http://` URL such as `http://10.0.0.2:31112/function/fogfn-1`";

export interface ProxyTarget {
  url: URL;
  /** The host the request goes to (no port), which picks the emulated link. */
  host: string;
  /** Where it came from, for error messages and the README. */
  form: "absolute" | "header" | "query";
}

/** Parses the request line's target (and, for origin-form, the header or query) into an http URL. */
export function parseTarget(rawTarget: string, headers: IncomingHttpHeaders): ProxyTarget {
  if (rawTarget.startsWith("/")) return originForm(rawTarget, headers);
  return { ...checkUrl(rawTarget, "request-target"), form: "absolute" };
}

function originForm(rawTarget: string, headers: IncomingHttpHeaders): ProxyTarget {
  const queryAt = rawTarget.indexOf("?");
  const path = queryAt === -1 ? rawTarget : rawTarget.slice(0, queryAt);
  const header = headers[TARGET_HEADER];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader !== undefined && fromHeader !== "") {
    return { ...checkUrl(fromHeader, "GIRAFF-Target"), form: "header" };
  }
  const fromQuery = queryAt === -1 ? null : new URLSearchParams(rawTarget.slice(queryAt + 1)).get("url");
  if (fromQuery !== null && fromQuery !== "") return { ...checkUrl(fromQuery, "url"), form: "query" };
  throw new ProtocolError({
    field: "request-target",
    rule: `${ABSOLUTE_RULE} (absolute-form, as sent to a forward proxy), or origin-form \`/proxy\` with a \`GIRAFF-Target\` header or a \`url\` query parameter`,
    value: path,
  });
}

function checkUrl(text: string, field: string): { url: URL; host: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new ProtocolError({ field, rule: ABSOLUTE_RULE, value: text, cause });
  }
  if (url.protocol !== "http:") {
    const rule = `${ABSOLUTE_RULE}; the scheme \`${url.protocol.slice(0, -1)}\` is not proxied (no TLS, no CONNECT)`;
    throw new ProtocolError({ field, rule, value: text });
  }
  if (url.hostname === "") throw new ProtocolError({ field, rule: ABSOLUTE_RULE, value: text });
  if (url.username !== "" || url.password !== "") {
    // the value is left out of the answer: it would echo the credentials
    throw new ProtocolError({ field, rule: `${ABSOLUTE_RULE}, without credentials` });
  }
  // URL keeps IPv6 hosts bracketed; the link lookup wants the bare address
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return { url, host };
}
