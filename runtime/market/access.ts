/**
 * Who may see what at the market. Clients' data is theirs: an SLA's id is the capability its client holds for
 * `POST /api/function/<id>` (provision) and `GET /api/auctions/<id>` (its auction), and its `envVars` and
 * `envProcess` are what the client hands its function (keys, URLs). So the public listings (`GET /api/fog`,
 * `GET /api/functions`) show where functions run and at what price, but never those fields. The operator, who holds
 * the token printed when the market starts, sees everything: `Authorization: Bearer <token>`.
 *
 *   request ─► no Authorization ─► public view
 *           ─► Bearer <operator token> ─► full view
 *           ─► anything else ─► 401 (a wrong token is a mistake worth telling, not a reason to show less)
 */
import type { IncomingHttpHeaders } from "node:http";
import type { JsonRequest, JsonResponse } from "../http/server.ts";
import { ProtocolError } from "../protocol/errors.ts";
import { formatAcceptedBid, type AcceptedBid } from "../protocol/messages.ts";
import { sameSecret } from "../util/secrets.ts";

export type Access = "operator" | "public";

/** SLA fields only the SLA's client and the operator see. */
export const PRIVATE_SLA_FIELDS = ["id", "envVars", "envProcess"] as const;

/**
 * A chosen operator token as given, if it is 16 to 1024 visible ASCII characters (it travels in a header, and a
 * short one could be guessed); the error never shows the value.
 */
export function checkOperatorToken(token: string): string {
  if (/^[\x21-\x7e]{16,1024}$/.test(token)) return token;
  throw new ProtocolError({
    field: "operatorToken",
    rule: "16 to 1024 visible ASCII characters",
    message:
      "Expected `operatorToken` to be 16 to 1024 visible ASCII characters, got " +
      (token.length < 16 || token.length > 1024 ? `${token.length} characters.` : "a space or a non-ASCII character."),
  });
}

/** The caller's access, or undefined when it presented credentials that are not the operator token. */
export function accessOf(headers: IncomingHttpHeaders, operatorToken: string): Access | undefined {
  const authorization = headers["authorization"];
  if (authorization === undefined) return "public";
  const bearer = /^Bearer +(\S+)$/i.exec(authorization.trim());
  return bearer !== null && sameSecret(bearer[1]!, operatorToken) ? "operator" : undefined;
}

/** A listing's handler: `render` gets the caller's access; wrong credentials get 401 naming the rule. */
export function listing(
  operatorToken: string,
  render: (access: Access) => JsonResponse,
): (req: JsonRequest) => JsonResponse {
  return (req) => {
    const access = accessOf(req.headers, operatorToken);
    if (access !== undefined) return render(access);
    return {
      status: 401,
      headers: { "www-authenticate": 'Bearer realm="giraff-market", error="invalid_token"' },
      json: {
        error: {
          message:
            "Expected `authorization` to be `Bearer <operator token>` (printed when the market started) or absent " +
            "for the public view; the value given is not the operator token.",
          field: "authorization",
          rule: "Bearer <operator token>, or no Authorization header",
        },
      },
    };
  };
}

/** GIRAFF's `AcceptedBid` as `access` may see it: the public view lacks {@link PRIVATE_SLA_FIELDS}. */
export function acceptedBidView(accepted: AcceptedBid, access: Access): Record<string, unknown> {
  const full = formatAcceptedBid(accepted);
  if (access === "operator") return full;
  const sla = { ...(full["sla"] as Record<string, unknown>) };
  for (const field of PRIVATE_SLA_FIELDS) delete sla[field];
  return { ...full, sla };
}
