/**
 * One events file (`events/<process>.jsonl`) into Parquet, one file per kind it holds. Each line is checked against
 * its kind's columns (a required field missing, null or of the wrong JSON type, an unknown kind, a line that is not
 * one JSON object, or bad UTF-8 makes the line invalid, counted, never fatal) and its values are appended to that
 * kind's Parquet writer (a nested field as its JSON text, kind-plans.ts). Two paths, one outcome:
 *
 * - the fast path (wasm-lines.ts, wasm/match-lines.as.ts) takes the lines that match their kind's shape
 *   (line-shape.ts) and hold nothing unusual, and stages their values in WebAssembly memory, moved to the writers in
 *   bulk; nearly every line our runtime writes is one;
 * - the general path takes every other line: scanned in place (json-line.ts), keys looked up, each value checked and
 *   stored by storeValue. A line of a kind with no shape yet teaches the kind its shape.
 *
 * Rows keep the file's order in each kind (a kind's staged rows are moved before the general path stores one). Only reads
 * the events file; writes `<kind>/<stem>.parquet` under `outDir`.
 */
import { isUtf8 } from "node:buffer";
import { closeSync, mkdirSync, openSync, readSync } from "node:fs";
import { join } from "node:path";
import { AnalysisError } from "../errors.ts";
import { ParquetFileWriter, type ColumnBuffer } from "../parquet/writer.ts";
import {
  decodeEscaped,
  decodeNumber,
  FIELD_SLOTS,
  fields,
  FLAG_ESCAPED,
  MAX_FIELDS,
  scanLine,
  ValueType,
  valueFlags,
} from "./json-line.ts";
import { LineShapes, type LineShape } from "./line-shape.ts";
import { INPUT_BYTES, Stop, WasmLines } from "./wasm-lines.ts";
import {
  CODE_ARRAY,
  CODE_BOOLEAN,
  CODE_DOUBLE,
  CODE_VARCHAR,
  parquetSpecs,
  type KindPlan,
  type KindPlans,
} from "./kind-plans.ts";

export interface TranscodeJob {
  /** The events file. */
  path: string;
  runKey: string;
  /** Stored in `source_file` (the path relative to the campaign directory). */
  sourceFile: string;
  /** Where `<kind>/<stem>.parquet` is written. */
  outDir: string;
  stem: string;
  /** Rows per Parquet row group (tests make it small). */
  rowGroupRows?: number;
}

export interface TranscodeResult {
  path: string;
  bytes: number;
  /** Newline-terminated lines, plus one for a non-empty unterminated tail. */
  lines: number;
  tornLastLine: boolean;
  /** Lines the fast path took (the rest took the general path). */
  fastLines: number;
  /** Per kind met: the Parquet file written and its rows (the valid lines). */
  parquet: { kind: string; path: string; rows: number }[];
}

/** A longer line (an auction over many thousands of nodes) is counted invalid, as DuckDB's JSON reader would. */
export const MAX_LINE_BYTES = INPUT_BYTES;

interface KindOutput {
  plan: KindPlan;
  writer: ParquetFileWriter;
  /** The kind's name as bytes. */
  name: Buffer;
  /** Column index of the member at each position, as last seen (lines of one kind repeat their key order). */
  order: Int32Array;
  /** Its lines' shape, once learned (line-shape.ts). */
  shape: LineShape | undefined;
  /** Its slot in the fast path, once it has a shape there; -1 before. */
  slot: number;
  /** Lines the shape was learned from in vain (with whitespace…): after a few, the kind keeps the general path. */
  attempts: number;
}

/** How many accepted lines of a kind may fail to give a shape before the file stops trying. */
const SHAPE_ATTEMPTS = 8;

/** The thread's fast path (one file at a time per thread: transcodeFile is synchronous). */
let fastPath: WasmLines | undefined;

export function transcodeFile(job: TranscodeJob, plans: KindPlans): TranscodeResult {
  fastPath ??= new WasmLines();
  fastPath.reset();
  return new FileTranscoder(job, plans, fastPath).run();
}

