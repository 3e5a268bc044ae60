/**
 * A small streaming Parquet writer for flat tables of DOUBLE, VARCHAR and BOOLEAN columns, written for ingestion's
 * hot path: values are appended column by column (strings as UTF-8 byte ranges of the line they came from, copied
 * once), rows are cut into row groups of `rowGroupRows`, and each column chunk is one uncompressed PLAIN data page.
 * Constant columns (the run key, the source file) cost nothing per row: a one-entry dictionary and one RLE run.
 *
 * The format follows the Parquet specification (apache/parquet-format): "PAR1", the column chunks, the Thrift
 * compact FileMetaData, its length and "PAR1". What it writes is what DuckDB reads back; writer.test.ts checks it.
 */
import { closeSync, openSync, writeSync, writevSync } from "node:fs";
import { endianness } from "node:os";
import { binary, encodeStruct, i32, i64, list, struct, writeVarint, type ThriftStruct } from "./thrift.ts";

export type ParquetType = "DOUBLE" | "VARCHAR" | "BOOLEAN";

export interface ParquetColumnSpec {
  name: string;
  type: ParquetType;
  /** REQUIRED (never null) or OPTIONAL. */
  required: boolean;
  /** The same value in every row of the file (a VARCHAR), e.g. the run key. */
  constant?: string;
}

const MAGIC = Buffer.from("PAR1");
const PHYSICAL = { BOOLEAN: 0, DOUBLE: 5, VARCHAR: 6 } as const;
const ENCODING = { PLAIN: 0, RLE: 3, RLE_DICTIONARY: 8 } as const;
const PAGE = { DATA: 0, DICTIONARY: 2 } as const;
const CONVERTED_UTF8 = 0;

if (endianness() !== "LE")
  throw new Error("The Parquet writer stores doubles as they are in memory: little-endian only.");

/** A growable byte buffer. */
class Bytes {
  buf = Buffer.allocUnsafe(1 << 16);
  n = 0;
  reserve(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + extra) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.n);
    this.buf = next;
  }
}

/** One column's values for the current row group. */
export class ColumnBuffer {
  /** Definition levels (1 = present) of an OPTIONAL column, one per row. */
  private defs = new Uint8Array(1024);
  private rows = 0;
  private nulls = 0;
  private doubles = new Float64Array(1024);
  private bools = new Uint8Array(1024);
  private values = 0;
  /** PLAIN BYTE_ARRAY: 4-byte little-endian length, then the bytes. */
  private strings = new Bytes();
  /** What {@link undoLast} takes back. */
  private lastNull = false;
  private lastStringStart = 0;

  /** Has definition levels (a plain field: spec lookups are slower on the hot path). */
  private readonly optional: boolean;

  constructor(readonly spec: ParquetColumnSpec) {
    this.optional = !spec.required && spec.constant === undefined;
  }

  putNull(): void {
    if (!this.optional) throw new Error(`Column ${this.spec.name} is REQUIRED: it cannot hold a null.`);
    this.def(0);
    this.nulls++;
    this.lastNull = true;
  }

  putDouble(v: number): void {
    this.def(1);
    if (this.values === this.doubles.length) this.doubles = grow(this.doubles);
    this.doubles[this.values++] = v;
  }

  putBool(v: boolean): void {
    this.def(1);
    if (this.values === this.bools.length) this.bools = grow(this.bools);
    this.bools[this.values++] = v ? 1 : 0;
  }

  /** A string given as UTF-8 bytes `src[start, end)` (copied). */
  putBytes(src: Buffer, start: number, end: number): void {
    this.def(1);
    const s = this.strings;
    const len = end - start;
    this.lastStringStart = s.n;
    s.reserve(len + 4);
    const out = s.buf;
    let at = s.n;
    out[at] = len & 0xff;
    out[at + 1] = (len >>> 8) & 0xff;
    out[at + 2] = (len >>> 16) & 0xff;
    out[at + 3] = len >>> 24;
    at += 4;
    // short strings (ids, names) copy faster byte by byte than through Buffer#copy's argument checks
    if (len <= 64) for (let i = start; i < end; i++) out[at++] = src[i]!;
    else src.copy(out, at, start, end);
    s.n += len + 4;
    this.values++;
  }

