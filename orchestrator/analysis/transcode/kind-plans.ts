/**
 * How each event kind is stored, derived from event-columns.ts (itself derived from the zod schemas): scalars as
 * DOUBLE, VARCHAR and BOOLEAN Parquet columns; a nested field (auction_result's bids, finished's errors: lists of
 * structs) as its JSON text in a VARCHAR column, which the kind's view turns into its LIST/STRUCT type
 * (event-store.ts): rarely read, so parsed only by the queries that read it. Every Parquet file starts with the
 * origin columns, constant per file.
 */
import type { EventColumn } from "../event-columns.ts";
import type { ParquetColumnSpec, ParquetType } from "../parquet/writer.ts";

/** The columns every stored row starts with, whatever its kind: VARCHAR, constant per Parquet file. */
export const ORIGIN_NAMES = ["run_key", "source_format", "source_file"] as const;

export interface KindPlan {
  kind: string;
  columns: readonly EventColumn[];
  /** Per column: how it is read ({@link CODE_DOUBLE} …), as a typed array for the hot path. */
  codes: Uint8Array;
  /** Per column: 1 when the field is required. */
  required: Uint8Array;
  /** Each column's field name as bytes, to match keys without building strings. */
  keys: readonly Buffer[];
  /** Field name → column index, for keys met out of the usual order. */
  byField: ReadonlyMap<string, number>;
}

export const CODE_DOUBLE = 0;
export const CODE_VARCHAR = 1;
export const CODE_BOOLEAN = 2;
/** A list field, kept as its JSON text. */
export const CODE_ARRAY = 3;
/** An object field, kept as its JSON text. */
export const CODE_OBJECT = 4;

function codeOf(c: EventColumn): number {
  if (c.type === "DOUBLE") return CODE_DOUBLE;
  if (c.type === "VARCHAR") return CODE_VARCHAR;
  if (c.type === "BOOLEAN") return CODE_BOOLEAN;
  return Array.isArray(c.structure) ? CODE_ARRAY : CODE_OBJECT;
}

/** A list or object field: stored as its JSON text, typed by the kind's view. */
export const isNested = (c: EventColumn): boolean => codeOf(c) > CODE_BOOLEAN;

/** The Parquet type a field is stored as: its own scalar type, VARCHAR (its JSON text) for a nested one. */
export const storedType = (c: EventColumn): ParquetType => (isNested(c) ? "VARCHAR" : (c.type as ParquetType));

export type KindPlans = ReadonlyMap<string, KindPlan>;

/**
 * The plans of every kind, from event-columns.ts's `EVENT_COLUMNS` (passed in: worker threads get the columns as
 * data, so they need not load zod and the event schemas).
 */
export const buildKindPlans = (columnsByKind: Readonly<Record<string, readonly EventColumn[]>>): KindPlans =>
  new Map(
    Object.entries(columnsByKind).map(([kind, columns]) => {
      const plan: KindPlan = {
        kind,
        columns,
        codes: Uint8Array.from(columns.map(codeOf)),
        required: Uint8Array.from(columns.map((c) => (c.required ? 1 : 0))),
        keys: columns.map((c) => Buffer.from(c.field, "latin1")),
        byField: new Map(columns.map((c, i) => [c.field, i])),
      };
      return [kind, plan];
    }),
  );

/** The Parquet columns of a kind's file for one source file of one run. */
export function parquetSpecs(plan: KindPlan, runKey: string, sourceFile: string): ParquetColumnSpec[] {
  const origin: Record<(typeof ORIGIN_NAMES)[number], string> = {
    run_key: runKey,
    source_format: "giraff-ts",
    source_file: sourceFile,
  };
  return [
    ...ORIGIN_NAMES.map((name) => ({ name, type: "VARCHAR" as const, required: true, constant: origin[name] })),
    ...plan.columns.map((c) => ({ name: c.column, type: storedType(c), required: c.required })),
  ];
}
