/**
 * The JavaScript side of the fast path: loads match-lines.wasm (built from wasm/match-lines.as.ts by
 * `npm run build:wasm`), lays out its memory, gives it the shapes learned by line-shape.ts, and moves the rows it
 * staged into the Parquet writer's column buffers (bulk copies, no per-value work in JavaScript).
 *
 * Memory, fixed for the life of the thread (one instance per worker thread; the tables are rewritten per file):
 *
 *   0          powers of ten for Eisel-Lemire: 696 × 128 bits       (written once)
 *   RECORDS    member records of the line being matched           (MAX_MEMBERS × 24 bytes)
 *   KINDS      kind records                                       (MAX_KINDS × 48 bytes)
 *   TABLES     per file: envelope, shapes' keys, column records   (bump-allocated, TABLES_BYTES)
 *   INPUT      the bytes read from the events file                (INPUT_BYTES, then a byte below 0x20 after the data)
 *   STAGING    per file: each shaped kind's staging columns       (bump-allocated, STAGING_BYTES)
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { AnalysisError } from "../errors.ts";
import type { ParquetFileWriter } from "../parquet/writer.ts";
import { CODE_BOOLEAN, CODE_DOUBLE, type KindPlan } from "./kind-plans.ts";
import { MAX_MEMBERS, type LineShape } from "./line-shape.ts";

/** The compiled module (wasm-lines.test.ts checks it is the build of the source). */
export const WASM_PATH = fileURLToPath(new URL("./wasm/match-lines.wasm", import.meta.url));

/** The little of the WebAssembly API used here (the project's TypeScript lib has no WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Exports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  configure(records: number, powers: number, kinds: number): void;
  setEnvelope(keys: number, keysLength: number, ends: number, count: number): void;
  setKindCount(n: number): void;
  run(pos: number, end: number): number;
  stopReason(): number;
  kindToFlush(): number;
  linesMatched(): number;
}

/** Why {@link WasmLines.run} stopped. */
export const Stop = { End: 0, Unmatched: 1, Flush: 2 } as const;

/** Rows a kind stages before they are moved to its Parquet writer. */
const STAGE_ROWS = 4096;
/** Bytes of strings a VARCHAR column stages (a flush comes earlier when they fill). */
const STAGE_STRING_BYTES = 256 << 10;
const MAX_KINDS = 64;
const KIND_SIZE = 48;
const COLUMN_SIZE = 36;
const RECORD_SIZE = 24;

/** The i32 fields of a kind record, as match-lines.as.ts's K_* byte offsets / 4. */
const K = {
  name: 0,
  nameLength: 1,
  keys: 2,
  members: 3,
  ends: 4,
  memberColumns: 5,
  envelopeColumns: 6,
  absent: 7,
  absentCount: 8,
  columns: 9,
  rows: 10,
  capacity: 11,
} as const;

/** The i32 fields of a column record, as match-lines.as.ts's C_* byte offsets / 4. */
const C = {
  code: 0,
  required: 1,
  levels: 2,
  values: 3,
  strings: 4,
  stringsCapacity: 5,
  valueCount: 6,
  stringsLength: 7,
  nulls: 8,
} as const;

const POWERS = 0;
const POWERS_BYTES = 696 * 16;
const RECORDS = align(POWERS + POWERS_BYTES, 64);
const KINDS = align(RECORDS + MAX_MEMBERS * RECORD_SIZE, 64);
const TABLES = align(KINDS + MAX_KINDS * KIND_SIZE, 64);
const TABLES_BYTES = 1 << 20;
const INPUT = TABLES + TABLES_BYTES;
/** The longest line read (a longer one is counted invalid, transcode-file.ts). */
export const INPUT_BYTES = 16 << 20;
const STAGING = align(INPUT + INPUT_BYTES + 64, 64);
const STAGING_BYTES = 40 << 20;
const MEMORY_BYTES = STAGING + STAGING_BYTES;

function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

let compiled: object | undefined;

/**
 * The compiled module, once per thread. ingestCampaign calls it before it starts, so that a missing or damaged
 * module stops ingestion with one clear error rather than failing every run.
 */
export function fastPathModule(): object {
  try {
    compiled ??= new wasmApi.Module(readFileSync(WASM_PATH));
  } catch (cause) {
    throw new AnalysisError(
      `Cannot load the ingestion fast path ${WASM_PATH}: ${(cause as Error).message}. ` +
        "It is part of the repository; `npm run build:wasm` builds it again from its source.",
      { cause },
    );
  }
  return compiled;
}

