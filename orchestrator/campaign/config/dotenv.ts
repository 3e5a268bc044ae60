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
 */

/** A line that is not dotenv; `line` is 1-based. */
export class DotenvSyntaxError extends Error {
  override name = "DotenvSyntaxError";
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

const KEY = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=[ \t]*/;
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
    if (match === null) throw new DotenvSyntaxError(i + 1, `expected KEY=value, got ${JSON.stringify(trimmed)}`);
    const key = match[1]!;
    const rest = trimmed.slice(match[0].length);
    if (rest.startsWith('"')) {
      const { value, endLine, after } = readDoubleQuoted(lines, i, line.trimEnd().length - rest.length + 1);
      checkTrailing(after, endLine);
      out[key] = value;
      i = endLine - 1;
    } else if (rest.startsWith("'")) {
      const close = rest.indexOf("'", 1);
      if (close < 0) throw new DotenvSyntaxError(i + 1, `unterminated single quote in ${key}`);
      checkTrailing(rest.slice(close + 1), i + 1);
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
  throw new DotenvSyntaxError(startLine + 1, "unterminated double quote");
}

function checkTrailing(after: string, line: number): void {
  const rest = after.trim();
  if (rest !== "" && !rest.startsWith("#")) {
    throw new DotenvSyntaxError(line, `unexpected ${JSON.stringify(rest)} after the closing quote`);
  }
}