class FileTranscoder {
  private readonly outputs = new Map<string, KindOutput>();
  /** The member holding each column in the current line, valid where `stamp[c] === line`. */
  private readonly slots = new Int32Array(MAX_FIELDS);
  private readonly stamp = new Float64Array(MAX_FIELDS).fill(-1);
  private lines = 0;
  private fastLines = 0;
  private readonly known: KindOutput[] = [];
  private readonly shapes = new LineShapes();
  /** The kinds with a slot in the fast path, by slot. */
  private readonly bySlot: KindOutput[] = [];

  constructor(
    private readonly job: TranscodeJob,
    private readonly plans: KindPlans,
    private readonly fast: WasmLines,
  ) {}

  run(): TranscodeResult {
    const { job } = this;
    // the bytes are read into the fast path's memory, where both paths read them
    const buf = this.fast.input;
    let bytes = 0;
    let tornLastLine = false;
    const fd = openSync(job.path, "r");
    try {
      let start = 0;
      let end = 0;
      let skipping = false;
      for (;;) {
        if (start > 0) {
          buf.copy(buf, 0, start, end);
          end -= start;
          start = 0;
        }
        if (end === MAX_LINE_BYTES) {
          // an over-long line: drop what we have of it, count it once its newline comes
          skipping = true;
          end = 0;
        }
        const read = readSync(fd, buf, end, MAX_LINE_BYTES - end, null);
        if (read === 0) break;
        bytes += read;
        const from = end;
        end += read;
        buf[end] = 0; // where the data ends: below 0x20, so no match or scan runs past it
        if (skipping) {
          const nl = buf.indexOf(10, from);
          if (nl === -1 || nl >= end) {
            end = 0;
            continue;
          }
          this.lines++;
          skipping = false;
          start = nl + 1;
        }
        start = this.completeLines(buf, start, end);
      }
      if (skipping) {
        this.lines++;
        tornLastLine = true;
      } else if (end > start) {
        tornLastLine = true;
        buf[end] = 10; // the newline scanLine expects after a line
        this.line(buf, start, end);
      }
      this.flushAll();
    } catch (err) {
      for (const o of this.outputs.values()) o.writer.abort();
      throw err;
    } finally {
      closeSync(fd);
    }
    const parquet = [...this.outputs].map(([kind, o]) => {
      o.writer.close();
      return { kind, path: o.writer.path, rows: o.writer.rows };
    });
    return { path: job.path, bytes, lines: this.lines, tornLastLine, fastLines: this.fastLines, parquet };
  }

  /** The complete lines of `buf[start, end)`: the fast path while it takes them, else the general path. */
  private completeLines(buf: Buffer, start: number, end: number): number {
    const fast = this.fast;
    let pos = start;
    while (pos < end) {
      pos = fast.run(pos, end);
      if (pos > end) throw new AnalysisError(`The ingestion fast path read past the data of ${this.job.path}.`);
      const matched = fast.linesMatched;
      this.lines += matched;
      this.fastLines += matched;
      const stop = fast.stopReason;
      if (stop === Stop.End) break;
      if (stop === Stop.Flush) {
        const out = this.bySlot[fast.kindToFlush]!;
        fast.flush(out.slot, out.plan, out.writer);
        continue;
      }
      const nl = buf.indexOf(10, pos);
      if (nl === -1 || nl >= end) break; // the rest of this line has not been read yet
      this.line(buf, pos, nl);
      pos = nl + 1;
    }
    return pos;
  }

  /** Moves every kind's staged rows to its writer (at the end of the file). */
  private flushAll(): void {
    const fast = this.fast;
    for (const out of this.bySlot) if (fast.stagedRows(out.slot) > 0) fast.flush(out.slot, out.plan, out.writer);
  }