/** The 128-bit mantissas of 10^-348 … 10^347, truncated, low 64 bits first: Eisel-Lemire's table (as Go's strconv). */
export function powersOfTen(): BigUint64Array {
  const table = new BigUint64Array(696 * 2);
  const mask = (1n << 64n) - 1n;
  for (let e = -348; e <= 347; e++) {
    let m: bigint;
    if (e >= 0) {
      const v = 10n ** BigInt(e);
      const bits = v.toString(2).length;
      m = bits >= 128 ? v >> BigInt(bits - 128) : v << BigInt(128 - bits);
    } else {
      const d = 10n ** BigInt(-e);
      let k = 127 + d.toString(2).length;
      m = (1n << BigInt(k)) / d;
      while (m.toString(2).length > 128) m = (1n << BigInt(--k)) / d;
      while (m.toString(2).length < 128) m = (1n << BigInt(++k)) / d;
    }
    const row = (e + 348) * 2;
    table[row] = m & mask;
    table[row + 1] = m >> 64n;
  }
  return table;
}

/** One thread's fast path; {@link reset} before each file. */
export class WasmLines {
  private readonly exports: Exports;
  private readonly bytes: Uint8Array;
  private readonly i32: Int32Array;
  /** The input area: read events bytes here (up to {@link INPUT_BYTES}; the view has room for the end marker). */
  readonly input: Buffer;
  private tables = TABLES;
  private staging = STAGING;
  private kinds = 0;

  constructor() {
    this.exports = new wasmApi.Instance(fastPathModule(), {}).exports as Exports;
    const memory = this.exports.memory;
    memory.grow(Math.ceil((MEMORY_BYTES - memory.buffer.byteLength) / 65536));
    this.bytes = new Uint8Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
    this.input = Buffer.from(memory.buffer, INPUT, INPUT_BYTES + 64);
    new BigUint64Array(memory.buffer, POWERS, 696 * 2).set(powersOfTen());
    this.reset();
  }

  /** Forgets the shapes and staging of the previous file. */
  reset(): void {
    this.tables = TABLES;
    this.staging = STAGING;
    this.kinds = 0;
    this.exports.configure(RECORDS, POWERS, KINDS);
  }

  /** Matches and stages lines of `input[pos, end)` (input[end] must be below 0x20); answers where it stopped. */
  run(pos: number, end: number): number {
    return this.exports.run(INPUT + pos, INPUT + end) - INPUT;
  }

  get stopReason(): number {
    return this.exports.stopReason();
  }

  get linesMatched(): number {
    return this.exports.linesMatched();
  }

  /** The slot of the kind whose staging is full, when run stopped with {@link Stop.Flush}. */
  get kindToFlush(): number {
    return this.exports.kindToFlush();
  }

  /**
   * Gives the fast path a kind's shape (and, with the first, the file's envelope); answers the kind's slot, or
   * undefined when the tables or the staging area are full (the kind then keeps the general path).
   */
  addKind(
    name: Uint8Array,
    shape: LineShape,
    plan: KindPlan,
    envelope: { keys: Uint8Array; ends: Int32Array },
    writer: ParquetFileWriter,
  ): number | undefined {
    if (this.kinds === MAX_KINDS) return undefined;
    // the staging areas first (addresses only: nothing is written until every area fits)
    const staged = this.staging;
    const areas = Array.from(plan.columns, (_, c) => {
      const code = plan.codes[c]!;
      const isString = code !== CODE_DOUBLE && code !== CODE_BOOLEAN;
      const valueBytes = code === CODE_DOUBLE ? STAGE_ROWS * 8 : STAGE_ROWS;
      return {
        levels: plan.required[c] === 0 ? this.stage(STAGE_ROWS) : 0,
        values: isString ? 0 : this.stage(valueBytes),
        strings: isString ? this.stage(STAGE_STRING_BYTES) : 0,
      };
    });
    if (this.staging > STAGING + STAGING_BYTES) {
      this.staging = staged;
      return undefined;
    }
    const tablesNeeded =
      envelope.keys.length +
      name.length +
      shape.keys.length +
      4 * (envelope.ends.length + 2 * shape.columns.length + shape.envelopeColumns.length + shape.absent.length) +
      COLUMN_SIZE * plan.columns.length +
      8 * 64;
    if (this.tables + tablesNeeded > TABLES + TABLES_BYTES) {
      this.staging = staged;
      return undefined;
    }
    if (this.kinds === 0) {
      const keys = this.put(envelope.keys);
      this.exports.setEnvelope(keys, envelope.keys.length, this.putInts(envelope.ends), envelope.ends.length);
    }
    const i = this.i32;
    const columns = this.alloc(COLUMN_SIZE * plan.columns.length, 4);
    areas.forEach((area, c) => {
      const at = (columns + c * COLUMN_SIZE) / 4;
      i[at + C.code] = plan.codes[c]!;
      i[at + C.required] = plan.required[c]!;
      i[at + C.levels] = area.levels;
      i[at + C.values] = area.values;
      i[at + C.strings] = area.strings;
      // 16 bytes to spare: strings are copied 8 bytes at a time
      i[at + C.stringsCapacity] = area.strings === 0 ? 0 : STAGE_STRING_BYTES - 16;
      i[at + C.valueCount] = 0;
      i[at + C.stringsLength] = 0;
      i[at + C.nulls] = 0;
    });
    const slot = this.kinds++;
    const k = this.kindField(slot, 0);
    i[k + K.name] = this.put(name);
    i[k + K.nameLength] = name.length;
    i[k + K.keys] = this.put(shape.keys);
    i[k + K.members] = shape.columns.length;
    i[k + K.ends] = this.putInts(shape.keyEnds);
    i[k + K.memberColumns] = this.putInts(shape.columns);
    i[k + K.envelopeColumns] = this.putInts(shape.envelopeColumns);
    i[k + K.absent] = this.putInts(shape.absent);
    i[k + K.absentCount] = shape.absent.length;
    i[k + K.columns] = columns;
    i[k + K.rows] = 0;
    this.setCapacity(slot, writer);
    this.exports.setKindCount(this.kinds);
    return slot;
  }

