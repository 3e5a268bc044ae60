/**
 * Campaign files are read by `dotenv.parse`, one line at a time, with our checks on top. A line is blank, a `#`
 * comment, or one `KEY=value` entry that dotenv reads; any other line is an error naming its number (and the
 * variable it seems to set), never its text: campaign files hold passwords (`G5K_PASSWORD: x` must not print `x`).
 *
 * Where dotenv's syntax is wider or differs from the shell that sources GIRAFF's `testbed/.env*` files, we decided:
 * - `KEY: value` (dotenv reads it, bash does not): an error, since it is what a pasted YAML credentials file looks like;
 * - an unquoted `#` that does not start a comment (`A=a#b`: dotenv reads `a`, bash `a#b`): an error asking for quotes,
 *   so a password with a `#` is never cut silently;
 * - a quote that does not close on its line (dotenv and bash read on, across lines) and text after the closing quote
 *   (`A="x" y`: dotenv keeps the quotes): errors; campaign values fit on one line;
 * - as dotenv does: `export ` prefixes, `'single'`, `"double"` and `` `backtick` `` quotes, only `\n` and `\r` escaped
 *   in double quotes (other backslashes stay), no `${VAR}` expansion, keys of `[\w.-]`, the last of repeated keys.
 * Value rules (what a variable may hold, what empty means) belong to the typed config, not here.
 */
import dotenv from "dotenv";

/** A line that is not dotenv; `line` is 1-based. The message holds no text of the file but a variable's name. */
export class DotenvSyntaxError extends Error {
  override name = "DotenvSyntaxError";
  constructor(
    readonly line: number,
    readonly reason: string,
    /** The variable the line sets, when its name could be read. */
    readonly variable?: string,
  ) {
    super(`line ${line}${variable === undefined ? "" : ` (${variable})`}: ${reason}`);
  }
}

/** The start of an entry, in dotenv's key syntax, `=` form only; what follows is the raw value. */
const ENTRY = /^\s*(?:export\s+)?([\w.-]+)\s*=/;
/** The name a malformed line seems to set (`G5K_PASSWORD: x`), for the error; nothing after it is read. */
const LEADING_NAME = /^\s*(?:export\s+)?([A-Za-z_][\w.-]*)/;
/** A value quoted whole on its line, as dotenv's grammar reads it (an escaped quote does not close), then a comment. */
const QUOTED: Record<string, RegExp> = {
  "'": /^'(?:\\'|[^'])*'\s*(?:#.*)?$/,
  '"': /^"(?:\\"|[^"])*"\s*(?:#.*)?$/,
  "`": /^`(?:\\`|[^`])*`\s*(?:#.*)?$/,
};
const QUOTE_NAMES: Record<string, string> = { "'": "single", '"': "double", "`": "backtick" };

/** The variables of a dotenv text; throws {@link DotenvSyntaxError} on the first line that breaks a rule above. */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r\n?|\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed === "\uFEFF") return;
    const entry = ENTRY.exec(line);
    if (entry === null) throw notAnEntry(line, i + 1);
    const key = entry[1]!;
    checkValue(line.slice(entry[0].length).trimEnd(), i + 1, key);
    const parsed = Object.entries(dotenv.parse(line));
    // ENTRY is narrower than dotenv's own pattern, so dotenv reads every line it accepts; kept as a guard
    if (parsed.length !== 1 || parsed[0]![0] !== key) throw new DotenvSyntaxError(i + 1, "dotenv cannot read it", key);
    out[key] = parsed[0]![1];
  });
  return out;
}

function notAnEntry(line: string, number: number): DotenvSyntaxError {
  const name = LEADING_NAME.exec(line)?.[1];
  if (name === undefined)
    return new DotenvSyntaxError(number, "expected KEY=value; the line does not start with a name");
  const colon = new RegExp(`^\\s*(?:export\\s+)?${name.replace(/[.-]/g, "\\$&")}:`).test(line);
  return new DotenvSyntaxError(
    number,
    colon ? "expected KEY=value, not KEY: value (YAML)" : "expected KEY=value",
    name,
  );
}

/** Refuses the values dotenv would read otherwise than a person (or bash) would: see the module comment. */
function checkValue(raw: string, line: number, key: string): void {
  const value = raw.trimStart();
  const quote = value[0];
  if (quote !== undefined && quote in QUOTED) {
    if (QUOTED[quote]!.test(value)) return;
    const closes = new RegExp(`^${quote}(?:\\\\${quote}|[^${quote}])*${quote}`).test(value);
    const reason = closes
      ? "unexpected text after the closing quote (quote the whole value)"
      : `unterminated ${QUOTE_NAMES[quote]} quote (a campaign value fits on one line)`;
    throw new DotenvSyntaxError(line, reason, key);
  }
  // `raw` starts right after `=`: a `#` there, or after a non-space, is inside the value
  const hash = raw.indexOf("#");
  if (hash >= 0 && (hash === 0 || !/\s/.test(raw[hash - 1]!))) {
    throw new DotenvSyntaxError(
      line,
      "a `#` inside an unquoted value, where dotenv would end it: quote the value",
      key,
    );
  }
}
