/**
 * SQL text helpers. Every identifier and literal that reaches DuckDB goes through one of these, so a run key or a
 * file name with a quote in it cannot change the meaning of a statement (STYLE.md principle 14).
 */

/** `"name"`, with embedded double quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `'text'`, with embedded single quotes doubled. */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** `slaId` → `sla_id`: event fields are camelCase on the wire and snake_case in tables. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A DuckDB `[...]` list literal of strings, e.g. the files of one `read_json` call. */
export function listLiteral(items: readonly string[]): string {
  return `[${items.map(quoteLiteral).join(", ")}]`;
}