  /** Rows staged for the kind in `slot`. */
  stagedRows(slot: number): number {
    return this.i32[this.kindField(slot, K.rows)]!;
  }

  /** Moves the rows staged for the kind in `slot` into its writer (the columns after the three origin ones). */
  flush(slot: number, plan: KindPlan, writer: ParquetFileWriter): void {
    const i = this.i32;
    const rows = i[this.kindField(slot, K.rows)]!;
    if (rows > 0) {
      const columns = i[this.kindField(slot, K.columns)]!;
      for (let c = 0; c < plan.columns.length; c++) {
        const at = (columns + c * COLUMN_SIZE) / 4;
        const code = i[at + C.code]!;
        const levels = i[at + C.levels]!;
        const count = i[at + C.valueCount]!;
        const from = code === CODE_DOUBLE || code === CODE_BOOLEAN ? i[at + C.values]! : i[at + C.strings]!;
        const bytes = code === CODE_DOUBLE ? count * 8 : code === CODE_BOOLEAN ? count : i[at + C.stringsLength]!;
        writer.columns[c + 3]!.putStaged(
          rows,
          i[at + C.nulls]!,
          levels === 0 ? undefined : this.bytes.subarray(levels, levels + rows),
          this.bytes.subarray(from, from + bytes),
          count,
        );
        i[at + C.valueCount] = 0;
        i[at + C.stringsLength] = 0;
        i[at + C.nulls] = 0;
      }
      for (let c = 0; c < 3; c++) writer.columns[c]!.putConstants(rows);
      writer.endRows(rows);
      i[this.kindField(slot, K.rows)] = 0;
    }
    this.setCapacity(slot, writer);
  }

  /** How many rows the kind in `slot` may stage: no more than its writer's row group has room for. */
  setCapacity(slot: number, writer: ParquetFileWriter): void {
    this.i32[this.kindField(slot, K.capacity)] = Math.min(STAGE_ROWS, writer.rowsLeftInGroup);
  }

  /** The index in {@link i32} of a field of the kind record in `slot`. */
  private kindField(slot: number, field: number): number {
    return (KINDS + slot * KIND_SIZE) / 4 + field;
  }

  private alloc(bytes: number, alignment: number): number {
    const at = align(this.tables, alignment);
    this.tables = at + bytes;
    return at;
  }

  private put(data: Uint8Array): number {
    const at = this.alloc(data.length, 8);
    this.bytes.set(data, at);
    return at;
  }

  private putInts(data: Int32Array): number {
    const at = this.alloc(data.length * 4, 4);
    this.i32.set(data, at / 4);
    return at;
  }

  /** The next staging area of `bytes`, 8-byte aligned (an address only: the caller checks the area's end). */
  private stage(bytes: number): number {
    const at = align(this.staging, 8);
    this.staging = at + bytes;
    return at;
  }
}
