/**
 * The columns of the event tables, derived from the zod schemas of `runtime/protocol/events.ts`, so a field added
 * there gets its column here without a second list to keep in step. Scalars map to DOUBLE, VARCHAR or BOOLEAN;
 * nested arrays and objects (auction_result.bids, refusals, paymentAttempts; finished.errors) map to DuckDB
 * LIST/STRUCT types, so views `unnest` them instead of parsing JSON text.
 */
import type { z } from "zod";
import { EVENT_KINDS, eventSchemas, type EventKind } from "../../runtime/protocol/events.ts";
import { quoteIdentifier, quoteLiteral, snakeCase } from "./sql.ts";

export interface EventColumn {
  /** The field's name in the JSON line (camelCase). */
  field: string;
  /** The table column (snake_case). */
  column: string;
  /** DuckDB type, e.g. `DOUBLE`, `STRUCT("nodeId" VARCHAR, …)[]`. */
  type: string;
  /** Not optional in the schema: a line without it is invalid. */
  required: boolean;
  /** The same type as a `json_transform` structure, e.g. `"DOUBLE"`, `[{"nodeId": "VARCHAR", …}]`. */
  structure: JsonStructure;
}

/** What `json_transform(json, structure)` takes: a type name, a one-element array, or an object of fields. */
export type JsonStructure = string | [JsonStructure] | { [field: string]: JsonStructure };

interface ZodDef {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: ZodDef } })._zod.def;

interface DuckType {
  type: string;
  structure: JsonStructure;
  optional: boolean;
}

const scalar = (type: string): DuckType => ({ type, structure: type, optional: false });

/** The DuckDB type of a zod schema (as SQL and as a json_transform structure), with whether it is optional. */
function duckType(schema: z.ZodType): DuckType {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "nullable": {
      return { ...duckType(def.innerType!), optional: true };
    }
    case "number":
      return scalar("DOUBLE");
    case "boolean":
      return scalar("BOOLEAN");
    case "string":
    case "enum":
    case "literal":
      return scalar("VARCHAR");
    case "array": {
      const element = duckType(def.element!);
      return { type: `${element.type}[]`, structure: [element.structure], optional: false };
    }
    case "object": {
      const fields = Object.entries(def.shape!).map(([k, v]) => [k, duckType(v)] as const);
      return {
        type: `STRUCT(${fields.map(([k, t]) => `${quoteIdentifier(k)} ${t.type}`).join(", ")})`,
        structure: Object.fromEntries(fields.map(([k, t]) => [k, t.structure])),
        optional: false,
      };
    }
    default:
      throw new TypeError(`No DuckDB type for the zod type \`${def.type}\` of an event field.`);
  }
}

/** The columns of one kind's table, in schema order, without `kind` (the table says it). */
export function eventColumns(kind: EventKind): EventColumn[] {
  const shape = (eventSchemas[kind] as unknown as { shape: Record<string, z.ZodType> }).shape;
  return Object.entries(shape)
    .filter(([field]) => field !== "kind")
    .map(([field, schema]) => {
      const { type, structure, optional } = duckType(schema);
      return { field, column: snakeCase(field), type, required: !optional, structure };
    });
}

export const EVENT_COLUMNS: Readonly<Record<EventKind, EventColumn[]>> = Object.fromEntries(
  EVENT_KINDS.map((kind) => [kind, eventColumns(kind)]),
) as Record<EventKind, EventColumn[]>;

/** The columns every stored row starts with, whatever its kind: VARCHAR, constant per run and events file. */
export const ORIGIN_NAMES = ["run_key", "source_format", "source_file"] as const;

/** A list or object field: stored as its JSON text, typed by the kind's view (event-store.ts). */
export const isNested = (c: EventColumn): boolean => typeof c.structure !== "string";

/** The type a field is stored as in Parquet: its own scalar type, VARCHAR (its JSON text) for a nested one. */
export const storedType = (c: EventColumn): string => (isNested(c) ? "VARCHAR" : c.type);

/**
 * Every field of every kind once, with the type DuckDB's `read_json` reads it as: the scalar's own type, `JSON` for
 * a nested one (kept as text, checked by {@link validEventSql}). No two kinds give one field two types (a test checks).
 */
export function readJsonFields(): Map<string, string> {
  const fields = new Map<string, string>([["kind", "VARCHAR"]]);
  for (const kind of EVENT_KINDS) {
    for (const c of EVENT_COLUMNS[kind]) {
      const type = isNested(c) ? "JSON" : c.type;
      const other = fields.get(c.field);
      if (other !== undefined && other !== type) {
        throw new TypeError(
          `The event field \`${c.field}\` is ${type} in \`${kind}\` and ${other} elsewhere: one type per field.`,
        );
      }
      fields.set(c.field, type);
    }
  }
  return fields;
}

/** `read_json`'s `columns = {…}` argument for every field of every kind. */
export function readJsonColumnsSql(): string {
  const fields = [...readJsonFields()].map(([field, type]) => `${quoteLiteral(field)}: ${quoteLiteral(type)}`);
  return `{${fields.join(", ")}}`;
}

/**
 * Whether a row read by `read_json` is a valid event, as SQL: a known kind, each required field present and not
 * null, each nested field a JSON array or object as its schema says. A line DuckDB cannot parse comes as a row of
 * NULLs (no kind), so it is invalid too.
 */
export function validEventSql(): string {
  const cases = EVENT_KINDS.map((kind) => {
    const checks = EVENT_COLUMNS[kind].flatMap((c) => {
      const col = quoteIdentifier(c.field);
      const nested = !isNested(c) ? [] : [`json_type(${col}) = ${Array.isArray(c.structure) ? "'ARRAY'" : "'OBJECT'"}`];
      if (c.required) return [`${col} IS NOT NULL`, ...nested];
      return nested.length === 0 ? [] : [`(${col} IS NULL OR ${nested[0]})`];
    });
    return `WHEN ${quoteLiteral(kind)} THEN ${checks.length === 0 ? "true" : checks.join(" AND ")}`;
  });
  return `coalesce(CASE kind ${cases.join(" ")} ELSE false END, false)`;
}
