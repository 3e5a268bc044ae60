/**
 * A small dotenv parser, so campaign files need no dependency (`dotenv` is not installed and a transitive copy
 * could vanish with any upgrade). It reads the subset GIRAFF's `testbed/.env*` files use, plus what people
 * commonly write by hand:
 *
 * - `KEY=value`, `KEY = value`, and an optional `export ` prefix;
 * - blank lines and `#` comment lines; an unquoted value ends at a `#` preceded by whitespace (shell rule),
 *   so `a#b` keeps its `#`;
 * - `'single'` quotes: taken literally, on one line;
 * - `"double"` quotes: may span lines; escapes `\n`, `\r`, `\t`, `\"`, `\\` (any other `\x` is kept as is);
 * - an empty value (`KEY=`, `KEY=""`) is the empty string; the caller decides what empty means;
 * - no `${VAR}` expansion: `$` is literal. A repeated key keeps the last value.
 *
 * A syntax error names the line and the variable, never a value: campaign files hold passwords
 * (`G5K_PASSWORD: x` or `G5K_PASSWORD="a"x` must not print `x` or `a` on a terminal or in a CI log).
 */

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

const KEY = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=[ \t]*/;
/** The name a malformed line seems to set (`G5K_PASSWORD: x`), for the error; nothing after it is read. */
const LEADING_NAME = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)/;
const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

/** The variables of a dotenv text, in file order; throws {@link DotenvSyntaxError} on a malformed line. */
export function parseDotenv(text: string): Record<string, string> {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const out: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const match = KEY.exec(trimmed);
    if (match === null) {
      const name = LEADING_NAME.exec(trimmed)?.[1];
      const reason =
        name === undefined ? "expected KEY=value; the line does not start with a name" : "expected KEY=value";
      throw new DotenvSyntaxError(i + 1, reason, name);
    }
    const key = match[1]!;
    const rest = trimmed.slice(match[0].length);
    if (rest.startsWith('"')) {
      const { value, endLine, after } = readDoubleQuoted(lines, i, line.trimEnd().length - rest.length + 1, key);
      checkTrailing(after, endLine, key);
      out[key] = value;
      i = endLine - 1;
    } else if (rest.startsWith("'")) {
      const close = rest.indexOf("'", 1);
      if (close < 0) throw new DotenvSyntaxError(i + 1, "unterminated single quote", key);
      checkTrailing(rest.slice(close + 1), i + 1, key);
      out[key] = rest.slice(1, close);
    } else {
      out[key] = rest.replace(/(^|\s)#.*$/, "").trim();
    }
  }
  return out;
}

/** Reads from just after an opening `"` at (`startLine`, `column`) to the closing one, across lines. */
function readDoubleQuoted(
  lines: string[],
  startLine: number,
  column: number,
  key: string,
): { value: string; endLine: number; after: string } {
  let value = "";
  for (let l = startLine; l < lines.length; l++) {
    const text = lines[l]!;
    for (let c = l === startLine ? column : 0; c < text.length; c++) {
      const ch = text[c]!;
      if (ch === "\\" && c + 1 < text.length) {
        const next = text[++c]!;
        value += ESCAPES[next] ?? `\\${next}`;
      } else if (ch === '"') {
        return { value, endLine: l + 1, after: text.slice(c + 1) };
      } else {
        value += ch;
      }
    }
    value += "\n";
  }
  throw new DotenvSyntaxError(startLine + 1, "unterminated double quote", key);
}

function checkTrailing(after: string, line: number, key: string): void {
  const rest = after.trim();
  if (rest !== "" && !rest.startsWith("#")) {
    throw new DotenvSyntaxError(line, "unexpected text after the closing quote (quote the whole value)", key);
  }
}
