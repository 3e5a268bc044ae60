/**
 * Credentials come from the campaign's `.env` and must never reach a log line, an error, a result or a state file.
 * Every sentence the client writes goes through {@link Redactor}: the password, the Basic token and anything that
 * looks like an `Authorization` header or a password field are replaced, even in text the server echoed.
 */

export const REDACTED = "[redacted]";

export interface Redactor {
  (text: string): string;
}

/** A redactor for these secrets (empty strings are ignored), plus the generic header and field patterns. */
export function makeRedactor(secrets: readonly string[]): Redactor {
  const literal = secrets.filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const secret of literal) out = out.split(secret).join(REDACTED);
    out = out.replace(/(authorization\s*[:=]\s*)("?)(basic|bearer)?\s*[^\s",}]+/gi, `$1$2${REDACTED}`);
    out = out.replace(/("?password"?\s*[:=]\s*)("?)[^\s",}]+/gi, `$1$2${REDACTED}`);
    out = out.replace(/(\/\/[^/\s:@]+):[^@/\s]+@/g, `$1:${REDACTED}@`);
    return out;
  };
}