  /** The output of the kind named by `buf[s, e)`, or undefined for an unknown kind. */
  private outputFor(buf: Buffer, s: number, e: number): KindOutput | undefined {
    // the kinds this file has met so far, compared as bytes: no string is made for a known kind
    const known = this.known;
    for (let i = 0; i < known.length; i++) {
      if (sameKey(buf, s, e, known[i]!.name)) return known[i];
    }
    const kind = buf.toString("latin1", s, e);
    const plan = this.plans.get(kind);
    if (plan === undefined) return undefined;
    const { job } = this;
    mkdirSync(join(job.outDir, `kind=${kind}`), { recursive: true });
    const path = join(job.outDir, `kind=${kind}`, `${job.stem}.parquet`);
    const writer = new ParquetFileWriter(path, parquetSpecs(plan, job.runKey, job.sourceFile), job.rowGroupRows);
    const name = Buffer.from(kind, "latin1");
    const out: KindOutput = {
      plan,
      writer,
      name,
      order: new Int32Array(MAX_FIELDS).fill(-1),
      shape: undefined,
      slot: -1,
      attempts: 0,
    };
    this.outputs.set(kind, out);
    known.push(out);
    return out;
  }

  /** One line `buf[s, e)` (without its newline). */
  private line(buf: Buffer, s: number, e: number): void {
    const line = this.lines++;
    const n = scanLine(buf, s, e);
    if (n <= 0) return;
    let kindAt = -1;
    for (let f = 0; f < n; f++) {
      const o = f * FIELD_SLOTS;
      const k = fields[o]!;
      if ((fields[o + 5]! & FLAG_ESCAPED) !== 0) {
        // an escaped key: JSON.parse reads "ki\u006ed" as "kind", and refuses a bad escape
        const key = decodeEscaped(buf, k, fields[o + 1]!);
        if (key === undefined) return;
        if (key === "kind") kindAt = f;
      } else if (fields[o + 1]! - k === 4 && buf[k] === 107 && buf[k + 1] === 105 && buf[k + 2] === 110) {
        if (buf[k + 3] === 100) kindAt = f; // "kind"
      }
    }
    if (kindAt < 0) return;
    const ko = kindAt * FIELD_SLOTS;
    if (fields[ko + 4] !== ValueType.String || valueFlags(kindAt) !== 0) return;
    const out = this.outputFor(buf, fields[ko + 2]!, fields[ko + 3]!);
    if (out === undefined) return;
    // the kind's staged rows come before this one (the other kinds' files are not concerned)
    if (out.slot >= 0 && this.fast.stagedRows(out.slot) > 0) this.fast.flush(out.slot, out.plan, out.writer);
    const { slots, stamp } = this;
    const plan = out.plan;
    const ncols = plan.columns.length;
    const order = out.order;
    for (let f = 0; f < n; f++) {
      if (f === kindAt) continue;
      const o = f * FIELD_SLOTS;
      const ks = fields[o]!;
      const ke = fields[o + 1]!;
      let c = order[f]!;
      if (c < 0 || !sameKey(buf, ks, ke, plan.keys[c]!)) {
        const escaped = (fields[o + 5]! & FLAG_ESCAPED) !== 0;
        const name = escaped ? decodeEscaped(buf, ks, ke)! : buf.toString("latin1", ks, ke);
        c = plan.byField.get(name) ?? -1;
        order[f] = escaped ? -1 : c;
      }
      // what JSON.parse refuses and no column would check: a nested value that is not JSON, and the values of
      // fields the kind has no column for
      const type = fields[o + 4]!;
      if (type === ValueType.Nested && !isJson(buf, fields[o + 2]!, fields[o + 3]!)) return;
      if (c >= 0) {
        slots[c] = f;
        stamp[c] = line;
      } else if (!validValue(buf, type, fields[o + 5]! >> 2, fields[o + 2]!, fields[o + 3]!)) return;
    }
    // one pass: each value is checked then stored; a bad one undoes what this row stored, so a row is all or nothing
    const cols = out.writer.columns;
    const codes = plan.codes;
    const required = plan.required;
    let c = 0;
    for (; c < ncols; c++) {
      const target = cols[c + 3]!;
      if (stamp[c] !== line) {
        if (required[c] === 1) break;
        target.putNull();
        continue;
      }
      const o = slots[c]! * FIELD_SLOTS;
      if (
        !storeValue(
          target,
          codes[c]!,
          required[c]!,
          fields[o + 4]!,
          fields[o + 5]! >> 2,
          buf,
          fields[o + 2]!,
          fields[o + 3]!,
        )
      )
        break;
    }
    if (c < ncols) {
      for (let u = 0; u < c; u++) cols[u + 3]!.undoLast();
      return;
    }
    cols[0]!.putConstant();
    cols[1]!.putConstant();
    cols[2]!.putConstant();
    out.writer.endRow();
    if (out.slot >= 0) this.fast.setCapacity(out.slot, out.writer);
    else if (out.shape === undefined && out.attempts < SHAPE_ATTEMPTS) this.learn(out, buf, s, e, n, kindAt);
  }