  putString(v: string): void {
    const bytes = Buffer.from(v, "utf8");
    this.putBytes(bytes, 0, bytes.length);
  }

  /**
   * Appends `rows` rows at once, laid out as this buffer holds them: their definition levels (`defs`, 1 = present;
   * optional columns only), then `count` values, PLAIN: 8-byte little-endian doubles, one byte per boolean, or
   * length-prefixed strings, as `values` bytes. For the transcoder's staged rows (wasm-lines.ts).
   */
  putStaged(rows: number, nulls: number, defs: Uint8Array | undefined, values: Uint8Array, count: number): void {
    if (this.optional) {
      if (defs === undefined) throw new Error(`Column ${this.spec.name} is OPTIONAL: staged rows need their levels.`);
      while (this.rows + rows > this.defs.length) this.defs = grow(this.defs);
      this.defs.set(defs.subarray(0, rows), this.rows);
    } else if (nulls > 0) throw new Error(`Column ${this.spec.name} is REQUIRED: it cannot hold a null.`);
    this.rows += rows;
    this.nulls += nulls;
    if (this.spec.type === "DOUBLE") {
      while (this.values + count > this.doubles.length) this.doubles = grow(this.doubles);
      new Uint8Array(this.doubles.buffer).set(values.subarray(0, count * 8), this.values * 8);
    } else if (this.spec.type === "BOOLEAN") {
      while (this.values + count > this.bools.length) this.bools = grow(this.bools);
      this.bools.set(values.subarray(0, count), this.values);
    } else {
      const s = this.strings;
      s.reserve(values.length);
      s.buf.set(values, s.n);
      s.n += values.length;
    }
    this.values += count;
    this.lastNull = false;
  }

  /** For a constant column: `n` more rows. */
  putConstants(n: number): void {
    this.rows += n;
  }

  /** Takes back the last value put (a row found invalid half-way through). */
  undoLast(): void {
    this.rows--;
    if (this.lastNull) this.nulls--;
    else {
      this.values--;
      if (this.spec.type === "VARCHAR") this.strings.n = this.lastStringStart;
    }
  }

  /** For a constant column: one more row (its value is in the dictionary). */
  putConstant(): void {
    this.rows++;
  }

  private def(level: number): void {
    this.lastNull = false;
    if (this.optional) {
      if (this.rows === this.defs.length) this.defs = grow(this.defs);
      this.defs[this.rows] = level;
    }
    this.rows++;
  }

  /** The chunk's pages for this row group (dictionary page first for a constant column), then resets. */
  takePages(): { dictionary?: Uint8Array[]; data: Uint8Array[]; values: number } {
    const rows = this.rows;
    const parts: Uint8Array[] = [];
    let dictionary: Uint8Array[] | undefined;
    if (this.spec.constant !== undefined) {
      const value = Buffer.from(this.spec.constant, "utf8");
      const plain = Buffer.allocUnsafe(4 + value.length);
      plain.writeUInt32LE(value.length, 0);
      value.copy(plain, 4);
      dictionary = page(
        PAGE.DICTIONARY,
        [plain],
        [
          7,
          struct([
            [1, i32(1)],
            [2, i32(ENCODING.PLAIN)],
          ]),
        ],
      );
      // bit width 1, then one RLE run of index 0 over every row
      const run: number[] = [1];
      writeVarint(run, rows * 2);
      run.push(0);
      parts.push(Buffer.from(run));
    } else {
      if (this.optional) parts.push(encodeLevels(this.defs, rows, this.nulls === 0));
      const n = this.values;
      // views of this buffer's arrays, not copies: they are written before the buffer is used again
      if (this.spec.type === "DOUBLE") parts.push(new Uint8Array(this.doubles.buffer, 0, n * 8));
      else if (this.spec.type === "BOOLEAN") parts.push(packBits(this.bools, n));
      else parts.push(this.strings.buf.subarray(0, this.strings.n));
    }
    const encoding = this.spec.constant !== undefined ? ENCODING.RLE_DICTIONARY : ENCODING.PLAIN;
    const data = page(PAGE.DATA, parts, [
      5,
      struct([
        [1, i32(rows)],
        [2, i32(encoding)],
        [3, i32(ENCODING.RLE)],
        [4, i32(ENCODING.RLE)],
      ]),
    ]);
    this.rows = 0;
    this.nulls = 0;
    this.values = 0;
    this.strings.n = 0;
    return { dictionary, data, values: rows };
  }
}

