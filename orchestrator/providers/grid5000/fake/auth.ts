/**
 * The fake's two authentication modes (grid5000.md §1.2). `outside`: the front proxy requires HTTP Basic and
 * answers 401 itself when credentials are missing or wrong — an HTML page (the proxy's, not the app's JSON or
 * text) with `WWW-Authenticate: Basic`, as a web server's stock 401 page. `inside`: no credentials; the user comes from
 * `X-Api-User-CN`, which the real proxy sets (here `proxyUser` plays the proxy); without one, writes get 403.
 */
import type { IncomingHttpHeaders } from "node:http";
import { FakeHttpError, NOT_AUTHORIZED } from "./http-error.ts";

export type FakeAuth =
  { mode: "outside"; users: Record<string, string> } | { mode: "inside"; proxyUser?: string | undefined };

/** The caller's login, or undefined for an anonymous caller (inside only); throws the proxy's 401. */
export function identify(auth: FakeAuth, headers: IncomingHttpHeaders): string | undefined {
  if (auth.mode === "inside") {
    const cn = headers["x-api-user-cn"];
    return (typeof cn === "string" && cn !== "" ? cn : undefined) ?? auth.proxyUser;
  }
  const header = headers["authorization"];
  const m = typeof header === "string" ? /^Basic\s+(\S+)$/i.exec(header) : null;
  if (m !== null) {
    const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    if (colon > 0 && Object.hasOwn(auth.users, user) && auth.users[user] === password) return user;
  }
  throw new FakeHttpError(401, UNAUTHORIZED_PAGE);
}

/** Writes need an identity (the app's 403 otherwise). */
export function requireIdentity(user: string | undefined): string {
  if (user === undefined || user === "anonymous") throw new FakeHttpError(403, NOT_AUTHORIZED);
  return user;
}

/** The front proxy's 401 page (a stock web-server page: the exact text on api.grid5000.fr is not recorded). */
export const UNAUTHORIZED_PAGE = `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>401 Unauthorized</title>
</head><body>
<h1>Unauthorized</h1>
<p>This server could not verify that you
are authorized to access the document
requested.  Either you supplied the wrong
credentials (e.g., bad password), or your
browser doesn't understand how to supply
the credentials required.</p>
<hr>
<address>Apache Server at api.grid5000.fr Port 443</address>
</body></html>
`;
export const UNAUTHORIZED_HEADERS = {
  "www-authenticate": 'Basic realm="Grid5000"',
  "content-type": "text/html; charset=iso-8859-1",
};