  /** Learns the kind's shape from the line just stored, and gives it to the fast path. */
  private learn(out: KindOutput, buf: Buffer, s: number, e: number, n: number, kindAt: number): void {
    const shapes = this.shapes;
    out.shape = shapes.learn(buf, s, e, n, kindAt, out.plan);
    if (out.shape === undefined) {
      out.attempts++;
      return;
    }
    const envelope = { keys: shapes.envelope!, ends: shapes.envelopeMemberEnds };
    const slot = this.fast.addKind(out.name, out.shape, out.plan, envelope, out.writer);
    if (slot === undefined) return;
    out.slot = slot;
    this.bySlot[slot] = out;
  }
}

/**
 * Checks one member's value (its JSON type, range and flags, as json-line.ts gives them) against its column and
 * appends it to `target`; false when it does not fit the column, with nothing appended. The general path's rule; the
 * fast path (wasm/match-lines.as.ts) takes only values this rule would store as it does.
 */
function storeValue(
  target: ColumnBuffer,
  code: number,
  required: number,
  type: number,
  flags: number,
  buf: Buffer,
  vs: number,
  ve: number,
): boolean {
  if (type === ValueType.Null) {
    if (required === 1) return false;
    target.putNull();
    return true;
  }
  if (code === CODE_DOUBLE) {
    if (type !== ValueType.Number) return false;
    const v = decodeNumber(buf, vs, ve);
    if (v !== v) return false; // NaN: not a JSON number
    target.putDouble(v);
  } else if (code === CODE_VARCHAR) {
    if (type !== ValueType.String) return false;
    if (flags === 0) target.putBytes(buf, vs, ve);
    else if ((flags & FLAG_ESCAPED) !== 0) {
      const decoded = decodeEscaped(buf, vs, ve);
      if (decoded === undefined || !wellFormed(decoded)) return false;
      target.putString(decoded);
    } else if (isUtf8(buf.subarray(vs, ve))) target.putBytes(buf, vs, ve);
    else return false;
  } else if (code === CODE_BOOLEAN) {
    if (type !== ValueType.True && type !== ValueType.False) return false;
    target.putBool(type === ValueType.True);
  } else {
    // a list or object kept as its JSON text, as the schema says, in valid UTF-8
    if (type !== ValueType.Nested || buf[vs] !== (code === CODE_ARRAY ? 91 : 123)) return false;
    if (!isUtf8(buf.subarray(vs, ve))) return false;
    target.putBytes(buf, vs, ve);
  }
  return true;
}

function sameKey(b: Buffer, s: number, e: number, key: Buffer): boolean {
  const len = key.length;
  if (e - s !== len) return false;
  for (let i = 0; i < len; i++) if (b[s + i] !== key[i]) return false;
  return true;
}

/** Whether `buf[s, e)` is one JSON value (a nested member's text). */
function isJson(buf: Buffer, s: number, e: number): boolean {
  try {
    JSON.parse(buf.toString("utf8", s, e));
    return true;
  } catch {
    return false;
  }
}

/** Whether the value of a field no column keeps is one JSON.parse would take (its escapes, its number). */
function validValue(buf: Buffer, type: number, flags: number, s: number, e: number): boolean {
  if (type === ValueType.String) return (flags & FLAG_ESCAPED) === 0 || decodeEscaped(buf, s, e) !== undefined;
  if (type === ValueType.Number) return !Number.isNaN(decodeNumber(buf, s, e));
  return true;
}

/** No lone surrogate (from a `\ud800` escape), which has no UTF-8 form. */
const wellFormed = (s: string): boolean => !/[\ud800-\udfff]/u.test(s);