/** A page: its Thrift PageHeader then its (uncompressed) content, as the parts to write one after the other. */
function page(type: number, content: Uint8Array[], header: [number, ReturnType<typeof struct>]): Uint8Array[] {
  const size = content.reduce((sum, part) => sum + part.length, 0);
  const fields: ThriftStruct = [[1, i32(type)], [2, i32(size)], [3, i32(size)], header];
  return [encodeStruct(fields), ...content];
}

/** Definition levels (bit width 1) in the RLE/bit-packed hybrid, prefixed by their byte length. */
function encodeLevels(levels: Uint8Array, n: number, allPresent: boolean): Buffer {
  const body: number[] = [];
  if (allPresent) {
    writeVarint(body, n * 2);
    body.push(1);
  } else {
    const groups = Math.ceil(n / 8);
    writeVarint(body, groups * 2 + 1);
    const header = Buffer.from(body);
    const packed = packBits(levels, n);
    const out = Buffer.allocUnsafe(4 + header.length + packed.length);
    out.writeUInt32LE(header.length + packed.length, 0);
    header.copy(out, 4);
    packed.copy(out, 4 + header.length);
    return out;
  }
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32LE(body.length, 0);
  Buffer.from(body).copy(out, 4);
  return out;
}

/** 0/1 bytes packed eight to a byte, least significant bit first (PLAIN booleans, bit-packed levels). */
function packBits(bits: Uint8Array, n: number): Buffer {
  const out = Buffer.alloc(Math.ceil(n / 8));
  for (let i = 0; i < n; i++) if (bits[i]) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

function grow<T extends Float64Array | Uint8Array>(a: T): T {
  const next = new (a.constructor as new (n: number) => T)(a.length * 2);
  next.set(a);
  return next;
}

/** What is wrong with a row group size (a whole number of rows, at least 1), or undefined. */
export function rowGroupRowsProblem(rowGroupRows: number): string | undefined {
  return Number.isInteger(rowGroupRows) && rowGroupRows >= 1
    ? undefined
    : `rowGroupRows is ${rowGroupRows}: it must be a whole number of rows, at least 1.`;
}

interface ChunkMeta {
  offset: number;
  dictionaryOffset?: number;
  dataOffset: number;
  bytes: number;
  values: number;
}

/**
 * One Parquet file, written as rows arrive: append each row's value to every column of {@link columns}, call
 * {@link endRow}, and {@link close} at the end. Synchronous file writes: it runs in a worker thread.
 */
export class ParquetFileWriter {
  readonly columns: ColumnBuffer[];
  private readonly fd: number;
  private offset = 0;
  private rowsInGroup = 0;
  private totalRows = 0;
  private readonly groups: { rows: number; bytes: number; chunks: ChunkMeta[] }[] = [];

  constructor(
    readonly path: string,
    readonly specs: readonly ParquetColumnSpec[],
    private readonly rowGroupRows = 122_880,
  ) {
    const problem = rowGroupRowsProblem(rowGroupRows);
    if (problem !== undefined) throw new Error(problem);
    this.columns = specs.map((s) => new ColumnBuffer(s));
    this.fd = openSync(path, "w");
    this.write(MAGIC);
  }

  get rows(): number {
    return this.totalRows;
  }

  endRow(): void {
    this.totalRows++;
    if (++this.rowsInGroup >= this.rowGroupRows) this.flushGroup();
  }

  /** Rows that may still be added before the current row group is full (and written). */
  get rowsLeftInGroup(): number {
    return this.rowGroupRows - this.rowsInGroup;
  }

  /** Ends `n` rows put at once (ColumnBuffer.putStaged); at most {@link rowsLeftInGroup}, so groups keep their size. */
  endRows(n: number): void {
    if (n > this.rowsLeftInGroup)
      throw new Error(`${n} rows do not fit in the row group (${this.rowsLeftInGroup} left).`);
    this.totalRows += n;
    this.rowsInGroup += n;
    if (this.rowsInGroup >= this.rowGroupRows) this.flushGroup();
  }

  close(): void {
    try {
      if (this.rowsInGroup > 0) this.flushGroup();
      const footer = encodeStruct(this.metadata());
      const length = Buffer.allocUnsafe(4);
      length.writeUInt32LE(footer.length, 0);
      this.write(footer);
      this.write(length);
      this.write(MAGIC);
    } finally {
      closeSync(this.fd);
    }
  }

  /** Closes the file without a footer (the caller deletes it). */
  abort(): void {
    closeSync(this.fd);
  }

  private write(bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done);
    this.offset += bytes.length;
  }

  /** Writes the parts one after the other, in as few system calls as the kernel allows. */
  private writeParts(parts: Uint8Array[]): void {
    let total = 0;
    for (const p of parts) total += p.length;
    let written = writevSync(this.fd, parts);
    if (written < total) {
      // a short write: finish part by part
      for (const p of parts) {
        if (written >= p.length) {
          written -= p.length;
          continue;
        }
        let at = written;
        written = 0;
        while (at < p.length) at += writeSync(this.fd, p, at, p.length - at);
      }
    }
    this.offset += total;
  }

  private flushGroup(): void {
    const start = this.offset;
    const chunks = this.columns.map((column) => {
      const { dictionary, data, values } = column.takePages();
      const offset = this.offset;
      let dictionaryOffset: number | undefined;
      if (dictionary !== undefined) {
        dictionaryOffset = this.offset;
        this.writeParts(dictionary);
      }
      const dataOffset = this.offset;
      this.writeParts(data);
      return { offset, dictionaryOffset, dataOffset, bytes: this.offset - offset, values };
    });
    this.groups.push({ rows: this.rowsInGroup, bytes: this.offset - start, chunks });
    this.rowsInGroup = 0;
  }

  private metadata(): ThriftStruct {
    const schema = [
      struct([
        [4, binary("schema")],
        [5, i32(this.specs.length)],
      ]),
      ...this.specs.map((s) =>
        struct([
          [1, i32(PHYSICAL[s.type])],
          [3, i32(s.required || s.constant !== undefined ? 0 : 1)],
          [4, binary(s.name)],
          [6, s.type === "VARCHAR" ? i32(CONVERTED_UTF8) : undefined],
        ]),
      ),
    ];
    const rowGroups = this.groups.map((g) =>
      struct([
        [
          1,
          list(
            "struct",
            g.chunks.map((c, i) => {
              const s = this.specs[i]!;
              const encodings =
                s.constant !== undefined
                  ? [ENCODING.PLAIN, ENCODING.RLE, ENCODING.RLE_DICTIONARY]
                  : [ENCODING.PLAIN, ENCODING.RLE];
              return struct([
                [2, i64(c.offset)],
                [
                  3,
                  struct([
                    [1, i32(PHYSICAL[s.type])],
                    [2, list("i32", encodings.map(i32))],
                    [3, list("binary", [binary(s.name)])],
                    [4, i32(0)],
                    [5, i64(c.values)],
                    [6, i64(c.bytes)],
                    [7, i64(c.bytes)],
                    [9, i64(c.dataOffset)],
                    [11, c.dictionaryOffset === undefined ? undefined : i64(c.dictionaryOffset)],
                  ]),
                ],
              ]);
            }),
          ),
        ],
        [2, i64(g.bytes)],
        [3, i64(g.rows)],
      ]),
    );
    return [
      [1, i32(1)],
      [2, list("struct", schema)],
      [3, i64(this.totalRows)],
      [4, list("struct", rowGroups)],
      [6, binary("giraff-ts ingestion")],
    ];
  }
}
