/**
 * The columns of the event tables, derived from the zod schemas of `runtime/protocol/events.ts`, so a field added
 * there gets its column here without a second list to keep in step. Scalars map to DOUBLE, VARCHAR or BOOLEAN;
 * nested arrays and objects (auction_result.bids, refusals, paymentAttempts; finished.errors) map to DuckDB
 * LIST/STRUCT types, so views `unnest` them instead of parsing JSON text.
 */
import type { z } from "zod";
import { EVENT_KINDS, eventSchemas, type EventKind } from "../../runtime/protocol/events.ts";
import { quoteIdentifier, snakeCase } from "./sql.ts";

export interface EventColumn {
  /** The field's name in the JSON line (camelCase). */
  field: string;
  /** The table column (snake_case). */
  column: string;
  /** DuckDB type, e.g. `DOUBLE`, `STRUCT("nodeId" VARCHAR, …)[]`. */
  type: string;
  /** Not optional in the schema: a line without it is invalid. */
  required: boolean;
}

interface ZodDef {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: ZodDef } })._zod.def;

/** The DuckDB type of a zod schema, with whether it is optional. */
function duckType(schema: z.ZodType): { type: string; optional: boolean } {
  const def = defOf(schema);
  switch (def.type) {
    case "optional":
    case "nullable": {
      return { type: duckType(def.innerType!).type, optional: true };
    }
    case "number":
      return { type: "DOUBLE", optional: false };
    case "boolean":
      return { type: "BOOLEAN", optional: false };
    case "string":
    case "enum":
    case "literal":
      return { type: "VARCHAR", optional: false };
    case "array":
      return { type: `${duckType(def.element!).type}[]`, optional: false };
    case "object": {
      const fields = Object.entries(def.shape!).map(([k, v]) => `${quoteIdentifier(k)} ${duckType(v).type}`);
      return { type: `STRUCT(${fields.join(", ")})`, optional: false };
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
      const { type, optional } = duckType(schema);
      return { field, column: snakeCase(field), type, required: !optional };
    });
}

export const EVENT_COLUMNS: Readonly<Record<EventKind, EventColumn[]>> = Object.fromEntries(
  EVENT_KINDS.map((kind) => [kind, eventColumns(kind)]),
) as Record<EventKind, EventColumn[]>;

/**
 * Every field of every kind with one type: what the single `read_json` pass over a file reads. Throws when two
 * kinds give the same field different types (then this one-pass design needs a rename in events.ts).
 */
export function unionColumns(): Map<string, string> {
  const union = new Map<string, string>([["kind", "VARCHAR"]]);
  for (const kind of EVENT_KINDS) {
    for (const c of EVENT_COLUMNS[kind]) {
      const seen = union.get(c.field);
      if (seen !== undefined && seen !== c.type) {
        throw new TypeError(`The event field \`${c.field}\` is ${seen} in one kind and ${c.type} in \`${kind}\`.`);
      }
      union.set(c.field, c.type);
    }
  }
  return union;
}
